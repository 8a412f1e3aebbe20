"""Neighbour comparison (Opower's "you, all neighbours, efficient neighbours").

For each home, about `target` (100) comparable homes of the same retailer: same customer
kind always; then, as strictly as the data allow, the same region, the same heating type
and a floor area within 20% of the home's. When fewer than `target` homes match, the match
widens step by step (floor area within 40%, any floor area, any heating type, any region)
and the comparison says which criteria were relaxed. The closest matches come first:
every home of a stricter step before any of a wider one, and within a step the nearest
floor area (then the home id, so the choice is deterministic).

Per month: "all neighbours" is the mean of the neighbours' kWh and "efficient neighbours"
the 20th percentile (linear interpolation between order statistics, numpy's default).
A month with fewer than `minimum` neighbours with data is hidden, and so is the whole
comparison when fewer than `minimum` homes qualify at all.

The caller passes one retailer's homes only: the table is the tenant boundary.
"""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import GridlineError

TARGET_NEIGHBOURS = 100
MINIMUM_NEIGHBOURS = 20
EFFICIENT_PERCENTILE = 20
HOME_COLUMNS = ("region", "floor_area", "heating_type", "kind")

# (floor area tolerance or None for any, same heating type, same region, what is relaxed)
MATCH_STEPS = (
    (0.20, True, True, ()),
    (0.40, True, True, ("floor area within 40% instead of 20%",)),
    (None, True, True, ("any floor area",)),
    (None, False, True, ("any floor area", "any heating type")),
    (None, False, False, ("any floor area", "any heating type", "any region")),
)


class InvalidHomes(GridlineError):
    code = "invalid_homes"


@dataclass(frozen=True)
class NeighbourComparison:
    """One home's comparison."""

    home: Hashable
    neighbours: tuple  # home ids, closest match first
    relaxed: tuple[str, ...]  # criteria given up to find enough homes
    # per month: you, all_neighbours (mean), efficient_neighbours (20th percentile),
    # neighbours (how many had data that month), shown
    months: pd.DataFrame
    hidden_reason: str | None = None

    @property
    def shown(self) -> bool:
        return self.hidden_reason is None


@dataclass(frozen=True)
class NeighbourComparisons:
    """Every home's comparison, as tables a nightly job can store in bulk."""

    # indexed by home: neighbours (how many chosen), relaxed (tuple), hidden_reason
    homes: pd.DataFrame
    # indexed by (home, month): you, all_neighbours, efficient_neighbours, neighbours, shown
    months: pd.DataFrame
    ids: np.ndarray  # the homes, in the tables' order
    neighbour_rows: np.ndarray  # [home, k]: the k-th neighbour's position in `ids`, -1: none

    def chosen(self, home: Hashable) -> tuple:
        """The home's neighbours, closest match first (worked out when asked: 10,000
        homes' tuples of 100 ids cost a nightly run more than its comparisons)."""
        rows = self.neighbour_rows[int(np.flatnonzero(self.ids == home)[0])]
        return tuple(self.ids[rows[rows >= 0]].tolist())

    def of(self, home: Hashable) -> NeighbourComparison:
        row = self.homes.loc[home]
        return NeighbourComparison(
            home=home, neighbours=self.chosen(home), relaxed=row["relaxed"],
            months=self.months.xs(home, level="home"), hidden_reason=row["hidden_reason"],
        )


