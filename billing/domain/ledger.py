"""The ledger: append-only entries per account; the balance is their sum.

`amount` > 0: the customer owes more (a bill, a prepay charge, a refund paid out);
< 0: they paid or were credited (a payment, a top-up, a credit note). A negative balance
is credit in the customer's favour. Entries are appended under a row lock on each account
(`SELECT ... FOR UPDATE` on accounts_account, in id order, so two writers never deadlock),
so `balance_after` is always the previous balance plus the amount. A database trigger
refuses UPDATE and DELETE on the table (migration 0002).
"""
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from accounts.models import Account
from billing.models import LedgerEntry
from core.money import ZERO

from .copying import ids_take, rows_copy

_COLUMNS = ("id", "account_id", "kind", "amount", "balance_after", "at", "description",
            "bill_id", "credit_note_id", "payment_id", "prepay_charge_id")


@dataclass(frozen=True)
class NewEntry:
    account_id: int
    kind: str
    amount: Decimal
    description: str
    bill_id: int | None = None
    credit_note_id: int | None = None
    payment_id: int | None = None
    prepay_charge_id: int | None = None


def accounts_lock(*, account_ids: Collection[int]) -> None:
    """Lock these accounts' rows until the transaction ends (in id order)."""
    ids = sorted(set(account_ids))
    if ids:
        list(Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")
             .values_list("pk", flat=True))


def balances_last(*, account_ids: Collection[int]) -> dict[int, Decimal]:
    """The balance after each account's latest entry (0 without entries), one query."""
    ids = sorted(set(account_ids))
    found = dict.fromkeys(ids, ZERO)
    if not ids:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (account_id) account_id, balance_after "
            "FROM billing_ledgerentry WHERE account_id = ANY(%s) "
            "ORDER BY account_id, id DESC", [ids])
        found.update(dict(cursor.fetchall()))
    return found


def ledger_append(*, entries: Sequence[NewEntry], at: datetime) -> int:
    """Append entries (any accounts, in the given order) with their running balances;
    returns how many. Call inside a transaction: it locks the accounts until it ends."""
    ids = {entry.account_id for entry in entries}
    accounts_lock(account_ids=ids)
    balances = balances_last(account_ids=ids)
    rows = []
    for entry, pk in zip(entries, ids_take(table="billing_ledgerentry", count=len(entries)),
                         strict=True):
        balances[entry.account_id] += entry.amount
        rows.append((pk, entry.account_id, entry.kind, entry.amount,
                     balances[entry.account_id], at, entry.description[:200], entry.bill_id,
                     entry.credit_note_id, entry.payment_id, entry.prepay_charge_id))
    rows_copy(table="billing_ledgerentry", columns=_COLUMNS, rows=rows)
    return len(rows)


def account_balance(*, account_id: int) -> Decimal:
    """The sum of the account's entries (what it owes; negative: credit)."""
    total = LedgerEntry.objects.filter(account_id=account_id).aggregate(s=Sum("amount"))["s"]
    return total if total is not None else ZERO
