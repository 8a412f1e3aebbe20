"""Monthly partitions of metering_reading: one per calendar month (UTC), named pYYYYMM.

`partitions_ensure` is idempotent and safe to run concurrently: a missing partition is
created under a transaction-level advisory lock per schema, and the list is read again once
the lock is held (two ingests for a new month would otherwise both try to create it, and
CREATE TABLE IF NOT EXISTS does not stop the second while the first is uncommitted).
"""
from datetime import UTC, date, datetime

from django.db import connection, transaction

PARENT = "metering_reading"


def month_start(value: date | datetime) -> date:
    return date(value.year, value.month, 1)


def next_month(value: date) -> date:
    return date(value.year + value.month // 12, value.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{PARENT}_p{month:%Y%m}"


def partitions_existing() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT child.relname FROM pg_inherits
            JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
            JOIN pg_class child ON child.oid = pg_inherits.inhrelid
            WHERE parent.oid = %s::regclass
            ORDER BY child.relname
            """,
            [PARENT],
        )
        return [row[0] for row in cursor.fetchall()]


def partitions_ensure(*, months: list[date]) -> list[str]:
    """Create the partitions for these months (any day in the month) if missing; returns
    the names of those created."""
    wanted = sorted({month_start(m) for m in months})
    existing = set(partitions_existing())
    if all(partition_name(month) in existing for month in wanted):
        return []
    created = []
    # atomic: the advisory lock lasts until the partitions are committed, also when this
    # runs on its own (the periodic upkeep) rather than inside an ingest.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || %s))",
                       [f".{PARENT}.partitions"])
        existing = set(partitions_existing())
        for month in wanted:
            name = partition_name(month)
            if name in existing:
                continue
            lower = datetime(month.year, month.month, 1, tzinfo=UTC)
            upper_month = next_month(month)
            upper = datetime(upper_month.year, upper_month.month, 1, tzinfo=UTC)
            cursor.execute(
                f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF {PARENT} '
                "FOR VALUES FROM (%s) TO (%s)",
                [lower, upper],
            )
            created.append(name)
    return created


def partitions_ensure_ahead(*, today: date, months_back: int = 1, months_ahead: int = 3
                            ) -> list[str]:
    """The periodic upkeep: the current month, `months_back` before and `months_ahead` after."""
    month = month_start(today)
    for _ in range(months_back):
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    months = []
    for _ in range(months_back + 1 + months_ahead):
        months.append(month)
        month = next_month(month)
    return partitions_ensure(months=months)
