"""URLs of a retailer's host (its schema): portal, staff admin, partner API, OAuth2 token."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from oauth2_provider import urls as oauth2_urls

from accounts import api as accounts_api
from config.api_errors import api_not_found
from config.ops.views import healthz

api_v1 = [
    path("customers/", accounts_api.CustomerList.as_view(), name="customer-list"),
    path("customers/<int:pk>/", accounts_api.CustomerDetail.as_view(), name="customer-detail"),
    path("contracts/", accounts_api.ContractListCreate.as_view(), name="contract-list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

admin.site.site_header = "Gridline · retailer admin"
admin.site.site_title = "Gridline admin"

urlpatterns = [
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/<path:rest>", api_not_found),
    path("o/", include(oauth2_urls, namespace="oauth2_provider")),
    path("healthz", healthz, name="healthz"),
]
