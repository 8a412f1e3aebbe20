"""Demo billing history for `make run`: every full month of the demo readings billed and
issued as if on the 3rd of the next month, most bills paid, one left unpaid (so it is
overdue and in dunning) and one corrected (an estimated day replaced by actual reads after
issue: credit note and replacement). Idempotent: a second `make run` adds only what is
missing (new months), and the correction is made once.

Each step goes through the same domain functions staff and the workers use (runs,
payments, the ingest path, corrections, dunning); only "when" is simulated.
"""
import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.db import connection

from accounts.domain.audit import Actor
from billing.models import Bill, BillingRun, BillStatus, CreditNote, RunStatus
from core.ranges import DateRange, local_days
from market.domain.prices import RawPoint, prices_save
from metering.domain.ingest import IngestOptions, readings_ingest_file
from metering.models import Meter
from tariffs.models import SpotRate

from .dunning import dunning_advance
from .payments import payment_record
from .periods import add_months
from .runs import RunAlreadyActive, bill_run_start, run_execute_inline

CORRECTED_DAY = 15  # of the month corrected
# The demo bills at most the last four whole months with readings, however long the
# readings go back (insights' baseline needs more than a year of them; billing all of it
# would only make `make run` slower).
BILLED_MONTHS = 4


def _noon(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def _months_with_readings(today: date) -> list[DateRange]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(interval_start) FROM metering_reading")
        first = cursor.fetchone()[0]
    if first is None:
        return []
    start = add_months(date(first.year, first.month, 1), 1)  # the first full month
    months = []
    while add_months(start, 1) <= date(today.year, today.month, 1):
        months.append(DateRange(start, add_months(start, 1)))
        start = add_months(start, 1)
    return months[-BILLED_MONTHS:]


def _run(period, *, kind, time_zone, currency, issued_on: date):
    if BillingRun.objects.filter(period_start=period.start, kind=kind,
                                 status=RunStatus.DONE).exists():
        return None  # billed on an earlier start: no empty runs on every restart
    now = _noon(issued_on, time_zone)
    try:
        run = bill_run_start(period=period, kind=kind, issue=True, today=issued_on, now=now)
    except RunAlreadyActive:
        return None
    return run_execute_inline(run_id=run.pk, time_zone=time_zone, currency=currency,
                              today=issued_on, now=now)


def _reads(meter: Meter, day: date, *, time_zone: str, factor: float, quality: str,
           now: datetime):
    instants = local_days(DateRange(day, day + timedelta(days=1)), time_zone)
    with connection.cursor() as cursor:
        cursor.execute("SELECT interval_start, kwh FROM metering_reading WHERE meter_id = %s "
                       "AND interval_start >= %s AND interval_start < %s "
                       "ORDER BY interval_start", [meter.pk, instants.start, instants.end])
        rows = cursor.fetchall()
    text = "meter_serial,interval_start,kwh\n" + "".join(
        f"{meter.serial},{at.isoformat()},{float(kwh) * factor:.3f}\n" for at, kwh in rows)
    readings_ingest_file(stream=io.BytesIO(text.encode()), file_format="csv",
                         source="demo-correction", now=now,
                         options=IngestOptions(time_zone=time_zone, quality=quality))
    return rows


def _market_history(*, months: list[DateRange], time_zone: str, now: datetime) -> int:
    """Hourly day-ahead prices for the demo months of the instruments the retailer's
    dynamic tariffs follow (the live feed only makes prices from now on): a daily shape
    with an evening peak and a few negative hours at midday, the same on every run."""
    codes = sorted(set(SpotRate.objects.values_list("instrument", flat=True)))
    if not codes or not months:
        return 0
    instants = local_days(DateRange(months[0].start, months[-1].end), time_zone)
    hours = pd.date_range(instants.start, instants.end, freq="60min", inclusive="left")
    local = hours.tz_convert(time_zone)
    rng = np.random.default_rng(11)
    shape = 55 + 35 * np.exp(-((local.hour - 18.5) ** 2) / 6) - 45 * np.exp(
        -((local.hour - 13) ** 2) / 3) * (local.day_of_week >= 5)
    points = [RawPoint(instrument=code, interval_start=at.to_pydatetime(),
                       value=f"{value:.2f}")
              for code in codes
              for at, value in zip(hours, shape + rng.normal(0, 6, len(hours)), strict=True)]
    return prices_save(points=points, received_at=now, source="demo-history",
                       publish=False).inserted


def billing_demo_seed(*, time_zone: str, currency: str, today: date, now: datetime) -> dict:
    months = _months_with_readings(today)
    if not months:
        return {"months": 0}
    _market_history(months=months, time_zone=time_zone, now=now)
    corrected = months[-3] if len(months) >= 3 else None
    household = (Meter.objects.filter(meter_point__premise__customer__kind="HOUSEHOLD")
                 .order_by("pk").first())
    original = None
    for period in months:
        if (period == corrected and household is not None
                and not CreditNote.objects.exists()
                and not Bill.objects.filter(period_start=period.start).exists()):
            # An estimated day in the bill (as if the meter had not sent it in time)...
            day = period.start.replace(day=CORRECTED_DAY)
            original = _reads(household, day, time_zone=time_zone, factor=1.3,
                              quality="ESTIMATED", now=_noon(period.end, time_zone))
        _run(period, kind="REGULAR", time_zone=time_zone, currency=currency,
             issued_on=min(period.end + timedelta(days=2), today))
    if original is not None:
        # ...whose actual reads arrive a week after the bill was issued: corrected.
        day = corrected.start.replace(day=CORRECTED_DAY)
        later = corrected.end + timedelta(days=9)
        _reads(household, day, time_zone=time_zone, factor=1 / 1.3, quality="ACTUAL",
               now=_noon(later, time_zone))
        _run(corrected, kind="CORRECTION", time_zone=time_zone, currency=currency,
             issued_on=min(later + timedelta(days=1), today))
    _pay(time_zone=time_zone, unpaid_from=months[-2].start if len(months) >= 2 else None)
    dunning = dunning_advance(today=today, now=now)
    return {"months": len(months), "bills": Bill.objects.exclude(
        status=BillStatus.CANCELLED).count(), "credit_notes": CreditNote.objects.count(),
        "overdue": Bill.objects.filter(status=BillStatus.OVERDUE).count(),
        "dunning": dunning}


def _pay(*, time_zone: str, unpaid_from: date | None) -> None:
    """Every bill paid by direct debit a week after its issue, except the household bills
    from `unpaid_from` on: the older of them is overdue (in dunning), the newer not yet
    due. (A payment settles the oldest open bill first, so the unpaid ones are the newest.)"""
    bills = (Bill.objects.exclude(status__in=(BillStatus.CANCELLED, BillStatus.DRAFT))
             .select_related("account__customer").order_by("issue_date", "pk"))
    for bill in bills:
        if bill.total_inc_tax <= 0 or (
                unpaid_from is not None and bill.account.customer.kind == "HOUSEHOLD"
                and bill.period_start >= unpaid_from):
            continue
        paid_at = _noon(bill.issue_date + timedelta(days=7), time_zone)
        payment_record(account=bill.account, amount=bill.total_inc_tax,
                       method="DIRECT_DEBIT", external_reference=f"DD-{bill.number}",
                       received_at=paid_at, actor=Actor.system(at=paid_at))
