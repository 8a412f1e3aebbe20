import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
for _name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HTTPS only, remembered by browsers for a year (with every retailer's subdomain);
# GRIDLINE_HSTS_SECONDS=0 turns it off while a deployment is first moved to HTTPS.
SECURE_HSTS_SECONDS = int(os.environ.get("GRIDLINE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_SSL_REDIRECT = os.environ.get("GRIDLINE_SSL_REDIRECT", "1") == "1"
# The load balancer's health checks come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] = ["'self'", "wss:"]  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
STATIC_ROOT = BASE_DIR / "staticfiles"  # noqa: F405
WHITENOISE_USE_FINDERS = False
GRIDLINE_BENCH_FLOOR = False  # the benchmark's floor view is never served in production
