"""Customers' keys for the Octopus-compatible API (api_compat): made and revoked by the
customer in the portal, checked on every call. Only a key's SHA-256 is stored (a key is
32 random characters, so a slow hash would add nothing but time on every request); the
key itself is shown once. Each change is audited.
"""
import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from accounts.domain.audit import Actor, audit_by
from accounts.models import AuditAction, Customer, CustomerApiKey
from core.errors import GridlineError

KEY_PREFIX = "sk_live_"
_ALPHABET = string.ascii_letters + string.digits
SHOWN_PREFIX_LENGTH = 12


class UnableToChangeApiKey(GridlineError):
    code = "api_key_invalid"


@dataclass(frozen=True)
class NewApiKey:
    row: CustomerApiKey
    key: str  # shown to the customer once; never stored


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _key_store(*, customer: Customer, user, key: str, actor: Actor) -> CustomerApiKey:
    row = CustomerApiKey.objects.create(
        customer=customer, user=user, key_hash=api_key_hash(key),
        key_prefix=key[:SHOWN_PREFIX_LENGTH], created_at=actor.at)
    audit_by(actor=actor, customer_ids=[customer.pk], action=AuditAction.CREATE,
             subject="api_key.create", detail={"key": row.key_prefix})
    return row


def api_keys_live(*, user, at: datetime):
    return (CustomerApiKey.objects.filter(user=user, created_at__lte=at)
            .exclude(revoked_at__lte=at).order_by("created_at", "pk"))


@transaction.atomic
def api_key_create(*, customer: Customer, user, actor: Actor) -> NewApiKey:
    """A new key for `user` (a login of `customer`); the login's live key, if any, is
    revoked at the same moment (one live key per login, as Octopus's "regenerate")."""
    if not customer.logins.filter(user=user).exists():
        raise UnableToChangeApiKey("Only the customer's own logins can have API keys.")
    api_key_revoke(user=user, actor=actor, missing_ok=True)
    key = KEY_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(32))
    return NewApiKey(row=_key_store(customer=customer, user=user, key=key, actor=actor),
                     key=key)


@transaction.atomic
def api_key_revoke(*, user, actor: Actor, missing_ok: bool = False) -> int:
    """End the login's live key at `actor.at`; returns how many were ended (0 or 1)."""
    live = list(api_keys_live(user=user, at=actor.at).select_for_update())
    if not live:
        if missing_ok:
            return 0
        raise UnableToChangeApiKey("There is no API key to revoke.")
    CustomerApiKey.objects.filter(pk__in=[k.pk for k in live]).update(revoked_at=actor.at)
    for key in live:
        audit_by(actor=actor, customer_ids=[key.customer_id], action=AuditAction.CHANGE,
                 subject="api_key.revoke", detail={"key": key.key_prefix})
    return len(live)


def api_key_lookup(*, key: str, at: datetime) -> CustomerApiKey | None:
    """The live key with this text in this retailer's schema, with its active login (one
    query); None for an unknown, revoked or deactivated one."""
    if not key:
        return None
    return (CustomerApiKey.objects.select_related("user")
            .filter(key_hash=api_key_hash(key), created_at__lte=at, user__is_active=True)
            .exclude(revoked_at__lte=at).order_by("pk").first())


@transaction.atomic
def api_key_demo_ensure(*, customer: Customer, user, key: str, actor: Actor) -> bool:
    """Store a demo login's published key (demo_credentials prints it) unless the login
    already has or had a key; True when stored."""
    if CustomerApiKey.objects.filter(user=user).exists():
        return False
    _key_store(customer=customer, user=user, key=key, actor=actor)
    return True
