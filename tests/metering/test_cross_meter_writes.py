"""Readings meant for meter A never change another meter, whatever their strings hold.

Every ingest path ends in a PostgreSQL COPY; a value that could leave its field there (a
newline, the delimiter, a quote) would open rows of its own, naming any meter. The
attacker here is alice's retailer's partner posting for ALPHA-M-0001 (alice's meter) and
trying to change ALPHA-M-0002 (another customer's), and files for ALPHA-M-0001 uploaded
through the command path, the admin upload, in each format.
"""
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from metering.domain import staging
from metering.domain.ingest import IngestOptions, readings_ingest, readings_ingest_file
from metering.models import Reading
from tests.accounts.test_api import bearer
from tests.conftest import login
from tests.metering.conftest import NOW, ingest_csv, meter_create
from tests.metering.test_greenbutton import feed

LONDON = IngestOptions(time_zone="Europe/London")

VICTIM = "ALPHA-M-0002"
DAY = datetime(2026, 3, 1, tzinfo=UTC)
# Lines that each ingest path's COPY stream would read as a row of the victim's, if a
# value could leave its field: the staging formats of the raw path and a plain CSV row.
FORGED_ROW = f"{VICTIM},2026-03-01T00:00:00+00:00,99"
ESCAPES = [
    f"0.5\x01\n7\x01{FORGED_ROW}",
    f"0.5\x01\n7\x01{FORGED_ROW}\x01",
    f"0.5\n{FORGED_ROW}\n",
    f'0.5"\n{FORGED_ROW}\n"',
    f"0.5\x02\n{FORGED_ROW}\n\x02",
    f"0.5\r\n{FORGED_ROW}\r\n",
    f"0.5\t\\\n{FORGED_ROW}",
]


@pytest.fixture
def victim(in_alpha, alpha_meter):
    """Another customer's meter with a day of readings; returns a snapshot function."""
    meter = meter_create(VICTIM, "ALPHA-E-0001-MP1")
    ingest_csv("".join(f"{VICTIM},{(DAY + timedelta(minutes=30 * i)).isoformat()},1.0\n"
                       for i in range(48)))

    def snapshot():
        return sorted(Reading.objects.filter(meter=meter)
                      .values_list("interval_start", "kwh", "quality", "received_at"))

    before = snapshot()
    assert len(before) == 48
    return lambda: snapshot() == before


def csv_text(rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def wide_csv_text(value: str) -> str:
    values = ["0.5"] * 48
    values[3] = value
    return csv_text([["ALPHA-M-0001", "2026-03-01", *values]])


# --- the partner API ---------------------------------------------------------------------

# Pieces of the staging format and of CSV; values longer than the serializer's limits (40
# characters for a start, 30 for kWh) are refused before ingest, so forgeries must be short.
unsafe_text = st.lists(st.sampled_from(
    ["\x00", "\x01", "\x02", "\t", "\n", "\r", "\\", '"', ",", "0", "5", ".", "e", "+", "-",
     ":", " ", "\u2028", "\ud800", VICTIM, "2026-03-01T00:00:00Z", "\x01\n7\x01"]),
    max_size=6).map("".join)
# The forgery split over both fields: the start closes the row and opens one naming the
# victim, the kWh completes it.
SPLIT_START, SPLIT_KWH = f"x\x01\n7\x01{VICTIM}", "2026-03-01T00:00:00Z,9"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=unsafe_text, kwh=unsafe_text)
@example(start=SPLIT_START, kwh=SPLIT_KWH)
@example(start=f"x\n{VICTIM}", kwh=SPLIT_KWH)
@example(start="2026-03-01T01:00:00+00:00", kwh='0.5"\n')
def test_a_partner_batch_for_one_meter_never_changes_another(alpha, victim, start, kwh):
    headers = bearer(alpha, "alpha", scope="readings:write")
    body = {"readings": [{"interval_start": "2026-03-01T00:00:00+00:00", "kwh": "0.5"},
                         {"interval_start": start, "kwh": kwh}]}
    response = alpha.post("/api/v1/meters/ALPHA-M-0001/readings/", body,
                          content_type="application/json", **headers)
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert {"error", "detail"} <= set(response.json())
    assert victim()


