"""Dividends: the year's result shared by share-days, or a fixed interest on capital.

By share-days (a share held for the whole year counts 365 or 366 share-days, one bought on
1 July about half): member m's exact amount is approved x share_days[m] / Σ share_days.
Remainder rule, largest remainder (Hamilton): in whole cents every member first gets their
exact amount rounded down; the cents still missing from the approved amount (fewer than the
number of members) go one each to the members with the largest remainders, ties to the
larger share-days, then to the order members were given in (callers pass them ordered by
id). The credits therefore sum to the approved amount exactly, and nobody is more than one
cent from their exact share.

Interest on capital: each member gets capital x rate x days held / days in the year, where
capital is the share price x shares, rounded to the cent half up (core.money). The approved
amount is then the sum of those credits, so again the ledger credits equal it exactly; with
`available` given, a proposal that would pay more than the year's result is refused.

All arithmetic is on integers (cents and share-days) or Decimals; no floats.
"""
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.errors import GridlineError
from core.money import ZERO, money_round


class InvalidDividend(GridlineError):
    code = "invalid_dividend"


class NothingToDistribute(GridlineError):
    code = "nothing_to_distribute"


class DividendMethod(StrEnum):
    SHARE_DAYS = "share_days"
    INTEREST = "interest"


@dataclass(frozen=True)
class DividendStatement:
    """One member's line of a distribution: the credit their ledger receives."""

    member: Hashable
    share_days: int
    average_shares: Decimal  # share-days / days in the year, for the statement
    exact_amount: Decimal  # before rounding to the cent (to 1e-6)
    amount: Decimal  # the ledger credit
    got_remainder_cent: bool = False


@dataclass(frozen=True)
class DividendProposal:
    method: DividendMethod
    days_in_year: int
    amount: Decimal  # what the ledger credits add up to
    statements: tuple[DividendStatement, ...]


def _check_share_days(share_days: Mapping[Hashable, int]) -> int:
    for member, value in share_days.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidDividend(
                f"member {member!r}: share-days must be a whole number >= 0, got {value!r}"
            )
    total = sum(share_days.values())
    if total == 0:
        raise NothingToDistribute("no member held shares during the year")
    return total


def _check_days(days_in_year: int) -> None:
    if days_in_year not in (365, 366):
        raise InvalidDividend(f"days_in_year must be 365 or 366, got {days_in_year!r}")


def _average(share_days: int, days_in_year: int) -> Decimal:
    return (Decimal(share_days) / days_in_year).quantize(Decimal("0.0001"))


def dividend_by_share_days(
    *, amount: Decimal, share_days: Mapping[Hashable, int], days_in_year: int
) -> DividendProposal:
    """Distribute `amount` (whole cents, > 0) by share-days, largest remainder to the cent."""
    _check_days(days_in_year)
    if not isinstance(amount, Decimal) or amount != money_round(amount):
        raise InvalidDividend(f"the amount must be a Decimal in whole cents, got {amount!r}")
    if amount <= 0:
        raise NothingToDistribute(f"the year's result {amount} leaves nothing to distribute")
    total_days = _check_share_days(share_days)
    cents = int(amount * 100)
    members = list(share_days)
    floors, remainders = {}, {}
    for member in members:
        floors[member], remainders[member] = divmod(cents * share_days[member], total_days)
    missing = cents - sum(floors.values())
    position = {member: index for index, member in enumerate(members)}
    lucky = set(sorted(members, key=lambda m: (-remainders[m], -share_days[m], position[m]))
                [:missing])
    statements = tuple(
        DividendStatement(
            member=member, share_days=share_days[member],
            average_shares=_average(share_days[member], days_in_year),
            exact_amount=(Decimal(cents * share_days[member]) / total_days / 100).quantize(
                Decimal("0.000001")),
            amount=Decimal(floors[member] + (member in lucky)).scaleb(-2),
            got_remainder_cent=member in lucky,
        )
        for member in members
    )
    return DividendProposal(method=DividendMethod.SHARE_DAYS, days_in_year=days_in_year,
                            amount=amount, statements=statements)


def dividend_as_interest(
    *, rate: Decimal, share_price: Decimal, share_days: Mapping[Hashable, int], days_in_year: int,
    available: Decimal | None = None,
) -> DividendProposal:
    """A fixed yearly interest `rate` (0.04 = 4 %) on the capital each member held."""
    _check_days(days_in_year)
    for name, value in (("rate", rate), ("share_price", share_price)):
        if not isinstance(value, Decimal) or value <= 0:
            raise InvalidDividend(f"{name} must be a positive Decimal, got {value!r}")
    _check_share_days(share_days)
    statements = []
    for member, days in share_days.items():
        exact = share_price * days * rate / days_in_year
        statements.append(DividendStatement(
            member=member, share_days=days, average_shares=_average(days, days_in_year),
            exact_amount=exact.quantize(Decimal("0.000001")), amount=money_round(exact),
        ))
    total = sum((s.amount for s in statements), ZERO)
    if available is not None and total > available:
        raise InvalidDividend(
            f"interest of {rate * 100}% on the members' capital comes to {total}, more than "
            f"the {available} available"
        )
    return DividendProposal(method=DividendMethod.INTEREST, days_in_year=days_in_year,
                            amount=money_round(total), statements=tuple(statements))
