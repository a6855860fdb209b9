"""Lumbung settings: one file, driven by environment variables.

LUMBUNG_ENV picks the mode:
- ``demo`` (default): SQLite under var/, tasks in-process, local-memory cache, bound to localhost.
  A secret key is generated once into var/secret_key. Safe because it only listens on 127.0.0.1.
- ``test``: like demo, with fast password hashing and the outbox delivered synchronously.
- ``production``: refuses to start without a strong SECRET_KEY and explicit ALLOWED_HOSTS;
  ``manage.py check --deploy`` is clean.

Other variables: DATABASE_URL (PostgreSQL via psycopg 3), REDIS_URL (cache, Celery broker),
DEBUG, ALLOWED_HOSTS (comma separated), and the LUMBUNG_* provider settings below.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("LUMBUNG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


LUMBUNG_ENV = os.environ.get("LUMBUNG_ENV") or ("test" if "pytest" in sys.modules else "demo")
if LUMBUNG_ENV not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("LUMBUNG_ENV must be production, demo or test")
PRODUCTION = LUMBUNG_ENV == "production"
TESTING = LUMBUNG_ENV == "test"

DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if PRODUCTION:
        weak = len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure")
        if weak:
            raise ImproperlyConfigured(
                "Production needs a strong SECRET_KEY (50+ random characters), e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
            )
        return key
    if key:
        return key
    if TESTING:
        return "test-only-" + "x" * 50
    # Demo: generate once and keep it beside the database, so sessions survive a restart.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "lumbung.core",
    "lumbung.regions",
    "lumbung.notify",
    "lumbung.accounts",
    "lumbung.ledger",
    "lumbung.catalog",
    "lumbung.quality",
    "lumbung.payments",
    "lumbung.logistics",
    "lumbung.orders",
    "lumbung.centers",
    "lumbung.export",
    "lumbung.aftersales",
    "lumbung.web",
    "lumbung.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lumbung.web.middleware.TimezoneMiddleware",
    "lumbung.web.middleware.AdminStaffOnlyMiddleware",
    "lumbung.web.middleware.DomainErrorPageMiddleware",
]

ROOT_URLCONF = "lumbung.urls"
WSGI_APPLICATION = "lumbung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lumbung.web.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    DATABASES["default"].setdefault("TEST", {})
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Web requests want their first 25 rows, not a whole scan: a parallel plan for "newest
        # matches of a word" read 120k rows across workers where one backend stops after 3k
        # (135 ms vs 3 ms at 1M products). Reports may raise it (DATABASE_PARALLEL_WORKERS).
        workers = int(os.environ.get("DATABASE_PARALLEL_WORKERS", "0"))
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c max_parallel_workers_per_gather={workers}"
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("LUMBUNG_SQLITE_PATH", str(VAR_DIR / "lumbung.sqlite3")),
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of deadlocking.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
    # Tests use a real file, not Django's shared in-memory database: the live server's threads then
    # get their own connections and queue on SQLite's write lock exactly as gunicorn workers do.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"lumbung-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DB_VENDOR = "postgresql" if DATABASE_URL.startswith(("postgres", "postgresql")) else "sqlite"

# --- Cache, tasks ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lumbung"}}

# Celery: a broker in production; in-process (eager) when none is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Nothing is ever sent; an in-memory transport keeps kombu from guessing amqp://localhost.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["lumbung.accounts.backends.LumbungBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# One-time codes (ASVS V2.2.1 / V2.7): 6 digits, 10 minutes, hashed, void after 5 wrong entries.
OTP_LENGTH = 6
OTP_TTL_SECONDS = 600
OTP_MAX_ATTEMPTS = 5
OTP_MAX_PER_HOUR = 5
OTP_MAX_FAILED_PER_ACCOUNT_HOUR = 100

# --- Internationalisation --------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
LANGUAGE_COOKIE_NAME = "lumbung_lang"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # whitenoise warns about a missing root; the demo serves through finders until collectstatic runs.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("LUMBUNG_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Certificates and other private documents: served only through permission-checked views.
LUMBUNG_PRIVATE_MEDIA_ROOT = os.environ.get("LUMBUNG_PRIVATE_MEDIA_ROOT", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security ---------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Outside providers (adapters reach them only through these base URLs) ----------------------------
# Outbox channel: "console" (readable in the admin, the demo default) or "sms" (the SMS gateway adapter).
LUMBUNG_SMS_CHANNEL = os.environ.get("LUMBUNG_SMS_CHANNEL", "console")
LUMBUNG_SMS_BASE_URL = os.environ.get("LUMBUNG_SMS_BASE_URL", "http://127.0.0.1:8701")
LUMBUNG_SMS_API_KEY = os.environ.get("LUMBUNG_SMS_API_KEY", "sandbox-sms-key")
LUMBUNG_SMS_SENDER = os.environ.get("LUMBUNG_SMS_SENDER", "LUMBUNG")
# Shared secret the SMS gateway uses to sign inbound messages and delivery reports.
LUMBUNG_SMS_WEBHOOK_SECRET = os.environ.get("LUMBUNG_SMS_WEBHOOK_SECRET", "sandbox-sms-webhook-secret")
LUMBUNG_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("LUMBUNG_OUTBOX_MAX_ATTEMPTS", "8"))
LUMBUNG_OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("LUMBUNG_OUTBOX_RETRY_BASE_SECONDS", "30"))
LUMBUNG_OUTBOX_RETRY_CAP_SECONDS = int(os.environ.get("LUMBUNG_OUTBOX_RETRY_CAP_SECONDS", "3600"))
LUMBUNG_OUTBOX_REQUEUE_GRACE_SECONDS = int(os.environ.get("LUMBUNG_OUTBOX_REQUEUE_GRACE_SECONDS", "60"))
# Where the SMS gateway posts delivery reports (our public /notify/sms/reports URL).
LUMBUNG_SMS_NOTIFY_URL = os.environ.get("LUMBUNG_SMS_NOTIFY_URL", "")
LUMBUNG_EMAIL_CHANNEL = os.environ.get("LUMBUNG_EMAIL_CHANNEL", "console")
LUMBUNG_WHATSAPP_CHANNEL = os.environ.get("LUMBUNG_WHATSAPP_CHANNEL", "console")
# The demo shows console-route messages (one-time codes!) at /notify/outbox/. Never in production.
LUMBUNG_DEMO_OUTBOX_PAGE = not PRODUCTION and env_bool("LUMBUNG_DEMO_OUTBOX_PAGE", True)

LUMBUNG_SITE_NAME = "Lumbung"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    # Eager tasks in the demo would log every outbox delivery twice; the console route logs once.
    "loggers": {"celery": {"level": "WARNING"}},
}

# --- Payments -------------------------------------------------------------------------------------
# Midtrans Core API v2 (https://api.midtrans.com in production, https://api.sandbox.midtrans.com for
# Midtrans' own sandbox); the default is `lumbung sandbox gateway --port 8702`. The server key is
# both the Basic-auth user and the secret in every notification's signature_key.
LUMBUNG_MIDTRANS_BASE_URL = os.environ.get("LUMBUNG_MIDTRANS_BASE_URL", "http://127.0.0.1:8702")
LUMBUNG_MIDTRANS_SERVER_KEY = os.environ.get(
    "LUMBUNG_MIDTRANS_SERVER_KEY", "" if PRODUCTION else "SB-Mid-server-lumbung-sandbox"
)
# Sent as X-Override-Notification on each charge when set; blank uses the Midtrans dashboard setting.
LUMBUNG_MIDTRANS_NOTIFICATION_URL = os.environ.get("LUMBUNG_MIDTRANS_NOTIFICATION_URL", "")
LUMBUNG_MIDTRANS_TIMEOUT_SECONDS = float(os.environ.get("LUMBUNG_MIDTRANS_TIMEOUT_SECONDS", "15"))
# The platform's static QRIS (EMVCo MPM, tag 01 = 11). The demo value is syntactically valid with a
# correct CRC but pays nobody: production sets the acquirer's payload.
LUMBUNG_QRIS_MERCHANT_PAYLOAD = os.environ.get(
    "LUMBUNG_QRIS_MERCHANT_PAYLOAD",
    ""
    if PRODUCTION
    else (
        "00020101021126680015ID.LUMBUNG.DEMO01189360009900000000010216LMBDEMO0000000010303UMI"
        "51440014ID.CO.QRIS.WWW0215ID10240000000010303UMI5204549953033605802ID5912LUMBUNG DEMO"
        "6013JAKARTA PUSAT61051011062130709LUMBUNG01630487CF"
    ),
)
# How long a payment waits: bank transfer / e-wallet / QRIS at the gateway, static QRIS, cash at a centre.
LUMBUNG_PAYMENT_EXPIRY_MINUTES = {
    "gateway": int(os.environ.get("LUMBUNG_PAYMENT_GATEWAY_EXPIRY_MINUTES", str(24 * 60))),
    "qris": int(os.environ.get("LUMBUNG_PAYMENT_QRIS_EXPIRY_MINUTES", "60")),
    "cash": int(os.environ.get("LUMBUNG_PAYMENT_CASH_EXPIRY_MINUTES", str(48 * 60))),
}
# A pending gateway payment this old is asked about (GET status) in case its notification was lost.
LUMBUNG_PAYMENT_RECHECK_AFTER_MINUTES = int(os.environ.get("LUMBUNG_PAYMENT_RECHECK_AFTER_MINUTES", "15"))
# Received gateway notifications are kept at least this long (dedupe by provider event id).
LUMBUNG_PAYMENT_WEBHOOK_RETENTION_DAYS = int(os.environ.get("LUMBUNG_PAYMENT_WEBHOOK_RETENTION_DAYS", "35"))

# --- Orders -----------------------------------------------------------------------------------------
# Unpaid orders hold their stock this long; a seller must accept a paid order within the hours below
# (else it is cancelled and refunded); a delivered order completes (escrow released) after the days.
LUMBUNG_RESERVATION_MINUTES = int(os.environ.get("LUMBUNG_RESERVATION_MINUTES", "30"))
LUMBUNG_ORDER_ACCEPT_HOURS = int(os.environ.get("LUMBUNG_ORDER_ACCEPT_HOURS", "48"))
LUMBUNG_ORDER_COMPLETE_DAYS = int(os.environ.get("LUMBUNG_ORDER_COMPLETE_DAYS", "7"))
