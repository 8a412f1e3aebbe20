"""Bad rows are reported with line and reason; the good rows of the same file land."""
from datetime import UTC, datetime, timedelta

from metering.models import Reading
from tests.metering.conftest import NOW, ingest_csv, meter_create

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_three_bad_rows_among_ten_thousand_land_9997(alpha_meter):
    rows = ["meter_serial,interval_start,kwh"]
    for index in range(10_000):
        rows.append(f"ALPHA-M-0001,{(START + timedelta(minutes=30 * index)).isoformat()},0.3")
    rows[101] = "ALPHA-M-0001,2026-01-03T02:00:00+00:00,-0.5"
    rows[5001] = "NO-SUCH-METER,2026-04-15T04:00:00+00:00,0.3"
    rows[9001] = "ALPHA-M-0001,not-a-time,0.3"
    report = ingest_csv("\n".join(rows) + "\n")
    assert report.read == 10_000
    assert (report.inserted, report.estimated) == (9_997, 3)  # the 3 holes are estimated
    assert Reading.objects.filter(meter=alpha_meter, quality="ACTUAL").count() == 9_997
    assert [r["line"] for r in report.rejected] == [102, 5002, 9002]


def test_each_rejection_reason(alpha_meter, in_alpha):
    meter_create("ALPHA-M-0015", "ALPHA-E-0001-MP1", interval_minutes=15)
    lines = [
        "ALPHA-M-0001,2026-02-01T00:00:00+00:00,0.1",         # 1 good
        "ALPHA-M-0001,2026-02-01T00:10:00+00:00,0.1",         # 2 off grid
        "ALPHA-M-0001,2026-02-01T00:30:00+00:00,-1",          # 3 negative
        "ALPHA-M-0001,2026-02-01T00:00:00+00:00,0.1",         # 4 duplicate of 1
        "ALPHA-M-0001,2099-01-01T00:00:00+00:00,0.1",         # 5 future
        "ALPHA-M-0001,2026-02-01T01:00:00,0.1",               # 6 no offset
        "ALPHA-M-0001,2026-02-30T01:00:00+00:00,0.1",         # 7 no such day
        "ALPHA-M-0001,2026-02-01T01:00:00+00:00,abc",         # 8 not a number
        "ALPHA-M-0001,2026-02-01T01:00:00+00:00",             # 9 missing field
        "BETA-M-0001,2026-02-01T01:00:00+00:00,0.1",          # 10 unknown here
        "ALPHA-M-0015,2026-02-01T00:15:00+00:00,0.1",         # 11 good (15-min meter)
        "ALPHA-M-0001,2019-02-01T00:00:00+00:00,0.1",         # 12 before installation
    ]
    report = ingest_csv("\n".join(lines) + "\n", now=NOW)
    reasons = {r["line"]: r["reason"] for r in report.rejected}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12]
    assert "30-minute grid" in reasons[2]
    assert reasons[3] == "negative kWh"
    assert reasons[4] == "duplicate of line 1"
    assert reasons[5] == "interval in the future"
    assert "UTC offset" in reasons[6] and "UTC offset" in reasons[7]
    assert reasons[8] == "invalid kWh value"
    assert reasons[9].startswith("expected 3 fields")
    assert reasons[10] == "unknown meter 'BETA-M-0001'"
    assert reasons[12] == "meter not installed at this time"
    assert report.inserted == 2


def test_spikes_are_flagged_but_kept(alpha_meter):
    values = ["0.2"] * 60
    values[30] = "9.0"
    rows = ["meter_serial,interval_start,kwh"] + [
        f"ALPHA-M-0001,{(START + timedelta(minutes=30 * i)).isoformat()},{v}"
        for i, v in enumerate(values)
    ]
    report = ingest_csv("\n".join(rows) + "\n")
    assert report.inserted == 60
    assert [f["line"] for f in report.flagged] == [32]
    assert report.flagged[0]["reason"].startswith("spike")


