"""URLs of a retailer's host (its schema): portal, staff admin, partner API, OAuth2 token."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from accounts.oauth_views import PartnerRevokeTokenView, PartnerTokenView
from accounts.tariff_views import offered_tariffs
from billing import api as billing_api
from config.api_errors import api_not_found, bad_request
from config.ops.bench_floor import bench_floor
from config.ops.views import healthz
from insights import api as insights_api
from market.views import market_live
from tariffs import api as tariffs_api

api_v1 = [
    path("customers/", accounts_api.CustomerList.as_view(), name="customer-list"),
    path("customers/<int:pk>/", accounts_api.CustomerDetail.as_view(), name="customer-detail"),
    path("customers/<int:pk>/insights/", insights_api.CustomerInsights.as_view(),
         name="customer-insights"),
    path("contracts/", accounts_api.ContractListCreate.as_view(), name="contract-list"),
    path("accounts/<int:pk>/ledger/", billing_api.AccountLedger.as_view(),
         name="account-ledger"),
    path("bills/", billing_api.BillList.as_view(), name="bill-list"),
    path("bills/<int:pk>/", billing_api.BillDetail.as_view(), name="bill-detail"),
    path("bills/<int:pk>/pdf/", billing_api.BillPdf.as_view(), name="bill-pdf"),
    path("payments/", billing_api.PaymentCreate.as_view(), name="payment-create"),
    path("market/", include(("market.urls_api", "market"))),
    path("", include(("cooperatives.urls_api", "cooperatives"))),
    path("meters/", include(("metering.urls", "metering"))),
    path("products/", tariffs_api.ProductList.as_view(), name="product-list"),
    path("products/<str:code>/versions/", tariffs_api.ProductVersions.as_view(),
         name="product-versions"),
    path("quotes/", tariffs_api.QuoteCreate.as_view(), name="quote-create"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

# Of django-oauth-toolkit's views only the token endpoints: applications are registered by
# staff in the admin, and partners use the client-credentials grant (no authorize page).
oauth2 = [
    path("token/", PartnerTokenView.as_view(), name="token"),
    path("revoke_token/", PartnerRevokeTokenView.as_view(), name="revoke-token"),
]

admin.site.site_header = "Gridline · retailer admin"
admin.site.site_title = "Gridline admin"
# The collapsible model list beside each page took 300 px that the change pages' inline
# tables need to fit a 1280 px window; the index and breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", include("accounts.urls")),
    path("tariffs/", offered_tariffs, name="tariffs-offered"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    # The Octopus-compatible API (docs/api_compat.md) and its portal page.
    path("v1/", include(("api_compat.urls", "api-compat"))),
    path("account/api/", include(("api_compat.urls_portal", "api-compat-portal"))),
    path("consumption/", include(("metering.urls_portal", "metering-portal"))),
    path("bills/", include(("billing.urls_portal", "billing-portal"))),
    path("insights/", include(("insights.urls_portal", "insights-portal"))),
    path("api/<path:rest>", api_not_found),
    path("o/", include((oauth2, "oauth2_provider"))),
    path("healthz", healthz, name="healthz"),
    path("market/", market_live, name="market-live"),
    path("cooperatives/", include(("cooperatives.urls_portal", "cooperatives-portal"))),
]

handler400 = bad_request
if settings.GRIDLINE_BENCH_FLOOR:  # bench/consumption_api.py only; never in production
    urlpatterns.append(path("bench/floor/", bench_floor, name="bench-floor"))
