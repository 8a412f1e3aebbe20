"""Settings shared by every environment; everything that varies comes from the environment.

DATABASE_URL and REDIS_URL name the servers. When they are unset, `scripts/services.py`
(used by `make run` and `make test`) starts an embedded PostgreSQL and Redis and sets them.
"""
import os
from datetime import timedelta
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
    "axes",
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
    "axes",
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
    "api_compat",
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
    # /healthz answers on any host (load balancers probe by address), before routing.
    "config.ops.middleware.HealthCheckMiddleware",
    "tenants.middleware.CachedTenantMiddleware",
    # Request id, HTTP metrics by route template, errors counted per retailer.
    "config.ops.observe.ObserveRequests",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.RejectNulBytes",
    # Last, as django-axes asks: turns its lockout into our 429 response.
    "axes.middleware.AxesMiddleware",
]

# --- Content-Security-Policy (django-csp) ---------------------------------------------
# Scripts only from our own origin (no inline script, no CDN: pages load their JS from
# static files; Swagger UI's start-up script is served as a file too). Inline styles are
# still allowed: portal templates size chart bars with style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", "ws:", "wss:"],  # live prices over WebSockets
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- login throttling (django-axes) ------------------------------------------------------
# Portal, staff admin and operator admin logins, and partners' client secrets at /o/token/
# (accounts/oauth_views.py): after AXES_FAILURE_LIMIT failures for one username (or client
# id) from one IP address, that pair is locked out for AXES_COOLOFF_TIME, even with the
# right password; 429 with Retry-After (config/lockout.py). Attempts are stored in the
# schema of the host they were made on (staff see them in the admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("GRIDLINE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("GRIDLINE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_VERBOSE = False

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
                "config.portal.portal_shell",
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
MARKET_PERSONAL_PRICE_MESSAGE = "tariffs.domain.spot_outlook.price_outlook_message"
# The tariffs page prices the customer's recent readings, which the metering app holds
# (tariffs and accounts do not import metering).
PORTAL_CONSUMPTION_PROFILE = "metering.domain.recent.customer_recent_profile"
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
    # Dunning steps and prepay charges; hourly, so a retailer's new day is seen within the
    # hour whatever its zone (both are idempotent: a step or a day is recorded once).
    "billing-daily": {
        "task": "billing.daily",
        "schedule": 3600,
    },
    # The nightly insights job; hourly, so each retailer's new day starts a run within the
    # hour whatever its zone (a day with a finished run gets no second one).
    "insights-nightly": {
        "task": "insights.nightly",
        "schedule": 3600,
    },
}

# --- API -----------------------------------------------------------------------------
# Request bodies (a batch of up to 50,000 readings is ~3.2 MB of JSON); larger ones get
# 413 request_too_large (config/api_errors.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.PartnerAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # What the API accepts, decided once (config/api_inputs.py, docs/api.md "Inputs").
    "DEFAULT_PARSER_CLASSES": ["core.api_inputs.SafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api_inputs.StrictPages",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.api_inputs.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.GridlineAutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    # Per partner client, and per IP for calls without a token (config/api_throttles.py).
    "DEFAULT_THROTTLE_CLASSES": ["config.api_throttles.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "client": env("GRIDLINE_API_RATE", "3000/minute"),
        "anon": env("GRIDLINE_API_ANON_RATE", "600/minute"),
    },
    "UNAUTHENTICATED_USER": None,
}
# The Octopus-compatible API (/v1/, api_compat/throttles.py): per customer key, and per IP
# address for the public product and rate calls.
GRIDLINE_COMPAT_API_RATES = {
    "key": env("GRIDLINE_COMPAT_API_RATE", "600/minute"),
    "anon": env("GRIDLINE_COMPAT_API_ANON_RATE", "600/minute"),
}
# demo_credentials adds what apps above accounts publish about the demo: key -> function
# of (slug, base_url), called in the retailer's schema.
DEMO_CREDENTIALS_EXTRAS = {"octopus_api": "api_compat.demo.octopus_api_credentials"}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gridline partner API",
    "DESCRIPTION": (
        "The partner API of one retail electricity company: the host's. Customers and "
        "their premises, contracts, products and their published rates, quotes for a load "
        "profile, meter readings in and consumption out (with the customer's consent), and "
        "wholesale market prices.\n\n"
        "**Authentication**: OAuth2 client credentials at `/o/token/` on the same host "
        "(use *Authorize* above); each endpoint names the scope it needs.\n\n"
        "**Errors**: every 4xx body is `{\"error\": code, \"detail\": message}`; "
        "validation errors add `fields`.\n\n"
        "**Limits**: request bodies up to 5 MiB; up to 50,000 readings per batch; "
        "pages of 50 (consumption: `page_size` up to 5,000); a rate limit per client "
        "(429 with Retry-After). Datetimes carry a UTC offset within ±14:59. "
        "Guide: docs/api.md in the repository."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI's files come from the drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # "Try it out" keeps the token across reloads of the docs page.
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
    # Choice sets named after what they are, not after the first field that used them.
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "accounts.models.CustomerKind",
        "HeatingTypeEnum": "accounts.models.HeatingType",
        "SettlementEnum": "accounts.models.Settlement",
        "PaymentEnum": "accounts.models.Payment",
        "ContractStatusEnum": "accounts.models.ContractStatus",
        "InstrumentKindEnum": "market.models.InstrumentKind",
        "DirectionEnum": "tariffs.models.Direction",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "config.api_schema.tighten_query_parameters"],
}
# Partners authenticate with the OAuth2 client-credentials grant at /o/token/ on their
# retailer's host; tokens live in that retailer's schema. Applications are registered by
# staff in the admin (no public registration page is mounted: config/urls_tenant.py).
# The toolkit's own model, named so that our models' migrations can depend on it.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": {
        "customers:read": "Read customers, their premises and meter points",
        "contracts:read": "Read contracts",
        "contracts:write": "Create contracts",
        "readings:read": "Read meters' consumption (with the customer's consent)",
        "readings:write": "Send interval readings of meters",
        "cooperatives:read": "Read cooperatives, generators' production and members' "
                             "allocations",
        "bills:read": "Read bills (with their lines and PDFs) and accounts' ledgers",
        "payments:write": "Record payments received for accounts",
        "insights:read": "Read customers' savings advice (with the customer's consent)",
    },
    "DEFAULT_SCOPES": ["customers:read", "contracts:read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    # Tokens checked from the cache, dropped from it when revoked (accounts/tokens.py);
    # only active partners' applications get one.
    "OAUTH2_VALIDATOR_CLASS": "accounts.tokens.PartnerValidator",
    # The client-credentials grant only (oauthlib's server for machine clients): no
    # password, authorization-code or implicit grant, no refresh tokens.
    "OAUTH2_SERVER_CLASS": "oauthlib.oauth2.BackendApplicationServer",
    # A token carries only scopes staff granted its application (accounts/scopes.py).
    "SCOPES_BACKEND_CLASS": "accounts.scopes.GrantedScopes",
    "APPLICATION_ADMIN_CLASS": "accounts.oauth_admin.PartnerApplicationAdmin",
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.package_static.PackageFileFinder",
]
# Front-end libraries come from Python packages that pyproject.toml installs: Plotly's
# JavaScript ships in the `plotly` wheel (the one charting library of every page).
PACKAGE_STATIC_FILES = {
    "vendor/plotly.min.js": ("plotly", "package_data/plotly.min.js"),
}
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

