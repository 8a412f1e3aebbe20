"""Builders for the front-door tests (portal, admin, API): a customer with a portal login
and issued bills, made through the billing domain in this process."""
from accounts.domain.demo import DEMO_PASSWORD
from accounts.models import CustomerUser
from accounts.users.models import Role, User
from billing.models import Bill
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
