"""URLs of the platform host (public schema): the platform site and the operator's admin."""
from django.urls import path

from config.api_errors import bad_request
from config.ops.metrics_view import metrics
from config.ops.operator_view import operator_status
from config.ops.views import healthz
from market.views import market_live
from tenants.admin import platform_admin
from tenants.views import platform_home

urlpatterns = [
    path("", platform_home, name="platform-home"),
    # The operator's view, inside the platform admin (its login and look).
    path("admin/operations/", platform_admin.admin_view(operator_status),
         name="operator-status"),
    path("admin/", platform_admin.urls),
    path("metrics", metrics, name="metrics"),
    path("healthz", healthz, name="healthz"),
    path("market/", market_live, name="market-live"),
]

handler400 = bad_request
