from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.my_account, name="account"),
    path("account/contact/", views.contact_edit, name="contact"),
    path("account/sharing/", views.consents, name="consents"),
    path("account/contracts/<int:contract_id>/switch/", views.switch_request, name="switch"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer"),
]
