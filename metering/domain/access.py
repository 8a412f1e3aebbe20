"""Who may see or feed which meter. The one place the API and portal ask.

A meter that does not exist in this retailer's schema, or that the login may not see, is
"not found" (so another retailer's serial is indistinguishable from a missing one).
Partners read a customer's consumption only under that customer's live consent
(accounts.Consent); without one, or after it was revoked, they get "forbidden".
"""
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from accounts.domain.access import customers_visible_to
from accounts.domain.audit import AUDIT_INSERT_SQL, audit_record
from accounts.models import AuditAction, AuditChannel
from accounts.users.models import Role
from config.errors import GridlineError
from metering.models import Meter


class MeterNotVisible(GridlineError):
    code = "not_found"
    status = 404


class NoConsentForMeter(GridlineError):
    code = "no_consent"
    status = 403


def meters_visible_to(*, user):
    return Meter.objects.filter(meter_point__premise__customer__in=customers_visible_to(
        user=user))


def access_meter_by_serial(*, user, serial: str) -> Meter:
    meter = (meters_visible_to(user=user).select_related("meter_point__premise")
             .filter(serial=serial).first())
    if meter is None:
        raise MeterNotVisible(f"No meter {serial!r}.")
    return meter


_METER_WITH_CONSENT = f"""
    WITH access AS (
        SELECT m.id, m.serial, m.interval_minutes, p.customer_id, EXISTS (
            SELECT 1 FROM accounts_consent c
            WHERE c.customer_id = p.customer_id AND c.client_id = %(client)s
              AND c.granted_at <= %(at)s
              AND (c.revoked_at IS NULL OR c.revoked_at > %(at)s)) AS consented
        FROM metering_meter m
        JOIN accounts_meterpoint mp ON mp.id = m.meter_point_id
        JOIN accounts_premise p ON p.id = mp.premise_id
        WHERE m.serial = %(serial)s
    ), audited AS (
        {AUDIT_INSERT_SQL.format(customers="SELECT customer_id FROM access WHERE consented")}
        RETURNING 1
    )
    SELECT id, serial, interval_minutes, customer_id, consented FROM access
"""


@dataclass(frozen=True)
class MeterAccess:
    meter: Meter
    customer_id: int  # whose personal data a read touches (for the audit trail)


@dataclass(frozen=True)
class ReadNote:
    """What the audit trail records about a read: subject and details."""
    subject: str
    detail: dict


def access_meter_for_reading(*, user, client_id: str, serial: str, now: datetime,
                             note: ReadNote) -> MeterAccess:
    """A meter whose consumption this login may read now; the read is recorded in the
    audit trail (accounts.AuditEvent) as it is granted.

    Partners (the API's hot path) are checked and recorded in one statement: the meter,
    the live consent of its customer and, when consented, the audit row. Other logins go
    through `access_meter_by_serial` and `audit_record`.
    """
    if user is None or not user.is_active or user.role != Role.PARTNER:
        meter = access_meter_by_serial(user=user, serial=serial)
        customer_id = meter.meter_point.premise.customer_id
        audit_record(at=now, customer_ids=[customer_id], action=AuditAction.READ,
                     channel=AuditChannel.API, subject=note.subject, actor_user=user,
                     actor_client_id=client_id, detail=note.detail)
        return MeterAccess(meter=meter, customer_id=customer_id)
    with connection.cursor() as cursor:
        cursor.execute(_METER_WITH_CONSENT, {
            "serial": serial, "client": client_id, "at": now, "user": user.pk,
            "action": AuditAction.READ.value, "channel": AuditChannel.API.value,
            "subject": note.subject, "detail": json.dumps(note.detail)})
        row = cursor.fetchone()
    if row is None:
        raise MeterNotVisible(f"No meter {serial!r}.")
    if not row[4]:
        raise NoConsentForMeter(
            f"Customer of meter {serial!r} has not consented to {client_id!r} reading "
            "their data (or revoked it).")
    return MeterAccess(meter=Meter(pk=row[0], serial=row[1], interval_minutes=row[2]),
                       customer_id=row[3])
