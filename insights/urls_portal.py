"""Portal pages of insights, mounted at /insights/ by config/urls_tenant.py."""
from django.urls import path

from insights import views

urlpatterns = [
    path("", views.my_insights, name="insights"),
]
