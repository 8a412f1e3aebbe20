"""Files are streamed to COPY in bounded chunks, never read whole (memory stays flat)."""
import io
from datetime import UTC, datetime, timedelta

from metering.domain.ingest import readings_ingest_file
from metering.models import Reading
from tests.metering.conftest import LONDON, NOW


class ChunkOnlyStream(io.RawIOBase):
    """A file that refuses to be read whole, and records the biggest read."""

    def __init__(self, data: bytes):
        self._inner = io.BytesIO(data)
        self.largest_read = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=0):
        return self._inner.seek(offset, whence)

    def tell(self):
        return self._inner.tell()

    def readline(self, size=-1):
        return self._inner.readline(size)

    def read(self, size=-1):
        assert size is not None and 0 < size <= 1 << 20, f"read({size}) would load the file"
        self.largest_read = max(self.largest_read, size)
        return self._inner.read(size)


def lines(count: int, bad_every: int | None = None) -> bytes:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = ["meter_serial,interval_start,kwh"]
    for i in range(count):
        value = "oops" if bad_every and i % bad_every == 0 else "0.2"
        rows.append(f"ALPHA-M-0001,{(start + timedelta(minutes=30 * i)).isoformat()},{value}")
    return ("\n".join(rows) + "\n").encode()


def test_clean_csv_is_copied_in_chunks(alpha_meter):
    stream = ChunkOnlyStream(lines(20_000))
    report = readings_ingest_file(stream=stream, file_format="csv", source="s", now=NOW,
                                  options=LONDON)
    assert report.inserted == 20_000
    assert 0 < stream.largest_read <= 1 << 20


def test_csv_that_needs_the_careful_path_is_reread_in_chunks(alpha_meter):
    stream = ChunkOnlyStream(lines(5_000, bad_every=1000))
    report = readings_ingest_file(stream=stream, file_format="csv", source="s", now=NOW,
                                  options=LONDON)
    assert report.rejected_count == 5
    assert Reading.objects.filter(quality="ACTUAL").count() == 4_995
