"""Builders for the front-door tests (portal, admin, API): a customer with a portal login
and issued bills, made through the billing domain in this process."""
from django.db import connection, transaction
from django_tenants.utils import schema_context

from accounts.domain.demo import DEMO_PASSWORD
from accounts.models import Customer, CustomerUser
from accounts.users.models import Role, User
from billing.models import Bill
from tariffs.models import Product
from tests.billing.conftest import bill_now
from tests.billing.world import flat, household, month, product, readings

MONTHS = ((2026, 9), (2026, 10))


def billed_customer(reference: str, *, username: str | None = None, months=MONTHS,
                    issue: bool = True, kwh="0.5"):
    """A household on a flat tariff (0.20/kWh, 0.50/day, VAT 5%) with readings and a bill
    for each month; with `username`, a portal login of the customer. Returns the account."""
    version = product(f"{reference}-FLAT", flat(vat="0.05"))
    account, meter, _ = household(reference, version)
    for year, number in months:
        readings(meter, month(year, number), kwh)
        bill_now(month(year, number), account_ids=[account.pk], issue=issue)
    if username:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD,
                                        role=Role.CUSTOMER)
        CustomerUser.objects.create(user=user, customer=account.customer)
    return account


def bills_of(account) -> list[Bill]:
    return list(Bill.objects.filter(account=account).order_by("period_start"))


BILLING_TABLES = ("billing_billingrun, billing_runchunk, billing_runissue, billing_bill, "
                  "billing_billline, billing_creditnote, billing_ledgerentry, billing_payment, "
                  "billing_paymentallocation, billing_dunningnotice, billing_prepaycharge, "
                  "billing_prepayalert, billing_documentcounter")


def committed_customer_remove(schema: str, reference: str, username: str | None) -> None:
    """Remove what a test committed with billed_customer (for tests that need committed
    rows: a server or worker process reads them), and every billing row of the schema."""
    with schema_context(schema), transaction.atomic(), connection.cursor() as cursor:
        # The ledger, issued bills and billed tariff versions refuse changes by trigger;
        # a test's own rows are the exception (the test database's owner may).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"TRUNCATE {BILLING_TABLES} CASCADE")
        customer = Customer.objects.get(reference=reference)
        cursor.execute("DELETE FROM metering_reading WHERE meter_id IN (SELECT m.id FROM "
                       "metering_meter m JOIN accounts_meterpoint p ON p.id = "
                       "m.meter_point_id JOIN accounts_premise r ON r.id = p.premise_id "
                       "WHERE r.customer_id = %s)", [customer.pk])
        customer.contracts.all().delete()
        customer.accounts.all().delete()
        for premise in customer.premises.all():
            for point in premise.meter_points.all():
                point.meters.all().delete()
                point.delete()
        if username:
            User.objects.filter(username=username).delete()
        customer.delete()
        for product in Product.objects.filter(code=f"{reference}-FLAT"):
            product.versions.all().delete()
            product.delete()