def test_an_impossible_date_in_an_otherwise_clean_file(alpha_meter):
    # Every line has three fields and a numeric kWh, so COPY parses the file typed; the
    # timestamp cast then fails and the careful statement finds the one bad line.
    lines = ["meter_serial,interval_start,kwh",
             "ALPHA-M-0001,2026-02-28T23:30:00+00:00,0.1",
             "ALPHA-M-0001,2026-02-29T00:00:00+00:00,0.1",
             "ALPHA-M-0001,2026-03-01T00:00:00Z,0.1",
             "ALPHA-M-0001,2026-03-01T00:30:00 +00:00,0.1"]
    report = ingest_csv("\n".join(lines) + "\n")
    assert [(r["line"], r["reason"][:26]) for r in report.rejected] == [
        (3, "invalid interval start (YY"), (5, "invalid interval start (YY")]
    assert report.inserted == 2


def test_odd_numbers_are_rejected_not_fatal(alpha_meter):
    lines = ["ALPHA-M-0001,2026-03-02T00:00:00Z,NaN",
             "ALPHA-M-0001,2026-03-02T00:30:00Z,1e400",
             "ALPHA-M-0001,2026-03-02T01:00:00Z,99999999999",
             "ALPHA-M-0001,abcd-03-02T01:30:00Z,0.1",
             "ALPHA-M-0001,2026-03-02T02:00:00Z,0.1"]
    report = ingest_csv("\n".join(lines) + "\n")
    assert [r["line"] for r in report.rejected] == [1, 2, 3, 4]
    assert report.inserted == 1


def test_hour_24_and_second_60_are_rejected_by_both_statements(alpha_meter):
    # PostgreSQL would take both (rolling over to the next day / minute); the fast
    # statement (clean file) and the careful one (a file with an impossible date) agree.
    odd = ["ALPHA-M-0001,2026-03-01T24:00:00+00:00,0.1",
           "ALPHA-M-0001,2026-03-01T00:29:60+00:00,0.1",
           "ALPHA-M-0001,2026-03-01T01:00:00+00:00,0.1"]
    fast = ingest_csv("\n".join(odd) + "\n")
    careful = ingest_csv("\n".join(odd + ["ALPHA-M-0001,2026-02-30T00:00:00+00:00,0.1"]) + "\n")
    assert [r["line"] for r in fast.rejected] == [1, 2]
    assert [r["line"] for r in careful.rejected] == [1, 2, 4]
    assert {r["reason"][:22] for r in fast.rejected + careful.rejected} == {
        "invalid interval start"}


def test_a_large_file_takes_the_parallel_path_with_the_same_checks(alpha_meter):
    # Above PARALLEL_FROM_LINES the validation runs in parallel workers; duplicates,
    # gaps and bad lines must come out exactly as on the serial path.
    from metering.domain.ingest import PARALLEL_FROM_LINES

    serials = [f"ALPHA-M-P{index:02d}" for index in range(26)]
    for serial in serials:
        meter_create(serial, "ALPHA-H-0001-MP1")
    per_meter = PARALLEL_FROM_LINES // len(serials) + 100
    rows = ["meter_serial,interval_start,kwh"]
    for serial in serials:
        rows += [f"{serial},{(START + timedelta(minutes=30 * i)).isoformat()},0.25"
                 for i in range(per_meter)]
    rows.insert(2, rows[1])                                       # line 2: duplicate of 1
    del rows[500]                                                 # a one-slot gap
    rows.insert(700, "ALPHA-M-P00,2026-01-05T10:00:00+00:00,-1")  # negative
    report = ingest_csv("\n".join(rows) + "\n")
    total = per_meter * len(serials)
    assert report.read == total + 1
    assert [(r["line"], r["reason"]) for r in report.rejected] == [
        (3, "duplicate of line 2"), (701, "negative kWh")]
    assert (report.inserted, report.estimated) == (total - 1, 1)  # the gap is estimated
    assert Reading.objects.filter(meter__serial__startswith="ALPHA-M-P").count() == total