def test_validation_bound_to_a_meter_refuses_rows_naming_another(victim, alpha_meter):
    """The second lock of the API's door: even a staged row naming the victim (which the
    API never stages) is an unknown meter when ingest is bound to ALPHA-M-0001."""
    rows = [(1, VICTIM, "2026-03-01T00:00:00+00:00", "5"),
            (2, "ALPHA-M-0001", "2026-03-01T00:00:00+00:00", "5")]
    report = readings_ingest(stage=lambda cursor: staging.stage_rows(cursor, rows=rows),
                             file_format="api", source="test", now=NOW,
                             options=LONDON, meter_id=alpha_meter.pk)
    assert report.rejected == [{"line": 1, "reason": f"unknown meter '{VICTIM}'"}]
    assert report.inserted == 1
    assert victim()


# --- files: the domain's file entry point, then the admin upload --------------------------

@pytest.mark.parametrize("value", ESCAPES)
def test_a_csv_file_for_one_meter_never_changes_another(victim, value):
    """Each record (as CSV reads it) names ALPHA-M-0001. The last record has a field too
    many, which once sent the whole file down a second, line-based staging path."""
    rows = [["ALPHA-M-0001", "2026-03-02T00:00:00+00:00", "0.5"],
            ["ALPHA-M-0001", "2026-03-02T00:30:00+00:00", value],
            ["ALPHA-M-0001", f"2026-03-02T01:00:00+00:00{value}", "0.5"]]
    for extra in ([], [["ALPHA-M-0001", "2026-03-02T01:30:00+00:00", "0.5", "x"]]):
        report = ingest_csv(csv_text(rows + extra))
        assert report.inserted + report.updated <= 1, report.rejected
        assert victim()


@pytest.mark.parametrize("value", ESCAPES)
def test_a_wide_csv_file_for_one_meter_never_changes_another(victim, value):
    report = readings_ingest_file(stream=io.BytesIO(wide_csv_text(value).encode()),
                                  file_format="wide-csv", source="wide.csv", now=NOW,
                                  options=LONDON)
    assert report.inserted == 47
    assert victim()


@pytest.mark.parametrize("value", ESCAPES)
def test_a_green_button_file_for_one_meter_never_changes_another(victim, value):
    """Values, starts and the UsagePoint title all carry the forged text."""
    xml = feed(power=0).decode()
    xml = xml.replace("<value>1500</value>", f"<value>{escape_xml(value)}</value>")
    xml = xml.replace("<title>ALPHA-M-0001</title>",
                      f"<title>ALPHA-M-0001{escape_xml(value)}</title>")
    for serial in ("ALPHA-M-0001", None):
        readings_ingest_file(stream=io.BytesIO(xml.encode()), file_format="greenbutton",
                             source="gb.xml", now=NOW, serial=serial, options=LONDON)
        assert victim()


def escape_xml(text: str) -> str:
    # XML 1.0 cannot carry \x00-\x08 at all; the rest goes in as character references.
    return "".join(c if c.isalnum() or c in "-.:+, " else f"&#{ord(c)};"
                   for c in text if ord(c) >= 9)


@pytest.mark.parametrize("file_format", ["csv", "wide-csv"])
def test_an_admin_upload_for_one_meter_never_changes_another(alpha, victim, file_format):
    assert login(alpha, "alpha-staff").status_code == 302
    text = (wide_csv_text(ESCAPES[0]) if file_format == "wide-csv" else
            csv_text([["ALPHA-M-0001", "2026-03-02T00:00:00+00:00", ESCAPES[0]],
                      ["ALPHA-M-0001", "2026-03-02T00:30:00+00:00", "0.5", "x"]]))
    response = alpha.post("/admin/metering/ingestreport/upload/", {
        "file": SimpleUploadedFile("forged.csv", text.encode()), "file_format": file_format})
    assert response.status_code == 302
    assert victim()
