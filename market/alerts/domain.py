"""Checking a retailer's price alerts against newly received points.

Runs inside one retailer's schema (the periodic task is sent once per retailer). Each
alert remembers up to which `received_at` it has checked, so a point is judged once; a
revised point (received again) is judged again, and a notice exists at most once per
alert and interval.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction

from market.alerts.models import AlertNotice, Direction, PriceAlert
from market.domain.publish import tenant_message_publish
from market.models import PricePoint

# A new alert looks back this far for its first check.
FIRST_LOOK_BACK = timedelta(hours=1)


@dataclass
class EvaluationResult:
    alerts: int = 0
    notices: int = 0


def alerts_evaluate(*, now: datetime) -> EvaluationResult:
    result = EvaluationResult()
    raised = []
    with transaction.atomic():
        alerts = (PriceAlert.objects.select_for_update().select_related("instrument")
                  .filter(is_active=True).order_by("pk"))
        for alert in alerts:
            result.alerts += 1
            since = alert.checked_until or now - FIRST_LOOK_BACK
            points = PricePoint.objects.filter(instrument_id=alert.instrument_id,
                                               received_at__gt=since, received_at__lte=now)
            if alert.direction == Direction.ABOVE:
                points = points.filter(value__gt=alert.threshold)
            else:
                points = points.filter(value__lt=alert.threshold)
            existing = set(AlertNotice.objects.filter(alert=alert).values_list(
                "interval_start", flat=True))
            new = [AlertNotice(alert=alert, interval_start=p.interval_start, value=p.value,
                               raised_at=now)
                   for p in points.order_by("interval_start") if p.interval_start not in existing]
            AlertNotice.objects.bulk_create(new)
            raised += [(alert, notice) for notice in new]
            alert.checked_until = now
            alert.save(update_fields=["checked_until"])
        result.notices = len(raised)
        if raised:
            schema_name = connection.schema_name
            messages = [{"type": "alert", "alert": alert.name,
                         "instrument": alert.instrument.code,
                         "interval_start": notice.interval_start.isoformat(),
                         "value": str(notice.value)} for alert, notice in raised]
            # Only this retailer's browsers: the group name carries its schema.
            transaction.on_commit(lambda: [
                tenant_message_publish(schema_name=schema_name, payload=m) for m in messages
            ], robust=True)
    return result
