"""The only ways views and APIs reach customer data: each checks who is asking.

A customer login sees its own customer only; staff and partners see the retailer's
customers (the schema already confines them to one retailer). Anything not visible is
reported as "does not exist", so a foreign id is indistinguishable from a missing one.
"""
from django.db.models import QuerySet

from accounts.models import Contract, Customer
from accounts.users.models import Role


class CustomerNotVisible(Customer.DoesNotExist):
    pass


def customers_visible_to(*, user) -> QuerySet[Customer]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Customer.objects.none()
    if user.role in (Role.STAFF, Role.PARTNER) or user.is_superuser:
        return Customer.objects.all()
    if user.role == Role.CUSTOMER:
        return Customer.objects.filter(logins__user=user)
    return Customer.objects.none()


def access_customer_by_id(*, user, customer_id: int) -> Customer:
    try:
        return customers_visible_to(user=user).get(pk=customer_id)
    except Customer.DoesNotExist:
        raise CustomerNotVisible(f"No customer {customer_id} visible to this login.") from None


def customer_of_login(*, user) -> Customer:
    """The customer a portal login belongs to."""
    customer = customers_visible_to(user=user).filter(logins__user=user).first()
    if customer is None:
        raise CustomerNotVisible("This login does not belong to a customer.")
    return customer


def contracts_visible_to(*, user) -> QuerySet[Contract]:
    return Contract.objects.filter(customer__in=customers_visible_to(user=user))
