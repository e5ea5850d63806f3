"""Hub target arithmetic without a database: attainment, time, gap, forecast, status."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from fund.hub_kpis import (
    STATUS_RULES,
    STATUSES,
    Forecast,
    attainment,
    forecast_at,
    schedule_gap,
    target_status,
    time_elapsed,
)
from fund.results import Undefined

D = Decimal
START, DEADLINE = date(2020, 1, 1), date(2022, 12, 31)


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (D(3), D(5), "higher", D("0.6")),
        (D(12), D(10), "higher", D("1.2")),
        (D(0), D(5), "higher", D(0)),
        (D(20), D(10), "lower", D("0.5")),  # rank 20 against target rank 10
        (D(8), D(10), "lower", D("1.25")),
    ],
)
def test_attainment_by_direction(actual, target, direction, expected):
    assert attainment(actual=actual, target=target, direction=direction) == expected


@pytest.mark.parametrize(
    ("actual", "target", "direction", "reason"),
    [
        (D(3), D(0), "higher", "target is 0"),
        (D(3), D(0), "lower", "target is 0"),
        (D(0), D(10), "lower", "rank 0 is not a rank"),
    ],
)
def test_attainment_undefined_with_reason(actual, target, direction, reason):
    result = attainment(actual=actual, target=target, direction=direction)
    assert isinstance(result, Undefined) and reason in result.reason


def test_attainment_refuses_unknown_direction():
    with pytest.raises(ValueError, match="direction 'up'"):
        attainment(actual=D(1), target=D(1), direction="up")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2019, 6, 1), D(0)),  # before the plan starts
        (START, D(0)),
        (date(2020, 1, 11), D(10) / D(40)),  # 10 of 40 days
        (date(2020, 2, 10), D(1)),  # the deadline
        (date(2023, 1, 1), D(1)),  # after the deadline
    ],
)
def test_time_elapsed_is_clamped_share_of_plan_period(as_of, expected):
    assert time_elapsed(as_of=as_of, plan_start=START, deadline=date(2020, 2, 10)) == expected


def test_time_elapsed_refuses_deadline_not_after_start():
    with pytest.raises(ValueError, match="deadline 2020-01-01 is not after"):
        time_elapsed(as_of=START, plan_start=START, deadline=START)


@pytest.mark.parametrize(
    ("attained", "elapsed", "expected"),
    [
        (D("0.4"), D("0.5"), D("-0.1")),
        (D("0.8"), D("0.5"), D("0.3")),
        (D("1.5"), D("0.5"), D("0.5")),  # attainment capped at 1
    ],
)
def test_schedule_gap_is_capped_attainment_minus_elapsed(attained, elapsed, expected):
    assert schedule_gap(attainment=attained, elapsed=elapsed) == expected


def test_schedule_gap_undefined_carries_the_attainment_reason():
    gap = schedule_gap(attainment=Undefined("target is 0"), elapsed=D("0.5"))
    assert isinstance(gap, Undefined) and "target is 0" in gap.reason


def _days(values, step=30, start=START):
    return [(start + timedelta(days=step * i), v) for i, v in enumerate(values)]


@pytest.mark.parametrize("value_type", [Decimal, int, float])
def test_forecast_of_a_perfectly_linear_series_is_exact(value_type):
    points = _days([value_type(2 + 3 * i) for i in range(5)], step=10)  # +0.3 a day
    result = forecast_at(points, at=START + timedelta(days=100))
    assert isinstance(result, Forecast)
    assert result.central == result.low == result.high == D(32)
    assert (result.points, result.level) == (5, 0.8)


def test_forecast_of_a_linear_series_with_fractional_slope_is_exact():
    points = _days([D(1), D(2), D(3)], step=3)  # 1/3 a day
    result = forecast_at(points, at=START + timedelta(days=10))
    assert isinstance(result, Forecast)
    assert result.central == result.low == result.high == D("4.333333")


NOISY = [D(1), D(3), D(2), D(5), D(4), D(7), D(6), D(9)]


def _independent(values, at_day, level):
    """OLS and its prediction interval with numpy and scipy (textbook formulas)."""
    x = np.arange(len(values)) * 30.0
    y = np.array([float(v) for v in values])
    slope, intercept = np.polyfit(x, y, 1)
    n = len(x)
    s = np.sqrt(np.sum((y - (intercept + slope * x)) ** 2) / (n - 2))
    se = s * np.sqrt(1 + 1 / n + (at_day - x.mean()) ** 2 / np.sum((x - x.mean()) ** 2))
    t = stats.t.ppf((1 + level) / 2, n - 2)
    central = intercept + slope * at_day
    return central, central - t * se, central + t * se


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_forecast_of_a_noisy_series_matches_numpy_and_scipy(level):
    at = START + timedelta(days=365)
    result = forecast_at(_days(NOISY), at=at, level=level)
    assert isinstance(result, Forecast)
    central, low, high = _independent(NOISY, 365.0, level)
    assert float(result.central) == pytest.approx(central, abs=1e-6)
    assert float(result.low) == pytest.approx(low, abs=1e-6)
    assert float(result.high) == pytest.approx(high, abs=1e-6)
    assert result.low < result.central < result.high
    assert all(isinstance(v, Decimal) for v in (result.central, result.low, result.high))


def test_forecast_range_widens_with_the_level():
    at = START + timedelta(days=365)
    narrow = forecast_at(_days(NOISY), at=at, level=0.8)
    wide = forecast_at(_days(NOISY), at=at, level=0.95)
    assert isinstance(narrow, Forecast) and isinstance(wide, Forecast)
    assert narrow.central == wide.central
    assert wide.low < narrow.low and narrow.high < wide.high


def test_forecast_hand_computed_three_points():
    # x = 0, 1, 2 days, y = 0, 2, 1: slope 0.5, intercept 0.5, SSE 1.5, s^2 = 1.5 (1 df).
    # At x0 = 4: central 2.5; se = sqrt(1.5 * (1 + 1/3 + (4 - 1)^2 / 2)) = sqrt(8.75)
    # = 2.9580399; t(0.9, 1 df) = 3.0776835: half-width 9.1039107.
    result = forecast_at(
        _days([D(0), D(2), D(1)], step=1), at=START + timedelta(days=4), floor=None
    )
    assert isinstance(result, Forecast)
    assert result.central == D("2.5")
    assert result.low == pytest.approx(D("-6.603911"), abs=D("0.000001"))
    assert result.high == pytest.approx(D("11.603911"), abs=D("0.000001"))


def test_forecast_below_zero_is_floored_at_zero():
    falling = _days([D(9), D(6), D(3), D(1)])
    raw = forecast_at(falling, at=START + timedelta(days=365), floor=None)
    floored = forecast_at(falling, at=START + timedelta(days=365))
    assert isinstance(raw, Forecast) and isinstance(floored, Forecast)
    assert raw.central < 0 and floored.central == 0 and floored.low == 0
    assert floored.high == max(raw.high, D(0)) and "raised to 0" in floored.method


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ([], "only 0 dated points"),
        ([(START, D(1))], "only 1 dated point"),
        (_days([D(1), D(2)]), "only 2 dated points: a trend forecast needs at least 3"),
        ([(START, D(1)), (START, D(2)), (START, D(3))], "all 3 points are dated 2020-01-01"),
    ],
)
def test_forecast_undefined_without_enough_points(points, reason):
    result = forecast_at(points, at=DEADLINE)
    assert isinstance(result, Undefined) and reason in result.reason


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.2])
def test_forecast_refuses_a_level_outside_0_1(level):
    with pytest.raises(ValueError, match="level"):
        forecast_at(_days(NOISY), at=DEADLINE, level=level)


def _forecast(central, low, high):
    return Forecast(
        at=DEADLINE, central=D(central), low=D(low), high=D(high), points=5, level=0.8, method=""
    )


NO_FORECAST = Undefined("only 2 dated points: a trend forecast needs at least 3")
AS_OF = date(2021, 6, 30)


@pytest.mark.parametrize(
    ("case", "expected_status", "expected_reason"),
    [
        ({"actual": D(5)}, "met", "actual 5 reaches target 5"),
        ({"actual": D(8), "direction": "lower", "target_low": D(10)}, "met",
         "actual 8 reaches target 10 (lower is better)"),
        ({"actual": D(3), "as_of": date(2023, 1, 1)}, "off track",
         "deadline 2022-12-31 passed without reaching the target 5 (latest actual 3)"),
        ({"actual": None, "as_of": date(2023, 1, 1)}, "off track",
         "deadline 2022-12-31 passed without reaching the target 5 (no actual recorded)"),
        ({"forecast": _forecast("7.2", "5.9", "8.4")}, "on track",
         "forecast 7.2 at 2022-12-31 reaches target 5 (80% range 5.9-8.4)"),
        ({"forecast": _forecast("4.1", "3", "5.2")}, "at risk",
         "forecast 4.1 at 2022-12-31 falls short of target 5; only the optimistic end of the "
         "80% range 3-5.2 reaches it"),
        ({"forecast": _forecast("3.5", "2", "4.5")}, "off track",
         "forecast 3.5 at 2022-12-31 falls short of target 5, and so does the whole "
         "80% range 2-4.5"),
        ({"direction": "lower", "actual": D(14), "target_low": D(10),
          "forecast": _forecast("11", "8.5", "13.5")}, "at risk",
         "forecast 11 at 2022-12-31 falls short of target 10; only the optimistic end of the "
         "80% range 8.5-13.5 reaches it"),
        ({"gap": D("-0.05")}, "on track", "schedule gap -0.05 is -0.10 or better"),
        ({"gap": D("-0.10")}, "on track", "schedule gap -0.10 is -0.10 or better"),
        ({"gap": D("-0.15")}, "at risk", "schedule gap -0.15 is between -0.25 and -0.10"),
        ({"gap": D("-0.25")}, "at risk", "schedule gap -0.25 is between -0.25 and -0.10"),
        ({"gap": D("-0.30")}, "off track", "schedule gap -0.30 is below -0.25"),
        ({"actual": None, "gap": Undefined("no actual")}, "off track", "no actual recorded"),
        ({"gap": Undefined("target is 0")}, "off track", "schedule gap undefined: target is 0"),
    ],
)  # fmt: skip
def test_target_status_branches_with_their_reasons(case, expected_status, expected_reason):
    arguments = {
        "actual": D(3),
        "target_low": D(5),
        "direction": "higher",
        "deadline": DEADLINE,
        "as_of": AS_OF,
        "forecast": NO_FORECAST,
        "gap": D(0),
    } | case
    status, reason = target_status(**arguments)
    assert status == expected_status and status in STATUSES
    assert expected_reason in reason


def test_gap_rule_reason_names_the_latest_actual_and_why_no_forecast():
    _status, reason = target_status(
        actual=D(3), target_low=D(5), direction="higher", deadline=DEADLINE, as_of=AS_OF,
        forecast=NO_FORECAST, gap=D("-0.15"),
    )  # fmt: skip
    assert reason.startswith("latest actual 3; no forecast (only 2 dated points")


def test_status_rules_name_every_status_and_threshold():
    for text in [*STATUSES, "-0.10", "-0.25", "optimistic", "deadline", "no actual"]:
        assert text in STATUS_RULES
