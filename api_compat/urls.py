"""/v1/ on every retailer host: the Octopus-compatible API (api_compat/views.py). A
trailing slash is optional, as clients write the paths both ways."""
from django.urls import re_path

from api_compat import views

SEGMENT = r"[^/]+"

urlpatterns = [
    re_path(r"^products/?$", views.ProductList.as_view(), name="products"),
    re_path(rf"^products/(?P<code>{SEGMENT})/?$", views.ProductDetail.as_view(),
            name="product"),
    re_path(rf"^products/(?P<code>{SEGMENT})/electricity-tariffs/(?P<tariff>{SEGMENT})/"
            rf"(?P<rate>{SEGMENT})/?$", views.TariffCharges.as_view(), name="tariff-charges"),
    re_path(rf"^electricity-meter-points/(?P<mpan>{SEGMENT})/?$",
            views.MeterPointDetail.as_view(), name="meter-point"),
    re_path(rf"^electricity-meter-points/(?P<mpan>{SEGMENT})/meters/(?P<serial>{SEGMENT})/"
            r"consumption/?$", views.Consumption.as_view(), name="consumption"),
    re_path(rf"^accounts/(?P<number>{SEGMENT})/?$", views.AccountDetail.as_view(),
            name="account"),
    re_path(r"^(?P<rest>.*)$", views.NotFoundView.as_view(), name="not-found"),
]
