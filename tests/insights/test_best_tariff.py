"""Best tariff: the nightly job's batch shadow bills (every eligible product, each meter's
last 12 months) equal ranking the products one profile at a time with the engine, and
the switch saving equals the difference of the two bills."""
from datetime import UTC, date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from django_tenants.utils import schema_context

from core.ranges import DateRange, local_days
from insights.chunks import TariffPricing
from insights.domain.recommendations import tariff_switch_recommendation
from insights.loading import CustomerRow
from market.domain.prices import RawPoint, prices_save
from market.domain.series import price_series_load, prices_on_grid
from metering.domain.profiles import IntervalProfiles
from tariffs.domain.bulk import tariff_definitions_for
from tariffs.domain.compare import rank_tariffs
from tariffs.domain.lines import LineKind
from tariffs.domain.offers import versions_in_force
from tariffs.domain.profile import LoadProfile
from tariffs.models import Product

ZONE = "Europe/London"
ON = date(2026, 6, 1)


def _profiles(year_instants) -> IntervalProfiles:
    step = 30 * 60 * 1_000_000_000
    lo = pd.Timestamp(year_instants.start).as_unit("ns").value
    hi = pd.Timestamp(year_instants.end).as_unit("ns").value
    starts = np.arange(lo, hi, step, dtype=np.int64)
    rng = np.random.default_rng(5)
    kwh = rng.gamma(2.0, 0.15, size=(3, len(starts)))
    kwh[1] *= 2.5
    kwh[2, ::7] = np.nan  # some missing readings
    quality = np.where(np.isnan(kwh), -1, 0).astype(np.int8)
    return IntervalProfiles(meter_ids=np.array([11, 12, 13]), starts=starts,
                            interval=timedelta(minutes=30), kwh=kwh, quality=quality)


def _year_of_day_ahead_prices():
    """The year before ON as instants, with an hourly DA-NORTH price swinging over the day."""
    year = DateRange(ON - timedelta(days=365), ON)
    instants = local_days(year, ZONE)
    hours = pd.date_range(instants.start, instants.end, freq="60min", inclusive="left")
    prices = 60 + 30 * np.sin(np.arange(len(hours)) / 24 * 2 * np.pi)
    prices_save(points=[RawPoint("DA-NORTH", at.to_pydatetime(), f"{v:.2f}")
                        for at, v in zip(hours, prices, strict=True)],
                received_at=instants.end.astimezone(UTC), source="test", publish=False)
    return instants


def test_batch_shadow_bills_equal_ranking_each_profile(db):
    instants = _year_of_day_ahead_prices()
    with schema_context("alpha"):
        profiles = _profiles(instants)
        alice = CustomerRow(id=1, reference="A", name="A", kind="HOUSEHOLD",
                            meter_ids=[11, 12], interval_minutes={11: 30, 12: 30},
                            product_code="ALPHA-FLEX")
        pricing = TariffPricing.load(customers={1: alice}, profiles=profiles, on=ON,
                                      year_instants=instants, time_zone=ZONE)
        versions = versions_in_force(products=list(Product.objects.order_by("code")), on=ON)
        ordered = sorted(versions.values(), key=lambda v: v.product.code)
        definitions = tariff_definitions_for(versions=ordered)
        tariffs = [definitions[v.pk] for v in ordered]
        codes = {id(definitions[v.pk]): v.product.code for v in ordered}
        spot = prices_on_grid(series=price_series_load(instrument_codes={"DA-NORTH"},
                                                       period=instants), step_minutes=30)
        assert not pricing.refused
        for row, meter in enumerate(profiles.meter_ids.tolist()):
            profile = LoadProfile(interval_starts=profiles.starts,
                                  import_kwh=np.nan_to_num(profiles.kwh[row]),
                                  export_kwh=np.zeros(len(profiles.starts)),
                                  interval=profiles.interval)
            quotes = rank_tariffs(profile=profile, tariffs=tariffs, start=instants.start,
                                  end=instants.end, by="month", spot_prices=spot)
            one_by_one = {codes[id(q.tariff)]: q.total_after_tax for q in quotes if q.priced}
            batch = {code: pricing.costs[(code, meter)] for code in one_by_one}
            assert batch == one_by_one
            # the ranking is the same: cheapest first
            assert sorted(batch, key=lambda c: (batch[c], c)) == sorted(
                one_by_one, key=lambda c: (one_by_one[c], c))
        costs = pricing.customer_costs(alice)
        assert set(costs) == {"ALPHA-AGILE", "ALPHA-FLEX", "ALPHA-NIGHT-SAVER"}  # household
        assert costs["ALPHA-FLEX"] == pricing.costs[("ALPHA-FLEX", 11)] + pricing.costs[
            ("ALPHA-FLEX", 12)]
        best = min(sorted(costs), key=lambda c: costs[c])
        recommendation = tariff_switch_recommendation(
            current_product="ALPHA-FLEX", current_cost=costs["ALPHA-FLEX"], best_product=best,
            best_cost=costs[best], days=365)
        assert best != "ALPHA-FLEX"
        assert recommendation.money_per_year == costs["ALPHA-FLEX"] - costs[best]
        assert recommendation.money_per_year > Decimal(0)


def test_load_shift_prices_per_half_hour_are_the_customers_tariff(db):
    """The nightly job's per-half-hour prices (`TariffPricing.interval_prices`, from
    tariffs.domain.unit_prices on the chunk's grid): on the dynamic product, kWh × price
    over the year is what its spot lines charge; on the Night Saver (time of use, its day
    band tiered at 200 kWh a month), each half-hour is night's 0.085 or the day tier the
    month reaches."""
    instants = _year_of_day_ahead_prices()
    with schema_context("alpha"):
        profiles = _profiles(instants)
        alice = CustomerRow(id=1, reference="A", name="A", kind="HOUSEHOLD", meter_ids=[11],
                            interval_minutes={11: 30}, product_code="ALPHA-AGILE")
        pricing = TariffPricing.load(customers={1: alice}, profiles=profiles, on=ON,
                                      year_instants=instants, time_zone=ZONE)
        kwh = np.nan_to_num(profiles.kwh[0])
        spot = pricing.interval_prices("ALPHA-AGILE", profiles.starts, kwh)
        charged = sum((line.amount for b in pricing.lines[("ALPHA-AGILE", 11)]
                       for line in b.lines if line.kind == LineKind.SPOT), Decimal(0))
        # twelve monthly spot lines, each rounded to the cent
        assert float(charged) == pytest.approx(float(kwh @ spot), abs=0.06)
        banded = pricing.interval_prices("ALPHA-NIGHT-SAVER", profiles.starts, kwh * 2)
        assert set(np.round(banded, 4).tolist()) <= {0.085, 0.26, 0.31}
        assert {0.085, 0.31} <= set(np.round(banded, 4).tolist())
