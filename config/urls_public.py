"""URLs of the platform host (public schema): the platform site and the operator's admin."""
from django.urls import path

from config.api_errors import bad_request
from config.ops.views import healthz
from market.views import market_live
from tenants.admin import platform_admin
from tenants.views import platform_home

urlpatterns = [
    path("", platform_home, name="platform-home"),
    path("admin/", platform_admin.urls),
    path("healthz", healthz, name="healthz"),
    path("market/", market_live, name="market-live"),
]

handler400 = bad_request
