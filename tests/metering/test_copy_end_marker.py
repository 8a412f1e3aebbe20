"""A line holding only `\\.` is COPY's end-of-data marker: PostgreSQL's CSV COPY would stop
there and drop every line after it. It is one bad line; the rest of the file lands."""
import io
from datetime import UTC, datetime

import pytest

from metering.domain.streams import CopyMarkerGuard, EndOfDataMarker
from metering.models import Reading
from tests.metering.conftest import csv_lines, ingest_csv

START = datetime(2026, 6, 1, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_marker_line_is_reported_and_the_lines_after_it_land(alpha_meter, ending):
    lines = csv_lines("ALPHA-M-0001", START, ["0.25"] * 6).splitlines()
    text = ending.join(lines[:4] + ["\\."] + lines[4:]) + ending
    report = ingest_csv(text)
    assert report.rejected == [{"line": 5, "reason": (
        "expected 3 fields (meter serial, interval start, kWh), got 1")}]
    assert (report.read, report.inserted) == (7, 6)
    assert Reading.objects.filter(meter=alpha_meter).count() == 6


def test_a_marker_as_the_last_line_is_reported(alpha_meter):
    report = ingest_csv(csv_lines("ALPHA-M-0001", START, ["0.25"] * 3) + "\\.")
    assert [r["line"] for r in report.rejected] == [5]
    assert report.inserted == 3


class Chunks(io.RawIOBase):
    def __init__(self, parts):
        self._parts = list(parts)

    def readable(self):
        return True

    def read(self, size=-1):
        return self._parts.pop(0) if self._parts else b""


@pytest.mark.parametrize("parts", [
    [b"a,b,c\n\\", b".\nd,e,f\n"],
    [b"a,b,c\n", b"\\.", b"\r\n"],
    [b"a,b,c\n\\.", b""],
    [b"\\.\n"],
])
def test_the_guard_finds_a_marker_split_across_reads(parts):
    guard = CopyMarkerGuard(Chunks(parts))
    with pytest.raises(EndOfDataMarker):
        while guard.read(8192):
            pass


@pytest.mark.parametrize("parts", [
    [b"a,\\.,c\n", b"x\\.y\n"],
    [b"a,b,c\n\\", b".5\n"],
    [b"a,b,\\.\n"],
])
def test_the_guard_passes_backslash_dots_inside_lines(parts):
    guard = CopyMarkerGuard(Chunks(parts))
    out = b""
    while chunk := guard.read(8192):
        out += chunk
    assert out == b"".join(parts)
