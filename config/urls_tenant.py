"""URLs of a retailer's host (its schema): portal, staff admin, partner API, OAuth2 token."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from oauth2_provider import urls as oauth2_urls

from accounts import api as accounts_api
from accounts.tariff_views import offered_tariffs
from config.api_errors import api_not_found
from config.ops.bench_floor import bench_floor
from config.ops.views import healthz
from market.views import market_live
from tariffs import api as tariffs_api

api_v1 = [
    path("customers/", accounts_api.CustomerList.as_view(), name="customer-list"),
    path("customers/<int:pk>/", accounts_api.CustomerDetail.as_view(), name="customer-detail"),
    path("contracts/", accounts_api.ContractListCreate.as_view(), name="contract-list"),
    path("market/", include(("market.urls_api", "market"))),
    path("meters/", include(("metering.urls", "metering"))),
    path("products/", tariffs_api.ProductList.as_view(), name="product-list"),
    path("products/<str:code>/versions/", tariffs_api.ProductVersions.as_view(),
         name="product-versions"),
    path("quotes/", tariffs_api.QuoteCreate.as_view(), name="quote-create"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

admin.site.site_header = "Gridline · retailer admin"
admin.site.site_title = "Gridline admin"

urlpatterns = [
    path("", include("accounts.urls")),
    path("tariffs/", offered_tariffs, name="tariffs-offered"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("consumption/", include(("metering.urls_portal", "metering-portal"))),
    path("api/<path:rest>", api_not_found),
    path("o/", include(oauth2_urls, namespace="oauth2_provider")),
    path("healthz", healthz, name="healthz"),
    path("market/", market_live, name="market-live"),
]

if settings.GRIDLINE_BENCH_FLOOR:  # bench/consumption_api.py only; never in production
    urlpatterns.append(path("bench/floor/", bench_floor, name="bench-floor"))
