"""Cooperative managers: logins with role COOP_MANAGER named on a cooperative. They are not
staff (no admin) and have no customer account; the portal's cooperatives pages are theirs."""
from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.domain.audit import Actor
from accounts.users.models import Role
from cooperatives.models import Cooperative
from core.errors import GridlineError

from .events import event_record


class UnableToAddManager(GridlineError):
    code = "manager_invalid"


def manager_ensure(*, cooperative: Cooperative, username: str, email: str,
                   password: str | None, actor: Actor):
    """The login `username` manages `cooperative`: created with role COOP_MANAGER if
    missing (`password` None: unusable); an existing login must already be a manager."""
    if not username:
        raise UnableToAddManager("a manager needs a username")
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=email, role=Role.COOP_MANAGER)
            user.set_password(password) if password else user.set_unusable_password()
            user.save()
        elif user.role != Role.COOP_MANAGER:
            raise UnableToAddManager(f"{username} is a {user.role} login, not a manager")
        if not cooperative.managers.filter(pk=user.pk).exists():
            cooperative.managers.add(user)
            event_record(cooperative=cooperative, actor=actor, action="manager_added",
                         detail={"user": username})
    return user
