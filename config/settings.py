"""One settings module, driven by environment variables.

Check out, `make run`, and it works: with nothing set, the app runs on SQLite under var/
and on kombu's filesystem broker under var/ (both need no server). Production sets
DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY, DEBUG=false and
ALLOWED_HOSTS; a malformed value stops start-up with one line naming the variable.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

from config.env import (
    EnvError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_rate,
    env_str,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise EnvError("SECRET_KEY: must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "nested_admin",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "axes",
    "core",
    "ops",
    "surveys",
    "invitations",
    "responses",
    "analytics",
    "results",
    "builder",
    "webhooks",
]

MIDDLEWARE = [
    # First: drops X-Forwarded-Proto unless a trusted proxy sent it, before anything reads it.
    "core.middleware.TrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A database that cannot be reached gets 503 + Retry-After, not a 500 (core/unavailable.py).
    "core.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

_database_url = env_str("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url("DATABASE_URL", _database_url)
    if _database_url
    else sqlite_database(str(VAR_DIR / "db.sqlite3"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The answers' covering index (responses.Answer) is covering on PostgreSQL; on SQLite it
# is a plain index on its key columns, which is what the embedded default needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Results viewers need not be staff: they sign in here, not through the admin's login.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# The reverse proxies in front of gunicorn (addresses or CIDR ranges, or `unix` for a
# unix-socket peer). Only from these is X-Forwarded-For read for the client address
# (core/clients.py) and X-Forwarded-Proto honoured (core/middleware.py).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", keywords=("unix",))

# Sign-in throttling (django-axes, on every login form: /accounts/login/ and the admin's).
# After LOGIN_FAILURE_LIMIT failures within the cool-off, a client is locked out, for one
# username and for all of them, until LOGIN_COOLOFF_MINUTES pass without another attempt;
# the right password is refused meanwhile. Per username across all clients there is no
# lockout (anyone could lock a viewer out), only a delay (core/login_throttle.py).
# AxesBackend (axes' check, plus ModelBackend's get_user and permissions) comes first: the
# session of force_login (tests, tools) names the first backend, which must load users.
# Our own page: Django's carries an inline <style> that the Content-Security-Policy blocks.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "core.login_throttle.UsernameSlowdownBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "core.clients.client_ip"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
_login_cooloff_minutes = env_int("LOGIN_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=_login_cooloff_minutes)
AXES_LOCKOUT_CALLABLE = "core.login_throttle.lockout_response"
# A success resets nothing: it would also clear the per-client count, so an attacker with
# one account of their own could sign in between guesses at others.
AXES_RESET_ON_SUCCESS = False
# Failed attempts only: no record of every successful sign-in with its address.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", 20)
LOGIN_SLOWDOWN_SECONDS = 1.0
for _name, _value in (
    ("LOGIN_FAILURE_LIMIT", AXES_FAILURE_LIMIT),
    ("LOGIN_COOLOFF_MINUTES", _login_cooloff_minutes),
    ("LOGIN_SLOWDOWN_AFTER", LOGIN_SLOWDOWN_AFTER),
):
    if _value < 1:
        raise EnvError(f"{_name}: expected a positive integer, got {_value}")

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "core.static_storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # Every refusal under /api/ in the one JSON envelope (see responses/api_errors.py).
    "EXCEPTION_HANDLER": "responses.api_errors.errors_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Survey intake API",
    "DESCRIPTION": "Submit responses and read survey definitions by code.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,  # the schema does not describe its own address
}

# Celery: JSON only; a task is acknowledged after it ran, and given back to the queue if
# its worker dies. The publish timeout is short because the respondent never waits on the
# broker: a failed enqueue is logged and the counting sweep picks the response up later.
#
# The fail-fast options apply to every broker, also when a test (or an operator) points
# the app at Redis after start-up: without `max_retries: 0` kombu retries a lost
# connection for `broker_connection_timeout` with sleeps of 2 s, inside the request.
_PUBLISH_FAIL_FAST = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 0,
}
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "broker" / "queue"
    _processed_dir = VAR_DIR / "broker" / "processed"
    _control_dir = VAR_DIR / "broker" / "control"
    for _dir in (_queue_dir, _processed_dir, _control_dir):
        _dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **_PUBLISH_FAIL_FAST,
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "store_processed": False,
        "control_folder": str(_control_dir),
    }
elif not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "filesystem://")):
    raise EnvError(f"CELERY_BROKER_URL: unsupported scheme in {CELERY_BROKER_URL!r}")
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = dict(_PUBLISH_FAIL_FAST)
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# The worker and beat, unlike a web request, wait for the broker for as long as it takes:
# they retry a lost connection forever (2 s, 4 s, 6 s ... up to 30 s apart) instead of
# giving up after 100 attempts (about 45 minutes) and exiting. The web side stays fail-fast: its
# publish uses `max_retries: 0` above, which this setting does not touch.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# On a lost connection a running late-ack task can no longer be acknowledged and is
# delivered again: stop it instead of letting it run on beside its second delivery (the
# count tasks are idempotent either way; this is Celery 6's default).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Connections are kept between tasks and closed by age or error (config/celery.py).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat publishes on one long-lived connection. After a broker outage that connection is
# dead, and with publish retries off (as for the web side) beat kept failing on it for
# ever on RabbitMQ ("Server unexpectedly closed connection" at every tick; Redis clients
# reconnect by themselves): the sweep never ran again. One retry makes kombu reconnect
# and send again; while the broker is still down the tick fails at once, and the next
# tick tries again.
_BEAT_PUBLISH = {
    "retry": True,
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 1, "interval_max": 1},
}
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "ops.heartbeat", "schedule": 30.0, "args": ["worker"], "options": _BEAT_PUBLISH},
    "sweep-uncounted": {
        "task": "analytics.sweep_uncounted", "schedule": env_int("SWEEP_SECONDS", 15), "options": _BEAT_PUBLISH,
    },
    "reconcile-all": {
        "task": "analytics.reconcile_all", "schedule": env_int("RECONCILE_SECONDS", 3600), "options": _BEAT_PUBLISH,
    },
    # Webhook deliveries whose task was lost (broker down at the commit): sent late, never lost.
    "sweep-webhooks": {
        "task": "webhooks.sweep", "schedule": env_int("WEBHOOK_SWEEP_SECONDS", 30), "options": _BEAT_PUBLISH,
    },
    # Speeders are judged against the median duration, which moves as completes arrive.
    "update-speeders": {
        "task": "responses.update_speeders", "schedule": env_int("SPEEDER_SECONDS", 600), "options": _BEAT_PUBLISH,
    },
}

# Webhooks (webhooks/): sent by workers only, never in a request. A receiver gets this long
# to answer; a failed delivery is tried again after 1, 2, 4, ... times the back-off, up to
# the maximum of attempts, then kept as failed (replayable from the admin). Targets on
# private, loopback or link-local addresses are refused unless WEBHOOKS_ALLOW_PRIVATE.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_QUEUE = env_str("WEBHOOK_QUEUE", "celery")
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)

# The cache holds rate-limit counters. Production points REDIS_URL at Redis so that all
# web processes share them; the embedded default keeps them per process.
_redis_url = env_str("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "core.cache.RedisCache",  # Django's, one Redis client per pool (core/cache.py)
        "LOCATION": _redis_url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if _redis_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# A count task starts this long after a submission asks for it (responses/counting_request.py):
# part of the freshness budget, and what lets one task count a burst of submissions.
COUNT_DELAY_SECONDS = 0.4
SUBMIT_RATE_LIMIT = env_rate("SUBMIT_RATE_LIMIT", "60/m")
STORE_IP_ADDRESS = env_bool("STORE_IP_ADDRESS", False)
MIN_BASE_FOR_PERCENT = env_int("MIN_BASE_FOR_PERCENT", 5)
# An SPSS or Stata file is written from one in-memory frame (pyreadstat has no append), about
# 32 bytes a cell at peak: a larger export (responses x variables) is refused with a message,
# so that a worker's memory stays bounded (~400 MiB by default). CSV and XLSX stream.
STAT_FILE_MAX_CELLS = env_int("STAT_FILE_MAX_CELLS", 12_000_000)

# E-mail (invitations and reminders): printed to the console while DEBUG is on; production
# sets the SMTP backend and its server. SITE_URL is the base of the links in e-mails (empty:
# the address the admin used when sending).
# With DEBUG off there is no default: the console backend would print every invitation
# link, token included, into the worker's log. Set explicitly, any backend is taken.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if DEBUG else "")
if not EMAIL_BACKEND:
    raise EnvError(
        "EMAIL_BACKEND: must be set when DEBUG is off (e.g. django.core.mail.backends.smtp.EmailBackend); "
        "the console backend would print invitation links into the log"
    )
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise EnvError("EMAIL_USE_TLS, EMAIL_USE_SSL: set at most one of them")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "surveys@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_str("SITE_URL", "").rstrip("/")

# Content-Security-Policy on every page (django-csp; Django's own arrives only in 6.0).
# Scripts, styles, fonts and fetches come only from this site: no inline <script>, no
# style attributes, no eval (templates carry data in data-* attributes read by static/js).
# img-src allows data: for Bootstrap's form-control icons. No page is framed:
# frame-ancestors agrees with X_FRAME_OPTIONS (Django's default, DENY), except test mode
# and the structure preview, which the builder's preview frames (core/framing.py: 'self').
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Personal invitation links are passwords: no log line may carry one.
    "filters": {"redact_invitation_tokens": {"()": "invitations.log_filters.RedactInvitationTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_invitation_tokens"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
