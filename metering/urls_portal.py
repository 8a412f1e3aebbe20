"""Portal pages of metering, mounted at /consumption/ by config/urls_tenant.py."""
from django.urls import path

from metering import views

urlpatterns = [
    path("", views.my_consumption, name="consumption"),
    path("reading/", views.submit_reading, name="submit-reading"),
]
