"""Monthly partitions of metering_reading: one per calendar month (UTC), named pYYYYMM.

`partitions_ensure` is idempotent and safe to run concurrently with ingest (CREATE TABLE IF
NOT EXISTS ... PARTITION OF takes a lock on the parent only briefly).
"""
from datetime import UTC, date, datetime

from django.db import connection

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
    existing = set(partitions_existing())
    created = []
    with connection.cursor() as cursor:
        for month in sorted({month_start(m) for m in months}):
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
