"""Energy as integers: the unit every allocation, right and surplus is counted in.

Unit: the micro-kWh (µkWh, 10⁻⁶ kWh, i.e. one milliwatt-hour). It is the precision metering
stores readings with (numeric with 6 decimals) and the quantity step of `core.money`, so
nothing real is lost, and integer arithmetic cannot drift: sums, differences and minimums of
integers are exact, which is what lets the allocation promise Σ allocated + surplus =
generated exactly in every interval.

Rounding rule: a float kWh enters as the nearest µkWh (`np.rint`, half to even); a value that
already has at most 6 decimals (every stored reading) converts exactly. On the way out a
µkWh count becomes a `Decimal` kWh with six decimals, exactly (`kwh_decimal`).
"""
from decimal import Decimal

import numpy as np

from core.errors import GridlineError
from core.money import QUANTITY_STEP

MICRO_KWH_PER_KWH = 1_000_000
# float64 holds integers exactly up to 2**53; kWh x 10**6 must stay below that.
MAX_KWH_PER_VALUE = 2**53 // MICRO_KWH_PER_KWH


class InvalidEnergy(GridlineError):
    code = "invalid_energy"


def to_micro_kwh(kwh, *, what: str) -> np.ndarray:
    """Float kWh (any shape) as int64 µkWh; refuses NaN, infinities and negatives."""
    values = np.asarray(kwh, dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        position = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidEnergy(f"{what} has no number at position {position}: {values[position]}")
    if (values < 0).any():
        position = tuple(int(i) for i in np.argwhere(values < 0)[0])
        raise InvalidEnergy(f"{what} is negative at position {position}: {values[position]} kWh")
    if (values > MAX_KWH_PER_VALUE).any():
        raise InvalidEnergy(
            f"{what} has a value above {MAX_KWH_PER_VALUE} kWh, more than one interval can hold"
        )
    return np.rint(values * MICRO_KWH_PER_KWH).astype(np.int64)


def kwh_decimal(micro_kwh) -> Decimal:
    """A µkWh count as a Decimal kWh with six decimals (exact)."""
    return Decimal(int(micro_kwh)).scaleb(-6).quantize(QUANTITY_STEP)


def kwh_float(micro_kwh) -> np.ndarray:
    """µkWh (any shape) back to float kWh, e.g. to build a LoadProfile for the engine."""
    return np.asarray(micro_kwh, dtype=np.float64) / MICRO_KWH_PER_KWH
