"""Buying and redeeming shares, and the member register.

A purchase is a new holding from its date; a redemption ends holdings on its date, the
newest first (a partly redeemed holding ends and the rest continues as a new holding from
the same date), so the register keeps every holding's history and a member's shares on any
date are the sum of the holdings that hold it. The per-member limit is checked under a lock
of the cooperative's row, so two purchases at once cannot pass it together."""
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, Sum

from accounts.domain.audit import Actor, audit_by
from accounts.models import AuditAction, Customer
from cooperatives.models import Cooperative, Shareholding
from core.errors import GridlineError

from .events import event_record


class UnableToChangeShares(GridlineError):
    code = "shares_invalid"


def _held_on(*, cooperative_id: int, member_id: int, on: date) -> int:
    total = (Shareholding.objects.filter(cooperative_id=cooperative_id, member_id=member_id)
             .filter(Q(active_to__isnull=True) | Q(active_to__gt=on))
             .aggregate(s=Sum("shares"))["s"])
    return total or 0


def shares_buy(*, cooperative: Cooperative, member: Customer, shares: int, on: date,
               actor: Actor) -> Shareholding:
    """`shares` more for `member` from local date `on`."""
    if shares <= 0:
        raise UnableToChangeShares(f"a purchase needs at least one share, not {shares}")
    with transaction.atomic():
        coop = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        # The most the member holds on any day from `on` on: holdings still open on `on`.
        held = _held_on(cooperative_id=coop.pk, member_id=member.pk, on=on)
        if held + shares > coop.max_shares_per_member:
            raise UnableToChangeShares(
                f"{member.reference} would hold {held + shares} shares of {coop.code}; a "
                f"member may hold at most {coop.max_shares_per_member}")
        holding = Shareholding.objects.create(cooperative=coop, member=member, shares=shares,
                                              active_from=on, created_at=actor.at)
        detail = {"cooperative": coop.code, "shares": shares, "from": on.isoformat(),
                  "holding": holding.pk}
        event_record(cooperative=coop, actor=actor, action="shares_bought",
                     detail={"member": member.reference, **detail})
        audit_by(actor=actor, customer_ids=[member.pk], action=AuditAction.CREATE,
                 subject="shareholding", detail=detail)
    return holding


def shares_redeem(*, cooperative: Cooperative, member: Customer, shares: int, on: date,
                  actor: Actor) -> int:
    """Redeem `shares` from local date `on` (newest holdings first); returns what the
    member still holds from `on`."""
    if shares <= 0:
        raise UnableToChangeShares(f"a redemption needs at least one share, not {shares}")
    with transaction.atomic():
        coop = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        open_holdings = list(
            Shareholding.objects.select_for_update()
            .filter(cooperative=coop, member=member, active_from__lte=on)
            .filter(Q(active_to__isnull=True) | Q(active_to__gt=on))
            .order_by("-active_from", "-pk"))
        if Shareholding.objects.filter(cooperative=coop, member=member,
                                       active_from__gt=on).exists():
            raise UnableToChangeShares(
                f"{member.reference} has holdings starting after {on}; redeem from a later date")
        held = sum(h.shares for h in open_holdings)
        if shares > held:
            raise UnableToChangeShares(
                f"{member.reference} holds {held} shares of {coop.code} on {on}, fewer than "
                f"the {shares} to redeem")
        left = shares
        for holding in open_holdings:
            if left == 0:
                break
            taken = min(left, holding.shares)
            left -= taken
            if holding.active_from == on:  # bought the same day: shrink or drop it
                if taken == holding.shares:
                    holding.delete()
                else:
                    holding.shares -= taken
                    holding.save(update_fields=["shares"])
                continue
            keep, holding.active_to = holding.shares - taken, on
            holding.save(update_fields=["active_to"])
            if keep:
                Shareholding.objects.create(cooperative=coop, member=member, shares=keep,
                                            active_from=on, active_to=None,
                                            created_at=actor.at)
        detail = {"cooperative": coop.code, "shares": shares, "from": on.isoformat()}
        event_record(cooperative=coop, actor=actor, action="shares_redeemed",
                     detail={"member": member.reference, **detail})
        audit_by(actor=actor, customer_ids=[member.pk], action=AuditAction.CHANGE,
                 subject="shareholding", detail=detail)
    return held - shares


@dataclass(frozen=True)
class RegisterRow:
    member_id: int
    reference: str
    name: str
    shares: int


def member_register(*, cooperative: Cooperative, on: date) -> list[RegisterRow]:
    """Members holding shares on `on`, with their shares (one query), by reference."""
    rows = (Shareholding.objects.filter(cooperative=cooperative).active_on(on)
            .values("member_id", "member__reference", "member__name")
            .annotate(total=Sum("shares")).order_by("member__reference"))
    return [RegisterRow(member_id=r["member_id"], reference=r["member__reference"],
                        name=r["member__name"], shares=r["total"]) for r in rows]
