"""Loaders of the nightly insights job: a constant number of queries per chunk, whatever
its number of customers. The analytics in `insights/domain/` get arrays and frames.

- `customers_load`: the customers with their import meters, premise (region, floor area,
  heating) and current contract's product (three queries).
- `daily_rollups_load`: the metering daily rollups of many meters over a range of local
  days in one binary COPY, straight into `[meter, day]` arrays (no Python object per row).
- `daily_temperatures_load`: each region's hourly TEMPERATURE series (market) in one
  query, as °F per local day.
- Half-hourly profiles come through the metering seam (`interval_profiles_load`).

Tenancy: the queries read the connection's schema (the caller's retailer); market data is
public and shared.
"""
import io
import struct
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from django.db import connection

from accounts.models import Contract, ContractStatus, Customer
from core.ranges import DateRange, DateTimeRange
from insights.domain.days import ZoneDays, daily_temperature
from market.domain.series import price_series_load
from market.models import Instrument, InstrumentKind
from metering.models import Direction, Meter

_HEADER = b"PGCOPY\n\xff\r\n\x00"
# One COPY row per meter: its id, then its days packed 16 bytes each (day since `lo`,
# micro-kWh, interval count; big-endian), in no particular order: each carries its day.
_ROLLUP_ROW_HEAD = struct.Struct(">hiqi")
_ROLLUP_DAY = np.dtype([("day", ">i4"), ("micro_kwh", ">i8"), ("count", ">i4")])
_ROLLUPS = """
    COPY (
        SELECT meter_id::int8,
               string_agg(int4send((day_date - %(lo)s::date)::int4)
                          || int8send((kwh * 1000000)::int8) || int4send(interval_count),
                          ''::bytea)
        FROM metering_dailyrollup
        WHERE meter_id = ANY(%(meters)s::int8[]) AND day_date >= %(lo)s
          AND day_date < %(hi)s
        GROUP BY meter_id
    ) TO STDOUT WITH (FORMAT binary)
"""


@dataclass
class CustomerRow:
    id: int
    reference: str
    name: str
    kind: str
    region: str = ""
    floor_area: float = float("nan")
    heating_type: str = ""
    meter_ids: list = field(default_factory=list)
    interval_minutes: dict = field(default_factory=dict)  # meter id -> minutes
    contract_id: int | None = None
    product_code: str | None = None
    tariff_version_id: int | None = None


def customers_load(*, customer_ids=None) -> dict[int, CustomerRow]:
    """The customers (all, or those ids) in id order, with their installed import meters
    and the product of their current contract (the earliest active one). All of them is
    the run's finish: no list of 10,000 ids to send."""
    ids = None if customer_ids is None else list(customer_ids)
    customers = Customer.objects.order_by("pk")
    meters = Meter.objects.filter(direction=Direction.IMPORT, removed_at__isnull=True)
    contracts = Contract.objects.filter(status=ContractStatus.ACTIVE,
                                        tariff_version__isnull=False)
    if ids is not None:
        customers = customers.filter(pk__in=ids)
        meters = meters.filter(meter_point__premise__customer_id__in=ids)
        contracts = contracts.filter(customer_id__in=ids)
    rows = {pk: CustomerRow(id=pk, reference=ref, name=name, kind=kind)
            for pk, ref, name, kind in customers.values_list("pk", "reference", "name", "kind")}
    for pk, minutes, customer_id, region, area, heating in (
            meters.order_by("pk").values_list(
                "pk", "interval_minutes", "meter_point__premise__customer_id",
                "meter_point__premise__region", "meter_point__premise__floor_area_m2",
                "meter_point__premise__heating_type")):
        row = rows[customer_id]
        if not row.meter_ids:  # the first premise describes the home
            row.region, row.heating_type = region, heating
            row.floor_area = float(area) if area is not None else float("nan")
        row.meter_ids.append(pk)
        row.interval_minutes[pk] = minutes
    for customer_id, pk, version_id, code in (
            contracts.order_by("customer_id", "active_from", "pk")
            .values_list("customer_id", "pk", "tariff_version_id",
                         "tariff_version__product__code")):
        row = rows[customer_id]
        if row.contract_id is None:
            row.contract_id, row.tariff_version_id, row.product_code = pk, version_id, code
    return rows


