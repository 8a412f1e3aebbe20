"""The demo's weather: a TEMPERATURE instrument per region of the demo premises (code
`TEMP-<REGION>`, zone the region in capitals, which is how insights finds a premise's
series) with the hourly temperatures that drove the demo readings."""
import re
from datetime import datetime

import pandas as pd

from market.domain.prices import RawPoint, prices_save
from market.models import Instrument, InstrumentKind


def temperature_instrument_code(region: str) -> str:
    return "TEMP-" + re.sub(r"[^A-Z0-9]+", "-", region.upper()).strip("-")[:35]


def demo_weather_save(*, regions: list[str], hourly_c: pd.Series, now: datetime) -> dict:
    """Ensure each region's instrument and store `hourly_c` for it; returns counts."""
    inserted = updated = 0
    for region in sorted(set(regions)):
        zone = region.upper()
        instrument = Instrument.objects.filter(kind=InstrumentKind.TEMPERATURE,
                                               zone=zone).order_by("pk").first()
        if instrument is None:
            instrument = Instrument.objects.create(
                code=temperature_instrument_code(region), name=f"Air temperature, {region}",
                kind=InstrumentKind.TEMPERATURE, zone=zone, unit="degC", currency="",
                interval_minutes=60)
        points = [RawPoint(instrument=instrument.code, interval_start=at.to_pydatetime(),
                           value=f"{value:.2f}") for at, value in hourly_c.items()]
        result = prices_save(points=points, received_at=now, source="demo-weather",
                             publish=False)
        inserted, updated = inserted + result.inserted, updated + result.updated
    return {"inserted": inserted, "updated": updated}
