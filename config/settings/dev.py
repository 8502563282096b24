import os

from .base import *  # noqa: F403
from .base import STORAGES, env_bool

DEBUG = env_bool("PILOTE_DEBUG", True)
# `make run` and runserver serve the source files through WhiteNoise's finders, without collectstatic, DEBUG or not
# (the real-data tests run it with DEBUG off); the hashed, compressed storage of base.py is production's.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# E-mails are written as files in var/mail/ (one per message) unless another backend is given.
EMAIL_BACKEND = os.environ.get("PILOTE_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
