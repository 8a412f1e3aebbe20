"""The CalTRACK 2.0 daily model: usage per day against heating and cooling degree days.

    kWh/day = intercept + beta_hdd * max(h - T, 0) + beta_cdd * max(T - c, 0)

T is the day's mean temperature (°F, not rounded). The balance points h and c are searched
over whole °F from 30 to 90 with c >= h. Candidates, in this order: intercept-only,
HDD-only (h ascending), CDD-only (c ascending), HDD+CDD (h, then c ascending). A
degree-day term is tried only with at least 10 days of non-zero degree days and at least
20 degree days in total; a candidate qualifies only when its intercept and betas are all
>= 0 (no p-value filter). The highest adjusted R² wins; intercept-only counts as 0 and a
weather model must beat the best so far strictly, so on a tie the earlier one stays.

Every candidate is fitted at once with the closed-form least-squares solution, from
prefix sums over the days sorted by temperature (all 61 HDD, 61 CDD and 1,891 HDD+CDD
candidates in a few vector operations, no loop over candidates).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sufficiency import InsufficientData

BALANCE_POINTS_F = np.arange(30, 91)
MIN_NON_ZERO_DAYS = 10
MIN_TOTAL_DEGREE_DAYS = 20.0
# Candidates that are mathematically the same fit (e.g. CDD at 30 and 31 °F when every day
# is warmer than 31 °F) differ only by float noise; closer than this counts as a tie. Real
# competitors differ by far more (1e-4 and up), so this is no rounding of the criterion.
TIE_TOLERANCE = 1e-12
# Sums of degree days carry float noise of the same kind: 20 degree days must count as 20.
DEGREE_DAY_TOLERANCE = 1e-9

KINDS = ("intercept_only", "hdd_only", "cdd_only", "hdd_cdd")


@dataclass(frozen=True)
class BaselineModel:
    """A fitted daily model; absent terms are None."""

    kind: str
    intercept_kwh_per_day: float
    beta_hdd: float | None = None
    beta_cdd: float | None = None
    heating_balance_point: int | None = None
    cooling_balance_point: int | None = None
    r_squared_adj: float = 0.0

    def heating_degree_days(self, temperature_f) -> np.ndarray:
        if self.heating_balance_point is None:
            return np.zeros_like(np.asarray(temperature_f, dtype=float))
        return np.maximum(self.heating_balance_point - np.asarray(temperature_f, float), 0.0)

    def cooling_degree_days(self, temperature_f) -> np.ndarray:
        if self.cooling_balance_point is None:
            return np.zeros_like(np.asarray(temperature_f, dtype=float))
        return np.maximum(np.asarray(temperature_f, float) - self.cooling_balance_point, 0.0)

    def heating_kwh(self, temperature_f) -> np.ndarray:
        """The heating part of each day's prediction (0 without a heating term)."""
        return (self.beta_hdd or 0.0) * self.heating_degree_days(temperature_f)

    def cooling_kwh(self, temperature_f) -> np.ndarray:
        return (self.beta_cdd or 0.0) * self.cooling_degree_days(temperature_f)

    def predict(self, temperature_f) -> np.ndarray:
        """kWh per day for each daily mean temperature (NaN where the temperature is NaN)."""
        temperature = np.asarray(temperature_f, dtype=float)
        return (self.intercept_kwh_per_day + self.heating_kwh(temperature)
                + self.cooling_kwh(temperature) + temperature * 0.0)


@dataclass(frozen=True)
class _DegreeDaySums:
    """For every balance point of the grid: the days with non-zero degree days, their
    total, and the centred sums of squares and of products with usage."""

    non_zero_days: np.ndarray
    total: np.ndarray
    s_xx: np.ndarray
    s_xy: np.ndarray

    @property
    def enough(self) -> np.ndarray:
        return ((self.non_zero_days >= MIN_NON_ZERO_DAYS)
                & (self.total >= MIN_TOTAL_DEGREE_DAYS - DEGREE_DAY_TOLERANCE))


@dataclass(frozen=True)
class _SortedDays:
    """Days sorted by temperature, centred on the means, with prefix sums (0 first)."""

    t: np.ndarray
    p_t: np.ndarray
    p_tt: np.ndarray
    p_y: np.ndarray
    p_ty: np.ndarray

    @classmethod
    def of(cls, t_centred: np.ndarray, y_centred: np.ndarray) -> _SortedDays:
        order = np.argsort(t_centred, kind="stable")
        t, y = t_centred[order], y_centred[order]

        def prefix(values):
            return np.concatenate([[0.0], np.cumsum(values)])

        return cls(t=t, p_t=prefix(t), p_tt=prefix(t * t), p_y=prefix(y), p_ty=prefix(t * y))


def _degree_day_sums(days: _SortedDays, points: np.ndarray, *, heating: bool) -> _DegreeDaySums:
    """Sums of (b - t) over the days colder than b (heating) or (t - b) over the days
    warmer (cooling), for every balance point b at once, from the prefix sums: no
    days x balance points matrix is built. Temperatures, points and usage are centred on
    the means, which keeps the sums small and exact enough (see TIE_TOLERANCE)."""
    n = len(days.t)
    if heating:  # days with t < b: the first k of the sorted days
        k = np.searchsorted(days.t, points, side="left")
        count, s_t, s_tt = k, days.p_t[k], days.p_tt[k]
        s_y, s_ty = days.p_y[k], days.p_ty[k]
        sign = 1.0
    else:  # days with t > b: the last n - k
        k = np.searchsorted(days.t, points, side="right")
        count = n - k
        s_t, s_tt = days.p_t[n] - days.p_t[k], days.p_tt[n] - days.p_tt[k]
        s_y, s_ty = days.p_y[n] - days.p_y[k], days.p_ty[n] - days.p_ty[k]
        sign = -1.0
    # the degree days are x = sign * (b - t) on those days and 0 on the others
    total = sign * (count * points - s_t)
    sum_squares = count * points**2 - 2 * points * s_t + s_tt
    sum_products = sign * (points * s_y - s_ty)  # usage is centred, so this is s_xy
    return _DegreeDaySums(non_zero_days=count, total=total,
                          s_xx=sum_squares - total**2 / n, s_xy=sum_products)


