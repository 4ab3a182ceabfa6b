"""Django settings of ``consolidate serve``, read from the configuration (``config.py``).

Secure defaults: no debug pages, HttpOnly and SameSite session and CSRF cookies, a strong
password hasher (PBKDF2 with Django's iteration count; Argon2 when installed), security
headers (``middleware.SecurityHeaders`` adds a content security policy), uploads streamed
to disk with the size limit enforced while reading (``store.LimitedUploadHandler``).
Chinese is the language; English comes from the shared catalog (``consolidate/locale``).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..i18n import LOCALE_DIR
from .config import DATABASE_ENV, data_dir, secret_key

DATA_DIR = data_dir()
for _folder in (DATA_DIR, DATA_DIR / "tmp", DATA_DIR / "files"):
    _folder.mkdir(parents=True, exist_ok=True)
BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("CONSOLIDATE_ALLOWED_HOSTS", "*").split(",") if h]
# Behind a reverse proxy that terminates TLS (``serve --behind-proxy``: waitress believes its
# X-Forwarded-For/-Proto/-Host, server.ProxyHeaders): cookies only over HTTPS, and HSTS.
# The older CONSOLIDATE_BEHIND_HTTPS=1 means a proxy on this machine.
BEHIND_PROXY = os.environ.get("CONSOLIDATE_BEHIND_PROXY", "").split() or (
    ["127.0.0.1", "::1"] if os.environ.get("CONSOLIDATE_BEHIND_HTTPS") else [])
if BEHIND_PROXY:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("CONSOLIDATE_HSTS_SECONDS", str(365 * 24 * 3600)))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "consolidate.web.apps.WebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "consolidate.web.middleware.SecurityHeaders",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "consolidate.web.middleware.CsrfUnlessBearer",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked login into limits.login_locked's 429
]

ROOT_URLCONF = "consolidate.web.urls"
WSGI_APPLICATION = "consolidate.web.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]


def _database(url: str | None) -> dict[str, object]:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "consolidate.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            # each server thread keeps its connection: opening one (the pragmas, Django's SQL
            # functions) was ~2-3 ms of an upload's ~25 ms of processor time (benchmarks/web_load.py)
            "CONN_MAX_AGE": 600,
        }
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


DATABASES = {"default": _database(os.environ.get(DATABASE_ENV))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (limits.py): this many wrong passwords for one account from one client
# address lock that pair for the cool-off period; a right password resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("CONSOLIDATE_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("CONSOLIDATE_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the pause is the one announced, not extended by each try
AXES_LOCKOUT_CALLABLE = "consolidate.web.limits.login_locked"
AXES_CLIENT_IP_CALLABLE = "consolidate.web.limits.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (the count); successful logins are not logged again
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "office"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # a unit's link never leaks to another site (no-referrer makes browsers send Origin: null, which CSRF refuses)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [str(LOCALE_DIR)]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("CONSOLIDATE_TIME_ZONE", "Asia/Shanghai")

# The address units reach this site at, written into their links (links.public_base);
# without it, the address the office's browser used.
BASE_URL = os.environ.get("CONSOLIDATE_BASE_URL", "").strip()

# E-mail to units (reminders, return notices: ``mail.py``), through Django's mail backend:
# an SMTP server when CONSOLIDATE_SMTP_HOST is set (or another backend, e.g. the tests' locmem).
EMAIL_HOST = os.environ.get("CONSOLIDATE_SMTP_HOST", "").strip()
EMAIL_PORT = int(os.environ.get("CONSOLIDATE_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("CONSOLIDATE_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CONSOLIDATE_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("CONSOLIDATE_SMTP_TLS", "") in ("1", "true", "yes")
EMAIL_USE_SSL = os.environ.get("CONSOLIDATE_SMTP_SSL", "") in ("1", "true", "yes")
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = os.environ.get("CONSOLIDATE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("CONSOLIDATE_MAIL_FROM", "") or (EMAIL_HOST_USER or "consolidate@localhost")
MAIL_ENABLED = bool(EMAIL_HOST) or not EMAIL_BACKEND.endswith(".smtp.EmailBackend")

# Django's admin site: off unless asked for (the office's pages manage accounts and rounds).
ADMIN_ENABLED = os.environ.get("CONSOLIDATE_ADMIN", "") in ("1", "true", "yes")

STATIC_URL = "/static/"
STATIC_ROOT = str(DATA_DIR / "static")

# Uploads: streamed to the store while reading, refused past the limit (store.py).
UPLOAD_LIMIT = int(os.environ.get("CONSOLIDATE_UPLOAD_LIMIT", str(20 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = ["consolidate.web.store.LimitedUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # form fields other than the file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# The checks: queued in the database (Django's Tasks API, django-tasks-db), run by workers
# (``consolidate worker``, or the ones ``consolidate serve`` starts), each check in a process
# of its own given at most CHECK_TIMEOUT seconds and CHECK_MEMORY bytes of address space.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "checks"]}}
CHECK_TIMEOUT = float(os.environ.get("CONSOLIDATE_CHECK_TIMEOUT", "60"))
CHECK_MEMORY = int(float(os.environ.get("CONSOLIDATE_CHECK_MEMORY_MB", "1024")) * 1024 * 1024)
CHECK_WORKERS = int(os.environ.get("CONSOLIDATE_CHECK_WORKERS", "0")) or None
WAIT_SLOTS = int(os.environ.get("CONSOLIDATE_WAIT_SLOTS", "4"))  # ?wait= requests waiting at once; more: 202 at once
CHECK_POLL = float(os.environ.get("CONSOLIDATE_CHECK_POLL", "0.2"))  # seconds an idle worker waits to look again
# A worker holds the unit it checks for CHECK_LEASE seconds, renewed while it lives (``tasks``):
# the unit of a worker that died (on any machine) is checked again about this long after.
CHECK_LEASE = float(os.environ.get("CONSOLIDATE_CHECK_LEASE", "15"))
# How files are checked (a dotted path run in the check process, given a list of CheckJob):
# tests point it at a function that crashes, hangs or eats memory, to prove the rest survives.
CHECK_FUNCTION = os.environ.get("CONSOLIDATE_CHECK_FUNCTION", "consolidate.web.checking.check_files")
# The office's downloads (rollup.xlsx, the report) are built ahead by a task queued this many
# seconds after a batch of checks is decided or a review changes what is counted (one per round
# while it waits; after the checks already queued): the download is then the kept file. Negative: off.
PREPARE_DELAY = float(os.environ.get("CONSOLIDATE_PREPARE_DELAY", "5"))

# Guessing links: at most this many unknown links from one address per window.
LINK_GUESS_LIMIT = int(os.environ.get("CONSOLIDATE_LINK_GUESS_LIMIT", "20"))
LINK_GUESS_WINDOW = 600  # seconds

# One link's uploads in a window, and the bytes a round may keep (limits.py).
UPLOAD_RATE_WINDOW = int(os.environ.get("CONSOLIDATE_UPLOAD_RATE_WINDOW", "600"))  # seconds
UPLOAD_RATE_COUNT = int(os.environ.get("CONSOLIDATE_UPLOAD_RATE_COUNT", "12"))
UPLOAD_RATE_BYTES = int(float(os.environ.get("CONSOLIDATE_UPLOAD_RATE_MB", "60")) * 1024 * 1024)
# Connections one client address may hold at once (web/server.py; not a --behind-proxy proxy).
CONNECTIONS_PER_CLIENT = int(os.environ.get("CONSOLIDATE_CONNECTIONS_PER_CLIENT", "250"))
ROUND_QUOTA = int(float(os.environ.get("CONSOLIDATE_ROUND_QUOTA_MB", "2048")) * 1024 * 1024)
# The form's live check runs in the request (~50 ms of processor time): at most this many at
# once in a server process, one at a time per link, and this many a minute per link (limits.py).
LIVE_CHECKS_AT_ONCE = int(os.environ.get("CONSOLIDATE_LIVE_CHECKS_AT_ONCE", "2"))
LIVE_CHECK_RATE = int(os.environ.get("CONSOLIDATE_LIVE_CHECK_RATE", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"},
                "consolidate.web": {"handlers": ["console"], "level": "INFO"}},
}