# A new retailer's first login, its administrator (tenants does not import accounts).
GRIDLINE_RETAILER_FIRST_USER = "accounts.domain.staff_roles.retailer_administrator_create"
# Community generation on members' bills (billing/domain/generation.py): billing calls the
# cooperatives app through this name only (cooperatives sit above billing).
BILLING_GENERATION_SOURCE = "cooperatives.services.billing_seam.SOURCE"
# Demo data of apps above accounts/metering (seed_demo, generate_demo_readings).
GRIDLINE_DEMO_SEED_EXTRAS = ["cooperatives.services.demo.cooperative_demo_seed"]
GRIDLINE_DEMO_READINGS_EXTRAS = ["cooperatives.services.demo.generator_readings_write"]
# Told after every ingest that stored readings (the generator dashboard's live output).
METERING_INGEST_LISTENERS = ["cooperatives.services.live.export_readings_published"]
# bench/consumption_api.py's floor: a view answering a body of a given size without auth or
# database, on the same server and host routing (config/ops/bench_floor.py). Never in
# production (production.py turns it off whatever the environment says).
GRIDLINE_BENCH_FLOOR = env("GRIDLINE_BENCH_FLOOR", "0") == "1"

# Demo data: the domain suffix for retailer hosts ("alpha" + ".localhost").
GRIDLINE_HOST_SUFFIX = env("GRIDLINE_HOST_SUFFIX", "localhost")

# --- operations: metrics, logs, the operator's view (docs/operations.md) ----------------
# /metrics on the platform host answers a scraper that sends this token as a Bearer token;
# unset, /metrics is off (404).
GRIDLINE_METRICS_TOKEN = env("GRIDLINE_METRICS_TOKEN", "")
# Every process (web, worker children, management commands) writes its counters here and
# the scrape adds them up (prometheus-client's multiprocess mode). `make run` empties it at
# start; in production point it at a folder the supervisor empties before starting them.
PROMETHEUS_MULTIPROC_DIR = env("PROMETHEUS_MULTIPROC_DIR", str(BASE_DIR / ".data" / "metrics"))


def metrics_dir_use(path: str) -> None:
    """prometheus-client chooses multiprocess mode from the environment when it is first
    imported: the settings export the folder before any app module loads."""
    os.makedirs(path, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path


metrics_dir_use(PROMETHEUS_MULTIPROC_DIR)
# The operator's view (config/ops/status.py): when a retailer's newest reading is this old
# it turns amber, then red. Meter data typically arrives once a day for the day before.
GRIDLINE_OPS_INGEST_LAG_AMBER = timedelta(hours=int(env("GRIDLINE_OPS_INGEST_LAG_AMBER_HOURS",
                                                        "36")))
GRIDLINE_OPS_INGEST_LAG_RED = timedelta(hours=int(env("GRIDLINE_OPS_INGEST_LAG_RED_HOURS", "72")))
GRIDLINE_OPS_QUEUE_AMBER = int(env("GRIDLINE_OPS_QUEUE_AMBER", "1000"))
GRIDLINE_OPS_ERRORS_RED = int(env("GRIDLINE_OPS_ERRORS_RED", "10"))

# JSON lines by default (one object a line, with schema, request_id and task_id on each:
# config/ops/logs.py); GRIDLINE_LOG_FORMAT=plain for a terminal.
LOG_FORMAT = env("GRIDLINE_LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "config.ops.logs.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(schema)s %(request_id)s "
                            "%(task_id)s] %(message)s"},
        "json": {"()": "config.ops.logs.JsonLinesFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"],
                             "formatter": "plain" if LOG_FORMAT == "plain" else "json"}},
    "root": {"handlers": ["console"], "level": env("GRIDLINE_LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs every successful login at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
        # uvicorn set up its own handlers before Django started: its lines (start-up,
        # errors, the access log) go through ours, as JSON lines with the others.
        "uvicorn": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
