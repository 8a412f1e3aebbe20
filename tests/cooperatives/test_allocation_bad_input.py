"""Bad allocation input gets a precise refusal, never a silently wrong allocation."""
import numpy as np
import pytest

from cooperatives.domain import InvalidAllocationInput, allocate_by_shares, to_micro_kwh
from cooperatives.domain.units import InvalidEnergy

GOOD = dict(output=np.array([10, 20]), shares=np.array([[1, 1], [2, 2]]),
            consumption=np.array([[5, 5], [5, 5]]), contract_member=np.array([0, 1]))


def allocate(**changes):
    return allocate_by_shares(**{**GOOD, **changes})


def test_the_good_case_allocates():
    assert allocate().allocated.tolist() == [[3, 5], [5, 5]]


def test_kwh_floats_must_be_converted_first():
    with pytest.raises(InvalidAllocationInput, match="output must hold whole µkWh .*float64"):
        allocate(output=np.array([0.5, 1.0]))


def test_negative_consumption_is_refused_with_its_position():
    with pytest.raises(InvalidAllocationInput, match=r"consumption is negative at \(1, 0\): -5"):
        allocate(consumption=np.array([[5, 5], [-5, 5]]))


def test_shapes_must_agree():
    with pytest.raises(InvalidAllocationInput, match="shares cover 3 intervals but output has 2"):
        allocate(shares=np.array([[1, 1, 1], [1, 1, 1]]))
    with pytest.raises(InvalidAllocationInput,
                       match=r"consumption must be \(contracts=2, intervals=2\), got \(2, 3\)"):
        allocate(consumption=np.array([[5, 5, 5], [5, 5, 5]]))
    with pytest.raises(InvalidAllocationInput, match="one entry per contract"):
        allocate(contract_priority=np.array([0]))


def test_a_contract_of_an_unknown_member_is_refused():
    with pytest.raises(InvalidAllocationInput,
                       match="contract 1 belongs to member row 2, but there are only 2 members"):
        allocate(contract_member=np.array([0, 2]))


def test_overflowing_products_are_refused_not_wrapped():
    with pytest.raises(InvalidAllocationInput, match="overflows 64-bit"):
        allocate(output=np.array([2**40, 1]), shares=np.array([[2**23, 1], [2**23, 1]]))


def test_kwh_conversion_refuses_missing_and_negative_values():
    with pytest.raises(InvalidEnergy, match=r"consumption has no number at position \(1,\)"):
        to_micro_kwh([1.0, float("nan")], what="consumption")
    with pytest.raises(InvalidEnergy, match=r"output is negative at position \(0,\): -0.2 kWh"):
        to_micro_kwh([-0.2], what="output")


def test_kwh_with_six_decimals_convert_exactly():
    # 0.231 and 0.1 + 0.2 are not exact in binary; the nearest µkWh is.
    assert to_micro_kwh([0.231, 0.1 + 0.2, 1234.567891], what="x").tolist() == [
        231000, 300000, 1234567891]