def _adjusted(r_squared, n: int, terms: int):
    return 1.0 - (1.0 - r_squared) * (n - 1) / (n - terms - 1)


def fit_baseline_model(*, kwh, temperature_f) -> BaselineModel:
    """The best CalTRACK 2.0 daily model for these days (pairs where either value is NaN
    are left out). Raises InsufficientData when no day has both."""
    y_all = np.asarray(kwh, dtype=float)
    t_all = np.asarray(temperature_f, dtype=float)
    valid = np.isfinite(y_all) & np.isfinite(t_all)
    y, t = y_all[valid], t_all[valid]
    n = len(y)
    if n == 0:
        raise InsufficientData("no day has both usage and temperature: there is nothing to fit")
    y_mean = y.mean()
    intercept_only = BaselineModel(kind="intercept_only", intercept_kwh_per_day=float(y_mean))
    y_centred = y - y_mean
    s_yy = y_centred @ y_centred
    if n < 4 or not s_yy > 0:
        # Usage that never varies (or too few days) leaves nothing for weather to explain.
        return intercept_only

    t_mean = t.mean()
    days = _SortedDays.of(t - t_mean, y_centred)
    points = BALANCE_POINTS_F.astype(float)
    heat = _degree_day_sums(days, points - t_mean, heating=True)
    cool = _degree_day_sums(days, points - t_mean, heating=False)
    h_mean, c_mean = heat.total / n, cool.total / n

    with np.errstate(divide="ignore", invalid="ignore"):
        beta_h = heat.s_xy / heat.s_xx
        beta_c = cool.s_xy / cool.s_xx
        icpt_h = y_mean - beta_h * h_mean
        icpt_c = y_mean - beta_c * c_mean
        adj_h = _adjusted(beta_h * heat.s_xy / s_yy, n, 1)
        adj_c = _adjusted(beta_c * cool.s_xy / s_yy, n, 1)

        # With c >= h no day has both heating and cooling degree days, so the raw cross
        # product is 0 and the centred one is -n * mean(hdd) * mean(cdd).
        s_hc = -n * h_mean[:, None] * c_mean[None, :]  # [heating point, cooling point]
        s_hh, s_cc = heat.s_xx[:, None], cool.s_xx[None, :]
        s_hy, s_cy = heat.s_xy[:, None], cool.s_xy[None, :]
        det = s_hh * s_cc - s_hc**2
        pair_h = (s_cc * s_hy - s_hc * s_cy) / det
        pair_c = (s_hh * s_cy - s_hc * s_hy) / det
        pair_icpt = y_mean - pair_h * h_mean[:, None] - pair_c * c_mean[None, :]
        pair_adj = _adjusted((pair_h * s_hy + pair_c * s_cy) / s_yy, n, 2)

    h_enough, c_enough = heat.enough, cool.enough
    single_h_ok = h_enough & (beta_h >= 0) & (icpt_h >= 0) & np.isfinite(adj_h)
    single_c_ok = c_enough & (beta_c >= 0) & (icpt_c >= 0) & np.isfinite(adj_c)
    pair_ok = (h_enough[:, None] & c_enough[None, :] & (points[None, :] >= points[:, None])
               & (det > 0) & (pair_h >= 0) & (pair_c >= 0) & (pair_icpt >= 0)
               & np.isfinite(pair_adj))

    scores = np.concatenate([
        [0.0],
        np.where(single_h_ok, adj_h, -np.inf),
        np.where(single_c_ok, adj_c, -np.inf),
        np.where(pair_ok, pair_adj, -np.inf).ravel(),
    ])
    best = scores.max()
    if best <= TIE_TOLERANCE:
        return intercept_only
    winner = int(np.argmax(scores >= best - TIE_TOLERANCE))
    size = len(points)
    if winner <= size:
        i = winner - 1
        return BaselineModel(
            kind="hdd_only", intercept_kwh_per_day=float(icpt_h[i]), beta_hdd=float(beta_h[i]),
            heating_balance_point=int(points[i]), r_squared_adj=float(adj_h[i]),
        )
    if winner <= 2 * size:
        i = winner - 1 - size
        return BaselineModel(
            kind="cdd_only", intercept_kwh_per_day=float(icpt_c[i]), beta_cdd=float(beta_c[i]),
            cooling_balance_point=int(points[i]), r_squared_adj=float(adj_c[i]),
        )
    i, j = divmod(winner - 1 - 2 * size, size)
    return BaselineModel(
        kind="hdd_cdd", intercept_kwh_per_day=float(pair_icpt[i, j]),
        beta_hdd=float(pair_h[i, j]), beta_cdd=float(pair_c[i, j]),
        heating_balance_point=int(points[i]), cooling_balance_point=int(points[j]),
        r_squared_adj=float(pair_adj[i, j]),
    )
