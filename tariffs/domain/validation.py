"""Errors for tariff definitions that cannot be priced, and the small checks behind them.

They live in one module because both the schedule and the tariff dataclasses raise them and
the Django layer maps them to one family of 400 responses.
"""
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from core.errors import GridlineError


class InvalidTariffDefinition(GridlineError):
    code = "invalid_tariff"


class UndefinedBand(InvalidTariffDefinition):
    code = "undefined_band"


class TiersNotAscending(InvalidTariffDefinition):
    code = "tiers_not_ascending"


class NegativeCharge(InvalidTariffDefinition):
    code = "negative_charge"


class IncompleteSchedule(InvalidTariffDefinition):
    code = "incomplete_schedule"


def as_decimal(value: Any, *, field: str) -> Decimal:
    """Money and limits must be exact: accept Decimal, int or a numeric string, never float."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidTariffDefinition(f"{field} must be a finite number, got {value}")
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidTariffDefinition(
            f"{field} must be a Decimal (got {type(value).__name__} {value!r}); "
            "floats cannot hold prices exactly"
        )
    if isinstance(value, int | str):
        try:
            return as_decimal(Decimal(value), field=field)
        except ArithmeticError as exc:
            raise InvalidTariffDefinition(f"{field} is not a number: {value!r}") from exc
    raise InvalidTariffDefinition(f"{field} must be a Decimal, got {type(value).__name__}")


def as_optional_decimal(value: Any, *, field: str) -> Decimal | None:
    return None if value is None else as_decimal(value, field=field)


def require_non_negative(value: Decimal, *, field: str) -> None:
    if value < 0:
        raise NegativeCharge(f"{field} must not be negative, got {value}")


def check_ascending_limits(uppers: Sequence[Decimal | None], *, field: str) -> None:
    """Tier upper limits are cumulative: each one above the one before, all positive.

    Only the last tier may be open-ended (None); a limit on the last tier is allowed
    because URDB writes 1e38 there, and consumption above it stays in the last tier.
    """
    previous: Decimal | None = None
    for number, upper in enumerate(uppers, start=1):
        last = number == len(uppers)
        if upper is None:
            if not last:
                raise TiersNotAscending(
                    f"{field}: tier {number} has no upper limit but is not the last tier"
                )
            continue
        if upper <= 0:
            raise TiersNotAscending(
                f"{field}: tier {number} upper limit must be positive, got {upper}"
            )
        if previous is not None and upper <= previous:
            raise TiersNotAscending(
                f"{field}: tier upper limits must ascend, but tier {number} ends at {upper} "
                f"which is not above tier {number - 1}'s {previous}"
            )
        previous = upper
