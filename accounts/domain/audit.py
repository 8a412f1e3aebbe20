"""The audit trail of personal data: every read or change of a customer is recorded."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.models import AuditAction, AuditChannel, AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who reads or changes customer data, through which door, and when.

    The interface (admin, API, portal, command, task) decides all three and passes them to
    the domain action, which records them in the same transaction as the change."""

    channel: AuditChannel
    at: datetime
    user: Any = None
    client_id: str = ""

    @classmethod
    def system(cls, *, at: datetime) -> "Actor":
        """A command or a scheduled task acting on its own."""
        return cls(channel=AuditChannel.SYSTEM, at=at)


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
    if len(events) == 1:
        events[0].save()  # one INSERT; bulk_create would wrap it in a transaction
    else:
        AuditEvent.objects.bulk_create(events)
    return len(events)


def audit_by(*, actor: Actor, customer_ids: Iterable[int], action: AuditAction,
             subject: str, detail: dict | None = None) -> int:
    """`audit_record` for an actor."""
    return audit_record(at=actor.at, customer_ids=customer_ids, action=action,
                        channel=actor.channel, subject=subject, actor_user=actor.user,
                        actor_client_id=actor.client_id, detail=detail)


# The same row as `audit_record`, for statements that record a read while they make it
# (one round trip on a hot path); params: at, user, client, action, channel, subject,
# detail (JSON text). `{customers}` is a SELECT of the customer ids, aliased customer_id.
AUDIT_INSERT_SQL = """
    INSERT INTO accounts_auditevent (at, customer_id_value, actor_user_id, actor_client_id,
                                     action, channel, subject, detail)
    SELECT %(at)s, customer_id, %(user)s, %(client)s, %(action)s, %(channel)s, %(subject)s,
           %(detail)s::jsonb
    FROM ({customers}) audited
"""
