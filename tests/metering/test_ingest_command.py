"""`manage.py ingest_readings` prints the report as JSON."""
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from tests.metering.conftest import csv_lines


def test_command_prints_the_report(alpha_meter, tmp_path):
    path = tmp_path / "readings.csv"
    text = csv_lines("ALPHA-M-0001", datetime(2026, 4, 1, tzinfo=UTC), ["0.1", "0.2"])
    path.write_text(text + "ALPHA-M-0001,2026-04-01T01:00:00+00:00,-3\n")
    out = io.StringIO()
    call_command("ingest_readings", str(path), "--schema=alpha", stdout=out)
    report = json.loads(out.getvalue())
    assert {k: report[k] for k in ("read", "inserted", "updated", "rejected", "estimated")} == {
        "read": 3, "inserted": 2, "updated": 0,
        "rejected": [{"line": 4, "reason": "negative kWh"}], "estimated": 0,
    }


def test_command_refuses_an_unknown_schema(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("")
    with pytest.raises(CommandError, match="No retailer schema"):
        call_command("ingest_readings", str(path), "--schema=nowhere")
