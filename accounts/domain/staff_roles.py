"""Who may do what in a retailer's admin: two groups, never a superuser.

- Sales staff: customers, premises, meter points, accounts, contracts, consents, tariff
  switch requests, products and tariff versions, meters, readings, ingest uploads and price
  alerts: what selling and serving customers needs. No OAuth applications, tokens or
  grants, no users, groups or permissions, no deletion of customer records.
- Administrators: every permission of the retailer's schema (platform internals too).

The groups are rebuilt from this table after every migration of a retailer schema (new
models get their permissions then), so the table is the single place to change a right.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.users.models import Role
from core.errors import GridlineError

SALES_STAFF_GROUP = "Sales staff"
ADMINISTRATORS_GROUP = "Administrators"

_EDIT = ("view", "add", "change")
# app label -> model -> actions; "*" stands for every model of the app.
SALES_STAFF_PERMISSIONS = {
    "accounts": {
        "customer": _EDIT, "premise": _EDIT, "meterpoint": _EDIT, "account": _EDIT,
        "contract": _EDIT, "customeruser": _EDIT, "consent": _EDIT,
        "tariffswitchrequest": ("view", "change"), "auditevent": ("view",),
    },
    "tariffs": {"*": _EDIT},
    "metering": {"meter": _EDIT, "reading": ("view",), "dailyrollup": ("view",),
                 "ingestreport": ("view", "add"), "readingedit": ("view",)},
    "market_alerts": {"pricealert": (*_EDIT, "delete"), "alertnotice": ("view",)},
    # Bills, runs, the ledger and payments: looked at; written only through billing's
    # domain (runs, payments, corrections), never edited in the admin. Sales staff record
    # a payment a customer made (payment_record); starting runs (add_billingrun) and
    # issuing drafts (change_bill) are the administrators'.
    "billing": {"*": ("view",), "payment": ("view", "add")},
    # Savings advice: runs, results, recommendations, segments; written by the nightly job.
    "insights": {"*": ("view",)},
    # To link a customer's portal login on the customer page (the login chooser).
    "users": {"user": ("view",)},
}

GROUP_OF_ROLE = {Role.STAFF: SALES_STAFF_GROUP, Role.ADMINISTRATOR: ADMINISTRATORS_GROUP}


class UnableToCreateStaffUser(GridlineError):
    code = "staff_user_invalid"


def _sales_permissions():
    chosen = []
    for permission in Permission.objects.select_related("content_type").order_by("pk"):
        models = SALES_STAFF_PERMISSIONS.get(permission.content_type.app_label, {})
        action = permission.codename.split("_", 1)[0]
        actions = models.get(permission.content_type.model, models.get("*", ()))
        if action in actions:
            chosen.append(permission)
    return chosen


@transaction.atomic
def staff_groups_ensure() -> dict[str, int]:
    """Create or refresh both groups in the current schema; returns permissions per group."""
    sales, _ = Group.objects.get_or_create(name=SALES_STAFF_GROUP)
    sales.permissions.set(_sales_permissions())
    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    administrators.permissions.set(Permission.objects.all())
    return {SALES_STAFF_GROUP: sales.permissions.count(),
            ADMINISTRATORS_GROUP: administrators.permissions.count()}


@transaction.atomic
def staff_user_ensure(*, username: str, email: str, password: str | None, role: str):
    """A staff login in the current schema with exactly its role's group: created if
    missing; an existing one (e.g. a demo user made a superuser by older versions) is put
    back to its role. `password` None keeps an existing password."""
    if role not in GROUP_OF_ROLE:
        raise UnableToCreateStaffUser(f"Role {role!r} is not a staff role.")
    if not username:
        raise UnableToCreateStaffUser("A staff user needs a username.")
    staff_groups_ensure()
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        user.set_password(password) if password else user.set_unusable_password()
    elif password:
        user.set_password(password)
    user.email = email
    user.role = role
    user.is_staff = True
    user.is_superuser = False
    user.save()
    user.groups.set([Group.objects.get(name=GROUP_OF_ROLE[role])])
    return user


def retailer_administrator_create(*, username: str, email: str, password: str):
    """The first login of a new retailer (tenants.retailer_create calls it through
    settings.GRIDLINE_RETAILER_FIRST_USER): its administrator."""
    return staff_user_ensure(username=username, email=email, password=password,
                             role=Role.ADMINISTRATOR)


def staff_groups_after_migrate(sender, *, using, **kwargs):
    """post_migrate: keep the groups in step with the models of a retailer schema (as
    Django's own create_permissions does for permissions). The public schema has none."""
    from django.db import connections
    from django_tenants.utils import get_public_schema_name

    if connections[using].schema_name != get_public_schema_name():
        staff_groups_ensure()
