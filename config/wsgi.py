"""The WSGI application for gunicorn: production settings unless DJANGO_SETTINGS_MODULE says otherwise, so a server
started without configuration runs with DEBUG off and refuses to start without PILOTE_SECRET_KEY."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
