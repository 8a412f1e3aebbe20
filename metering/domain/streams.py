"""File-like adapters that feed PostgreSQL COPY without holding a file in memory.

Every value stays inside its field: either the caller's CSV file goes to COPY as it is
(the fast path, `csv_copy_source`: PostgreSQL's CSV parser splits it), or rows produced
by a parser go as COPY text lines with every value escaped (`NormalisedLines`). A value
holding a newline, tab, backslash, comma or quote can never open a row or a field of its
own (that would let a batch for one meter write another).
"""
import csv
import io
import re
from collections.abc import Iterable, Iterator
from itertools import islice

_DIGIT = re.compile(rb"[0-9]")
_BATCH_ROWS = 2048


def field_count_error(count: int) -> str:
    return f"expected 3 fields (meter serial, interval start, kWh), got {count}"


class ChainedReader(io.RawIOBase):
    """`prefix` bytes, then the rest of `stream` (binary or text): lets us peek at a
    header line."""

    def __init__(self, prefix: bytes, stream):
        self._pending = prefix
        self._stream = stream

    def readable(self):
        return True

    def read(self, size=-1):
        size = size if size and size > 0 else 65536
        if not self._pending:
            data = self._stream.read(size)
            self._pending = data.encode() if isinstance(data, str) else data
        chunk, self._pending = self._pending[:size], self._pending[size:]
        return chunk

    def readinto(self, buffer):
        chunk = self.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


class EndOfDataMarker(Exception):
    """A line holding only `\\.`: COPY's end-of-data marker, which PostgreSQL's CSV COPY
    obeys even inside a file, silently dropping every line after it."""


class CopyMarkerGuard(io.RawIOBase):
    """Passes a CSV file through to COPY, raising EndOfDataMarker (which aborts the COPY)
    when a line is exactly `\\.`; the caller then reads the file with Python's CSV
    parser, where such a line is just a bad line reported with its number."""

    _MARKER = b"\\."
    _LINE_ENDS = (ord("\r"), ord("\n"))

    def __init__(self, source):
        self._source = source
        self._line_start = True  # the next byte read starts a line
        self._held = b""  # a marker-like end of the last chunk, decided by the next one
        self.found = False  # psycopg2 reports the abort as QueryCanceled, not our error

    def readable(self):
        return True

    def _starts_line(self, data: bytes, at: int) -> bool:
        return self._line_start if at == 0 else data[at - 1] in self._LINE_ENDS

    def read(self, size=-1):
        while True:
            chunk = self._source.read(size)
            data, self._held = self._held + chunk, b""
            if not chunk:
                if data == self._MARKER:  # the file's last line
                    self.found = True
                    raise EndOfDataMarker("a line holds only \\.")
                return data
            found = data.find(self._MARKER)
            while found >= 0:
                follows = data[found + 2:found + 3]
                if self._starts_line(data, found) and follows in (b"\r", b"\n"):
                    self.found = True
                    raise EndOfDataMarker("a line holds only \\.")
                found = data.find(self._MARKER, found + 1)
            for held in (self._MARKER, self._MARKER[:1]):  # decided by the next read
                if data.endswith(held) and self._starts_line(data, len(data) - len(held)):
                    data, self._held = data[:-len(held)], held
                    break
            if data:
                self._line_start = data[-1] in self._LINE_ENDS
                return data

    def readinto(self, buffer):
        chunk = self.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def csv_copy_source(stream) -> tuple[ChainedReader, bool]:
    """The CSV file for COPY, without its header line if it has one; says if it had."""
    first = stream.readline()
    if isinstance(first, str):
        first = first.encode()
    fields = first.split(b",")
    # A data line's second field is a timestamp, so it has digits; a header's has none.
    has_header = len(fields) >= 2 and not _DIGIT.search(fields[1])
    return ChainedReader(b"" if has_header else first, stream), has_header


def csv_file_rows(source: ChainedReader, *, first_line: int) -> Iterator[tuple]:
    """The records of a CSV file (`source` from `csv_copy_source`) read by Python's CSV
    parser, as `(line, serial, interval_start, kwh)` or `(line, None, None, reason)`:
    the path for files PostgreSQL's COPY could not take whole (a line with a field too
    many or too few, bytes that are not UTF-8). Lines count records, as COPY does; blank
    lines are skipped."""
    # newline="": lines end only at \n, \r\n or \r, as in COPY (csv reads quoted ones on)
    text = io.TextIOWrapper(io.BufferedReader(source), encoding="utf-8", errors="replace",
                            newline="")
    for line, fields in enumerate(csv.reader(text), start=first_line):
        if len(fields) == 3:
            yield line, fields[0], fields[1], fields[2]
        elif len(fields) > 1 or (fields and fields[0].strip(" \t")):
            yield line, None, None, field_count_error(len(fields))


class NormalisedLines(io.RawIOBase):
    """A readable byte stream in COPY's text format, one line per row,
    `line<TAB>serial<TAB>interval_start<TAB>kwh<TAB>parse_error`, over `(line, serial,
    interval_start_iso, kwh_text)` tuples; `(line, None, None, reason)` passes a parser's
    rejection through (its other columns NULL)."""

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
        while len(self._buffer) < size:
            batch = list(islice(self._rows, _BATCH_ROWS))
            if not batch:
                break
            self._buffer += _copy_lines(batch)
        chunk, self._buffer = self._buffer[:size], self._buffer[size:]
        return chunk


def _copy_lines(rows: list) -> bytes:
    """COPY text lines for `rows`. Written plainly first; if the text then holds a tab,
    line break or backslash beyond the ones the format puts there (or a NUL), some value
    had one, and every value is escaped instead (rare: the common batch costs a few
    counts over its text)."""
    nulls = 0
    lines = []
    for line, serial, start, kwh in rows:
        if serial is None:  # the parser could not read this line; kwh is the reason
            lines.append(f"{line}\t\\N\t\\N\t\\N\t{kwh}\n")
            nulls += 3
        else:
            lines.append(f"{line}\t{serial}\t{start}\t{kwh}\t\\N\n")
            nulls += 1
    text = "".join(lines)
    if (text.count("\t") != 4 * len(rows) or text.count("\n") != len(rows)
            or text.count("\\") != nulls or "\r" in text or "\x00" in text):
        text = "".join(
            f"{line}\t\\N\t\\N\t\\N\t{_escaped(kwh)}\n" if serial is None else
            f"{line}\t{_escaped(serial)}\t{_escaped(start)}\t{_escaped(kwh)}\t\\N\n"
            for line, serial, start, kwh in rows)
    # Lone surrogates (JSON can carry them) are not UTF-8: "?" makes the value invalid.
    return text.encode("utf-8", "replace")


def _escaped(value) -> str:
    """A value for COPY's text format: backslash, tab and line breaks escaped; NUL (which
    no text column can hold) replaced by U+FFFD, so the value is rejected, not cut."""
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r").replace("\x00", "\ufffd"))
