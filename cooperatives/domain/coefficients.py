"""Fixed allocation coefficients (Spanish collective self-consumption).

Each member has a coefficient per interval (or one for all intervals) with at most six
decimals, as the distribution company's register takes them, and the coefficients of every
interval sum to exactly 1. They are checked and turned into whole parts per million, which
the allocation then treats like shares (so the same exact rounding applies).
"""
from decimal import Decimal

import numpy as np

from core.errors import GridlineError

from .intervals import interval_label

COEFFICIENT_SCALE = 1_000_000  # six decimals
# a coefficient with six decimals lands within float noise of a whole part per million
_WHOLE_PART_TOLERANCE = 1e-4


class InvalidCoefficients(GridlineError):
    code = "invalid_coefficients"


def _as_decimal(parts: int) -> Decimal:
    return Decimal(int(parts)).scaleb(-6).quantize(Decimal("0.000001"))


def coefficient_parts(coefficients, *, interval_count: int, interval_starts=None) -> np.ndarray:
    """(M, T) int64 parts per million; refuses bad coefficients naming the member/interval."""
    values = np.asarray(coefficients, dtype=np.float64)
    if values.ndim == 1:
        values = np.broadcast_to(values[:, None], (len(values), interval_count))
    if values.ndim != 2 or values.shape[1] != interval_count:
        raise InvalidCoefficients(
            f"coefficients must be (members,) or (members, {interval_count} intervals), "
            f"got shape {np.asarray(coefficients).shape}"
        )
    if not len(values):
        raise InvalidCoefficients("no coefficients given: at least one member needs one")
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        member, position = (int(i) for i in np.argwhere(bad)[0])
        raise InvalidCoefficients(
            f"coefficient of member row {member} in {interval_label(position, interval_starts)} "
            f"is {values[member, position]}; coefficients must be numbers between 0 and 1"
        )
    scaled = values * COEFFICIENT_SCALE
    parts = np.rint(scaled).astype(np.int64)
    off_grid = np.abs(scaled - parts) > _WHOLE_PART_TOLERANCE
    if off_grid.any():
        member, position = (int(i) for i in np.argwhere(off_grid)[0])
        raise InvalidCoefficients(
            f"coefficient of member row {member} in {interval_label(position, interval_starts)} "
            f"is {float(values[member, position])!r}, which has more than six decimals"
        )
    sums = parts.sum(axis=0)
    wrong = sums != COEFFICIENT_SCALE
    if wrong.any():
        position = int(np.argmax(wrong))
        raise InvalidCoefficients(
            f"coefficients of {interval_label(position, interval_starts)} sum to "
            f"{_as_decimal(sums[position])}, not 1 ({int(wrong.sum())} interval(s) do not "
            "sum to 1)"
        )
    return parts
