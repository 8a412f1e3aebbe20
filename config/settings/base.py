"""Settings shared by every environment; everything that varies comes from the environment.

DATABASE_URL and REDIS_URL name the servers. When they are unset, `scripts/services.py`
(used by `make run` and `make test`) starts an embedded PostgreSQL and Redis and sets them.
"""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env("DJANGO_DEBUG", "0") == "1"
# Tenants are routed by host name, so every retailer host must be allowed; ".localhost"
# covers alpha.localhost, beta.localhost and the platform host in development.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,.localhost,127.0.0.1")

DATABASE_URL = env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridline")
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")

# Connections are closed after each request by default: under ASGI, Django runs each request
# in a thread of a pool and persistent connections pile up per thread. Use a pooler (or set
# DATABASE_CONN_MAX_AGE) where connection set-up cost matters.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0"))
    )
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

# --- tenancy -------------------------------------------------------------------------
# The public schema holds the tenant registry, the platform operator's logins and the
# shared market data. Everything of a retailer's business lives in its own schema.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "market",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "accounts.users",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "accounts.users",
    "django.contrib.sessions",
    "django.contrib.admin",
    "oauth2_provider",
    "accounts",
    "tariffs",
    "metering",
    "billing",
    "insights",
    "cooperatives",
    "market.alerts",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Retailer"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# Set search_path once per tenant switch, not before every query.
TENANT_LIMIT_SET_CALLS = True

AUTH_USER_MODEL = "users.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:account"
LOGOUT_REDIRECT_URL = "portal:login"

MIDDLEWARE = [
    "tenants.middleware.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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

ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

# Cache keys carry the schema name (django-tenants' key function), so one Redis serves
# every retailer without one seeing another's entries.
CACHES = {
    "default": {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("GRIDLINE_CACHE_PREFIX", "gridline"),
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [REDIS_URL],
            "prefix": env("GRIDLINE_CHANNELS_PREFIX", "gridline:asgi"),
        },
    }
}
# Live market prices go to many browsers per group: the pub/sub layer sends a tick once per
# server process, which hands it to its local consumers (docs/market.md). It shares the
# default layer's CONFIG dict on purpose, so per-run prefixes set on it apply here too.
# Customers on dynamic tariffs see their own price on the live page: the market app asks
# the tariffs app for their terms through these (market imports no tenant app).
MARKET_PERSONAL_PRICE_TERMS = "accounts.domain.my_price.spot_terms_for_user"
MARKET_PERSONAL_PRICE_MESSAGE = "accounts.domain.my_price.personal_price_message"
CHANNEL_LAYERS["market"] = {
    "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
    "CONFIG": CHANNEL_LAYERS["default"]["CONFIG"],
}

# --- Celery --------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)

# Named queues, so a long billing run never holds up an upload's ingest (or the hourly
# jobs): every task is routed to one of them by name below (a test checks that each task
# has a route). A worker started without -Q consumes every queue in CELERY_TASK_QUEUES;
# scale one kind of work with a worker of its own (`-Q <prefix>-billing`).
def celery_queues(prefix: str) -> dict[str, str]:
    """The queue names for `prefix`: the default queue is the prefix itself."""
    return {"default": prefix, "ingest": f"{prefix}-ingest", "billing": f"{prefix}-billing",
            "insights": f"{prefix}-insights"}


def celery_routes(queues: dict[str, str]) -> dict[str, dict]:
    kinds = {
        "metering.ingest_upload": "ingest",
        "metering.partitions_ensure_ahead": "default",
        "accounts.contracts_close_ended": "default",
        "accounts.customer_census": "default",
        "market_alerts.evaluate": "default",
        "billing.*": "billing",
        "insights.*": "insights",
        "cooperatives.*": "billing",
    }
    return {name: {"queue": queues[kind]} for name, kind in kinds.items()}


CELERY_QUEUE_NAMES = celery_queues(env("GRIDLINE_CELERY_QUEUE", "gridline"))
CELERY_TASK_DEFAULT_QUEUE = CELERY_QUEUE_NAMES["default"]
CELERY_TASK_QUEUES = {name: {"routing_key": name} for name in CELERY_QUEUE_NAMES.values()}
CELERY_TASK_ROUTES = celery_routes(CELERY_QUEUE_NAMES)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "tenant_schemas_celery.scheduler:TenantAwareScheduler"
WORKER_HEARTBEAT_SECONDS = 15
# Entries without "tenant_schemas" run once per retailer schema (the scheduler fans out);
# platform jobs would name the public schema in "tenant_schemas".
CELERY_BEAT_SCHEDULE = {
    "market-alerts-evaluate": {
        "task": "market_alerts.evaluate",
        "schedule": 60,
    },
    "contracts-close-ended": {
        "task": "accounts.contracts_close_ended",
        "schedule": 3600,
    },
    "metering-partitions-ahead": {
        "task": "metering.partitions_ensure_ahead",
        "schedule": 6 * 3600,
    },
}

# --- API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.PartnerAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gridline partner API",
    "DESCRIPTION": "Customers and contracts of one retail electricity company (the host's).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI's files come from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Partners authenticate with the OAuth2 client-credentials grant at /o/token/ on their
# retailer's host; tokens live in that retailer's schema.
OAUTH2_PROVIDER = {
    "SCOPES": {
        "customers:read": "Read customers, their premises and meter points",
        "contracts:read": "Read contracts",
        "contracts:write": "Create contracts",
        "readings:read": "Read meters' consumption (with the customer's consent)",
        "readings:write": "Send interval readings of meters",
    },
    "DEFAULT_SCOPES": ["customers:read", "contracts:read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    # Tokens checked from the cache, dropped from it when revoked (accounts/tokens.py).
    "OAUTH2_VALIDATOR_CLASS": "accounts.tokens.CachedTokenValidator",
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (meter data for the ingest worker, under uploads/<schema>/). The worker
# reads them through the same storage: on several hosts, point it at shared storage.
MEDIA_ROOT = env("GRIDLINE_MEDIA_ROOT", str(BASE_DIR / ".data" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Development and tests serve static files straight from the finders; production collects
# them into STATIC_ROOT (see production.py).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# bench/consumption_api.py's floor: a view answering a body of a given size without auth or
# database, on the same server and host routing (config/ops/bench_floor.py). Never in
# production (production.py turns it off whatever the environment says).
GRIDLINE_BENCH_FLOOR = env("GRIDLINE_BENCH_FLOOR", "0") == "1"

# Demo data: the domain suffix for retailer hosts ("alpha" + ".localhost").
GRIDLINE_HOST_SUFFIX = env("GRIDLINE_HOST_SUFFIX", "localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("GRIDLINE_LOG_LEVEL", "INFO")},
}
