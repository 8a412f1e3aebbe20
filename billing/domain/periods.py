"""Billing periods: local calendar months and quarters `[start, end)` as dates in the
retailer's zone (never instants), so a month is one month whatever its UTC edges."""
import re
from datetime import date

from core.errors import GridlineError
from core.ranges import DateRange

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class InvalidBillingPeriod(GridlineError):
    code = "billing_period_invalid"


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(text: str) -> DateRange:
    """`YYYY-MM` as the local month `[first day, first day of the next)`."""
    match = MONTH_PATTERN.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise InvalidBillingPeriod(f"Period {text!r} is not a month written YYYY-MM.")
    first = date(int(match.group(1)), int(match.group(2)), 1)
    return DateRange(first, add_months(first, 1))


def quarter_of(month: DateRange) -> DateRange:
    first = date(month.start.year, (month.start.month - 1) // 3 * 3 + 1, 1)
    return DateRange(first, add_months(first, 3))


def closes_quarter(month: DateRange) -> bool:
    return month.start.month % 3 == 0


def period_check_ended(*, period: DateRange, today: date) -> None:
    """A period is billed once it has ended in the retailer's zone."""
    if period.end > today:
        raise InvalidBillingPeriod(
            f"The period {period.start:%Y-%m} has not ended yet (it ends {period.end}; today "
            f"is {today}): it can be billed from {period.end} on.")
