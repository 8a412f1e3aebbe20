"""The audit trail of personal data: every read or change of a customer is recorded."""
from collections.abc import Iterable
from datetime import datetime

from accounts.models import AuditAction, AuditChannel, AuditEvent


def audit_record(
    *,
    at: datetime,
    customer_ids: Iterable[int],
    action: AuditAction,
    channel: AuditChannel,
    subject: str,
    actor_user=None,
    actor_client_id: str = "",
    detail: dict | None = None,
) -> int:
    """Record one event per customer touched; returns how many were recorded."""
    events = [
        AuditEvent(
            at=at,
            customer_id_value=customer_id,
            actor_user=actor_user if getattr(actor_user, "pk", None) else None,
            actor_client_id=actor_client_id,
            action=action,
            channel=channel,
            subject=subject,
            detail=detail or {},
        )
        for customer_id in sorted(set(customer_ids))
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)
