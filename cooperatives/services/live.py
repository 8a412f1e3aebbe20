"""Live generator output over Channels: when readings are ingested (metering calls
`export_readings_published` at commit through settings.METERING_INGEST_LISTENERS), the
latest reading of each generator among them is pushed to its cooperative's group. Group
names carry the schema and the cooperative (`coop-live.<schema>.<id>`): a browser joins
only the group of a cooperative it may see, in its own retailer."""
from datetime import datetime, timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django_tenants.utils import schema_context

LIVE_EVENT = "coop.live"

_LATEST = """
    SELECT DISTINCT ON (g.id) g.id, g.cooperative_id, g.capacity_kw, m.interval_minutes,
           r.interval_start, r.kwh
    FROM cooperatives_generator g
    JOIN metering_meter m ON m.id = g.export_meter_id
    JOIN metering_reading r ON r.meter_id = m.id
    WHERE r.interval_start >= %(lo)s AND r.interval_start < %(hi)s
    ORDER BY g.id, r.interval_start DESC
"""


def live_group(*, schema_name: str, cooperative_id: int) -> str:
    return f"coop-live.{schema_name}.{cooperative_id}"


def latest_outputs(*, lo: datetime, hi: datetime) -> list[dict]:
    """The latest reading in [lo, hi) of every generator that has one (one query), as
    the payload the dashboard shows: kW = kWh ÷ interval hours."""
    with connection.cursor() as cursor:
        cursor.execute(_LATEST, {"lo": lo, "hi": hi})
        rows = cursor.fetchall()
    return [{"type": "output", "generator": gid, "cooperative": coop,
             "at": start.isoformat(), "kwh": str(kwh),
             "kw": f"{float(kwh) * 60 / minutes:.3f}",
             "capacity_kw": str(capacity)}
            for gid, coop, capacity, minutes, start, kwh in rows]


def export_readings_published(*, schema_name: str, lo: datetime, hi: datetime) -> int:
    """Push the latest output of generators read in [lo, hi]; returns how many."""
    with schema_context(schema_name):
        outputs = latest_outputs(lo=lo, hi=hi + timedelta(microseconds=1))
    if not outputs:
        return 0
    layer = get_channel_layer()

    async def send_all():
        for payload in outputs:
            await layer.group_send(
                live_group(schema_name=schema_name, cooperative_id=payload["cooperative"]),
                {"type": LIVE_EVENT, "payload": payload})
    async_to_sync(send_all)()
    return len(outputs)