@dataclass(frozen=True)
class _Homes:
    ids: np.ndarray
    region: np.ndarray
    heating: np.ndarray
    kind: np.ndarray
    area: np.ndarray
    kwh: np.ndarray  # [home, month]
    months: pd.Index

    @classmethod
    def of(cls, homes: pd.DataFrame, monthly_kwh: pd.DataFrame) -> _Homes:
        missing = [c for c in HOME_COLUMNS if c not in homes.columns]
        if missing:
            raise InvalidHomes(f"the homes table lacks the column(s) {', '.join(missing)}")
        if not homes.index.is_unique:
            raise InvalidHomes("each home must appear once in the homes table")
        ordered = homes.sort_index()
        kwh = monthly_kwh.reindex(ordered.index).to_numpy(dtype=float)
        if (kwh < 0).any():
            raise InvalidHomes("monthly kWh must be >= 0")
        return cls(
            ids=ordered.index.to_numpy(),
            region=pd.factorize(ordered["region"])[0],
            heating=pd.factorize(ordered["heating_type"])[0],
            kind=pd.factorize(ordered["kind"])[0],
            area=ordered["floor_area"].to_numpy(dtype=float),
            kwh=kwh,
            months=monthly_kwh.columns,
        )

    def groups(self, *keys: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each home's group number under `keys`, and each group's members (by position,
        so in id order)."""
        codes = np.unique(np.stack(keys, axis=1), axis=0, return_inverse=True)[1].ravel()
        order = np.argsort(codes, kind="stable")
        bounds = np.flatnonzero(np.diff(codes[order])) + 1
        return codes, np.split(order, bounds)


def _nearest(homes: _Homes, i: int, pool: np.ndarray, count: int) -> np.ndarray:
    """Up to `count` homes of `pool` with the floor area nearest home i's (unknown areas
    last, then by id: pools are in id order and the sort is stable)."""
    difference = np.abs(homes.area[pool] - homes.area[i])
    difference = np.where(np.isnan(difference), np.inf, difference)
    return pool[np.argsort(difference, kind="stable")[:count]]


@dataclass(frozen=True)
class _SortedPool:
    """A pool (positions in id order) sorted once by floor area, so that the nearest homes
    of each member come from a window around it instead of a sort of the whole pool: the
    same choice as `_nearest` (nearest area, then lowest id; unknown areas last)."""

    upward: np.ndarray  # known areas by (area, id): the homes at or above an area, nearest first
    upward_area: np.ndarray
    downward: np.ndarray  # known areas by (-area, id): the homes below an area, nearest first
    downward_negated_area: np.ndarray
    unknown: np.ndarray  # unknown areas, by id

    @classmethod
    def of(cls, homes: _Homes, pool: np.ndarray) -> _SortedPool:
        area = homes.area[pool]
        known = ~np.isnan(area)
        members, member_area = pool[known], area[known]
        upward = members[np.lexsort((members, member_area))]
        downward = members[np.lexsort((members, -member_area))]
        return cls(upward=upward, upward_area=homes.area[upward], downward=downward,
                   downward_negated_area=-homes.area[downward], unknown=pool[~known])

    def nearest(self, homes: _Homes, i: int, count: int) -> np.ndarray:
        area = homes.area[i]
        if np.isnan(area):  # every distance unknown: by id, as the full sort gives
            candidates = np.sort(np.concatenate([self.upward, self.unknown]))
            return candidates[candidates != i][:count]
        # each side in the order of the final ranking, so its first count + 1 (one may
        # be i itself) hold every member of the answer from that side
        up = np.searchsorted(self.upward_area, area, side="left")
        down = np.searchsorted(self.downward_negated_area, -area, side="right")
        candidates = np.concatenate([self.upward[up:up + count + 1],
                                     self.downward[down:down + count + 1],
                                     self.unknown[:count + 1]])
        candidates = candidates[candidates != i]
        distance = np.abs(homes.area[candidates] - area)
        distance = np.where(np.isnan(distance), np.inf, distance)
        return candidates[np.lexsort((candidates, distance))[:count]]


def _floor_area_step(homes: _Homes, i: int, picked: np.ndarray) -> int:
    """The match step that homes of i's region and heating type need: 0 when all are
    within 20% of its floor area, 1 within 40%, else 2 (also when an area is unknown)."""
    area = homes.area[i]
    gaps = np.abs(homes.area[picked] - area)
    if np.isnan(area) or np.isnan(gaps).any():
        return 2
    worst = gaps.max(initial=0.0)
    for step, (tolerance, *_rest) in enumerate(MATCH_STEPS[:2]):
        if worst <= tolerance * area:
            return step
    return 2


def _choose(homes: _Homes, i: int, pools, target: int):
    """The neighbours of home i from its pools (same region and heating type; same region,
    other heating types; other regions; each a function, called only when the earlier ones
    were too few), and the widest match step used."""
    chosen, widest, count = [], 0, 0
    for number, pool_of in enumerate(pools):
        pool = pool_of()
        picked = (pool.nearest(homes, i, target - count) if isinstance(pool, _SortedPool)
                  else _nearest(homes, i, pool[pool != i], target - count))
        if len(picked):
            chosen.append(picked)
            count += len(picked)
            widest = _floor_area_step(homes, i, picked) if number == 0 else number + 2
        if count >= target:
            break
    return (np.concatenate(chosen) if chosen else np.array([], dtype=int)), widest


def _mean_and_percentile(values: np.ndarray, percentile: float):
    """Per [home, month] over axis 1 (neighbours), ignoring NaN: the mean, the percentile
    (linear interpolation, as numpy's default) and the count."""
    counts = (~np.isnan(values)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(values, axis=1) / counts
    ordered = np.sort(values, axis=1)  # NaN sort last
    position = percentile / 100.0 * np.maximum(counts - 1, 0)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, np.maximum(counts - 1, 0))
    if ordered.shape[1] == 0:
        nan = np.full(counts.shape, np.nan)
        return nan, nan, counts
    at_low = np.take_along_axis(ordered, low[:, None, :], axis=1)[:, 0, :]
    at_high = np.take_along_axis(ordered, high[:, None, :], axis=1)[:, 0, :]
    value = at_low + (at_high - at_low) * (position - low)
    return mean, np.where(counts > 0, value, np.nan), counts


def neighbour_comparisons(
    *, homes: pd.DataFrame, monthly_kwh: pd.DataFrame, target: int = TARGET_NEIGHBOURS,
    minimum: int = MINIMUM_NEIGHBOURS,
) -> NeighbourComparisons:
    """Comparisons for every home in `homes`.

    `homes`: indexed by home id, columns region, floor_area (NaN if unknown), heating_type,
    kind. `monthly_kwh`: indexed by home id, one column per month, NaN where missing.
    """
    if target < 1 or minimum < 1:
        raise InvalidHomes("target and minimum must be at least 1")
    table = _Homes.of(homes, monthly_kwh)
    n = len(table.ids)
    strict_of, strict = table.groups(table.kind, table.region, table.heating)
    region_of, regional = table.groups(table.kind, table.region)
    kind_of, kinds = table.groups(table.kind)
    neighbours = np.full((n, target), -1)
    widest = np.zeros(n, dtype=int)
    sorted_strict = {}  # the strict pools, sorted by area once each
    for i in range(n):
        same_region, same_kind = regional[region_of[i]], kinds[kind_of[i]]
        group = strict_of[i]
        if group not in sorted_strict:
            sorted_strict[group] = _SortedPool.of(table, strict[group])
        pools = (
            lambda group=group: sorted_strict[group],
            lambda i=i, pool=same_region: pool[table.heating[pool] != table.heating[i]],
            lambda i=i, pool=same_kind: pool[table.region[pool] != table.region[i]],
        )
        picked, widest[i] = _choose(table, i, pools, target)
        neighbours[i, :len(picked)] = picked

    counts_chosen = (neighbours >= 0).sum(axis=1)
    values = np.where(neighbours[:, :, None] >= 0, table.kwh[np.maximum(neighbours, 0)], np.nan)
    mean, efficient, counts = _mean_and_percentile(values, EFFICIENT_PERCENTILE)
    shown = counts >= minimum
    hidden = []
    for i in range(n):
        if counts_chosen[i] < minimum:
            hidden.append(f"only {counts_chosen[i]} comparable homes of the same kind; "
                          f"at least {minimum} are needed")
        elif not shown[i].any():
            hidden.append(f"no month has data from at least {minimum} neighbours")
        else:
            hidden.append(None)
    index = pd.MultiIndex.from_product([table.ids, table.months], names=["home", "month"])
    months = pd.DataFrame({
        "you": table.kwh.ravel(),
        "all_neighbours": np.where(shown, mean, np.nan).ravel(),
        "efficient_neighbours": np.where(shown, efficient, np.nan).ravel(),
        "neighbours": counts.ravel(),
        "shown": shown.ravel(),
    }, index=index)
    summary = pd.DataFrame({
        "neighbours": counts_chosen,
        "relaxed": [MATCH_STEPS[step][3] for step in widest],
        "hidden_reason": hidden,
    }, index=pd.Index(table.ids, name="home"))
    return NeighbourComparisons(homes=summary, months=months, ids=table.ids,
                                neighbour_rows=neighbours)
