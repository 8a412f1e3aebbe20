"""Money beside energy: the consumption page prices the shown readings under alice's own
tariff (the pricing engine's figure), and the tariffs page prices her recent readings on
each offered tariff, marking hers."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd  # noqa: I001
from django.utils import timezone

from tariffs.domain.catalogue import tariff_definition, version_active_on
from tariffs.domain.engine import price_period
from tariffs.domain.profile import load_profile_from_series
from tariffs.models import Product
from tests.metering.conftest import csv_lines, ingest_csv


def _engine_total(code, start, kwh_values):
    version = version_active_on(product=Product.objects.get(code=code), on=start.date())
    index = pd.date_range(start, periods=len(kwh_values), freq="30min")
    profile = load_profile_from_series(import_kwh=pd.Series(kwh_values, index=index),
                                       interval=timedelta(minutes=30))
    return price_period(tariff=tariff_definition(version=version), profile=profile,
                        start=start, end=start + timedelta(days=1),
                        customer_group="residential").total_after_tax


def test_the_day_view_shows_its_cost_on_alices_tariff(alice, alpha_meter):
    day = datetime(2026, 1, 14, tzinfo=UTC)
    values = [0.25 + 0.01 * (i % 12) for i in range(48)]
    ingest_csv(csv_lines("ALPHA-M-0001", day, [f"{v:.3f}" for v in values]))
    page = alice.get("/consumption/", {"view": "day", "date": "2026-01-14"})
    cost = page.context["cost"]
    assert cost.product == "Alpha Flex"
    assert cost.total_inc_tax == _engine_total("ALPHA-FLEX", day, values)
    assert f'data-testid="cost-total">{cost.total_inc_tax}<' in page.content.decode()
    assert dict(cost.parts)["Standing charge"] == Decimal("0.48")  # one day of it


def test_the_tariffs_page_prices_her_readings_on_each_offer_and_marks_hers(alice,
                                                                         alpha_meter):
    start = datetime.combine(timezone.localdate() - timedelta(days=3), datetime.min.time(),
                             UTC)
    ingest_csv(csv_lines("ALPHA-M-0001", start, ["0.400"] * 48), now=timezone.now())
    page = alice.get("/tariffs/")
    offers = {o["product"].code: o for o in page.context["offers"]}
    assert offers["ALPHA-FLEX"]["current"] is True
    assert [code for code, o in offers.items() if o["current"]] == ["ALPHA-FLEX"]
    flex = offers["ALPHA-FLEX"]["cost"].total_inc_tax
    assert flex == _engine_total("ALPHA-FLEX", start, [0.4] * 48)
    night = offers["ALPHA-NIGHT-SAVER"]["cost"].total_inc_tax
    assert night == _engine_total("ALPHA-NIGHT-SAVER", start, [0.4] * 48) != flex
    html = page.content.decode()
    assert 'data-current="true"' in html and "your tariff" in html
    assert "market prices of that period are not all known" in html  # Agile, honestly
