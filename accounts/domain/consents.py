"""A customer's consent for a partner (an OAuth2 client of the retailer) to read their
meter data: granted over `[granted_at, revoked_at)`, revoked by closing the period. The
partner API checks it on every read (metering/domain/access.py). Each change is audited.
"""
from datetime import datetime

from django.db import transaction
from oauth2_provider.models import get_application_model

from accounts.domain.audit import audit_record
from accounts.models import AuditAction, AuditChannel, Consent, Customer
from core.errors import GridlineError


class UnableToChangeConsent(GridlineError):
    code = "consent_invalid"


def partners_available() -> list[dict]:
    """The retailer's partner clients a customer can choose from: [{client_id, name}]."""
    Application = get_application_model()
    return [{"client_id": client_id, "name": name}
            for client_id, name in Application.objects.order_by("name")
            .values_list("client_id", "name")]


def consents_live(*, customer: Customer, at: datetime):
    return (Consent.objects.filter(customer=customer, granted_at__lte=at)
            .exclude(revoked_at__lte=at).order_by("client_id", "granted_at"))


@transaction.atomic
def consent_grant(*, customer: Customer, client_id: str, at: datetime, channel: AuditChannel,
                  actor_user=None) -> Consent:
    """Give `client_id` access from `at`; a consent already live is returned unchanged."""
    if client_id not in {p["client_id"] for p in partners_available()}:
        raise UnableToChangeConsent(f"There is no partner {client_id!r} at this retailer.")
    # One live consent per customer and partner: lock the customer row while checking.
    Customer.objects.select_for_update().filter(pk=customer.pk).exists()
    live = consents_live(customer=customer, at=at).filter(client_id=client_id).first()
    if live is not None:
        return live
    consent = Consent.objects.create(customer=customer, client_id=client_id, granted_at=at)
    audit_record(at=at, customer_ids=[customer.pk], action=AuditAction.CREATE,
                 channel=channel, subject="consent.grant", actor_user=actor_user,
                 detail={"client_id": client_id, "consent": consent.pk})
    return consent


@transaction.atomic
def consent_revoke(*, customer: Customer, client_id: str, at: datetime,
                   channel: AuditChannel, actor_user=None) -> int:
    """End every live consent of the customer for `client_id` at `at`; returns how many."""
    live = list(consents_live(customer=customer, at=at).filter(client_id=client_id)
                .select_for_update())
    if not live:
        raise UnableToChangeConsent(f"{client_id!r} has no access to revoke.")
    Consent.objects.filter(pk__in=[c.pk for c in live]).update(revoked_at=at)
    audit_record(at=at, customer_ids=[customer.pk], action=AuditAction.CHANGE,
                 channel=channel, subject="consent.revoke", actor_user=actor_user,
                 detail={"client_id": client_id, "consents": [c.pk for c in live]})
    return len(live)
