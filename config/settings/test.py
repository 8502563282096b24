import os

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "tests-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Attachments in memory: a test reads what was stored, and nothing is left on disk.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# In memory: cache queries would blur the query-count guards; tests of the shared behaviour run on it as well.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not os.environ.get("PILOTE_DATABASE_URL"):
    DATABASES["default"]["NAME"] = ":memory:"
STATIC_ROOT = None  # whitenoise serves through the finders in tests; no collectstatic folder
# Tasks run at once in the test process (`deliver_notification` after the test's on_commit callbacks); one test
# enqueues on the database backend and runs the worker (tests/core/test_notifications.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
