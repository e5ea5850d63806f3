"""Pure ecosystem indicators: HHI, growth, survival, births, funding by period, parks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from fund.indicators import (
    active_on,
    birth_rate,
    funding_by_period,
    funding_growth,
    hhi,
    parks_summary,
    pooled_survival,
    survival_by_cohort,
    yoy_growth,
)
from fund.results import Undefined

D = Decimal


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"payments": 7}, D(10000)),
        ({"a": 1, "b": 1}, D(5000)),
        ({"a": 40, "b": 30, "c": 20, "d": 10}, D(3000)),  # 1600 + 900 + 400 + 100
        ({"a": D("0.50"), "b": D("0.25"), "c": D("0.25")}, D(3750)),  # 2500 + 625 + 625
        ({"a": 0.5, "b": 0.5}, D(5000)),
        ({"a": 10, "b": 0}, D(10000)),
        ({"a": D("9999999999999999.99"), "b": D("0.01")}, D("9999.999999999999980000000000")),
    ],
)
def test_hhi_of_known_splits(values, expected):
    assert hhi(values) == expected


def test_hhi_of_three_equal_groups_is_a_third_of_10000():
    assert hhi({"a": 1, "b": 1, "c": 1}).quantize(D("0.01")) == D("3333.33")


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({}, "no groups"),
        ({"a": 0, "b": 0}, "total is zero"),
        ({"a": -1, "b": 2}, "negative"),
        ({"a": float("nan")}, "not a finite number"),
    ],
)
def test_hhi_is_undefined_without_a_positive_total(values, reason):
    result = hhi(values)
    assert isinstance(result, Undefined) and reason in result.reason


def test_yoy_growth_with_missing_and_zero_years():
    growth = yoy_growth({2019: D(100), 2020: D(150), 2022: D(30), 2023: D(60), 2024: D(0)})
    growth_after_zero = yoy_growth({2020: D(0), 2021: D(10)})
    assert isinstance(growth[2019], Undefined) and "2018" in growth[2019].reason
    assert growth[2020] == D("0.5")
    assert isinstance(growth[2022], Undefined) and "no figure for 2021" in growth[2022].reason
    assert growth[2023] == D(1)
    assert growth[2024] == D(-1)
    assert isinstance(growth_after_zero[2021], Undefined)
    assert "zero" in growth_after_zero[2021].reason


def _firms(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["founded", "closed_on", "status"], dtype=object)


SURVIVAL_FIRMS = _firms(
    [
        (date(2018, 3, 1), None, "active"),
        (date(2018, 5, 1), date(2020, 1, 1), "closed"),  # closed before 3 years
        (date(2018, 7, 1), date(2022, 1, 1), "closed"),  # survives 3, not 5 years
        (date(2020, 1, 1), None, "active"),  # old enough for 3 years only
        (date(2021, 7, 1), None, "active"),  # 3 years on 2024-07-01: one day too young
        (date(2022, 1, 1), None, "active"),  # too young
        (date(2025, 1, 1), None, "active"),  # founded after as_of: not counted
        (None, None, "active"),  # undated: not counted
        (date(2018, 1, 1), None, "closed"),  # closed at an unknown date: not counted
    ]
)


def test_survival_by_cohort_counts_only_firms_old_enough():
    table = survival_by_cohort(SURVIVAL_FIRMS, as_of=date(2024, 6, 30)).set_index("cohort")
    assert list(table.index) == [2018, 2020, 2021, 2022]
    assert table.loc[2018, ["firms", "survived_3", "eligible_3"]].tolist() == [4, 2, 3]
    assert table.loc[2018, ["survived_5", "eligible_5"]].tolist() == [1, 3]
    assert table.loc[2018, "survival_3"] == pytest.approx(2 / 3)
    assert table.loc[2020, ["survived_3", "eligible_3", "eligible_5"]].tolist() == [1, 1, 0]
    assert table.loc[2020, "survival_5"] is None
    assert table.loc[2021, "eligible_3"] == 0 and table.loc[2021, "survival_3"] is None


@pytest.mark.parametrize(
    ("closed_on", "survived"),
    [(None, 1), (date(2023, 2, 27), 0), (date(2023, 2, 28), 1), (date(2023, 3, 1), 1)],
)
def test_survival_horizon_of_a_leap_day_firm(closed_on, survived):
    firms = _firms([(date(2020, 2, 29), closed_on, "closed" if closed_on else "active")])
    table = survival_by_cohort(firms, as_of=date(2023, 2, 28), horizons=(3,))
    assert table.loc[0, ["survived_3", "eligible_3"]].tolist() == [survived, 1]


def test_pooled_survival_over_cohorts():
    as_of = date(2024, 6, 30)
    assert pooled_survival(SURVIVAL_FIRMS, as_of=as_of, horizon=3) == D(3) / D(4)
    assert pooled_survival(SURVIVAL_FIRMS, as_of=as_of, horizon=5) == D(1) / D(3)
    assert isinstance(pooled_survival(SURVIVAL_FIRMS, as_of=as_of, horizon=10), Undefined)


BIRTH_FIRMS = _firms(
    [
        (date(2018, 1, 1), None, "active"),
        (date(2019, 1, 1), None, "active"),
        (date(2019, 6, 1), date(2020, 12, 31), "closed"),  # closed before 2021 starts
        (date(2020, 1, 1), date(2021, 3, 1), "closed"),  # active on 1 January 2021
        (date(2019, 1, 1), None, "acquired"),  # closed at an unknown date
        (date(2021, 1, 1), None, "active"),  # birth
        (date(2021, 12, 31), None, "active"),  # birth
        (date(2022, 1, 1), None, "active"),
        (None, None, "active"),
    ]
)


@pytest.mark.parametrize(("year", "expected"), [(2021, D(2) / D(3)), (2019, D(3))])
def test_birth_rate_is_births_over_firms_active_at_the_start(year, expected):
    assert birth_rate(BIRTH_FIRMS, year=year) == expected


def test_birth_rate_is_undefined_without_active_firms():
    result = birth_rate(BIRTH_FIRMS, year=2018)
    assert isinstance(result, Undefined) and "2018" in result.reason


def test_active_on_excludes_closed_undated_and_future_firms():
    assert active_on(BIRTH_FIRMS, date(2021, 1, 1)).tolist() == [
        True, True, False, True, False, True, False, False, False,
    ]  # fmt: skip


def _rounds(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["hub", "announced", "stage", "amount_hub", "hub_currency"], dtype=object
    )


ROUNDS = _rounds(
    [
        ("Dalian", date(2021, 1, 15), "A", D("0.10"), "CNY"),
        ("Dalian", date(2021, 3, 31), "A", D("0.20"), "CNY"),
        ("Dalian", date(2021, 3, 31), "seed", D("5.00"), "CNY"),
        ("Dalian", date(2021, 4, 1), "A", D("1.00"), "CNY"),
        ("Dalian", date(2021, 12, 31), "B", D("2.00"), "CNY"),
        ("Dalian", date(2023, 1, 1), "B", D("3.00"), "CNY"),
        ("Hong Kong", date(2021, 2, 1), "A", D("7.00"), "HKD"),
    ]
)


def test_funding_by_quarter_sums_exactly():
    table = funding_by_period(ROUNDS, freq="quarter")
    rows = [tuple(r) for r in table.itertuples(index=False)]
    assert rows == [
        ("Dalian", "2021-Q1", "seed", 1, D("5.00"), "CNY"),
        ("Dalian", "2021-Q1", "A", 2, D("0.30"), "CNY"),
        ("Dalian", "2021-Q2", "A", 1, D("1.00"), "CNY"),
        ("Dalian", "2021-Q4", "B", 1, D("2.00"), "CNY"),
        ("Dalian", "2023-Q1", "B", 1, D("3.00"), "CNY"),
        ("Hong Kong", "2021-Q1", "A", 1, D("7.00"), "HKD"),
    ]
    assert all(isinstance(a, Decimal) for a in table["amount"])


def test_funding_by_year_and_bad_freq():
    table = funding_by_period(ROUNDS)
    assert table[table["hub"] == "Dalian"].groupby("period")["amount"].sum().to_dict() == {
        2021: D("8.30"),
        2023: D("3.00"),
    }
    with pytest.raises(ValueError, match="freq"):
        funding_by_period(ROUNDS, freq="month")
    assert funding_by_period(ROUNDS.iloc[0:0]).empty


def test_funding_growth_fills_years_without_rounds():
    table = funding_growth(ROUNDS).set_index(["hub", "year"])
    assert table.loc[("Dalian", 2022), ["rounds", "amount", "yoy"]].tolist() == [0, D(0), -1.0]
    assert table.loc[("Dalian", 2023), "yoy"] is None
    assert "zero" in table.loc[("Dalian", 2023), "yoy_note"]
    assert table.loc[("Dalian", 2021), "amount"] == D("8.30")
    assert table.loc[("Hong Kong", 2021), "hub_currency"] == "HKD"


def test_parks_summary_rates_only_parks_reporting_both_figures():
    parks = pd.DataFrame(
        [
            ("Dalian", "Shahekou", "payments", 100, 60),
            ("Dalian", "Shahekou", "data", None, 10),
            ("Dalian", "Ganjingzi", "payments", 50, 40),
            ("Dalian", "Lvshun", "data", None, None),
        ],
        columns=["hub", "district", "focus", "capacity", "occupancy"],
        dtype=object,
    )
    by_district = parks_summary(parks, by="district").set_index("district")
    assert by_district.loc["Shahekou", ["parks", "capacity", "occupancy"]].tolist() == [2, 100, 70]
    assert by_district.loc["Shahekou", "occupancy_rate"] == pytest.approx(0.6)
    assert by_district.loc["Lvshun", "occupancy_rate"] is None
    assert pd.isna(by_district.loc["Lvshun", "capacity"])
    by_focus = parks_summary(parks, by="focus").set_index("focus")
    assert by_focus.loc["payments", "occupancy_rate"] == pytest.approx(100 / 150)
    with pytest.raises(ValueError, match="by"):
        parks_summary(parks, by="sector")
