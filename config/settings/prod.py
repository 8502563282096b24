"""Production: DEBUG off, a secret key required, HTTPS everywhere (HSTS, secure cookies, redirect to https).

Behind a proxy that terminates TLS, set PILOTE_SECURE_PROXY_SSL_HEADER (e.g. "HTTP_X_FORWARDED_PROTO,https") so
that Django knows which requests came in over https; the proxy must set that header itself and never pass on a
client's. `manage.py check --deploy` is clean under these settings (tests/core/test_prod_settings.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.environ.get("PILOTE_SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "PILOTE_SECRET_KEY must be set to a long random string (50 characters or more) in production, e.g. "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
DEBUG = env_bool("PILOTE_DEBUG", False)

SECURE_SSL_REDIRECT = env_bool("PILOTE_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]  # load balancers probe the servers over plain http
if os.environ.get("PILOTE_SECURE_PROXY_SSL_HEADER"):
    header, _, value = os.environ["PILOTE_SECURE_PROXY_SSL_HEADER"].partition(",")
    SECURE_PROXY_SSL_HEADER = (header.strip(), value.strip())
SECURE_HSTS_SECONDS = int(os.environ.get("PILOTE_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PILOTE_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("PILOTE_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("PILOTE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
