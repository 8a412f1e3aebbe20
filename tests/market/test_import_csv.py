"""`market_import_csv FILE --instrument=CODE`: good rows land, bad rows are rejected with
their line, and the counts come out as JSON."""
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from market.models import PricePoint
from tests.market.factories import InstrumentFactory


def run(path, code="TEST-CSV"):
    out, err = StringIO(), StringIO()
    call_command("market_import_csv", str(path), f"--instrument={code}", stdout=out,
                 stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


@pytest.fixture
def instrument(db):
    return InstrumentFactory(code="TEST-CSV", unit="EUR/MWh", interval_minutes=60)


def test_back_fill_with_good_and_bad_rows(instrument, tmp_path):
    path = tmp_path / "series.csv"
    path.write_text(
        "interval_start,value,unit\n"
        "2025-01-01T00:00:00+00:00,84.12,EUR/MWh\n"
        "2025-01-01T01:00:00Z,79.50,EUR/MWh\n"
        "2025-01-01T02:00:00Z,n/a,EUR/MWh\n"
        "2025-01-01T03:30:00Z,70,EUR/MWh\n"
        "2025-01-01T04:00:00Z,70,USD/t\n"
        "2025-01-01T01:00:00+00:00,80,EUR/MWh\n"
        "2025-01-01T05:00:00+01:00,-3.5,\n"
    )
    counts, errors = run(path)
    assert counts == {"read": 7, "inserted": 3, "updated": 0, "rejected": 4}
    assert "line 4: value 'n/a' is not a number" in errors
    assert "line 5:" in errors and "grid" in errors
    assert "line 6:" in errors and "unit" in errors
    assert "line 7:" in errors and "duplicate" in errors
    values = list(PricePoint.objects.filter(instrument=instrument).order_by("interval_start")
                  .values_list("value", flat=True))
    assert values == [Decimal("84.12"), Decimal("79.5"), Decimal("-3.5")]


def test_re_import_with_a_corrected_value_updates(instrument, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("interval_start,value\n2025-01-01T00:00:00Z,10\n2025-01-01T01:00:00Z,11\n")
    run(path)
    path.write_text("interval_start,value\n2025-01-01T00:00:00Z,10\n2025-01-01T01:00:00Z,12\n")
    counts, _ = run(path)
    assert counts == {"read": 2, "inserted": 0, "updated": 1, "rejected": 0}


def test_a_year_of_hours_in_chunks(instrument, tmp_path):
    from datetime import UTC, datetime, timedelta
    start = datetime(2024, 1, 1, tzinfo=UTC)
    lines = ["interval_start,value"] + [
        f"{(start + timedelta(hours=h)).isoformat()},{h % 97}.25" for h in range(8784)]
    path = tmp_path / "year.csv"
    path.write_text("\n".join(lines) + "\n")
    counts, _ = run(path)
    assert counts == {"read": 8784, "inserted": 8784, "updated": 0, "rejected": 0}


def test_a_file_without_the_columns_is_refused(instrument, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("when,price\n2025-01-01T00:00:00Z,1\n")
    with pytest.raises(CommandError, match="interval_start, value"):
        run(path)


def test_an_unknown_instrument_is_refused(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("interval_start,value\n")
    with pytest.raises(CommandError, match="unknown instrument"):
        run(path, code="NOPE")
