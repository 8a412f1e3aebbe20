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
from core.errors import GridlineError
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


_PARTNER_READ = f"""
    WITH access AS (
        SELECT m.id, m.interval_minutes, p.customer_id, EXISTS (
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
    ), readings (start_at, end_at, kwh, quality) AS (
        {{readings}}
    )
    SELECT a.consented, r.start_at, r.end_at, r.kwh, r.quality
    FROM access a LEFT JOIN readings r ON a.consented
    ORDER BY r.start_at
"""
# Inside _PARTNER_READ the readings take the meter from the access row, and only when the
# customer consented.
_ACCESS_METER = {"%(meter)s": "(SELECT id FROM access WHERE consented)",
                 "%(minutes)s": "(SELECT interval_minutes FROM access)"}


@dataclass(frozen=True)
class ReadNote:
    """What the audit trail records about a read: subject and details."""
    subject: str
    detail: dict


def access_meter_for_reading(*, user, client_id: str, serial: str, now: datetime,
                             note: ReadNote) -> Meter:
    """A meter whose consumption this (non-partner) login may read; the read is recorded
    in the audit trail (accounts.AuditEvent). Partners go through `partner_read`."""
    meter = access_meter_by_serial(user=user, serial=serial)
    customer_id = meter.meter_point.premise.customer_id
    audit_record(at=now, customer_ids=[customer_id], action=AuditAction.READ,
                 channel=AuditChannel.API, subject=note.subject, actor_user=user,
                 actor_client_id=client_id, detail=note.detail)
    return meter


def partner_read(*, user, client_id: str, serial: str, now: datetime, note: ReadNote,
                 statement: tuple[str, dict]) -> list[tuple]:
    """A partner's read of a meter's readings (`statement`: the SELECT and parameters from
    metering.domain.consumption, meter left open), in one statement and round trip: the
    meter, its customer's live consent, the audit row and the rows, which are read and
    recorded only under consent. No such meter → MeterNotVisible; no consent →
    NoConsentForMeter."""
    readings, params = statement
    for placeholder, source in _ACCESS_METER.items():
        readings = readings.replace(placeholder, source)
    with connection.cursor() as cursor:
        cursor.execute(_PARTNER_READ.replace("{readings}", readings), {
            **params, "serial": serial, "client": client_id, "at": now, "user": user.pk,
            "action": AuditAction.READ.value, "channel": AuditChannel.API.value,
            "subject": note.subject, "detail": json.dumps(note.detail)})
        rows = cursor.fetchall()
    if not rows:
        raise MeterNotVisible(f"No meter {serial!r}.")
    if not rows[0][0]:
        raise NoConsentForMeter(
            f"Customer of meter {serial!r} has not consented to {client_id!r} reading "
            "their data (or revoked it).")
    return [row[1:] for row in rows if row[1] is not None]
