from .base import *  # noqa: F403
from .base import STORAGES, env_bool

DEBUG = env_bool("PILOTE_DEBUG", True)

if DEBUG:  # runserver serves the source files as they are edited, without collectstatic
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
