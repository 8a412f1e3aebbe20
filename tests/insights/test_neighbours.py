"""Neighbour comparison on hand-built streets and towns."""
import numpy as np
import pandas as pd
import pytest

from insights.domain.neighbours import InvalidHomes, neighbour_comparisons

MONTHS = ["2026-01", "2026-02", "2026-03"]


def homes(rows):
    """rows: (id, region, floor_area, heating_type, kind)."""
    return pd.DataFrame(rows, columns=["home", "region", "floor_area", "heating_type",
                                       "kind"]).set_index("home")


def street():
    """120 gas-heated households in one region; H000 has 100 m², H001..H119 100.1..111.9 m²
    (all within 20%); H<k> used 200 + k kWh in January and twice that in February."""
    table = homes([(f"H{k:03d}", "North", 100 + 0.1 * k, "gas", "HOUSEHOLD")
                   for k in range(120)])
    k = np.arange(120)
    kwh = pd.DataFrame({"2026-01": 200.0 + k, "2026-02": 2 * (200.0 + k),
                        "2026-03": 150.0 + 0 * k}, index=table.index)
    kwh.loc["H000", "2026-01"] = 250.0
    return table, kwh


def test_a_street_of_120_homes_gives_the_expected_mean_and_20th_percentile():
    table, kwh = street()
    result = neighbour_comparisons(homes=table, monthly_kwh=kwh).of("H000")
    assert result.shown and result.relaxed == ()
    # the 100 nearest floor areas: H001..H100, nearest first
    assert result.neighbours == tuple(f"H{k:03d}" for k in range(1, 101))
    january = result.months.loc["2026-01"]
    assert january["you"] == 250.0
    assert january["all_neighbours"] == pytest.approx(250.5)  # mean of 201..300
    # 20th percentile of 201..300: position 0.2 x 99 = 19.8 -> 201 + 19.8
    assert january["efficient_neighbours"] == pytest.approx(220.8)
    assert january["neighbours"] == 100 and january["shown"]
    february = result.months.loc["2026-02"]
    assert (february["all_neighbours"], february["efficient_neighbours"]) == pytest.approx(
        (501.0, 441.6))


def test_the_largest_home_gets_the_hundred_below_it():
    table, kwh = street()
    result = neighbour_comparisons(homes=table, monthly_kwh=kwh).of("H119")
    assert set(result.neighbours) == {f"H{k:03d}" for k in range(19, 119)}
    january = result.months.loc["2026-01"]
    assert january["all_neighbours"] == pytest.approx(268.5)  # mean of 219..318
    assert january["efficient_neighbours"] == pytest.approx(238.8)


def test_every_home_gets_a_comparison_in_one_call():
    table, kwh = street()
    result = neighbour_comparisons(homes=table, monthly_kwh=kwh)
    assert list(result.homes.index) == list(table.index)
    assert (result.homes["neighbours"] == 100).all()
    assert len(result.months) == 120 * 3


def town():
    """30 gas-heated homes in A (A00..A29), 40 electric-heated ones in A (E00..E39), 50
    gas-heated ones in B (B00..B49), all 100 m²; plus 5 enterprises in A."""
    rows = ([(f"A{k:02d}", "A", 100.0, "gas", "HOUSEHOLD") for k in range(30)]
            + [(f"E{k:02d}", "A", 100.0, "electric", "HOUSEHOLD") for k in range(40)]
            + [(f"B{k:02d}", "B", 100.0, "gas", "HOUSEHOLD") for k in range(50)]
            + [(f"X{k:02d}", "A", 100.0, "gas", "ENTERPRISE") for k in range(5)])
    table = homes(rows)
    return table, pd.DataFrame({"2026-01": 300.0}, index=table.index)


def test_too_few_strict_matches_widen_step_by_step_and_say_so():
    table, kwh = town()
    result = neighbour_comparisons(homes=table, monthly_kwh=kwh, target=50).of("A00")
    assert result.relaxed == ("any floor area", "any heating type")
    assert result.neighbours[:29] == tuple(f"A{k:02d}" for k in range(1, 30))
    assert result.neighbours[29:] == tuple(f"E{k:02d}" for k in range(21))
    result = neighbour_comparisons(homes=table, monthly_kwh=kwh).of("A00")
    assert result.relaxed == ("any floor area", "any heating type", "any region")
    assert len(result.neighbours) == 100
    assert not any(home.startswith("X") for home in result.neighbours)  # kinds never mix


