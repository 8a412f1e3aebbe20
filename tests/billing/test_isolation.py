"""Tenant isolation: bob's bills, ledger and payments at beta are not found from alpha
through the domain read functions the front doors call."""
import pytest
from django_tenants.utils import schema_context

from accounts.domain.audit import Actor
from billing.domain.payments import payment_record
from billing.domain.reads import (
    BillNotFound,
    access_bill_by_id,
    bills_of_account,
    ledger_of_account,
    payments_of_account,
)
from billing.models import Bill
from tests.billing.conftest import bill_now
from tests.billing.world import NOW, flat, household, month, product, readings


def test_beta_bills_ledger_and_payments_are_invisible_at_alpha(db):
    with schema_context("beta"):
        account, meter, _ = household("ISO-B", product("ISO-FLAT", flat()))
        readings(meter, month(2026, 4), "0.5")
        bill_now(month(2026, 4), account_ids=[account.pk])
        payment_record(account=account, amount="10.00", method="CARD",
                       external_reference="ISO-1", received_at=NOW, actor=Actor.system(at=NOW))
        bill = Bill.objects.get(account=account)
        assert access_bill_by_id(bill_id=bill.pk).pk == bill.pk
        assert len(ledger_of_account(account_id=account.pk)["entries"]) == 2
    with schema_context("alpha"):
        # The same ids name nothing of bob's retailer here (each schema has its own rows).
        with pytest.raises(BillNotFound):
            access_bill_by_id(bill_id=bill.pk)
        assert list(bills_of_account(account_id=account.pk)) == []
        assert list(payments_of_account(account_id=account.pk)) == []
        assert ledger_of_account(account_id=account.pk) == {"entries": [], "balance": "0"}
