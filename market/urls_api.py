"""Market API, included under /api/v1/market/ on retailer hosts."""
from django.urls import path

from market import api

urlpatterns = [
    path("instruments/", api.InstrumentList.as_view(), name="instrument-list"),
    path("instruments/<str:code>/prices/", api.InstrumentPrices.as_view(),
         name="instrument-prices"),
    path("cheapest-window/", api.CheapestWindowView.as_view(), name="cheapest-window"),
]
