"""Time-of-use rows on daylight-saving days: the bands follow the tariff's wall clock
(night 00:30-07:30 local), and every half-hour's row has the engine's price."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from tariffs.domain.bulk import tariff_definitions_load
from tariffs.models import Product
from tests.api_compat.conftest import HALF_HOUR, TOU, TOU_TARIFF, covering, engine_unit_price

PATH = f"/v1/products/{TOU}/electricity-tariffs/{TOU_TARIFF}/standard-unit-rates/"


@pytest.mark.parametrize("day, night_utc, half_hours", [
    # clocks go forward at 01:00 GMT: 00:30 GMT .. 07:30 BST = 06:30 UTC; 46 half-hours
    (datetime(2026, 3, 29, tzinfo=UTC), ("2026-03-29T00:30:00Z", "2026-03-29T06:30:00Z"), 46),
    # clocks go back at 02:00 BST: 00:30 BST = 23:30 UTC the day before .. 07:30 GMT
    (datetime(2026, 10, 24, 23, tzinfo=UTC), ("2026-10-24T23:30:00Z", "2026-10-25T07:30:00Z"),
     50),
])
def test_bands_on_daylight_saving_days(alpha, day, night_utc, half_hours):
    end = day + timedelta(hours=half_hours / 2)
    body = alpha.get(PATH, {"period_from": day.isoformat(), "period_to": end.isoformat()}).json()
    rows = body["results"]
    night = [r for r in rows if r["value_exc_vat"] == 8.5]
    assert [(r["valid_from"], r["valid_to"]) for r in night] == [night_utc]
    with schema_context("alpha"):
        version = Product.objects.get(code=TOU).versions.order_by("active_from").first()
        tariff = tariff_definitions_load(version_ids=[version.pk])[version.pk]
    for slot in range(half_hours):
        start = day + slot * HALF_HOUR
        row = covering(rows, start)
        assert Decimal(str(row["value_exc_vat"])) == engine_unit_price(tariff, start) * 100
