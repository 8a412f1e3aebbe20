"""Portal pages for customers: log in, "my account", a customer's page."""
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.domain.access import CustomerNotVisible, access_customer_by_id, customer_of_login
from accounts.domain.audit import audit_record
from accounts.models import AuditAction, AuditChannel, Contract, Customer, Premise


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    redirect_authenticated_user = True


def home(request):
    # Staff work in the admin; the portal is the customers' door.
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return redirect("portal:account")


def _customer_page(request, customer: Customer):
    premises = Premise.objects.filter(customer=customer).prefetch_related("meter_points")
    contracts = (
        Contract.objects.filter(customer=customer)
        .select_related("meter_point", "account", "tariff_version__product")
        .order_by("meter_point__identifier", "active_from")
    )
    audit_record(
        at=timezone.now(), customer_ids=[customer.pk], action=AuditAction.READ,
        channel=AuditChannel.PORTAL, subject="customer.account_page", actor_user=request.user,
    )
    return render(
        request,
        "portal/account.html",
        {
            "customer": customer,
            "premises": premises.order_by("pk"),
            "contracts": contracts,
            "accounts": customer.accounts.order_by("number"),
        },
    )


@login_required
def my_account(request):
    try:
        customer = customer_of_login(user=request.user)
    except CustomerNotVisible:
        raise Http404("This login has no customer account.") from None
    return _customer_page(request, customer)


@login_required
def customer_detail(request, customer_id: int):
    try:
        customer = access_customer_by_id(user=request.user, customer_id=customer_id)
    except CustomerNotVisible:
        raise Http404("No such customer.") from None
    return _customer_page(request, customer)

