"""A file wrapper that reports how far a stream has been read (for large uploads)."""
import io
from collections.abc import Callable


class ProgressReader(io.RawIOBase):
    """Passes reads through to `stream` and calls `report(bytes_read)` every `every`
    bytes, so a page can show how much of a large file ingest has streamed to COPY."""

    def __init__(self, stream, *, report: Callable[[int], None], every: int = 1 << 20):
        self._stream = stream
        self._report = report
        self._every = every
        self._next = every
        self.bytes_read = 0

    def readable(self):
        return True

    def seekable(self):
        return self._stream.seekable()

    def tell(self):
        return self._stream.tell()

    def seek(self, offset, whence=io.SEEK_SET):
        position = self._stream.seek(offset, whence)
        self.bytes_read = position
        self._next = position + self._every
        return position

    def _count(self, data):
        self.bytes_read += len(data)
        if self.bytes_read >= self._next:
            self._next = self.bytes_read + self._every
            self._report(self.bytes_read)
        return data

    def read(self, size=-1):
        return self._count(self._stream.read(size))

    def readline(self, size=-1):
        return self._count(self._stream.readline(size))
