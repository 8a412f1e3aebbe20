"""Meter readings sent by hand (the kWh on the meter's display), for meters that send no
half-hourly data. The usage between a reading and the one before it is spread evenly over
the meter's intervals in between and stored through the normal ingest path as ESTIMATED
readings, so charts, the API and bills see it like any other data, marked as estimated.
"""
import io
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import IntegrityError, transaction

from accounts.domain.audit import audit_record
from accounts.models import AuditAction
from core.errors import GridlineError
from metering.domain.ingest import IngestOptions, readings_ingest_csv
from metering.models import Meter, Reading, RegisterReading

SOURCE_PREFIX = "register:"
KWH = Decimal("0.001")


class UnableToSubmitReading(GridlineError):
    code = "register_reading_invalid"


def meter_takes_register_reads(*, meter: Meter) -> bool:
    """True for a meter without half-hourly data of its own (every stored reading, if any,
    came from register reads)."""
    return not Reading.objects.filter(meter_id=meter.pk).exclude(
        source__startswith=SOURCE_PREFIX).exists()


def _floor(moment: datetime, minutes: int) -> datetime:
    epoch = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    step = minutes * 60
    return epoch + timedelta(seconds=int((moment - epoch).total_seconds()) // step * step)


def spread_evenly(*, total_kwh: Decimal, start: datetime, end: datetime,
                  minutes: int) -> list[tuple[datetime, Decimal]]:
    """`total_kwh` over the intervals from `start` to `end` (both on the grid), to the
    watt-hour; the rounding remainder goes to the last interval so the sum is exact."""
    starts = []
    at = start
    while at < end:
        starts.append(at)
        at += timedelta(minutes=minutes)
    if not starts:
        return []
    share = (total_kwh / len(starts)).quantize(KWH, rounding=ROUND_DOWN)
    values = [share] * len(starts)
    values[-1] = total_kwh - share * (len(starts) - 1)
    return list(zip(starts, values, strict=True))


@transaction.atomic
def meter_reading_submit(*, meter: Meter, read_at: datetime, register_kwh: Decimal,
                         now: datetime, channel: str, time_zone: str,
                         actor_user=None) -> RegisterReading:
    """Record a register reading; from the second one on, the usage since the previous
    reading is ingested as ESTIMATED half-hours. Audited for the meter's customer."""
    if read_at > now:
        raise UnableToSubmitReading("A reading cannot be in the future.")
    if read_at < meter.installed_at:
        raise UnableToSubmitReading("That is before the meter was installed.")
    if register_kwh < 0:
        raise UnableToSubmitReading("A meter reading cannot be negative.")
    Meter.objects.select_for_update().filter(pk=meter.pk).exists()  # one at a time per meter
    if not meter_takes_register_reads(meter=meter):
        raise UnableToSubmitReading("This meter sends its half-hourly data itself; no "
                                    "reading is needed.")
    reads = RegisterReading.objects.filter(meter=meter)
    if reads.filter(read_at__gte=read_at).exists():
        raise UnableToSubmitReading("A reading at or after that time is already recorded; "
                                    "send readings in time order.")
    previous = reads.order_by("-read_at").first()
    if previous is not None and register_kwh < previous.register_kwh:
        raise UnableToSubmitReading(
            f"{register_kwh} kWh is less than the previous reading "
            f"({previous.register_kwh} kWh on {previous.read_at:%d %b %Y}).")
    try:
        with transaction.atomic():
            reading = RegisterReading.objects.create(
                meter=meter, read_at=read_at, register_kwh=register_kwh, channel=channel,
                submitted_by=actor_user if getattr(actor_user, "pk", None) else None,
                received_at=now)
    except IntegrityError:
        raise UnableToSubmitReading("That reading is already recorded.") from None
    intervals = []
    if previous is not None:
        minutes = meter.interval_minutes
        intervals = spread_evenly(
            total_kwh=register_kwh - previous.register_kwh,
            start=_floor(previous.read_at, minutes), end=_floor(read_at, minutes),
            minutes=minutes)
    if intervals:
        lines = ["meter_serial,interval_start,kwh"] + [
            f"{meter.serial},{start.isoformat()},{kwh}" for start, kwh in intervals]
        report = readings_ingest_csv(
            stream=io.BytesIO(("\n".join(lines) + "\n").encode()),
            source=f"{SOURCE_PREFIX}{reading.pk}", now=now,
            options=IngestOptions(quality="ESTIMATED", time_zone=time_zone))
        if report.rejected_count:
            raise UnableToSubmitReading(
                f"The usage could not be stored: {report.rejected[0]['reason']}")
    audit_record(at=now, customer_ids=[meter.meter_point.premise.customer_id],
                 action=AuditAction.CREATE, channel=channel, subject="meter.register_reading",
                 actor_user=actor_user,
                 detail={"meter": meter.serial, "register_kwh": str(register_kwh),
                         "read_at": read_at.isoformat(), "intervals": len(intervals)})
    return reading