@dataclass(frozen=True)
class DailyRollups:
    """`kwh[meter, day]` and `intervals[meter, day]` (0 where no rollup) of `days`."""

    meter_ids: np.ndarray
    days: DateRange
    kwh: np.ndarray
    intervals: np.ndarray

    def rows(self, meter_ids) -> np.ndarray:
        return np.searchsorted(self.meter_ids, np.asarray(meter_ids, dtype=np.int64))


def daily_rollups_load(*, meter_ids, days: DateRange) -> DailyRollups:
    """One COPY for all the meters (an index-only scan: the rollups' unique index carries
    kWh and the interval count); rows sorted by meter id."""
    ids = np.unique(np.asarray(list(meter_ids), dtype=np.int64))
    count = (days.end - days.start).days
    kwh = np.zeros((len(ids), count))
    intervals = np.zeros((len(ids), count), dtype=np.int32)
    if len(ids):
        sink = io.BytesIO()
        with connection.cursor() as cursor:
            sql = cursor.mogrify(_ROLLUPS, {"meters": ids.tolist(), "lo": days.start,
                                            "hi": days.end}).decode()
            cursor.copy_expert(sql, sink)
        data = sink.getbuffer()
        if bytes(data[:11]) != _HEADER:
            raise ValueError("unexpected COPY header")
        position = 19 + int.from_bytes(data[15:19], "big")
        while bytes(data[position:position + 2]) != b"\xff\xff":  # the trailer
            _, _, meter, length = _ROLLUP_ROW_HEAD.unpack_from(data, position)
            position += _ROLLUP_ROW_HEAD.size
            records = np.frombuffer(data, dtype=_ROLLUP_DAY,
                                    count=length // _ROLLUP_DAY.itemsize, offset=position)
            position += length
            row = int(np.searchsorted(ids, meter))
            day = records["day"].astype(np.int64)
            kwh[row, day] = records["micro_kwh"].astype(np.int64) / 1e6
            intervals[row, day] = records["count"]
    return DailyRollups(meter_ids=ids, days=days, kwh=kwh, intervals=intervals)


def temperature_instruments(*, regions) -> dict[str, str]:
    """Region -> the code of its TEMPERATURE instrument (zone = region, any case)."""
    wanted = {region.upper(): region for region in regions if region}
    found = {}
    for code, zone in (Instrument.objects.filter(kind=InstrumentKind.TEMPERATURE,
                                                 zone__in=list(wanted))
                       .order_by("pk").values_list("code", "zone")):
        found.setdefault(wanted[zone], code)
    return found


def daily_temperatures_load(*, regions, period: DateTimeRange, tz) -> dict[str, pd.Series]:
    """Region -> °F per local date (a region without a series is absent), one query."""
    codes = temperature_instruments(regions=regions)
    series = price_series_load(instrument_codes=set(codes.values()), period=period)
    days = ZoneDays(tz)
    out = {}
    for region, code in codes.items():
        values = series.get(code)
        if values is None or values.empty:
            continue
        fahrenheit = values.to_numpy() * 9 / 5 + 32
        out[region] = daily_temperature(instants=values.index, temperature=fahrenheit,
                                        days=days)
    return out


def intervals_in_day(*, days: DateRange, tz, minutes: int) -> np.ndarray:
    """Intervals of `minutes` in each local day of `days` (46/50 half-hours on the days a
    zone changes its clocks)."""
    dates = pd.date_range(days.start, days.end, freq="D", inclusive="both")
    midnights = dates.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    seconds = np.diff(midnights.as_unit("ns").asi8) / 1e9
    return np.rint(seconds / (minutes * 60)).astype(np.int64)


def local_range(days: DateRange, tz) -> DateTimeRange:
    """The instants of a range of local days."""
    def midnight(day):
        return pd.Timestamp(datetime.combine(day, datetime.min.time())).tz_localize(
            tz, ambiguous=False, nonexistent="shift_forward").tz_convert("UTC").to_pydatetime()
    return DateTimeRange(midnight(days.start), midnight(days.end))


def day_before(day: date) -> date:
    return day - timedelta(days=1)
