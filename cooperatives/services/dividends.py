"""Dividends: a manager proposes a year's distribution, another decision approves it, and
approval credits every member's ledger in the same transaction.

The arithmetic is the pure layer's (cooperatives.domain.dividends): by share-days with the
largest-remainder rule in whole cents (the credits sum to the approved amount exactly;
ties go to the larger share-days, then to the lower member id, the order members are
passed in), or a fixed interest on capital, each credit rounded half up. The year's
result (surplus revenue + members' generation lines − costs) caps what may be proposed.

A credit is a billing ADJUSTMENT entry (negative amount: in the member's favour) on the
member's oldest account, written through billing's `ledger_append` (cooperatives sit above
billing in the import-linter layers for this)."""
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from accounts.domain.audit import Actor, audit_by
from accounts.models import Account, AuditAction
from billing.domain.ledger import NewEntry, ledger_append
from billing.models import LedgerKind
from cooperatives.domain import (
    Cost,
    DividendMethod,
    DividendProposal,
    dividend_as_interest,
    dividend_by_share_days,
    period_result,
)
from cooperatives.domain.shares import Holding, share_days
from cooperatives.models import (
    Allocation,
    AllocationStatus,
    Cooperative,
    CooperativeCost,
    DividendCredit,
    DividendDistribution,
    DividendStatus,
    PeriodSettlement,
    Shareholding,
)
from core.errors import GridlineError
from core.money import ZERO
from core.ranges import DateRange

from .events import event_record


class UnableToDistribute(GridlineError):
    code = "dividend_invalid"


def _year(year: int) -> DateRange:
    return DateRange(date(year, 1, 1), date(year + 1, 1, 1))


def year_result(*, cooperative: Cooperative, year: int):
    """The year's PeriodResult: settlements' surplus revenue, live allocations' generation
    amounts, and the costs of periods starting in the year (three queries)."""
    days = _year(year)
    surplus = (PeriodSettlement.objects.filter(
        cooperative=cooperative, period_start__gte=days.start, period_start__lt=days.end)
        .aggregate(s=Sum("surplus_revenue"))["s"]) or ZERO
    members = (Allocation.objects.filter(
        cooperative=cooperative, status=AllocationStatus.LIVE, period_start__gte=days.start,
        period_start__lt=days.end).aggregate(s=Sum("amount"))["s"]) or ZERO
    costs = [Cost(description=c.description, amount=c.amount) for c in
             CooperativeCost.objects.filter(cooperative=cooperative, period_start__gte=days.start,
                                            period_start__lt=days.end).order_by("pk")]
    return period_result(surplus_revenue=surplus, member_revenue=members, costs=costs)


def _share_days(cooperative: Cooperative, year: int) -> dict[int, int]:
    days = _year(year)
    holdings = [Holding(member=h.member_id, shares=h.shares, active_from=h.active_from,
                        active_to=h.active_to)
                for h in Shareholding.objects.filter(cooperative=cooperative)
                .overlapping(days.start, days.end).order_by("member_id", "pk")]
    found = share_days(holdings=holdings, year=days)
    return {member: found[member] for member in sorted(found)}  # by member id


def _proposal(distribution: DividendDistribution) -> DividendProposal:
    coop = distribution.cooperative
    days = _share_days(coop, distribution.year)
    if not days:
        raise UnableToDistribute(f"{coop.code} had no members in {distribution.year}")
    days_in_year = _year(distribution.year).days
    if distribution.method == DividendMethod.INTEREST:
        return dividend_as_interest(rate=distribution.rate, share_price=coop.share_price,
                                    share_days=days, days_in_year=days_in_year)
    return dividend_by_share_days(amount=distribution.amount, share_days=days,
                                  days_in_year=days_in_year)


def dividend_propose(*, cooperative: Cooperative, year: int, method: str,
                     amount: Decimal | None = None, rate: Decimal | None = None,
                     actor: Actor) -> DividendDistribution:
    """Propose `amount` by share-days, or interest at `rate`, for `year`; refused above the
    year's result."""
    if method not in (DividendMethod.SHARE_DAYS, DividendMethod.INTEREST):
        raise UnableToDistribute(f"unknown method {method!r}")
    with transaction.atomic():
        coop = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        available = year_result(cooperative=coop, year=year).result
        distribution = DividendDistribution(
            cooperative=coop, year=year, method=str(method), rate=rate,
            amount=amount or ZERO, proposed_at=actor.at,
            proposed_by=actor.user if getattr(actor.user, "pk", None) else None)
        proposal = _proposal(distribution)
        if proposal.amount > available:
            raise UnableToDistribute(
                f"{coop.code}'s result for {year} is {available}; a distribution of "
                f"{proposal.amount} is more than that")
        distribution.amount = proposal.amount
        if DividendDistribution.objects.filter(cooperative=coop, year=year).exclude(
                status=DividendStatus.WITHDRAWN).exists():
            raise UnableToDistribute(f"{coop.code} already has a distribution for {year}")
        distribution.save()
        event_record(cooperative=coop, actor=actor, action="dividend_proposed",
                     detail={"distribution": distribution.pk, "year": year,
                             "method": str(method), "amount": str(proposal.amount),
                             "rate": None if rate is None else str(rate)})
    return distribution


def dividend_approve(*, distribution: DividendDistribution, actor: Actor
                     ) -> list[DividendCredit]:
    """Approve a proposed distribution: a credit per member on their ledger, summing to
    the distribution's amount to the cent, with the member statements; all or nothing."""
    with transaction.atomic():
        dist = (DividendDistribution.objects.select_for_update().select_related("cooperative")
                .get(pk=distribution.pk))
        if dist.status != DividendStatus.PROPOSED:
            raise UnableToDistribute(f"distribution {dist.pk} is {dist.status}, not PROPOSED")
        proposal = _proposal(dist)
        if proposal.amount != dist.amount:
            raise UnableToDistribute(
                f"the register changed since the proposal: it now comes to {proposal.amount}, "
                f"not {dist.amount}; withdraw it and propose again")
        members = [s.member for s in proposal.statements]
        accounts = {}
        for account_id, customer_id in (Account.objects.filter(customer_id__in=members)
                                        .order_by("customer_id", "pk")
                                        .values_list("pk", "customer_id")):
            accounts.setdefault(customer_id, account_id)
        without = [m for m in members if m not in accounts]
        if without:
            raise UnableToDistribute(f"members {without} have no account to credit")
        coop = dist.cooperative
        credits = DividendCredit.objects.bulk_create([
            DividendCredit(distribution=dist, member_id=s.member, account_id=accounts[s.member],
                           share_days=s.share_days, average_shares=s.average_shares,
                           exact_amount=s.exact_amount, amount=s.amount,
                           got_remainder_cent=s.got_remainder_cent)
            for s in proposal.statements])
        ledger_append(entries=[NewEntry(
            account_id=c.account_id, kind=LedgerKind.ADJUSTMENT, amount=-c.amount,
            description=f"{coop.name} dividend {dist.year}: {c.share_days} share-days")
            for c in credits if c.amount], at=actor.at)
        dist.status = DividendStatus.APPROVED
        dist.approved_at = actor.at
        dist.approved_by = actor.user if getattr(actor.user, "pk", None) else None
        dist.save(update_fields=["status", "approved_at", "approved_by"])
        event_record(cooperative=coop, actor=actor, action="dividend_approved",
                     detail={"distribution": dist.pk, "amount": str(dist.amount),
                             "members": len(credits)})
        audit_by(actor=actor, customer_ids=members, action=AuditAction.CHANGE,
                 subject="dividend_credit", detail={"distribution": dist.pk})
    return credits
