"""Portal pages of billing, mounted at /bills/ by config/urls_tenant.py."""
from django.urls import path

from billing import views

urlpatterns = [
    path("", views.bills, name="bills"),
    path("balance/", views.balance, name="balance"),
    path("<int:bill_id>/", views.bill, name="bill"),
    path("<int:bill_id>/pdf/", views.bill_pdf_download, name="bill-pdf"),
]
