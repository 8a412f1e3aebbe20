"""One value, one verdict: the fast validation statement and the careful one (which runs
when PostgreSQL's cast raises on some other line of the file) accept and reject the same
values, so a line's fate never depends on its neighbours. The grammar is in
docs/metering.md ("kWh values", "Interval starts")."""
import pytest
from django.db import DataError, connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from metering.domain import ingest, staging
from tests.accounts.test_api import bearer
from tests.metering.conftest import NOW

# A shape-valid start PostgreSQL's cast refuses: it sends a batch to the careful statement.
POISON = "2026-02-30T00:00:00+00:00"

kwh_texts = st.one_of(
    st.from_regex(r"[ \t]?[+-]{0,2}[0-9]{0,11}\.?[0-9]{0,4}([eE][+-]?[0-9]{1,3})?[ \t]?",
                  fullmatch=True),
    st.text(alphabet="0123456789.+-eE_, xNaInfity", max_size=12),
    st.text(max_size=8))
start_texts = st.one_of(
    st.from_regex(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}"
                  r"([+-][0-9]{2}:[0-9]{2}|Z)", fullmatch=True),
    st.from_regex(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", fullmatch=True),
    st.text(alphabet="0123456789-:T +Z", min_size=18, max_size=26))


def verdicts(rows, *, careful: bool):
    """{line: reason} from one statement, or None when the fast one defers (raises)."""
    with transaction.atomic(), connection.cursor() as cursor:
        staged = staging.stage_rows(cursor, rows=rows)
        try:
            with transaction.atomic():
                cursor.execute(ingest._parse_sql(staged.texts_sql, careful=careful),
                               {"now": NOW})
        except DataError:
            result = None
        else:
            cursor.execute("SELECT line, reason FROM ingest_rows ORDER BY line")
            result = dict(cursor.fetchall())
        staging.staging_drop(cursor)
    return result


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(start=start_texts, kwh=kwh_texts)
@example(start="2026-03-01T00:00:00+00:00", kwh="1e2")
@example(start="2026-03-01T00:00:00+00:00", kwh="0000000000001")
@example(start="2026-03-01T00:00:00+00:00", kwh="NaN")
@example(start="2026-03-01T00:00:00+00:00", kwh="1_000")
@example(start="2026-03-01T00:00:00+15:00", kwh="1")
@example(start="2026-03-01T00:00:0 +00:00", kwh="1")
def test_both_statements_give_every_value_the_same_verdict(alpha_meter, start, kwh):
    row = [(1, "ALPHA-M-0001", start, kwh)]
    fast = verdicts(row, careful=False)
    careful = verdicts(row, careful=True)
    if fast is not None:
        assert fast == careful
    with_poison = verdicts(row + [(2, "ALPHA-M-0001", POISON, "1")], careful=True)
    assert with_poison[1] == careful[1]


@pytest.mark.parametrize("kwh", ["1e2", "1E-3", "Infinity", " 5 5"])
def test_a_number_outside_the_grammar_is_refused_alone_and_beside_a_bad_row(
        alpha, alpha_meter, kwh):
    headers = bearer(alpha, "alpha", scope="readings:write")
    reading = {"interval_start": "2026-03-01T00:00:00+00:00", "kwh": kwh}
    alone = alpha.post("/api/v1/meters/ALPHA-M-0001/readings/", {"readings": [reading]},
                       content_type="application/json", **headers).json()
    beside = alpha.post("/api/v1/meters/ALPHA-M-0001/readings/", {"readings": [
        reading, {"interval_start": POISON, "kwh": "1"}]},
        content_type="application/json", **headers).json()
    assert alone["rejected"] == [{"line": 1, "reason": "invalid kWh value"}]
    assert beside["rejected"][0] == {"line": 1, "reason": "invalid kWh value"}
    assert alone["inserted"] == beside["inserted"] == 0


def test_a_csv_file_applies_the_same_grammar(alpha_meter):
    from tests.metering.conftest import ingest_csv
    report = ingest_csv("ALPHA-M-0001,2026-03-01T00:00:00+00:00,1e2\n"
                        "ALPHA-M-0001,2026-03-01T00:30:00+00:00,0.5\n")
    assert report.rejected == [{"line": 1, "reason": "invalid kWh value"}]
    assert report.inserted == 1
