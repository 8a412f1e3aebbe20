"""What the front doors read: bills, a bill with its lines and the "why" of a line, the
ledger, payments, runs. Everything here reads the connection's schema (the caller's
retailer): an id of another retailer is simply not found (BillNotFound, 404), never
another retailer's row. Constant queries per call (no N+1)."""
from decimal import Decimal

import numpy as np
import pandas as pd

from accounts.models import Account, Contract
from accounts.models import Payment as PaymentKind
from billing.models import (
    Bill,
    BillingRun,
    BillLine,
    BillStatus,
    CreditNote,
    LedgerEntry,
    Payment,
    PrepayAlert,
    PrepayCharge,
)
from core.errors import GridlineError
from core.ranges import DateRange, local_days
from metering.domain.profiles import QUALITY_CODES, interval_profiles_load
from tariffs.domain.bulk import tariff_definitions_load
from tariffs.domain.definitions import compiled_schedules
from tariffs.domain.periods import Period
from tariffs.domain.prepared import prepare_profile
from tariffs.domain.profile import LoadProfile

from .charts import bill_consumption_chart
from .dunning import dunning_of_bill
from .ledger import account_balance


class BillNotFound(GridlineError):
    code = "not_found"
    status = 404


def access_bill_by_id(*, bill_id: int, account_ids=None) -> Bill:
    """The bill with this id in the current retailer (and among `account_ids`, e.g. a
    portal customer's accounts), or BillNotFound."""
    bills = Bill.objects.select_related("account__customer")
    if account_ids is not None:
        bills = bills.filter(account_id__in=list(account_ids))
    bill = bills.filter(pk=bill_id).first()
    if bill is None:
        raise BillNotFound(f"No bill {bill_id}.")
    return bill


def bills_of_account(*, account_id: int, include_cancelled: bool = True,
                     include_drafts: bool = False):
    """The account's bills, newest period first (a queryset: the caller pages it)."""
    bills = Bill.objects.filter(account_id=account_id)
    if not include_cancelled:
        bills = bills.exclude(status=BillStatus.CANCELLED)
    if not include_drafts:
        bills = bills.exclude(status=BillStatus.DRAFT)
    return bills.order_by("-period_start", "-pk")


def bills_live(*, number: str | None = None, customer_reference: str | None = None,
               period: DateRange | None = None) -> list[Bill]:
    """Live (not cancelled) bills by number, or by customer and a period they overlap."""
    bills = Bill.objects.exclude(status=BillStatus.CANCELLED).select_related("account")
    if number is not None:
        bills = bills.filter(number=number)
    if customer_reference is not None:
        bills = bills.filter(account__customer__reference=customer_reference)
    if period is not None:
        bills = bills.filter(period_start__lt=period.end, period_end__gt=period.start)
    return list(bills.order_by("account__number", "period_start", "pk"))


def _line_json(line: BillLine) -> dict:
    return {"id": line.pk, "position": line.position, "kind": line.kind,
            "band": line.band or None, "tier": line.tier, "name": line.name or None,
            "quantity": str(line.quantity), "unit": line.unit,
            "unit_price": str(line.unit_price), "amount": str(line.amount),
            "description": line.description,
            "segment_start": line.segment_start.isoformat() if line.segment_start else None,
            "segment_end": line.segment_end.isoformat() if line.segment_end else None}


