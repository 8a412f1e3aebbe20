"""Expected output of a PV plant with pvlib: from the region's weather, else clear sky.

Chain (pvlib, evaluated at each interval's midpoint): solar position -> irradiance (the
weather's GHI/DNI/DHI, DNI and DHI from GHI by Erbs when only GHI is known, or Ineichen clear
sky with pvlib's bundled Linke turbidity when there is no weather) -> plane-of-array
irradiance (isotropic sky) -> cell temperature (Faiman, from air temperature and wind; 20 °C
and 1 m/s without weather) -> PVWatts DC power at the plant's kWp and temperature coefficient
-> system losses and inverter efficiency. kWh per interval = kW at the midpoint x hours.

Weather rows apply from their timestamp until the next row (so hourly weather serves
half-hourly intervals); an interval with no row in the three hours before its start is
refused rather than guessed. Clear sky is an upper envelope: use it for "was output
expected at all" (availability) and for shape, the monthly profile or weather for yield.

pvlib is imported here only, so the allocation modules stay light to import.
"""
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
import pvlib

from .expectations import InvalidExpectation, _interval_index

WEATHER_REACH = pd.Timedelta(hours=3)


@dataclass(frozen=True)
class PvSystem:
    capacity_kw: float  # DC nameplate, kWp
    latitude: float
    longitude: float
    altitude_m: float = 0.0
    tilt_deg: float = 30.0
    azimuth_deg: float = 180.0  # 180 = facing south
    temperature_coefficient: float = -0.004  # per °C, relative to 25 °C
    losses_percent: float = 14.0  # wiring, soiling, mismatch... (PVWatts' default)
    inverter_efficiency: float = 0.96

    def __post_init__(self):
        checks = (
            (self.capacity_kw > 0, f"capacity must be positive, got {self.capacity_kw} kW"),
            (-90 <= self.latitude <= 90, f"latitude {self.latitude} is not in -90..90"),
            (-180 <= self.longitude <= 180, f"longitude {self.longitude} is not in -180..180"),
            (0 <= self.tilt_deg <= 90, f"tilt {self.tilt_deg}° is not in 0..90"),
            (0 <= self.azimuth_deg <= 360, f"azimuth {self.azimuth_deg}° is not in 0..360"),
            (0 <= self.losses_percent < 100, f"losses {self.losses_percent}% not in 0..100"),
            (0 < self.inverter_efficiency <= 1, "inverter efficiency must be in (0, 1]"),
        )
        for ok, message in checks:
            if not ok:
                raise InvalidExpectation(message)


@dataclass(frozen=True)
class PvExpectation:
    kwh: pd.Series  # expected AC kWh per interval
    poa_kwh_per_m2: pd.Series  # plane-of-array insolation per interval (for the PR)
    basis: str  # "weather" or "clear sky"


def _weather_at(weather: pd.DataFrame, starts: pd.DatetimeIndex) -> pd.DataFrame:
    index = _interval_index(weather.index, what="the weather's index")
    if "ghi" not in weather.columns:
        raise InvalidExpectation("weather needs at least a ghi column (W/m²)")
    rows = weather.sort_index()
    position = np.searchsorted(index.sort_values().asi8, starts.asi8, side="right") - 1
    stale = (position < 0) | (
        starts - index.sort_values()[np.maximum(position, 0)] > WEATHER_REACH)
    if stale.any():
        raise InvalidExpectation(
            f"no weather in the three hours before the interval starting "
            f"{starts[np.argmax(stale)].isoformat()} ({int(stale.sum())} intervals)"
        )
    aligned = rows.iloc[position].set_axis(starts)
    if aligned["ghi"].isna().any() or (aligned["ghi"] < 0).any():
        raise InvalidExpectation("weather ghi must be a number >= 0 for every interval")
    return aligned


def pv_expected_output(
    *, system: PvSystem, interval_starts, interval: timedelta,
    weather: pd.DataFrame | None = None,
) -> PvExpectation:
    """Expected kWh per interval; `weather` columns: ghi (W/m²), optional dni, dhi (W/m²),
    temp_air (°C), wind_speed (m/s), indexed by tz-aware timestamps."""
    starts = _interval_index(interval_starts)
    midpoints = starts + interval / 2
    location = pvlib.location.Location(system.latitude, system.longitude,
                                       altitude=system.altitude_m)
    solar = location.get_solarposition(midpoints)
    if weather is None:
        sky = location.get_clearsky(midpoints, model="ineichen", solar_position=solar)
        ghi, dni, dhi = sky["ghi"], sky["dni"], sky["dhi"]
        temp_air = pd.Series(20.0, index=midpoints)
        wind = pd.Series(1.0, index=midpoints)
        basis = "clear sky"
    else:
        rows = _weather_at(weather, starts).set_axis(midpoints)
        ghi = rows["ghi"]
        if {"dni", "dhi"} <= set(rows.columns):
            dni, dhi = rows["dni"], rows["dhi"]
        else:
            parts = pvlib.irradiance.erbs(ghi, solar["zenith"], midpoints)
            dni, dhi = parts["dni"], parts["dhi"]
        temp_air = rows["temp_air"] if "temp_air" in rows else pd.Series(20.0, index=midpoints)
        wind = rows["wind_speed"] if "wind_speed" in rows else pd.Series(1.0, index=midpoints)
        basis = "weather"
    poa = pvlib.irradiance.get_total_irradiance(
        system.tilt_deg, system.azimuth_deg, solar["apparent_zenith"], solar["azimuth"],
        dni, ghi, dhi,
    )["poa_global"].fillna(0.0).clip(lower=0.0)
    cell = pvlib.temperature.faiman(poa, temp_air, wind)
    dc_watts = pvlib.pvsystem.pvwatts_dc(poa, cell, system.capacity_kw * 1000,
                                         system.temperature_coefficient)
    ac_kw = (dc_watts.clip(lower=0.0) * (1 - system.losses_percent / 100)
             * system.inverter_efficiency / 1000)
    hours = interval / timedelta(hours=1)
    return PvExpectation(
        kwh=pd.Series(ac_kw.to_numpy() * hours, index=starts, name="expected_kwh"),
        poa_kwh_per_m2=pd.Series(poa.to_numpy() * hours / 1000, index=starts, name="poa"),
        basis=basis,
    )
