"""Segments for sales staff: customers clustered by the shape of their typical day.

Each customer's typical day (mean kWh per time-of-day slot) is normalised to sum to 1, so
that segments group shapes (evening peak, daytime business, flat...), not sizes; k-means
(scikit-learn, fixed random state, rows in customer order, so the same data give the same
segments) clusters the shapes. With more than FIT_SAMPLE customers the centroids are fitted
on an evenly spaced sample of them in customer order, and every customer then joins its
nearest centroid: ten k-means starts over 10,000 shapes took most of the nightly job's
closing step, and 2,000 shapes place 3 to 8 centroids as well. Segments are numbered
from 1 by size (largest first), then by the slot of their peak, so numbering does not
depend on k-means' internal labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

from core.errors import GridlineError

RANDOM_STATE = 0
N_INIT = 10
FIT_SAMPLE = 2000


class InvalidSegmentation(GridlineError):
    code = "invalid_segmentation"


@dataclass(frozen=True)
class Segment:
    number: int
    size: int
    shape: np.ndarray  # the centroid: share of a day's kWh per slot (sums to 1)
    typical_day: np.ndarray  # the members' mean kWh per slot
    mean_daily_kwh: float
    cheapest_product: str | None  # the product cheapest for most members, if known
    cheapest_share: float | None  # the share of members it is cheapest for


@dataclass(frozen=True)
class Segmentation:
    labels: pd.Series  # customer -> segment number
    segments: tuple[Segment, ...]
    left_out: dict  # customer -> why it is in no segment


def typical_day(*, readings: pd.Series, tz: tzinfo, interval_minutes: int) -> np.ndarray:
    """Mean kWh per local time-of-day slot over the days measured (NaN for a slot never
    measured)."""
    values = readings.dropna()
    local = pd.DatetimeIndex(values.index).tz_convert(tz)
    slot = np.asarray((local.hour * 60 + local.minute) // interval_minutes)
    slots = 1440 // interval_minutes
    total = np.bincount(slot, weights=values.to_numpy(dtype=float), minlength=slots)
    count = np.bincount(slot, minlength=slots)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _cheapest(members: pd.Index, cheapest_product: pd.Series | None):
    if cheapest_product is None:
        return None, None
    products = cheapest_product.reindex(members).dropna()
    if products.empty:
        return None, None
    counts = products.value_counts()
    top = sorted(counts[counts == counts.max()].index)[0]
    return str(top), float(counts[top] / len(members))


def customer_segments(
    *, profiles: pd.DataFrame, segments: int, cheapest_product: pd.Series | None = None,
) -> Segmentation:
    """`profiles`: one row per customer (index), one column per time-of-day slot, mean kWh.
    `cheapest_product`: optional customer -> code of the product cheapest for them."""
    if segments < 1:
        raise InvalidSegmentation("ask for at least one segment")
    profiles = profiles.sort_index()  # k-means' start depends on row order; ids fix it
    values = profiles.to_numpy(dtype=float)
    daily = values.sum(axis=1)
    usable = ~np.isnan(values).any(axis=1) & (daily > 0)
    left_out = {
        customer: ("no typical day: some times of day were never measured"
                   if np.isnan(row).any() else "no consumption to take a shape from")
        for customer, row, ok in zip(profiles.index, values, usable, strict=True) if not ok
    }
    if usable.sum() < segments:
        raise InvalidSegmentation(f"{int(usable.sum())} customers with a typical day cannot "
                                  f"make {segments} segments")
    shapes = values[usable] / daily[usable, None]
    # shapes equal up to float noise (the same profile at another size) are one shape
    distinct = len(np.unique(np.round(shapes, 9), axis=0))
    if distinct < segments:
        raise InvalidSegmentation(f"only {distinct} distinct daily shapes among "
                                  f"{int(usable.sum())} customers cannot make {segments} "
                                  "segments")
    kmeans = KMeans(n_clusters=segments, n_init=N_INIT, random_state=RANDOM_STATE)
    if len(shapes) > FIT_SAMPLE:
        sample = np.linspace(0, len(shapes) - 1, FIT_SAMPLE).round().astype(np.int64)
        kmeans.fit(shapes[sample])
        raw = kmeans.predict(shapes)
    else:
        raw = kmeans.fit_predict(shapes)
    sizes = np.bincount(raw, minlength=segments)
    peaks = kmeans.cluster_centers_.argmax(axis=1)
    order = sorted(range(segments), key=lambda label: (-sizes[label], peaks[label], label))
    number_of = {label: number for number, label in enumerate(order, start=1)}
    customers = profiles.index[usable]
    labels = pd.Series([number_of[label] for label in raw], index=customers, name="segment")
    found = []
    for label in order:
        members = raw == label
        product, share = _cheapest(customers[members], cheapest_product)
        found.append(Segment(
            number=number_of[label], size=int(members.sum()),
            shape=kmeans.cluster_centers_[label],
            typical_day=values[usable][members].mean(axis=0),
            mean_daily_kwh=float(daily[usable][members].mean()),
            cheapest_product=product, cheapest_share=share,
        ))
    return Segmentation(labels=labels, segments=tuple(found), left_out=left_out)


def typical_day_on_grid(*, kwh: np.ndarray, minute: np.ndarray,
                        interval_minutes: int) -> np.ndarray:
    """`typical_day` for readings on a known grid: `kwh[slot]` (NaN = no reading) and the
    local minute of the day of each slot (`breakdown.LocalGrid.minute`)."""
    present = ~np.isnan(kwh)
    slot = minute[present] // interval_minutes
    slots = 1440 // interval_minutes
    total = np.bincount(slot, weights=kwh[present], minlength=slots)
    count = np.bincount(slot, minlength=slots)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)
