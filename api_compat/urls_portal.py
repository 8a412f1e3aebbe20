from django.urls import path

from api_compat import portal

urlpatterns = [
    path("", portal.api_access, name="access"),
]
