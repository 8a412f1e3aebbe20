"""Who sees which cooperative: its managers (users with role COOP_MANAGER named on it) see
everything of it; a member customer's logins see the member view; nobody else sees it
exists. Everything is read in the request's schema, so another retailer's cooperatives are
never found (tenancy is the schema)."""
from django.db.models import Q, QuerySet

from accounts.users.models import Role
from cooperatives.models import Cooperative
from core.errors import GridlineError

MANAGER, MEMBER = "manager", "member"


class CooperativeNotVisible(GridlineError):
    code = "not_found"
    status = 404


def cooperatives_visible_to(*, user) -> QuerySet[Cooperative]:
    if not getattr(user, "is_authenticated", False):
        return Cooperative.objects.none()
    managed = Q(managers=user) if user.role == Role.COOP_MANAGER else Q(pk__in=[])
    member = Q(holdings__member__logins__user=user)
    return Cooperative.objects.filter(managed | member).distinct()


def access_cooperative_by_id(*, user, cooperative_id: int) -> tuple[Cooperative, str]:
    """(cooperative, MANAGER or MEMBER); CooperativeNotVisible otherwise."""
    coop = cooperatives_visible_to(user=user).filter(pk=cooperative_id).first()
    if coop is None:
        raise CooperativeNotVisible(f"No cooperative {cooperative_id}.")
    manages = user.role == Role.COOP_MANAGER and coop.managers.filter(pk=user.pk).exists()
    return coop, MANAGER if manages else MEMBER
