"""Prepay: a PREPAY account is charged every local day for the day before, against its
balance (top-ups are payments with method TOP_UP). Each day is priced by the same path as
a bill (pricing.py, a one-day period: one day's standing charge and that day's energy) and
charged once (a unique index per account and day). When the credit left falls below the
retailer's threshold the customer is alerted once; a top-up that lifts it back above
clears the alert, so the next fall alerts again."""
from datetime import date, datetime, timedelta

from django.db import transaction

from accounts.models import Contract, ContractStatus
from accounts.models import Payment as PaymentKind
from billing.models import LedgerKind, PrepayAlert, PrepayCharge
from core.ranges import DateRange

from .ledger import NewEntry, balances_last, ledger_append
from .loading import chunk_price
from .settings import billing_settings_get

CATCH_UP_DAYS = 7


def _line_json(line) -> dict:
    return {"kind": line.kind, "band": line.band, "tier": line.tier,
            "quantity": str(line.quantity), "unit": line.unit,
            "unit_price": str(line.unit_price), "amount": str(line.amount),
            "description": line.description}


def prepay_charge_day(*, day: date, time_zone: str, now: datetime) -> dict:
    """Charge every prepay account supplied on `day` that has not been charged for it."""
    period = DateRange(day, day + timedelta(days=1))
    accounts = set(Contract.objects.exclude(status=ContractStatus.CANCELLED)
                   .filter(payment=PaymentKind.PREPAY).active_on(day)
                   .values_list("account_id", flat=True))
    accounts -= set(PrepayCharge.objects.filter(day_date=day, account_id__in=accounts)
                    .values_list("account_id", flat=True))
    if not accounts:
        return {"day": day.isoformat(), "charged": 0, "held": []}
    with transaction.atomic():
        priced, holds = chunk_price(period=period, time_zone=time_zone,
                                    account_ids=sorted(accounts), with_generation=False)
        charges = PrepayCharge.objects.bulk_create([PrepayCharge(
            account_id=p.account_id, day_date=day, total_exc_tax=p.total_exc_tax, tax=p.tax,
            total_inc_tax=p.total_inc_tax, kwh=p.kwh, lines=[_line_json(x) for x in p.lines],
            created_at=now) for p in priced])
        ledger_append(entries=[NewEntry(
            account_id=c.account_id, kind=LedgerKind.PREPAY_CHARGE, amount=c.total_inc_tax,
            prepay_charge_id=c.pk, description=f"Supply on {day:%d %b %Y}")
            for c in charges], at=now)
        alerts = prepay_alerts_raise(account_ids=[c.account_id for c in charges], on=day)
    return {"day": day.isoformat(), "charged": len(charges), "alerts": alerts,
            "held": [{"account": h.account_id, "reason": h.reason} for h in holds]}


def prepay_charge_recent(*, today: date, time_zone: str, now: datetime) -> list[dict]:
    """The daily job: yesterday, and any of the days before it still uncharged (a day held
    for missing readings is charged once they arrive)."""
    return [prepay_charge_day(day=today - timedelta(days=back), time_zone=time_zone, now=now)
            for back in range(CATCH_UP_DAYS, 0, -1)]


def prepay_alerts_raise(*, account_ids, on: date) -> int:
    threshold = billing_settings_get().prepay_low_balance
    raised = 0
    open_alerts = set(PrepayAlert.objects.filter(account_id__in=account_ids,
                                                 cleared_at__isnull=True)
                      .values_list("account_id", flat=True))
    for account_id, balance in balances_last(account_ids=account_ids).items():
        credit = -balance
        if credit < threshold and account_id not in open_alerts:
            PrepayAlert.objects.create(account_id=account_id, raised_on=on, credit=credit)
            raised += 1
    return raised
