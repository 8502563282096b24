"""Settings shared by every environment. Everything that varies is read from the environment (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PILOTE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("PILOTE_SECRET_KEY", "dev-only-insecure-key-change-me")  # prod.py refuses this one
DEBUG = env_bool("PILOTE_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("PILOTE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "pilote.core",
    "pilote.geography",
    "pilote.territories",
    "pilote.plans",
    "pilote.targeting",
    "pilote.sites",
    "pilote.campaigns",
    "pilote.budget",
    "pilote.api",
    # The outer shell last: sign-in, « Mon espace », navigation, demo, bootstrap, bench (docs/architecture.md).
    "pilote.shell",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in of a locked-out person into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "pilote.shell.views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pilote" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("PILOTE_DATABASE_URL", f"sqlite:///{VAR_DIR / 'pilote.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":  # a fresh clone has no var/ yet
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers (the site) go on while an import writes; IMMEDIATE avoids lock upgrades mid-transaction; a
    # writer waits up to `timeout` seconds for another's transaction (sqlite3's 5 s default made saves fail with
    # « database is locked » beside an import) — imports validate first, then write in one short transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# --- sign-in: Django accounts, and ProConnect (the State's OpenID Connect login) when switched on ------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses any sign-in while its person is locked out
    "django.contrib.auth.backends.ModelBackend",
    "pilote.shell.proconnect.ProConnectBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:espace"
LOGOUT_REDIRECT_URL = "core:login"

PROCONNECT_ENABLED = env_bool("PILOTE_PROCONNECT_ENABLED", False)
# The issuer gives ProConnect's endpoints (…/authorize, …/token, …/userinfo, …/jwks, …/session/end); each may be
# set on its own for another provider.
PROCONNECT_ISSUER = os.environ.get("PILOTE_PROCONNECT_ISSUER", "https://auth.agentconnect.gouv.fr/api/v2").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("PILOTE_PROCONNECT_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("PILOTE_PROCONNECT_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get(
    "PILOTE_PROCONNECT_AUTHORIZATION_ENDPOINT", f"{PROCONNECT_ISSUER}/authorize"
)
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("PILOTE_PROCONNECT_TOKEN_ENDPOINT", f"{PROCONNECT_ISSUER}/token")
OIDC_OP_USER_ENDPOINT = os.environ.get("PILOTE_PROCONNECT_USERINFO_ENDPOINT", f"{PROCONNECT_ISSUER}/userinfo")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("PILOTE_PROCONNECT_JWKS_ENDPOINT", f"{PROCONNECT_ISSUER}/jwks")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("PILOTE_PROCONNECT_LOGOUT_ENDPOINT", f"{PROCONNECT_ISSUER}/session/end")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("PILOTE_PROCONNECT_SCOPES", "openid email given_name usual_name")
# ProConnect requires the acr and a nonce; accounts are created by ANCT with their organisation and roles, never here.
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "eidas1"}
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # needed to end the ProConnect session on logout
OIDC_AUTHENTICATION_CALLBACK_URL = "core:proconnect_callback"
LOGIN_REDIRECT_URL_FAILURE = "core:login"
OIDC_TIMEOUT = 10

# Login throttling (django-axes), for the site's form and the admin alike: after AXES_FAILURE_LIMIT wrong passwords
# for one username from one address, sign-in is refused for AXES_COOLOFF_TIME (French page shell/lockout.html, 429);
# every attempt and lockout is kept in the database (admin « Axes »). `manage.py axes_reset` lifts every lockout.
AXES_FAILURE_LIMIT = int(os.environ.get("PILOTE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PILOTE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "shell/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Demo mode: `bootstrap` seeds demo organisations, accounts (password "demo") and campaign; the login page lists them.
DEMO_MODE = env_bool("PILOTE_DEMO", False)

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
NODE_MODULES_DIR = Path(os.environ.get("PILOTE_NODE_MODULES", BASE_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/leaflet", NODE_MODULES_DIR / "leaflet" / "dist"),
    ("vendor/dsfr-chart", NODE_MODULES_DIR / "@gouvfr" / "dsfr-chart" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES_DIR / "swagger-ui-dist"),
]
WHITENOISE_USE_FINDERS = True

# Where sign-in and sign-out forms may lead (the CSP's form-action below).
PROCONNECT_ORIGINS = sorted(
    {
        "{0.scheme}://{0.netloc}".format(urlsplit(url))
        for url in (OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_LOGOUT_ENDPOINT)
    }
    if PROCONNECT_ENABLED
    else ()
)
# Content-Security-Policy (django-csp): every script, style, image and font comes from this site (DSFR, Leaflet,
# DSFR charts and Swagger UI are served from node_modules); data: for the icons the DSFR inlines in its CSS. Form
# posts may go on to ProConnect (sign-in and sign-out redirect there).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *PROCONNECT_ORIGINS],
    }
}

# Reference data: a mirror folder is tried before each file's official URL (see data/manifest.toml).
DATA_MIRROR_DIR = os.environ.get("PILOTE_DATA_MIRROR", "")
DATA_CACHE_DIR = Path(os.environ.get("PILOTE_DATA_CACHE", VAR_DIR / "cache"))
# The edition (millésime) on which figures are computed when a request names none.
DEFAULT_EDITION = int(os.environ.get("PILOTE_DEFAULT_EDITION", "2026"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PILOTE_LOG_LEVEL", "INFO")},
}

# E-mail: every notification (pilote.core.notifications) is sent by a background task after its transaction commits.
# The backend and the SMTP server are read from the environment (.env.example); dev.py writes the messages as files
# in var/mail/, tests use Django's memory outbox.
EMAIL_BACKEND = os.environ.get("PILOTE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("PILOTE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PILOTE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PILOTE_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PILOTE_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PILOTE_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("PILOTE_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("PILOTE_EMAIL_TIMEOUT", "20"))
EMAIL_FILE_PATH = Path(os.environ.get("PILOTE_EMAIL_FILE_PATH", VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("PILOTE_DEFAULT_FROM_EMAIL", "Pilote TI <ne-pas-repondre@pilote-ti.invalid>")
# Absolute links in e-mails (they are written without a request, and read outside the site).
SITE_URL = os.environ.get("PILOTE_SITE_URL", "http://localhost:8000")

# Background tasks (Django's tasks framework through the django-tasks backport): queued in the database, so that every
# app server enqueues and every `manage.py db_worker` (started by `make run`) picks them up, on one PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# When the daily deadline reminders run (local time, Europe/Paris): pilote.campaigns.tasks re-enqueues itself.
REMINDERS_HOUR = int(os.environ.get("PILOTE_REMINDERS_HOUR", "7"))

# --- ops (issue 8): compressed static files, the shared cache, cached public pages ---------------------------------
# Attachments (pilote.core.attachments) go through the "default" storage: a local folder unless
# PILOTE_STORAGE=s3 names an S3-compatible object store (django-storages), shared by every app server.
MEDIA_ROOT = Path(os.environ.get("PILOTE_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served as is: downloads go through views that check who asks
FILE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if os.environ.get("PILOTE_STORAGE", "local") == "s3":
    FILE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["PILOTE_S3_BUCKET"],
            "endpoint_url": os.environ.get("PILOTE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PILOTE_S3_REGION") or None,
            "access_key": os.environ.get("PILOTE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("PILOTE_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": FILE_STORAGE,
    # Hashed names served with a year of browser cache, each file with its .br and .gz beside it: `collectstatic`
    # must run before the site is served (dev.py, for runserver, keeps the plain storage).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Shared by every gunicorn worker and every machine; `migrate` creates its table whatever the settings it runs
# under (pilote.core.apps), so a database migrated by the tests still serves `make run`.
CACHE_TABLE = "pilote_cache"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}
# Apps whose tables the public pages and the read API show: a committed write to one of them renews every cached
# public page (pilote.core.pagecache).
PUBLIC_DATA_APPS = ["geography", "territories", "budget", "targeting", "sites"]
