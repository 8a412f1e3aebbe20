"""Payments and top-ups: recorded once per account and external reference, applied to the
account's oldest open bills; what is left over stays as credit (a negative balance) and
settles the next bills as they are issued.

A payment's unapplied part is its amount less its allocations to bills that are not
cancelled: when a correction cancels a paid bill, the money it had settled is free again
and settles the replacement (the cancelled bill keeps its allocation rows as history).
"""
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from accounts.domain.audit import Actor, audit_by
from accounts.models import Account, AuditAction
from billing.models import (
    OPEN_BILL_STATUSES,
    Bill,
    BillStatus,
    LedgerKind,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PrepayAlert,
)
from core.errors import GridlineError
from core.money import ZERO, money_round

from .ledger import NewEntry, balances_last, ledger_append
from .settings import billing_settings_get


class UnableToRecordPayment(GridlineError):
    code = "payment_invalid"


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise UnableToRecordPayment(f"Amount {value!r} is not a number.") from None
    if not amount.is_finite() or amount <= 0:
        raise UnableToRecordPayment(f"Amount {value} must be more than zero.")
    if money_round(amount) != amount:
        raise UnableToRecordPayment(f"Amount {value} has more than two decimals.")
    return amount


def payment_record(*, account: Account, amount, method: str, external_reference: str,
                   received_at: datetime, actor: Actor) -> tuple[Payment, bool]:
    """Record a payment (or a prepay top-up, method TOP_UP) once per account and external
    reference: (payment, created), with its ledger entry and the actor's audit row in one
    transaction. The same reference again returns the first payment and records nothing
    (whatever its amount); the database's unique index settles a race."""
    now = actor.at
    amount = _amount(amount)
    if method not in PaymentMethod.values:
        raise UnableToRecordPayment(
            f"Method {method!r} is not one of {', '.join(PaymentMethod.values)}.")
    reference = (external_reference or "").strip()
    if not reference or len(reference) > 100:
        raise UnableToRecordPayment("An external reference of 1 to 100 characters is needed "
                                    "(it makes a repeated payment harmless).")
    existing = Payment.objects.filter(account=account, external_reference=reference).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                account=account, amount=amount, method=method, external_reference=reference,
                received_at=received_at, created_at=now)
            kind = LedgerKind.TOP_UP if method == PaymentMethod.TOP_UP else LedgerKind.PAYMENT
            ledger_append(entries=[NewEntry(
                account_id=account.pk, kind=kind, amount=-amount, payment_id=payment.pk,
                description=f"{payment.get_method_display()} {reference}")], at=now)
            payments_settle(account_ids=[account.pk])
            _prepay_alert_clear(account_id=account.pk, now=now)
            audit_by(actor=actor, customer_ids=[account.customer_id],
                     action=AuditAction.CREATE, subject="payment",
                     detail={"account": account.number, "payment": payment.pk,
                             "amount": str(amount), "method": method,
                             "external_reference": reference})
    except IntegrityError:
        existing = Payment.objects.filter(account=account, external_reference=reference).first()
        if existing is None:
            raise
        return existing, False
    return payment, True


def payments_settle(*, account_ids: Collection[int]) -> int:
    """Apply the unapplied part of these accounts' payments to their open bills, oldest
    first; returns how many allocations were made. Call inside the transaction that locked
    the accounts (ledger_append does)."""
    ids = sorted(set(account_ids))
    if not ids:
        return 0
    live = ~Q(allocations__bill__status=BillStatus.CANCELLED)
    payments = (Payment.objects.filter(account_id__in=ids)
                .annotate(applied=Sum("allocations__amount", filter=live))
                .order_by("account_id", "received_at", "pk"))
    free = defaultdict(list)
    for payment in payments:
        left = payment.amount - (payment.applied or ZERO)
        if left > 0:
            free[payment.account_id].append([payment, left])
    if not free:
        return 0
    bills = (Bill.objects.filter(account_id__in=list(free), status__in=OPEN_BILL_STATUSES)
             .order_by("account_id", "issue_date", "pk"))
    made = 0
    for bill in bills:
        pool = free[bill.account_id]
        while pool and bill.outstanding > 0:
            payment_left = pool[0]
            take = min(payment_left[1], bill.outstanding)
            PaymentAllocation.objects.create(payment=payment_left[0], bill=bill, amount=take)
            made += 1
            bill.paid += take
            payment_left[1] -= take
            if payment_left[1] <= 0:
                pool.pop(0)
        status = BillStatus.PAID if bill.outstanding <= 0 else (
            BillStatus.PARTLY_PAID if bill.paid > 0 and bill.status != BillStatus.OVERDUE
            else bill.status)
        Bill.objects.filter(pk=bill.pk).update(paid=bill.paid, status=status)
    return made


def _prepay_alert_clear(*, account_id: int, now: datetime) -> None:
    """A low-balance alert ends once the credit is back at or above the threshold."""
    credit = -balances_last(account_ids=[account_id])[account_id]
    if credit >= billing_settings_get().prepay_low_balance:
        PrepayAlert.objects.filter(account_id=account_id, cleared_at__isnull=True).update(
            cleared_at=now)
