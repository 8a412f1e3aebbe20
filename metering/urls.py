"""Meter API routes, mounted at /api/v1/meters/ by config/urls_tenant.py."""
from django.urls import path

from metering import api, api_fast

urlpatterns = [
    path("<str:serial>/readings/", api.MeterReadingsIn.as_view(), name="meter-readings"),
    path("<str:serial>/consumption/", api_fast.meter_consumption, name="meter-consumption"),
]
