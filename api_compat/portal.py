"""The portal's "API access" page: a customer makes or revokes their key for the
Octopus-compatible API and sees the numbers apps ask for (account number, MPAN, meter
serial, tariff code). Each change is one call into accounts.domain.api_keys."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.domain.access import CustomerNotVisible, customer_of_login
from accounts.domain.api_keys import (
    UnableToChangeApiKey,
    api_key_create,
    api_key_revoke,
    api_keys_live,
)
from accounts.domain.audit import Actor, audit_by
from accounts.models import AuditAction, AuditChannel
from api_compat.domain.customers import customer_identifiers
from core.ranges import local_date


@login_required
@require_http_methods(["GET", "POST"])
def api_access(request):
    try:
        customer = customer_of_login(user=request.user)
    except CustomerNotVisible:
        raise Http404("This login has no customer account.") from None
    actor = Actor(channel=AuditChannel.PORTAL, at=timezone.now(), user=request.user)
    new_key = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                api_key_revoke(user=request.user, actor=actor)
                messages.success(request, "Your API key is revoked: apps using it stop "
                                          "working now.")
                return redirect("api-compat-portal:access")
            new_key = api_key_create(customer=customer, user=request.user, actor=actor).key
        except UnableToChangeApiKey as exc:
            messages.error(request, exc.detail)
            return redirect("api-compat-portal:access")
    today = local_date(actor.at, request.tenant.time_zone)
    identifiers = customer_identifiers(customer_id=customer.pk, today=today)
    audit_by(actor=actor, customer_ids=[customer.pk], action=AuditAction.READ,
             subject="customer.api_access_page")
    return render(request, "api_compat/api_access.html", {
        "customer": customer, "new_key": new_key,
        "live_key": api_keys_live(user=request.user, at=actor.at).last(),
        "base_url": f"{request.scheme}://{request.get_host()}",
        **identifiers,
    })
