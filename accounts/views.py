"""Portal pages for customers: log in, "my account", a customer's page, and the
self-service pages (contact details, data sharing, tariff switch). Each change is one
call into accounts/domain."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.domain.access import CustomerNotVisible, access_customer_by_id, customer_of_login
from accounts.domain.audit import audit_record
from accounts.domain.consents import (
    UnableToChangeConsent,
    consent_grant,
    consent_revoke,
    consents_live,
    partners_available,
)
from accounts.domain.self_service import (
    UnableToChangeContact,
    UnableToRequestSwitch,
    customer_contact_change,
    switch_choices,
    tariff_switch_request,
)
from accounts.models import (
    AuditAction,
    AuditChannel,
    Consent,
    Contract,
    Customer,
    Premise,
    SwitchRequestSource,
)
from accounts.users.models import Role


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Cooperative managers have no customer account: their door is the generator
        # dashboard (the cooperatives app's portal pages, named by URL only).
        if getattr(self.request.user, "role", None) == Role.COOP_MANAGER:
            return resolve_url("cooperatives-portal:list")
        return super().get_default_redirect_url()


def home(request):
    # Staff work in the admin; the portal is the customers' door.
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    if request.user.is_authenticated and request.user.role == Role.COOP_MANAGER:
        return redirect("cooperatives-portal:list")
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
            "switch_requests": customer.switch_requests.select_related(
                "contract__tariff_version__product", "requested_product"
            ).order_by("-requested_at"),
        },
    )


def _own_customer(request) -> Customer:
    try:
        return customer_of_login(user=request.user)
    except CustomerNotVisible:
        raise Http404("This login has no customer account.") from None


@login_required
def my_account(request):
    return _customer_page(request, _own_customer(request))


@login_required
def customer_detail(request, customer_id: int):
    try:
        customer = access_customer_by_id(user=request.user, customer_id=customer_id)
    except CustomerNotVisible:
        raise Http404("No such customer.") from None
    return _customer_page(request, customer)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request):
    customer = _own_customer(request)
    error = None
    if request.method == "POST":
        try:
            changed = customer_contact_change(
                customer=customer, email=request.POST.get("email", ""),
                phone=request.POST.get("phone", ""), at=timezone.now(),
                channel=AuditChannel.PORTAL, actor_user=request.user)
        except UnableToChangeContact as exc:
            error = exc.detail
        else:
            messages.success(request, "Your contact details are saved." if changed
                             else "Nothing changed.")
            return redirect("portal:account")
    return render(request, "portal/contact.html", {
        "customer": customer, "error": error,
        "email": request.POST.get("email", customer.contact_email),
        "phone": request.POST.get("phone", customer.contact_phone)})


@login_required
@require_http_methods(["GET", "POST"])
def consents(request):
    customer = _own_customer(request)
    now = timezone.now()
    if request.method == "POST":
        client_id = request.POST.get("client_id", "")
        change = consent_grant if request.POST.get("action") == "grant" else consent_revoke
        try:
            change(customer=customer, client_id=client_id, at=now,
                   channel=AuditChannel.PORTAL, actor_user=request.user)
        except UnableToChangeConsent as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "Access given." if change is consent_grant
                             else "Access taken back.")
        return redirect("portal:consents")
    live = {c.client_id: c for c in consents_live(customer=customer, at=now)}
    partners = [dict(p, consent=live.get(p["client_id"])) for p in partners_available()]
    history = (Consent.objects.filter(customer=customer).exclude(revoked_at__isnull=True)
               .order_by("-revoked_at")[:20])
    names = {p["client_id"]: p["name"] for p in partners}
    return render(request, "portal/consents.html", {
        "customer": customer, "partners": partners,
        "history": [(names.get(c.client_id, c.client_id), c) for c in history]})


@login_required
@require_http_methods(["GET", "POST"])
def switch_request(request, contract_id: int):
    customer = _own_customer(request)
    contract = (Contract.objects.filter(customer=customer, pk=contract_id)
                .select_related("tariff_version__product", "meter_point").first())
    if contract is None:
        raise Http404("No such contract.")
    now = timezone.now()
    choices = switch_choices(customer=customer, contract=contract, on=now.date())
    error = None
    if request.method == "POST":
        product = next((p for p in choices if p.code == request.POST.get("product")), None)
        try:
            if product is None:
                raise UnableToRequestSwitch("Choose one of the tariffs listed.")
            tariff_switch_request(
                customer=customer, contract=contract, product=product,
                reason=request.POST.get("reason", ""), source=SwitchRequestSource.PORTAL,
                at=now, channel=AuditChannel.PORTAL, actor_user=request.user)
        except UnableToRequestSwitch as exc:
            error = exc.detail
        else:
            messages.success(request, f"Your request to move to {product.name} is with us; "
                                      "we will confirm the date of the change.")
            return redirect("portal:account")
    return render(request, "portal/switch.html", {
        "contract": contract, "choices": choices, "error": error,
        "chosen": request.POST.get("product") or request.GET.get("product", "")})
