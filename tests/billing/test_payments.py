"""Payments: recorded once per external reference, applied to the oldest open bills, an
overpayment stays as credit and settles the next bill; the balance is the ledger's sum."""
from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.domain.audit import Actor
from accounts.models import AuditEvent
from billing.domain.ledger import account_balance
from billing.domain.payments import UnableToRecordPayment, payment_record
from billing.models import Bill, LedgerEntry, Payment
from tests.billing.conftest import bill_now
from tests.billing.world import NOW, flat, household, month, product, readings


def _billed_two_months(reference):
    # April and May at 0.5 kWh a half-hour, 0.20/kWh, no standing: 144.00 and 148.80.
    account, meter, _ = household(reference, product(f"{reference}-P", flat(standing="0")))
    readings(meter, month(2026, 4), "0.5")
    readings(meter, month(2026, 5), "0.5")
    bill_now(month(2026, 4), account_ids=[account.pk])
    bill_now(month(2026, 5), account_ids=[account.pk])
    april, may = Bill.objects.filter(account=account).order_by("period_start")
    assert (april.total_inc_tax, may.total_inc_tax) == (Decimal("144.00"), Decimal("148.80"))
    return account, april, may


def test_a_duplicate_external_reference_records_one_payment(in_alpha):
    account, april, _ = _billed_two_months("PAY1")
    first, created = payment_record(account=account, amount="50.00", method="CARD",
                                    external_reference="REF-1", received_at=NOW,
                                    actor=Actor.system(at=NOW))
    again, created_again = payment_record(account=account, amount="50.00", method="CARD",
                                          external_reference="REF-1", received_at=NOW,
                                          actor=Actor.system(at=NOW))
    assert (created, created_again) == (True, False) and again.pk == first.pk
    assert Payment.objects.filter(account=account).count() == 1
    assert LedgerEntry.objects.filter(account=account, kind="PAYMENT").count() == 1
    # One audit row, written with the payment; the replay records nothing.
    audits = AuditEvent.objects.filter(customer_id_value=account.customer_id, subject="payment")
    assert [(a.action, a.channel, a.detail["external_reference"]) for a in audits] == [
        ("CREATE", "SYSTEM", "REF-1")]
    april.refresh_from_db()
    assert (april.paid, april.status) == (Decimal("50.00"), "PARTLY_PAID")


def test_a_payment_settles_the_oldest_bill_first_and_the_rest_stays_as_credit(in_alpha):
    account, april, may = _billed_two_months("PAY2")
    payment_record(account=account, amount="300.00", method="BANK_TRANSFER",
                   external_reference="REF-2", received_at=NOW, actor=Actor.system(at=NOW))
    april.refresh_from_db()
    may.refresh_from_db()
    assert (april.status, may.status) == ("PAID", "PAID")
    # 144.00 + 148.80 = 292.80 owed, 300.00 paid: 7.20 in the customer's favour.
    assert account_balance(account_id=account.pk) == Decimal("-7.20")
    # The credit settles part of June's bill when it is issued.
    meter = account.contracts.get().meter_point.meters.get()
    readings(meter, month(2026, 6), "0.5")  # 720 kWh x 0.20 = 144.00
    bill_now(month(2026, 6), account_ids=[account.pk], now=NOW + timedelta(hours=1))
    june = Bill.objects.get(account=account, period_start__month=6)
    assert (june.paid, june.status) == (Decimal("7.20"), "PARTLY_PAID")
    assert account_balance(account_id=account.pk) == Decimal("136.80")


@pytest.mark.parametrize(("amount", "message"), [
    ("0", "must be more than zero"), ("-5", "must be more than zero"),
    ("1.005", "more than two decimals"), ("abc", "is not a number")])
def test_bad_amounts_are_refused_and_nothing_is_written(in_alpha, amount, message):
    account, _, _ = _billed_two_months(f"PAY3{len(amount)}{amount[0]}")
    with pytest.raises(UnableToRecordPayment, match=message):
        payment_record(account=account, amount=amount, method="CARD",
                       external_reference="X", received_at=NOW, actor=Actor.system(at=NOW))
    assert not Payment.objects.filter(account=account).exists()
