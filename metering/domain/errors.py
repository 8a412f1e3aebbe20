"""The error every ingest path raises for a file or batch it cannot read at all (a bad line
is reported in the ingest report instead, and the good lines around it are kept)."""
from core.errors import GridlineError


class UnableToIngestReadings(GridlineError):
    code = "ingest_failed"
    status = 400
