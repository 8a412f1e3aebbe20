"""File-like adapters that feed PostgreSQL COPY without holding a file in memory.

Every ingest path ends in COPY into a one-column staging table: either the caller's CSV
file as it is (the fast path, `csv_copy_source`) or normalised lines produced by a parser
(`NormalisedLines`), each `<line>\\x01<serial>,<interval start>,<kWh>`.
"""
import io
import re
from collections.abc import Iterable, Iterator

_DIGIT = re.compile(rb"[0-9]")
_UNSAFE = str.maketrans({"\x01": " ", "\x02": " ", "\n": " ", "\r": " "})


class ChainedReader(io.RawIOBase):
    """`prefix` bytes, then the rest of `stream`: lets us peek at a header line."""

    def __init__(self, prefix: bytes, stream):
        self._prefix = prefix
        self._stream = stream

    def readable(self):
        return True

    def read(self, size=-1):
        if self._prefix:
            chunk, self._prefix = self._prefix, b""
            return chunk
        data = self._stream.read(size if size and size > 0 else 65536)
        return data.encode() if isinstance(data, str) else data


def csv_copy_source(stream) -> tuple[ChainedReader, bool]:
    """The CSV file for COPY, without its header line if it has one; says if it had."""
    first = stream.readline()
    if isinstance(first, str):
        first = first.encode()
    fields = first.split(b",")
    # A data line's second field is a timestamp, so it has digits; a header's has none.
    has_header = len(fields) >= 2 and not _DIGIT.search(fields[1])
    return ChainedReader(b"" if has_header else first, stream), has_header


class NormalisedLines(io.RawIOBase):
    """A readable byte stream over `(line, serial, interval_start_iso, kwh_text)` tuples;
    `(line, None, None, reason)` passes a parser's rejection through."""

    def __init__(self, rows: Iterable[tuple[int, str, str, str]]):
        self._rows: Iterator = iter(rows)
        self._buffer = b""
        # A parser's refusal of the whole file, raised inside COPY's read: COPY reports
        # it as a cancelled query, so the caller re-raises this instead (staging.py).
        self.error: Exception | None = None

    def readable(self):
        return True

    def read(self, size=-1):
        try:
            return self._read(size)
        except Exception as exc:
            self.error = exc
            raise

    def _read(self, size):
        size = size if size and size > 0 else 65536
        parts = [self._buffer]
        length = len(self._buffer)
        for line, serial, start, kwh in self._rows:
            if serial is None:  # the parser could not read this line; kwh is the reason
                text = f"{line}\x01\x01{str(kwh).translate(_UNSAFE)}\n".encode()
            else:
                text = f"{line}\x01{str(serial).translate(_UNSAFE)},{start},{kwh}\x01\n".encode()
            parts.append(text)
            length += len(text)
            if length >= size:
                break
        data = b"".join(parts)
        self._buffer = data[size:]
        return data[:size]
