"""What staff see on a version's admin page: a sample household month priced under it."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tariffs.models import TariffVersion

from .catalogue import tariff_definition
from .engine import price_period
from .lines import PriceBreakdown
from .load_files import sample_household_profile


def first_of_next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def tariff_version_preview(*, version: TariffVersion) -> PriceBreakdown:
    """The version's first calendar month (in its own zone) for a plain household; raises
    the engine's GridlineError when the version cannot price it."""
    tariff = tariff_definition(version=version)
    zone = ZoneInfo(tariff.time_zone)
    start = datetime.combine(version.active_from.replace(day=1), time(), tzinfo=zone)
    end = datetime.combine(first_of_next_month(start.date()), time(), tzinfo=zone)
    return price_period(tariff=tariff, profile=sample_household_profile(start=start, end=end),
                        start=start, end=end)
