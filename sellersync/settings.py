"""Django settings, driven by the environment.

DATABASE_URL   default: SQLite in var/sellersync.sqlite3 (WAL, IMMEDIATE transactions)
REDIS_URL      when set: Huey's queue and the SP-API rate-limit buckets live in Redis
SECRET_KEY     default: a random key generated once into var/secret_key (mode 0600)
SELLERSYNC_FERNET_KEYS  Fernet keys, comma-separated, the first encrypts, all decrypt (see rotate_keys)
SELLERSYNC_FERNET_KEY_FILE  without SELLERSYNC_FERNET_KEYS: a key file outside the data folder, one key a line
               (default ~/.config/sellersync/fernet_keys, created 0600 on first use; see sellersync/keys.py)
DEBUG          "1" for development
Production: DJANGO_SETTINGS_MODULE=sellersync.settings_production (docs/production.md).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from sellersync import keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SELLERSYNC_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


#: "production" (set by sellersync.settings_production): every key and host given, HTTPS enforced, no DEBUG.
PROFILE = os.environ.get("SELLERSYNC_PROFILE", "development")
PRODUCTION = PROFILE == "production"

if PRODUCTION:
    SECRET_KEY = keys.required(os.environ, "SECRET_KEY")
    FERNET_KEYS = keys.fernet_keys(os.environ, VAR_DIR, create=False)
    DEBUG = False
    ALLOWED_HOSTS = keys.required(os.environ, "ALLOWED_HOSTS").split(",")
else:
    SECRET_KEY = (
        os.environ.get("SECRET_KEY")
        or keys.read_or_create(VAR_DIR / "secret_key", lambda: secrets.token_urlsafe(50)).strip()
    )
    FERNET_KEYS = keys.fernet_keys(os.environ, VAR_DIR)
    DEBUG = os.environ.get("DEBUG", "0") == "1"
    _hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    ALLOWED_HOSTS = [host for host in _hosts.split(",") if host]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "sellersync.core",
    "sellersync.sales",
    "sellersync.stock",
    "sellersync.accounting",
    "sellersync.amazon",
    "sellersync.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sellersync.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sellersync.urls"
WSGI_APPLICATION = "sellersync.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sellersync" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "sellersync.sqlite3"
DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{SQLITE_PATH}", conn_max_age=0),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "sellersync.core.backends.sqlite3"  # Django's, statements converted once
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            # A checkpoint every 10,000 WAL pages instead of 1,000: each checkpoint fsyncs; measured 341 ->
            # 381 orders/s (bench/ingest_worker.py, 4,000 orders). A larger page cache gained nothing.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=10000;"
            ),
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(VAR_DIR / "test.sqlite3")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese")), ("es", _("Spanish"))]
# The catalogues of sellersync (`make messages` updates them; the .mo files are committed, see CONTRIBUTING).
LOCALE_PATHS = [BASE_DIR / "sellersync" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve app static files straight from the packages, so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sellersync@localhost")

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "sellersync",
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "sellersync",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

# Production accounts talk to Amazon's fixed hosts only (sellersync/spapi/marketplaces.py). Sandbox accounts
# talk to the local SP-API sandbox at this URL, and only there (the demo sets it). Empty: no sandbox.
SPAPI_SANDBOX_URL = os.environ.get("SPAPI_SANDBOX_URL", "")
# "Link with Amazon": the application's id (Developer Central), the OAuth redirect URI registered with it
# (empty: built from the request), and version=beta on the consent page while the application is a draft.
SPAPI_APPLICATION_ID = os.environ.get("SPAPI_APPLICATION_ID", "")
# The application's LWA client id and secret (Developer Central, one pair per application): every account
# uses them, unless it has a pair of its own (a seller's private, self-authorised application).
SPAPI_LWA_CLIENT_ID = os.environ.get("SPAPI_LWA_CLIENT_ID", "")
SPAPI_LWA_CLIENT_SECRET = os.environ.get("SPAPI_LWA_CLIENT_SECRET", "")
SPAPI_REDIRECT_URL = os.environ.get("SPAPI_REDIRECT_URL", "")
SPAPI_APP_IS_DRAFT = os.environ.get("SPAPI_APP_IS_DRAFT", "0") == "1"
# Feed/report documents larger than this (compressed or not) are refused.
SPAPI_MAX_DOCUMENT_BYTES = int(os.environ.get("SPAPI_MAX_DOCUMENT_BYTES", str(256 * 1024 * 1024)))
# Runs Amazon's rate limits N times faster: only for the local sandbox started with the same scale.
SPAPI_TIME_SCALE = float(os.environ.get("SPAPI_TIME_SCALE", "1"))
# Seconds the SP-API client waits for an answer (a POST whose answer does not come is not resent blindly)
SPAPI_TIMEOUT = float(os.environ.get("SPAPI_TIMEOUT", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The Huey consumer logs through a handler of its own: don't print its lines twice.
    "loggers": {"huey": {"propagate": False}},
}

if PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (docs/production.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
