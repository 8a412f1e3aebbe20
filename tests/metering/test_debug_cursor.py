"""Ingest also runs under Django's debug cursor (DEBUG=True, as `make run` has it), whose
copy_expert takes no keyword arguments."""
from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.metering.conftest import csv_lines, ingest_csv


def test_csv_ingest_under_the_debug_cursor(alpha_meter):
    text = csv_lines("ALPHA-M-0001", datetime(2026, 3, 2, tzinfo=UTC), ["0.2"] * 4)
    with CaptureQueriesContext(connection):  # switches the connection to the debug cursor
        typed = ingest_csv(text)
        with_header = ingest_csv("meter_serial,interval_start,kwh\n" + text.replace(
            "0.2", "0.3"))
    assert (typed.inserted, typed.rejected_count) == (4, 0)
    assert with_header.updated == 4
