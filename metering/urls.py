"""Meter API routes, mounted at /api/v1/meters/ by config/urls_tenant.py."""
from django.urls import path

from metering import api

urlpatterns = [
    path("<str:serial>/readings/", api.MeterReadingsIn.as_view(), name="meter-readings"),
    path("<str:serial>/consumption/", api.MeterConsumption.as_view(), name="meter-consumption"),
]