def bill_detail(*, bill: Bill) -> dict:
    """A bill with its lines, credit note, replacement links, payments and dunning (4
    queries)."""
    credit = CreditNote.objects.filter(bill=bill).first()
    replaced_by = Bill.objects.filter(replaces=bill).values_list("pk", "number").first()
    replaces = (Bill.objects.filter(pk=bill.replaces_id).values_list("pk", "number").first()
                if bill.replaces_id else None)
    return {
        "id": bill.pk, "number": bill.number, "account": bill.account.number,
        "customer": bill.account.customer.reference, "kind": bill.kind,
        "status": bill.status, "period_start": bill.period_start.isoformat(),
        "period_end": bill.period_end.isoformat(), "currency": bill.currency,
        "total_exc_tax": str(bill.total_exc_tax), "tax": str(bill.tax),
        "total_inc_tax": str(bill.total_inc_tax), "paid": str(bill.paid),
        "outstanding": str(bill.outstanding), "kwh": str(bill.kwh),
        "estimated_share": str(bill.estimated_share),
        "issue_date": bill.issue_date.isoformat() if bill.issue_date else None,
        "due_date": bill.due_date.isoformat() if bill.due_date else None,
        "lines": [_line_json(line) for line in bill.lines.order_by("position")],
        "credit_note": ({"number": credit.number, "reason": credit.reason,
                         "total_inc_tax": str(credit.total_inc_tax)} if credit else None),
        "replaces": {"id": replaces[0], "number": replaces[1]} if replaces else None,
        "replaced_by": ({"id": replaced_by[0], "number": replaced_by[1]}
                        if replaced_by else None),
        "dunning": dunning_of_bill(bill=bill),
    }


def bill_show_json(*, bill: Bill) -> dict:
    """The shape `bill_show` prints per bill."""
    return {"number": bill.number, "account": bill.account.number,
            "period_start": bill.period_start.isoformat(),
            "period_end": bill.period_end.isoformat(), "status": bill.status,
            "lines": [{"kind": line.kind, "band": line.band or None, "tier": line.tier,
                       "quantity": str(line.quantity), "unit_price": str(line.unit_price),
                       "amount": str(line.amount)}
                      for line in bill.lines.order_by("position")],
            "total_exc_tax": str(bill.total_exc_tax), "total_inc_tax": str(bill.total_inc_tax)}


def bill_line_explanation(*, line: BillLine, time_zone: str) -> dict:
    """The "why" of an energy, export or demand line: the intervals behind it (local start,
    kWh, quality, band) and the rate. Reads the meter's readings of the line's segment as
    they are now (an issued bill is explained from the readings it was priced on until a
    correction replaces it)."""
    base = {"line": _line_json(line), "intervals": [], "rate": str(line.unit_price)}
    if line.meter_id is None or line.segment_start is None or line.tariff_version_id is None:
        return base
    instants = local_days(DateRange(line.segment_start, line.segment_end), time_zone)
    profiles = interval_profiles_load(meter_ids=[line.meter_id], period=instants,
                                      interval_minutes=line.meter.interval_minutes)
    tariff = tariff_definitions_load(version_ids=[line.tariff_version_id])[
        line.tariff_version_id]
    present = profiles.present[0]
    starts = profiles.starts[present]
    kwh = profiles.kwh[0][present]
    quality = profiles.quality[0][present]
    profile = LoadProfile(interval_starts=starts, import_kwh=kwh, export_kwh=kwh,
                          interval=profiles.interval)
    prepared = prepare_profile(profile=profile, periods=[Period(instants.start, instants.end)],
                               time_zone=tariff.time_zone)
    bands = [None] * len(starts)
    if tariff.unit_rates:
        energy, _ = compiled_schedules(tariff)
        bands = [energy.bands[i] for i in prepared.bands(energy)]
    if line.band:
        chosen = np.array([band == line.band for band in bands], dtype=bool)
    else:
        chosen = np.ones(len(starts), dtype=bool)
    names = {code: name for name, code in QUALITY_CODES.items()}
    local = pd.DatetimeIndex(starts, tz="UTC").tz_convert(time_zone)
    base["intervals"] = [
        {"start": local[i].isoformat(), "kwh": str(Decimal(f"{kwh[i]:.6f}")),
         "quality": names.get(int(quality[i]), "MISSING"), "band": bands[i]}
        for i in np.flatnonzero(chosen)]
    base["interval_kwh_total"] = str(Decimal(f"{kwh[chosen].sum():.6f}"))
    return base


