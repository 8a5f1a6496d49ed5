"""Keel settings: every knob is an environment variable (see .env.example).

With nothing set, Keel runs on the embedded default: SQLite in the data folder, Celery in eager mode and
artifacts on local disk, so the demo works on a bare machine. Production sets DATABASE_URL (Postgres),
REDIS_URL/CELERY_BROKER_URL and DJANGO_SECRET_KEY.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import Env

env = Env()
BASE_DIR = Path(__file__).resolve().parent.parent

DATA_DIR = Path(env.string("KEEL_DATA_DIR", str(BASE_DIR / "data")) or "data").resolve()

DATABASE_URL = env.url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
EMBEDDED = DATABASE_URL is None

DEBUG = env.bool("DJANGO_DEBUG", False)


def _key(variable: str, file_name: str, min_length: int) -> str:
    """A secret from the environment; in the embedded default, one generated once and kept in the data folder."""
    key = env.string(variable)
    if key:
        if len(key) < min_length and not DEBUG and not EMBEDDED:
            raise ImproperlyConfigured(f"{variable}: must be at least {min_length} characters in production")
        return key
    if not EMBEDDED and not DEBUG:
        raise ImproperlyConfigured(f"{variable}: required when DATABASE_URL is set and DJANGO_DEBUG is off")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / file_name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _key("DJANGO_SECRET_KEY", "secret_key", 50)
# The HMAC key of the audit log's checkpoints (core/audit_checkpoints.py): kept out of the database.
AUDIT_SIGNING_KEY = _key("KEEL_AUDIT_SIGNING_KEY", "audit_signing_key", 32)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "axes",
    "core",
    "registry",
    "training",
    "serving",
    "monitoring",
    "interop",
    "declarative",
    "console",
]

MIDDLEWARE = [
    "core.middleware.OptionalSlashMiddleware",  # first: every layer sees the one spelling of an API path
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.TokenFailureLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.CSPMiddleware",  # django-csp's, with the header built once per process
    "core.middleware.AuditFallbackMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a login lockout into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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

DATABASES: dict[str, Any]
if EMBEDDED:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "keel.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
else:
    # Health checks cost a round trip per request; without them a connection found dead is reopened on the next
    # request (the failed one gets a 503 with Retry-After; the prediction log write retries once by itself).
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL or "",
            conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=env.bool("DATABASE_CONN_HEALTH_CHECKS", False),
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
            "DATABASE_CONNECT_TIMEOUT", 5, minimum=1
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Guessing limits: logins (django-axes) and failed API tokens (core/throttling.py) ----------------------------
# The client address is REMOTE_ADDR unless KEEL_CLIENT_IP_HEADER names the header the proxy in front sets (e.g.
# X-Forwarded-For, with KEEL_TRUSTED_PROXY_COUNT proxies appending to it, or X-Real-IP); without a proxy that sets
# it, a client could forge it, so it is never trusted by default.
KEEL_CLIENT_IP_HEADER = env.string("KEEL_CLIENT_IP_HEADER", "") or ""
if KEEL_CLIENT_IP_HEADER and not all(c.isalnum() or c == "-" for c in KEEL_CLIENT_IP_HEADER):
    raise ImproperlyConfigured("KEEL_CLIENT_IP_HEADER: must be a header name such as X-Forwarded-For")
KEEL_TRUSTED_PROXY_COUNT = env.int("KEEL_TRUSTED_PROXY_COUNT", 1, minimum=1)
# Sign-in (/accounts/login/, /admin/login/): after this many failures an account, and separately an address, is
# locked for the cool-off (each further failure restarts it); the right password does not work meanwhile.
KEEL_LOGIN_FAILURE_LIMIT = env.int("KEEL_LOGIN_FAILURE_LIMIT", 10, minimum=1)
KEEL_LOGIN_COOLOFF_SECONDS = env.int("KEEL_LOGIN_COOLOFF_SECONDS", 900, minimum=1)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = KEEL_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=KEEL_LOGIN_COOLOFF_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: the account, and the address
AXES_CLIENT_IP_CALLABLE = "core.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "core.login.lockout_response"
# API tokens: failed token authentications allowed per client address per window (opened by its first failure);
# over the limit, every request from that address presenting a token gets 429 with Retry-After, right token or not.
KEEL_TOKEN_FAILURE_LIMIT = env.int("KEEL_TOKEN_FAILURE_LIMIT", 30, minimum=1)
KEEL_TOKEN_FAILURE_WINDOW_SECONDS = env.int("KEEL_TOKEN_FAILURE_WINDOW_SECONDS", 300, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.string("DJANGO_STATIC_ROOT", str(DATA_DIR / "static")) or "")
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_ROOT = BASE_DIR / "static" / "root"  # files served at the site root: /favicon.ico

# --- Redis: cache (shared rate limits, routing invalidation) and the Celery broker -------------------------
REDIS_URL = env.url("REDIS_URL", schemes=("redis", "rediss"))
CELERY_BROKER_URL = env.url("CELERY_BROKER_URL", schemes=("redis", "rediss", "memory"), default=REDIS_URL)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.string("KEEL_CACHE_PREFIX", "keel"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Artifacts: content-addressed blobs through Django's storage API ------------------------------------------
ARTIFACT_ROOT = Path(env.string("ARTIFACT_ROOT", str(DATA_DIR / "artifacts")) or "").resolve()
ARTIFACT_STORAGE_BACKEND = env.string("ARTIFACT_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    "artifacts": {
        "BACKEND": ARTIFACT_STORAGE_BACKEND,
        "OPTIONS": (
            {"location": str(ARTIFACT_ROOT)}
            if ARTIFACT_STORAGE_BACKEND == "django.core.files.storage.FileSystemStorage"
            else {}
        ),
    },
}
# S3-compatible artifact storage (django-storages): ARTIFACT_STORAGE_BACKEND=storages.backends.s3.S3Storage with a
# bucket; credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a workload role).
if ARTIFACT_STORAGE_BACKEND == "storages.backends.s3.S3Storage":
    if not env.string("AWS_STORAGE_BUCKET_NAME", ""):
        raise ImproperlyConfigured("AWS_STORAGE_BUCKET_NAME: required with the S3 artifact storage backend")
    STORAGES["artifacts"] = {
        "BACKEND": ARTIFACT_STORAGE_BACKEND,
        "OPTIONS": {
            "bucket_name": env.string("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.string("AWS_S3_ENDPOINT_URL", "") or None,  # MinIO, Ceph, R2, ...
            "region_name": env.string("AWS_S3_REGION_NAME", "") or None,
            "location": env.string("AWS_LOCATION", ""),  # key prefix inside the bucket
            "default_acl": None,
            "querystring_auth": True,
        },
    }
KEEL_MAX_UPLOAD_BYTES = env.int("KEEL_MAX_UPLOAD_BYTES", 512 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("KEEL_MAX_JSON_BYTES", 10 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
KEEL_MAX_JSON_DEPTH = env.int("KEEL_MAX_JSON_DEPTH", 64, minimum=2, maximum=500)  # 400 past it, on every prefix
KEEL_MAX_COLUMNS = env.int("KEEL_MAX_COLUMNS", 2000, minimum=1)  # a dataset file with more columns: 413
FILE_UPLOAD_TEMP_DIR = None

# --- REST API -------------------------------------------------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonThrottle",
        "core.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.rate("KEEL_THROTTLE_ANON", "60/min"),
        "user": env.rate("KEEL_THROTTLE_USER", "6000/min"),
        "predict": env.rate("KEEL_THROTTLE_PREDICT", "120000/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.negotiation.RememberingContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [  # DRF's defaults, with a JSON parser that refuses deep nesting with a 400
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "URL_FORMAT_OVERRIDE": None,  # `format` is an ordinary query parameter (e.g. model cards as markdown)
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SPECTACULAR_SETTINGS = {
    "TITLE": "Keel API",
    "DESCRIPTION": "Keel: datasets, experiments, training, model registry, serving and monitoring in one service.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "core.roles.Role",
        "MemberRoleEnum": "core.serializers.MEMBER_ROLE_CHOICES",
        "ColumnKindEnum": "registry.models.datasets.ColumnKind",
        "ColumnRoleEnum": "registry.models.datasets.ColumnRole",
        "RuleKindEnum": "registry.models.datasets.RuleKind",
        "ChannelKindEnum": "monitoring.models.ChannelKind",
        "VariantRoleEnum": "serving.models.VariantRole",
        "ComparisonOpEnum": [(">", ">"), (">=", ">="), ("<", "<"), ("<=", "<=")],
        "TaskTypeEnum": "core.models.TaskType",
    },
    "AUTHENTICATION_WHITELIST": ["core.auth.TokenAuthentication"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_problem_responses",
        "core.schema.prefer_json_request_bodies",
        "core.schema.name_free_form_responses",
        "config.schema_examples.add_request_examples",
    ],
}

# --- Celery -------------------------------------------------------------------------------------------------------
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.string("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", 600, minimum=1)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", 660, minimum=1)
KEEL_TRAINING_TIME_LIMIT = env.int("KEEL_TRAINING_TIME_LIMIT", 3600, minimum=10)
KEEL_TRAINING_LEASE_SECONDS = env.int("KEEL_TRAINING_LEASE_SECONDS", 60, minimum=2)
# Run the cross-validated search on an existing Dask cluster (tcp://host:8786; needs the "cluster" extra).
DASK_SCHEDULER_ADDRESS = env.url("DASK_SCHEDULER_ADDRESS", schemes=("tcp", "tls"), default="")

# --- Security (production defaults; the embedded default runs on plain http on loopback) -------------------------
_secure_default = not DEBUG and not EMBEDDED
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", _secure_default)
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", _secure_default)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", _secure_default)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", 31536000 if _secure_default else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", _secure_default)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", _secure_default)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env.bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and images from this origin only,
# no inline code. The ReDoc page adds a nonce for the <style> elements it injects and a blob: search worker
# (config/urls.py); docs/security.md explains the policy, tests/security/test_headers.py checks it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Keel -------------------------------------------------------------------------------------------------------
KEEL_PUBLIC_URL = env.string("KEEL_PUBLIC_URL", "http://127.0.0.1:8000")
KEEL_CODE_VERSION = env.string("KEEL_CODE_VERSION", "") or ""
KEEL_MODEL_CACHE_SIZE = env.int("KEEL_MODEL_CACHE_SIZE", 16, minimum=1)
KEEL_MODEL_CACHE_MB = env.int("KEEL_MODEL_CACHE_MB", 2048, minimum=16)
KEEL_MODEL_IDLE_SECONDS = env.int("KEEL_MODEL_IDLE_SECONDS", 3600, minimum=10)
KEEL_PREDICT_MAX_BATCH = env.int("KEEL_PREDICT_MAX_BATCH", 1000, minimum=1)
KEEL_TOKEN_LAST_USED_RESOLUTION = env.int("KEEL_TOKEN_LAST_USED_RESOLUTION", 60, minimum=0)
# Per-process caches (routing tables, token and membership lookups) re-read their shared-cache stamp at most this
# often; a change made in one process reaches every other within this time.
KEEL_STAMP_TTL = env.int("KEEL_STAMP_TTL_MS", 250, minimum=0, maximum=1000) / 1000
# Serve all-numeric pipelines through fitted steps on a float array (checked against the plain path at load).
KEEL_SERVING_FAST_PATH = env.bool("KEEL_SERVING_FAST_PATH", True)
# Benchmarks only (the cost of the audit log, measured side by side): predictions are NOT logged. A deploy check
# (manage.py check --deploy) fails while it is on.
KEEL_BENCH_SKIP_PREDICTION_LOG = env.bool("KEEL_BENCH_SKIP_PREDICTION_LOG", False)
# Prediction-log rows of concurrent requests share one INSERT and commit on a connection of each process's own
# (Postgres group commit; see serving/prediction_log.py). Off: each request inserts its own rows on Django's connection.
KEEL_PREDICTION_LOG_GROUP_COMMIT = env.bool("KEEL_PREDICTION_LOG_GROUP_COMMIT", True)
KEEL_PREDICTION_LOG_MAX_BATCH = env.int("KEEL_PREDICTION_LOG_MAX_BATCH", 512, minimum=1)
# The writer prepares its INSERTs server-side; turn off behind a transaction-pooling PgBouncer older than 1.21.
KEEL_PREDICTION_LOG_PREPARED = env.bool("KEEL_PREDICTION_LOG_PREPARED", True)
# PostgreSQL's synchronous_commit on the log writer's connection only (serving/prediction_log.py explains the trade).
KEEL_PREDICTION_LOG_SYNCHRONOUS_COMMIT = env.choice(
    "KEEL_PREDICTION_LOG_SYNCHRONOUS_COMMIT", ("on", "off", "local", "remote_write", "remote_apply"), "on"
)
KEEL_ACCESS_CACHE_SIZE = env.int("KEEL_ACCESS_CACHE_SIZE", 10000, minimum=0)
KEEL_WEBHOOK_ALLOWED_NETWORKS = env.list("KEEL_WEBHOOK_ALLOWED_NETWORKS", [])
KEEL_METRICS_TOKEN = env.string("KEEL_METRICS_TOKEN", "") or ""
KEEL_METRICS_ALLOWED_NETWORKS = env.list("KEEL_METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
# Prediction log at scale: time partitions (Postgres), retention defaults, per-minute rollups.
KEEL_PREDICTION_PARTITION = env.choice("KEEL_PREDICTION_PARTITION", ("day", "week", "month"), "day")
KEEL_PREDICTION_PARTITIONS_AHEAD_DAYS = env.int("KEEL_PREDICTION_PARTITIONS_AHEAD_DAYS", 7, minimum=1)
KEEL_PREDICTION_RETENTION_DAYS = env.int("KEEL_PREDICTION_RETENTION_DAYS", 30, minimum=1)
KEEL_ROLLUP_RETENTION_DAYS = env.int("KEEL_ROLLUP_RETENTION_DAYS", 400, minimum=1)
KEEL_ROLLUP_LAG_SECONDS = env.int("KEEL_ROLLUP_LAG_SECONDS", 60, minimum=0)
KEEL_ROLLUP_MAX_MINUTES = env.int("KEEL_ROLLUP_MAX_MINUTES", 120, minimum=1)
# The drift schedule of a deployment without a stored drift config (one with a reference profile): a report every
# KEEL_DRIFT_CADENCE_MINUTES over the last KEEL_DRIFT_WINDOW_MINUTES.
KEEL_DRIFT_CADENCE_MINUTES = env.int("KEEL_DRIFT_CADENCE_MINUTES", 5, minimum=1, maximum=7 * 24 * 60)
KEEL_DRIFT_WINDOW_MINUTES = env.int("KEEL_DRIFT_WINDOW_MINUTES", 60, minimum=1, maximum=7 * 24 * 60)

# Readiness checklist: the newest verified backup must be at most this old; the client library it looks for.
KEEL_BACKUP_MAX_AGE_HOURS = env.int("KEEL_BACKUP_MAX_AGE_HOURS", 24, minimum=1)
KEEL_SDK_PACKAGE = env.string("KEEL_SDK_PACKAGE", "keel_client") or "keel_client"

LOG_LEVEL = env.choice("KEEL_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# MLflow clients (interop/mlflow): the project MLflow calls land in when no X-Keel-Project header is sent
# (empty: the token's default project, a service account's project, else the caller's first membership).
KEEL_MLFLOW_DEFAULT_PROJECT = env.string("KEEL_MLFLOW_DEFAULT_PROJECT", "") or ""
