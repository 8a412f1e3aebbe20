"""What the generator dashboard shows, read in a constant number of queries: generators
(1), their latest output (1), their daily energy this year from metering's daily rollups
(1), and for managers the revenue (2), the member register (1) and the latest period's
allocations per member (1); when the cooperative carries rights, its lots (3).

Expected energy is the monthly profile (kWh per kW per month × capacity) spread evenly over
the month's days; availability counts days: the share of days with output among the days
output was expected (an interval-level figure needs the interval profile: see
cooperatives.domain.expectations.availability). The alert: a generator below half its
expected output on each of three consecutive days (domain.low_output_alerts)."""
import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from django.db.models import Sum

from cooperatives.domain import kwh_decimal, low_output_alerts
from cooperatives.models import Allocation, AllocationStatus, Generator, PeriodSettlement
from core.money import ZERO
from metering.models import DailyRollup

from .carrying import lots_statement
from .live import latest_outputs
from .shares import member_register

ZERO_KWH = kwh_decimal(0)


@dataclass
class GeneratorCard:
    generator: Generator
    live: dict | None
    today_kwh: float
    month_kwh: float
    year_kwh: float
    month_expected_kwh: float
    performance: float | None  # actual ÷ expected, month to date
    availability: float | None  # days with output ÷ days output was expected, this month
    alerts: list = field(default_factory=list)
    daily: pd.Series | None = None
    daily_expected: pd.Series | None = None


def _expected_per_day(generator: Generator, day: date) -> float:
    profile = generator.kwh_per_kw_by_month or [0] * 12
    days = calendar.monthrange(day.year, day.month)[1]
    return float(generator.capacity_kw) * float(profile[day.month - 1]) / days


def generator_cards(*, cooperative, today: date) -> list[GeneratorCard]:
    generators = list(Generator.objects.filter(cooperative=cooperative)
                      .select_related("export_meter").order_by("pk"))
    if not generators:
        return []
    year_start = date(today.year, 1, 1)
    live = {p["generator"]: p for p in latest_outputs(
        lo=pd.Timestamp(today - timedelta(days=2)).tz_localize("UTC").to_pydatetime(),
        hi=pd.Timestamp(today + timedelta(days=2)).tz_localize("UTC").to_pydatetime())
        if p["cooperative"] == cooperative.pk}
    rollups = pd.DataFrame(
        list(DailyRollup.objects.filter(meter_id__in=[g.export_meter_id for g in generators],
                                        day_date__gte=year_start, day_date__lte=today)
             .values_list("meter_id", "day_date", "kwh")),
        columns=["meter", "day", "kwh"])
    month_days = pd.Index([today.replace(day=1) + timedelta(days=i) for i in range(today.day)])
    cards = []
    for g in generators:
        mine = rollups[rollups.meter == g.export_meter_id]
        daily = pd.Series(mine.kwh.astype(float).to_numpy(), index=list(mine.day)).sort_index()
        month = daily.reindex(month_days)
        expected = pd.Series([_expected_per_day(g, d) for d in month_days], index=month_days)
        observed = month.notna()
        actual_sum = float(month.sum())
        expected_sum = float(expected[observed].sum())
        wanted = expected[observed] > 0
        up = (month[observed][wanted] > 0).sum()
        last_days = pd.Index([today - timedelta(days=i) for i in range(13, -1, -1)])
        cards.append(GeneratorCard(
            generator=g, live=live.get(g.pk), today_kwh=float(daily.get(today, 0.0)),
            month_kwh=actual_sum, year_kwh=float(daily.sum()),
            month_expected_kwh=float(expected.sum()),
            performance=actual_sum / expected_sum if expected_sum else None,
            availability=float(up / wanted.sum()) if wanted.sum() else None,
            alerts=low_output_alerts(
                daily_actual=daily.reindex(last_days),
                daily_expected=pd.Series([_expected_per_day(g, d) for d in last_days],
                                         index=last_days)),
            daily=daily.reindex(last_days),
            daily_expected=pd.Series([_expected_per_day(g, d) for d in last_days],
                                     index=last_days)))
    return cards


def production_chart_spec(cards: list[GeneratorCard]) -> dict | None:
    """The last 14 days, actual per generator and expected in total (charts.js spec)."""
    if not cards:
        return None
    days = list(cards[0].daily.index)
    series = [{"name": c.generator.name, "y": [None if pd.isna(v) else round(float(v), 3)
                                                for v in c.daily]} for c in cards]
    expected = sum(c.daily_expected for c in cards)
    series.append({"name": "Expected", "kind": "line", "dash": "dot",
                   "y": [round(float(v), 3) for v in expected]})
    return {"kind": "bar", "stacked": True, "xType": "category",
            "x": [d.isoformat() for d in days], "xTitle": "Day", "yTitle": "Energy",
            "unit": "kWh", "series": series}


@dataclass(frozen=True)
class ManagerView:
    surplus_revenue: Decimal
    member_revenue: Decimal
    register: list
    allocations: list  # (reference, name, kWh, amount) of the latest allocated period
    allocations_period: tuple[date, date] | None
    lots: list = field(default_factory=list)  # carried rights per member (carrying.py)


def _lots_per_member(*, cooperative, at) -> list[dict]:
    """Per member: kWh held in lots still usable at `at`, and kWh that expired unused."""
    rows: dict[str, dict] = {}
    for line in lots_statement(cooperative=cooperative, at=at):
        row = rows.setdefault(line.member_reference, {
            "reference": line.member_reference, "name": line.member_name,
            "held_kwh": ZERO_KWH, "expired_kwh": ZERO_KWH})
        row["held_kwh"] += line.held_kwh
        row["expired_kwh"] += line.expired_kwh
    return [rows[key] for key in sorted(rows)]


def manager_view(*, cooperative, today: date, at=None) -> ManagerView:
    year = date(today.year, 1, 1)
    surplus = (PeriodSettlement.objects.filter(cooperative=cooperative,
                                               period_start__gte=year)
               .aggregate(s=Sum("surplus_revenue"))["s"]) or ZERO
    live = Allocation.objects.filter(cooperative=cooperative, status=AllocationStatus.LIVE)
    members = live.filter(period_start__gte=year).aggregate(s=Sum("amount"))["s"] or ZERO
    latest = live.order_by("-period_start").values_list("period_start", "period_end").first()
    rows = []
    if latest:
        rows = list(live.filter(period_start=latest[0], period_end=latest[1])
                    .values("member__reference", "member__name")
                    .annotate(kwh=Sum("kwh"), amount=Sum("amount"))
                    .order_by("member__reference"))
    lots = (_lots_per_member(cooperative=cooperative, at=at)
            if cooperative.rights_carry_months and at is not None else [])
    return ManagerView(surplus_revenue=surplus, member_revenue=members,
                       register=member_register(cooperative=cooperative, on=today),
                       allocations=rows, allocations_period=latest, lots=lots)
