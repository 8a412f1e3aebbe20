"""Historic series from CSV files, for back-filling.

Format (UTF-8, comma-separated, a header row; extra columns are ignored):

    interval_start,value[,unit]
    2025-01-01T00:00:00+00:00,84.12,EUR/MWh
    2025-01-01T01:00:00Z,79.50,EUR/MWh

`interval_start` is ISO 8601 with a UTC offset (or Z) and on the instrument's grid;
`value` uses a dot as decimal separator; `unit`, when present, must be the instrument's.
Every row is checked by `prices_save`; a bad row is reported with its line number.
"""
import csv
from collections.abc import Iterator
from pathlib import Path

from core.errors import GridlineError
from market.domain.prices import RawPoint

REQUIRED_COLUMNS = ("interval_start", "value")


class CsvFormatInvalid(GridlineError):
    code = "csv_invalid"


def csv_points(*, path: Path, instrument: str, chunk_size: int = 5000
               ) -> Iterator[list[RawPoint]]:
    """Chunks of raw points; the file is streamed, never loaded whole."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise CsvFormatInvalid(f"{path}: header lacks column(s) {', '.join(missing)}")
        reader.fieldnames = columns
        chunk = []
        for row in reader:
            chunk.append(RawPoint(instrument=instrument, interval_start=row["interval_start"],
                                  value=row["value"], unit=(row.get("unit") or "").strip(),
                                  line=reader.line_num))
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


class CsvFeed:
    """A CSV file as a feed: delivers the whole file on the first fetch, then nothing."""

    def __init__(self, *, path: Path, instrument: str):
        self.path, self.instrument = Path(path), instrument
        self.name = f"csv:{self.path.name}"
        self.done = False

    def fetch(self, *, now) -> list[RawPoint]:
        if self.done:
            return []
        self.done = True
        return [p for chunk in csv_points(path=self.path, instrument=self.instrument)
                for p in chunk]
