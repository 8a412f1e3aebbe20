"""Consumption of one meter over `[period_from, period_to)`, raw or grouped.

`interval` and `hour` come from the raw partitioned table; `day`, `week`, `month` and
`quarter` from the daily rollups (local days in the retailer's time zone; weeks start on
Monday, quarters in January, April, July and October). A group's
quality is the worst of its intervals: MISSING, then ESTIMATED, then EDITED, then ACTUAL.
"""
from datetime import datetime

from django.db import connection

from accounts.users.models import Role
from core.errors import GridlineError
from metering.domain import access

GROUPS = ("interval", "hour", "day", "week", "month", "quarter")


class InvalidConsumptionQuery(GridlineError):
    code = "invalid"
    status = 400


_WORST = """CASE WHEN {m} > 0 THEN 'MISSING' WHEN {e} > 0 THEN 'ESTIMATED'
                 WHEN {d} > 0 THEN 'EDITED' ELSE 'ACTUAL' END"""

_RAW = {
    "interval": """
        SELECT interval_start, interval_start + make_interval(mins => %(minutes)s), kwh, quality
        FROM metering_reading
        WHERE meter_id = %(meter)s AND interval_start >= %(lo)s AND interval_start < %(hi)s
        ORDER BY interval_start""",
    "hour": f"""
        SELECT date_trunc('hour', interval_start) AS h,
               date_trunc('hour', interval_start) + interval '1 hour', sum(kwh),
               {_WORST.format(m="count(*) FILTER (WHERE quality = 'MISSING')",
                              e="count(*) FILTER (WHERE quality = 'ESTIMATED')",
                              d="count(*) FILTER (WHERE quality = 'EDITED')")}
        FROM metering_reading
        WHERE meter_id = %(meter)s AND interval_start >= %(lo)s AND interval_start < %(hi)s
        GROUP BY h ORDER BY h""",
}

_ROLLUP = f"""
    SELECT g AT TIME ZONE %(tz)s, (g + %(step)s::interval) AT TIME ZONE %(tz)s, sum(kwh),
           {_WORST.format(m="sum(missing_count)", e="sum(estimated_count)",
                          d="sum(edited_count)")}
    FROM (SELECT date_trunc(%(unit)s, day_date::timestamp) AS g, * FROM metering_dailyrollup
          WHERE meter_id = %(meter)s AND day_date >= (%(lo)s AT TIME ZONE %(tz)s)::date
            AND day_date < (%(hi)s AT TIME ZONE %(tz)s)::date) days
    GROUP BY g ORDER BY g"""

_STEP = {"day": "1 day", "week": "1 week", "month": "1 month", "quarter": "3 months"}


def consumption_query_check(*, period_from: datetime, period_to: datetime,
                            group_by: str = "interval") -> None:
    """Raise InvalidConsumptionQuery for a query that cannot be answered."""
    if group_by not in GROUPS:
        raise InvalidConsumptionQuery(f"group_by must be one of {', '.join(GROUPS)}.")
    if period_to <= period_from:
        raise InvalidConsumptionQuery("period_to must be after period_from.")


def consumption_statement(*, period_from: datetime, period_to: datetime, tz: str,
                          group_by: str = "interval") -> tuple[str, dict]:
    """The SELECT of `(interval_start, interval_end, kwh, quality)` rows in order, and its
    parameters; `%(meter)s` and `%(minutes)s` (the meter's id and interval) are left to
    the caller."""
    consumption_query_check(period_from=period_from, period_to=period_to, group_by=group_by)
    params = {"lo": period_from, "hi": period_to, "tz": tz}
    if group_by in _RAW:
        return _RAW[group_by], params
    return _ROLLUP, {**params, "unit": group_by, "step": _STEP[group_by]}


def consumption_read(*, meter, period_from: datetime, period_to: datetime, tz: str,
                     group_by: str = "interval") -> list[tuple]:
    """Rows of `(interval_start, interval_end, kwh, quality)`, in order; days, weeks and
    months are local ones in `tz` (the retailer's)."""
    sql, params = consumption_statement(period_from=period_from, period_to=period_to,
                                        group_by=group_by, tz=tz)
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "meter": meter.pk, "minutes": meter.interval_minutes})
        return cursor.fetchall()


def consumption_read_by(*, user, client_id: str, serial: str, now: datetime, note,
                        period_from: datetime, period_to: datetime,
                        tz: str, group_by: str = "interval") -> list[tuple]:
    """A login's read of a meter's consumption through the API: access checked, recorded in
    the audit trail (`note`: an access.ReadNote), rows as `consumption_read`. Partners (the
    hot path) in one statement; other logins by their visible customers. `tz`: the
    retailer's zone."""
    statement = consumption_statement(period_from=period_from, period_to=period_to,
                                      group_by=group_by, tz=tz)
    if user is not None and user.is_active and user.role == Role.PARTNER:
        return access.partner_read(user=user, client_id=client_id, serial=serial, now=now,
                                   note=note, statement=statement)
    meter = access.access_meter_for_reading(user=user, client_id=client_id, serial=serial,
                                            now=now, note=note)
    return consumption_read(meter=meter, period_from=period_from, period_to=period_to,
                            group_by=group_by, tz=tz)