def test_floor_area_widens_before_heating_type_or_region():
    rows = ([("ME", "A", 100.0, "gas", "HOUSEHOLD")]
            + [(f"N{k:02d}", "A", 90.0 + k * 0.2, "gas", "HOUSEHOLD") for k in range(60)]
            + [(f"M{k:02d}", "A", 135.0, "gas", "HOUSEHOLD") for k in range(30)]
            + [(f"F{k:02d}", "A", 300.0, "gas", "HOUSEHOLD") for k in range(30)]
            + [(f"O{k:02d}", "A", 100.0, "oil", "HOUSEHOLD") for k in range(30)])
    table = homes(rows)
    kwh = pd.DataFrame({"2026-01": 100.0}, index=table.index)
    result = neighbour_comparisons(homes=table, monthly_kwh=kwh, target=80).of("ME")
    assert result.relaxed == ("floor area within 40% instead of 20%",)
    assert set(result.neighbours) == {f"N{k:02d}" for k in range(60)} | {
        f"M{k:02d}" for k in range(20)}
    result = neighbour_comparisons(homes=table, monthly_kwh=kwh, target=100).of("ME")
    assert result.relaxed == ("any floor area",)
    assert not any(home.startswith("O") for home in result.neighbours)


def test_hidden_when_fewer_than_the_minimum_qualify():
    table, kwh = town()
    few = table[table.index.str.startswith("A")].iloc[:15]
    result = neighbour_comparisons(homes=few, monthly_kwh=kwh).of("A00")
    assert not result.shown
    assert result.hidden_reason == ("only 14 comparable homes of the same kind; at least 20 "
                                    "are needed")
    assert np.isnan(result.months.loc["2026-01", "all_neighbours"])
    enterprises = neighbour_comparisons(homes=table, monthly_kwh=kwh).of("X00")
    assert enterprises.hidden_reason.startswith("only 4 comparable homes")


def test_a_month_with_too_few_neighbours_with_data_is_hidden():
    table, kwh = street()
    kwh.loc[[f"H{k:03d}" for k in range(1, 90)], "2026-03"] = np.nan  # 11 of 100 left
    result = neighbour_comparisons(homes=table, monthly_kwh=kwh).of("H000")
    march = result.months.loc["2026-03"]
    assert not march["shown"] and march["neighbours"] == 11
    assert np.isnan(march["all_neighbours"]) and np.isnan(march["efficient_neighbours"])
    assert result.months.loc["2026-01", "shown"] and result.shown


def test_the_order_of_the_rows_does_not_matter():
    table, kwh = street()
    shuffled = table.sample(frac=1.0, random_state=3)
    a = neighbour_comparisons(homes=table, monthly_kwh=kwh).of("H050")
    b = neighbour_comparisons(homes=shuffled, monthly_kwh=kwh.sample(frac=1.0,
                                                                      random_state=4)).of("H050")
    assert a.neighbours == b.neighbours
    pd.testing.assert_frame_equal(a.months, b.months)


def test_bad_tables_are_refused():
    table, kwh = street()
    with pytest.raises(InvalidHomes, match="lacks the column.*heating_type"):
        neighbour_comparisons(homes=table.drop(columns="heating_type"), monthly_kwh=kwh)
    with pytest.raises(InvalidHomes, match="once"):
        neighbour_comparisons(homes=pd.concat([table, table.iloc[:1]]), monthly_kwh=kwh)
    with pytest.raises(InvalidHomes, match=">= 0"):
        neighbour_comparisons(homes=table, monthly_kwh=-kwh)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_window_around_a_home_picks_what_sorting_the_whole_pool_picks(seed):
    """The nightly job takes each home's nearest floor areas from a window of the pool
    sorted once; on a street full of equal areas and unknown ones it must choose exactly
    the homes (and the order) that sorting the whole pool by distance, then id, gives."""
    from insights.domain.neighbours import _Homes, _nearest, _SortedPool

    rng = np.random.default_rng(seed)
    n = 400
    area = rng.integers(50, 60, n).astype(float)  # ten areas: long runs of ties
    area[rng.random(n) < 0.1] = np.nan
    homes = pd.DataFrame({"region": "North", "floor_area": area, "heating_type": "GAS",
                          "kind": "HOUSEHOLD"}, index=pd.Index(rng.permutation(n) + 1))
    monthly = pd.DataFrame(np.ones((n, 1)), index=homes.index, columns=["2026-01"])
    table = _Homes.of(homes, monthly)
    pool = np.arange(n)
    window = _SortedPool.of(table, pool)
    checked = 0
    for i in range(n):
        for count in (1, 7, 100):
            expected = _nearest(table, i, pool[pool != i], count)
            assert window.nearest(table, i, count).tolist() == expected.tolist()
            checked += 1
    assert checked == 3 * n
