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
candidates in a few vector operations, no loop over candidates), and many customers are
fitted together the same way (`fit_baseline_models`, the nightly job's chunks).
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
FIT_BLOCK = 8  # customers fitted together


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
    """For every customer and balance point of the grid: the days with non-zero degree
    days, their total, and the centred sums of squares and of products with usage."""

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
    """Each customer's days sorted by temperature, centred on the customer's means, with
    prefix sums (0 first). Row r holds its n[r] days first; after them, prefix sums stay
    flat (the places of days without both values hold 0)."""

    t: np.ndarray
    n: np.ndarray  # days per customer, (customers, 1)
    p_t: np.ndarray
    p_tt: np.ndarray
    p_y: np.ndarray
    p_ty: np.ndarray

    @classmethod
    def of(cls, t_centred: np.ndarray, y_centred: np.ndarray, valid: np.ndarray) -> _SortedDays:
        order = np.argsort(np.where(valid, t_centred, np.inf), axis=1, kind="stable")
        valid = np.take_along_axis(valid, order, axis=1)
        t = np.where(valid, np.take_along_axis(t_centred, order, axis=1), 0.0)
        y = np.where(valid, np.take_along_axis(y_centred, order, axis=1), 0.0)

        def prefix(values):
            return np.concatenate([np.zeros((len(values), 1)), np.cumsum(values, axis=1)],
                                  axis=1)

        return cls(t=t, n=valid.sum(axis=1, keepdims=True), p_t=prefix(t),
                   p_tt=prefix(t * t), p_y=prefix(y), p_ty=prefix(t * y))


def _degree_day_sums(days: _SortedDays, points: np.ndarray, *, heating: bool) -> _DegreeDaySums:
    """Sums of (b - t) over the days colder than b (heating) or (t - b) over the days
    warmer (cooling), for every customer and balance point b (`points[customer, b]`) at
    once, from the prefix sums: no days x balance points matrix is built. Temperatures,
    points and usage are centred on each customer's means, which keeps the sums small and
    exact enough (see TIE_TOLERANCE)."""
    n = days.n
    side = "left" if heating else "right"
    k = np.array([np.searchsorted(t[:count], b, side=side)
                  for t, count, b in zip(days.t, n[:, 0].tolist(), points, strict=True)],
                 dtype=np.int64).reshape(points.shape)

    def at(prefix, positions):
        return np.take_along_axis(prefix, positions, axis=1)

    if heating:  # days with t < b: the first k of the sorted days
        count, s_t, s_tt = k, at(days.p_t, k), at(days.p_tt, k)
        s_y, s_ty = at(days.p_y, k), at(days.p_ty, k)
        sign = 1.0
    else:  # days with t > b: the last n - k
        count = n - k
        s_t, s_tt = at(days.p_t, n) - at(days.p_t, k), at(days.p_tt, n) - at(days.p_tt, k)
        s_y, s_ty = at(days.p_y, n) - at(days.p_y, k), at(days.p_ty, n) - at(days.p_ty, k)
        sign = -1.0
    # the degree days are x = sign * (b - t) on those days and 0 on the others
    total = sign * (count * points - s_t)
    sum_squares = count * points**2 - 2 * points * s_t + s_tt
    sum_products = sign * (points * s_y - s_ty)  # usage is centred, so this is s_xy
    return _DegreeDaySums(non_zero_days=count, total=total,
                          s_xx=sum_squares - total**2 / n, s_xy=sum_products)


def _adjusted(r_squared, n, terms: int):
    return 1.0 - (1.0 - r_squared) * (n - 1) / (n - terms - 1)


def fit_baseline_model(*, kwh, temperature_f) -> BaselineModel:
    """The best CalTRACK 2.0 daily model for these days (pairs where either value is NaN
    are left out). Raises InsufficientData when no day has both."""
    (model,) = fit_baseline_models(kwh=np.asarray(kwh, dtype=float)[None, :],
                                   temperature_f=np.asarray(temperature_f, dtype=float)[None, :])
    if model is None:
        raise InsufficientData("no day has both usage and temperature: there is nothing to fit")
    return model


def fit_baseline_models(*, kwh, temperature_f) -> list[BaselineModel | None]:
    """`fit_baseline_model` for many customers at once: `kwh[customer, day]` and
    `temperature_f[customer, day]` (NaN where missing). Every customer's candidates are
    fitted together as arrays (customers x balance points x balance points for the
    pairs): a nightly chunk fits its 500 customers in a few dozen vector operations. Each
    customer's figures are exactly those of fitting it alone (its means are summed as
    the one-customer fit sums them). None for a customer without a day with both."""
    y_all = np.asarray(kwh, dtype=float)
    t_all = np.asarray(temperature_f, dtype=float)
    valid = np.isfinite(y_all) & np.isfinite(t_all)
    models: list[BaselineModel | None] = [None] * len(y_all)
    y_mean, t_mean, s_yy = (np.zeros(len(y_all)) for _ in range(3))
    fitted = []
    for row, (y, t, ok) in enumerate(zip(y_all, t_all, valid, strict=True)):
        if not ok.any():
            continue
        y, t = y[ok], t[ok]
        y_mean[row] = y.mean()
        models[row] = BaselineModel(kind="intercept_only",
                                    intercept_kwh_per_day=float(y_mean[row]))
        y_centred = y - y_mean[row]
        s_yy[row] = y_centred @ y_centred
        # usage that never varies (or too few days) leaves nothing for weather to explain
        if len(y) >= 4 and s_yy[row] > 0:
            t_mean[row] = t.mean()
            fitted.append(row)
    # a few customers at a time: their candidate arrays (8 x 61 x 61) stay in the CPU's
    # cache, where a whole chunk's would not (measured: 8 at a time is the quickest)
    for at in range(0, len(fitted), FIT_BLOCK):
        block = fitted[at:at + FIT_BLOCK]
        for row, model in zip(block, _fit_degree_days(
                y_all[block], t_all[block], valid[block], y_mean[block], t_mean[block],
                s_yy[block]), strict=True):
            models[row] = model or models[row]
    return models


def _fit_degree_days(y_all, t_all, valid, y_mean, t_mean, s_yy) -> list[BaselineModel | None]:
    """The best degree-day model of each customer, None where intercept-only wins."""
    days = _SortedDays.of(t_all - t_mean[:, None], y_all - y_mean[:, None], valid)
    n = days.n  # (customers, 1)
    points = BALANCE_POINTS_F.astype(float)
    centred = points[None, :] - t_mean[:, None]
    heat = _degree_day_sums(days, centred, heating=True)
    cool = _degree_day_sums(days, centred, heating=False)
    h_mean, c_mean = heat.total / n, cool.total / n
    y_mean, s_yy = y_mean[:, None], s_yy[:, None]

    with np.errstate(divide="ignore", invalid="ignore"):
        beta_h = heat.s_xy / heat.s_xx
        beta_c = cool.s_xy / cool.s_xx
        icpt_h = y_mean - beta_h * h_mean
        icpt_c = y_mean - beta_c * c_mean
        adj_h = _adjusted(beta_h * heat.s_xy / s_yy, n, 1)
        adj_c = _adjusted(beta_c * cool.s_xy / s_yy, n, 1)

        # With c >= h no day has both heating and cooling degree days, so the raw cross
        # product is 0 and the centred one is -n * mean(hdd) * mean(cdd).
        # [customer, heating point, cooling point]:
        s_hc = -n[:, :, None] * h_mean[:, :, None] * c_mean[:, None, :]
        s_hh, s_cc = heat.s_xx[:, :, None], cool.s_xx[:, None, :]
        s_hy, s_cy = heat.s_xy[:, :, None], cool.s_xy[:, None, :]
        det = s_hh * s_cc - s_hc**2
        pair_h = (s_cc * s_hy - s_hc * s_cy) / det
        pair_c = (s_hh * s_cy - s_hc * s_hy) / det
        pair_icpt = (y_mean[:, :, None] - pair_h * h_mean[:, :, None]
                     - pair_c * c_mean[:, None, :])
        pair_adj = _adjusted((pair_h * s_hy + pair_c * s_cy) / s_yy[:, :, None],
                             n[:, :, None], 2)

    h_enough, c_enough = heat.enough, cool.enough
    single_h_ok = h_enough & (beta_h >= 0) & (icpt_h >= 0) & np.isfinite(adj_h)
    single_c_ok = c_enough & (beta_c >= 0) & (icpt_c >= 0) & np.isfinite(adj_c)
    pair_ok = (h_enough[:, :, None] & c_enough[:, None, :]
               & (points[None, None, :] >= points[None, :, None])
               & (det > 0) & (pair_h >= 0) & (pair_c >= 0) & (pair_icpt >= 0)
               & np.isfinite(pair_adj))

    customers, size = len(y_mean), len(points)
    scores = np.concatenate([
        np.zeros((customers, 1)),
        np.where(single_h_ok, adj_h, -np.inf),
        np.where(single_c_ok, adj_c, -np.inf),
        np.where(pair_ok, pair_adj, -np.inf).reshape(customers, size * size),
    ], axis=1)
    best = scores.max(axis=1)
    winners = np.argmax(scores >= (best - TIE_TOLERANCE)[:, None], axis=1)
    models = []
    for r, (score, winner) in enumerate(zip(best.tolist(), winners.tolist(), strict=True)):
        if score <= TIE_TOLERANCE:
            models.append(None)
        elif winner <= size:
            i = winner - 1
            models.append(BaselineModel(
                kind="hdd_only", intercept_kwh_per_day=float(icpt_h[r, i]),
                beta_hdd=float(beta_h[r, i]), heating_balance_point=int(points[i]),
                r_squared_adj=float(adj_h[r, i])))
        elif winner <= 2 * size:
            i = winner - 1 - size
            models.append(BaselineModel(
                kind="cdd_only", intercept_kwh_per_day=float(icpt_c[r, i]),
                beta_cdd=float(beta_c[r, i]), cooling_balance_point=int(points[i]),
                r_squared_adj=float(adj_c[r, i])))
        else:
            i, j = divmod(winner - 1 - 2 * size, size)
            models.append(BaselineModel(
                kind="hdd_cdd", intercept_kwh_per_day=float(pair_icpt[r, i, j]),
                beta_hdd=float(pair_h[r, i, j]), beta_cdd=float(pair_c[r, i, j]),
                heating_balance_point=int(points[i]), cooling_balance_point=int(points[j]),
                r_squared_adj=float(pair_adj[r, i, j])))
    return models
