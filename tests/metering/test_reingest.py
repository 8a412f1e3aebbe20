"""The same file twice changes nothing; an overlapping file updates only what changed and
records each edit."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from metering.models import Reading, ReadingEdit
from tests.metering.conftest import NOW, csv_lines, ingest_csv

START = datetime(2026, 5, 1, tzinfo=UTC)


def test_same_file_twice_changes_nothing(alpha_meter):
    text = csv_lines("ALPHA-M-0001", START, ["0.1", "0.2", "0.3", "0.4"])
    first = ingest_csv(text)
    before = list(Reading.objects.filter(meter=alpha_meter).order_by("interval_start")
                  .values_list("interval_start", "kwh", "received_at"))
    second = ingest_csv(text, now=NOW + timedelta(hours=1))
    assert (first.inserted, second.inserted, second.updated) == (4, 0, 0)
    after = list(Reading.objects.filter(meter=alpha_meter).order_by("interval_start")
                 .values_list("interval_start", "kwh", "received_at"))
    assert after == before
    assert not ReadingEdit.objects.exists()


def test_overlapping_file_updates_only_what_changed_and_logs_edits(alpha_meter):
    ingest_csv(csv_lines("ALPHA-M-0001", START, ["0.1", "0.2", "0.3", "0.4"]))
    overlap = csv_lines("ALPHA-M-0001", START + timedelta(hours=1),
                        ["0.3", "0.45", "0.5", "0.6"])
    report = ingest_csv(overlap, source="late.csv")
    assert (report.inserted, report.updated) == (2, 1)
    edit = ReadingEdit.objects.get()
    assert (edit.interval_start, edit.old_kwh, edit.new_kwh, edit.source) == (
        START + timedelta(minutes=90), Decimal("0.4"), Decimal("0.45"), "late.csv")
    assert edit.report_id == report.pk


def test_gap_is_estimated_and_a_later_actual_replaces_it_with_an_edit(alpha_meter):
    text = csv_lines("ALPHA-M-0001", START, ["1.0", "", "", "4.0"]).replace(
        "\nALPHA-M-0001," + (START + timedelta(minutes=30)).isoformat() + ",\n", "\n")
    lines = [line for line in text.splitlines() if not line.endswith(",")]
    report = ingest_csv("\n".join(lines) + "\n")
    assert (report.inserted, report.estimated) == (2, 2)
    estimated = list(Reading.objects.filter(meter=alpha_meter, quality="ESTIMATED")
                     .order_by("interval_start").values_list("kwh", flat=True))
    assert estimated == [Decimal("2"), Decimal("3")]

    late = ingest_csv(csv_lines("ALPHA-M-0001", START + timedelta(minutes=30), ["1.5"]),
                      source="late.csv")
    assert (late.inserted, late.updated) == (0, 1)
    edit = ReadingEdit.objects.get()
    assert (edit.old_kwh, edit.old_quality, edit.new_kwh, edit.new_quality) == (
        Decimal("2"), "ESTIMATED", Decimal("1.5"), "ACTUAL")