def ledger_of_account(*, account_id: int) -> dict:
    """The account's entries in order with their running balance, and the balance (their
    sum; negative is credit)."""
    entries = [{"at": e.at.isoformat(), "kind": e.kind, "amount": str(e.amount),
                "balance_after": str(e.balance_after), "description": e.description}
               for e in LedgerEntry.objects.filter(account_id=account_id).order_by("pk")]
    return {"entries": entries, "balance": str(account_balance(account_id=account_id))}


def payments_of_account(*, account_id: int):
    return Payment.objects.filter(account_id=account_id).order_by("-received_at", "-pk")


def prepay_charges_of_account(*, account_id: int):
    return PrepayCharge.objects.filter(account_id=account_id).order_by("-day_date")


def runs_recent(*, limit: int = 50):
    return BillingRun.objects.order_by("-created_at", "-pk")[:limit]


class BillingAccountNotFound(GridlineError):
    code = "not_found"
    status = 404


def access_account_by_id(*, account_id: int, customer_ids=None) -> Account:
    """The account with this id in the current retailer (and of one of `customer_ids`,
    e.g. a portal login's customer), or BillingAccountNotFound."""
    accounts = Account.objects.select_related("customer")
    if customer_ids is not None:
        accounts = accounts.filter(customer_id__in=list(customer_ids))
    account = accounts.filter(pk=account_id).first()
    if account is None:
        raise BillingAccountNotFound(f"No account {account_id}.")
    return account


def bills_listed(*, account_ids=None, account_id: int | None = None,
                 period: DateRange | None = None, status: str | None = None,
                 include_drafts: bool = True):
    """Bills newest period first, with their account (a queryset: the caller pages it).
    `account_ids`: only these (a portal customer's); `period`: bills that overlap it."""
    bills = Bill.objects.select_related("account")
    if account_ids is not None:
        bills = bills.filter(account_id__in=list(account_ids))
    if account_id is not None:
        bills = bills.filter(account_id=account_id)
    if period is not None:
        bills = bills.filter(period_start__lt=period.end, period_end__gt=period.start)
    if status is not None:
        bills = bills.filter(status=status)
    if not include_drafts:
        bills = bills.exclude(status=BillStatus.DRAFT)
    return bills.order_by("-period_start", "-pk")


def account_statement(*, account: Account, entries: int = 50, charges: int = 31) -> dict:
    """What a customer sees of an account's money: the balance (negative is credit), the
    last ledger entries (newest first), payments, and for a prepay account its daily
    charges and whether its credit is low. Constant queries."""
    prepay = Contract.objects.filter(account=account, payment=PaymentKind.PREPAY).exists()
    recent = list(LedgerEntry.objects.filter(account=account).order_by("-pk")[:entries])
    balance = account_balance(account_id=account.pk)
    return {
        "account": account, "balance": balance, "owed": max(balance, Decimal(0)),
        "credit": max(-balance, Decimal(0)),
        "entries": recent,
        "payments": list(payments_of_account(account_id=account.pk)[:entries]),
        "prepay": prepay,
        "prepay_charges": (list(prepay_charges_of_account(account_id=account.pk)[:charges])
                           if prepay else []),
        "low_balance_alert": (PrepayAlert.objects.filter(account=account,
                                                         cleared_at__isnull=True)
                              .order_by("-raised_on").first() if prepay else None),
    }


def bill_page(*, bill_id: int, account_ids, time_zone: str) -> dict:
    """A customer's bill page: the bill (issued or cancelled, never a draft), its detail
    and the consumption chart of its period; BillNotFound when not theirs."""
    bill = access_bill_by_id(bill_id=bill_id, account_ids=account_ids)
    if bill.status == BillStatus.DRAFT:
        raise BillNotFound(f"No bill {bill_id}.")
    return {"bill": bill, "detail": bill_detail(bill=bill),
            "chart": bill_consumption_chart(bill=bill, time_zone=time_zone)}
