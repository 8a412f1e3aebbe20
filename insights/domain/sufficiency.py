"""CalTRACK 2.0 data sufficiency: when a figure may be shown at all.

A baseline needs a period of at least 365 days in which at least 90% of the days have both
usage and temperature. A customer who falls short gets the reason, never a made-up figure.
"""
from core.errors import GridlineError
from core.ranges import DateRange

BASELINE_DAYS = 365
MIN_VALID_FRACTION = 0.9


class InsufficientData(GridlineError):
    """A figure cannot be computed from the data there is; `detail` says why."""

    code = "insufficient_data"
    status = 422


def coverage_reasons(
    *, what: str, period: DateRange, days_with_usage: int, days_with_temperature: int,
    days_with_both: int,
) -> list[str]:
    """Why `period` has too few valid days (empty when at least 90% are valid)."""
    total = period.days
    if days_with_temperature == 0:
        return [f"no weather: no temperature for any day of the {what} period {period}"]
    if days_with_usage == 0:
        return [f"no usage for any day of the {what} period {period}"]
    if days_with_both >= MIN_VALID_FRACTION * total:
        return []
    missing = []
    if days_with_usage < total:
        missing.append(f"{total - days_with_usage} without usage")
    if days_with_temperature < total:
        missing.append(f"{total - days_with_temperature} without temperature")
    return [
        f"only {days_with_both} of the {total} days of the {what} period {period} have both "
        f"usage and temperature ({100 * days_with_both / total:.1f}%; {', '.join(missing)}); "
        f"at least {MIN_VALID_FRACTION:.0%} are needed"
    ]


def baseline_reasons(
    *, period: DateRange, days_with_usage: int, days_with_temperature: int,
    days_with_both: int,
) -> list[str]:
    """Every reason the baseline period is insufficient (empty when it is sufficient)."""
    reasons = []
    if period.days < BASELINE_DAYS:
        reasons.append(f"the baseline period {period} has {period.days} days; "
                       f"a CalTRACK baseline needs {BASELINE_DAYS}")
    reasons += coverage_reasons(
        what="baseline", period=period, days_with_usage=days_with_usage,
        days_with_temperature=days_with_temperature, days_with_both=days_with_both,
    )
    return reasons
