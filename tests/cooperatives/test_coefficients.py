"""Fixed coefficients (Spanish collective self-consumption): checked, then capped like shares."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooperatives.domain import (
    InvalidCoefficients,
    allocate_by_coefficients,
    coefficient_parts,
    to_micro_kwh,
)

STARTS = pd.date_range("2026-05-04 10:00", periods=3, freq="h", tz="Europe/Madrid")


def test_static_coefficients_apply_to_every_interval():
    # 0.5 / 0.3 / 0.2 of 10 kWh -> 5 / 3 / 2; the second member uses 1 of their 3: surplus 2.
    allocation = allocate_by_coefficients(
        output=to_micro_kwh([10, 10, 0], what="output"), coefficients=[0.5, 0.3, 0.2],
        consumption=to_micro_kwh([[9, 9, 9], [1, 1, 1], [2, 2, 2]], what="consumption"),
        contract_member=np.array([0, 1, 2]), interval_starts=STARTS,
    )
    assert (allocation.allocated // 10**6).tolist() == [[5, 5, 0], [1, 1, 0], [2, 2, 0]]
    assert (allocation.surplus // 10**6).tolist() == [2, 2, 0]


def test_hourly_coefficients_may_differ_per_interval():
    parts = coefficient_parts([[0.25, 1.0, 0.0], [0.75, 0.0, 1.0]], interval_count=3)
    assert parts.tolist() == [[250000, 1000000, 0], [750000, 0, 1000000]]


def test_coefficients_that_do_not_sum_to_one_name_the_interval_and_the_sum():
    with pytest.raises(InvalidCoefficients) as refused:
        coefficient_parts([[0.5, 0.5, 0.5], [0.5, 0.499999, 0.5]], interval_count=3,
                          interval_starts=STARTS)
    assert refused.value.detail == (
        "coefficients of interval 1 (starting 2026-05-04T09:00:00+00:00) sum to 0.999999, "
        "not 1 (1 interval(s) do not sum to 1)"
    )


def test_coefficients_with_more_than_six_decimals_are_refused():
    with pytest.raises(InvalidCoefficients, match=r"member row 0 in interval 0 is 0\.3333333, "
                                                  r"which has more than six decimals"):
        coefficient_parts([0.3333333, 0.6666667], interval_count=2)


def test_negative_or_missing_coefficients_are_refused():
    with pytest.raises(InvalidCoefficients, match="member row 1 in interval 2 .* is -0.1"):
        coefficient_parts([[0.5, 0.5, 1.1], [0.5, 0.5, -0.1]], interval_count=3,
                          interval_starts=STARTS)
    with pytest.raises(InvalidCoefficients, match="member row 0 in interval 0 is nan"):
        coefficient_parts([float("nan")], interval_count=1)


def test_coefficients_of_the_wrong_shape_are_refused():
    with pytest.raises(InvalidCoefficients, match=r"\(members, 3 intervals\), got shape \(2, 2\)"):
        coefficient_parts([[0.5, 0.5], [0.5, 0.5]], interval_count=3)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=6), st.integers(0, 5))
def test_coefficients_are_accepted_exactly_when_they_sum_to_one(parts, nudge):
    values = np.array(parts, dtype=np.int64)
    values[-1] = max(0, values[-1] + 10**6 - values.sum() + nudge)  # sum 1 + nudge millionths
    sums_to_one = values.sum() == 10**6
    if sums_to_one:
        accepted = coefficient_parts(values / 10**6, interval_count=2)
        assert accepted.sum(axis=0).tolist() == [10**6, 10**6]
    else:
        with pytest.raises(InvalidCoefficients, match="sum to"):
            coefficient_parts(values / 10**6, interval_count=2)
