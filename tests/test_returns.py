"""fund.returns: golden XIRR cases, the NPV = 0 invariant, errors with reasons, properties."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import math
import pickle
import random
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import pyxirr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fund.results import Undefined
from fund.returns import IrrUndefined, irr, npv, xirr, xirr_or_undefined, xnpv

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "xirr"
EXCEL = (
    [date(2008, 1, 1), date(2008, 3, 1), date(2008, 10, 30), date(2009, 2, 15), date(2009, 4, 1)],
    [-10000, 2750, 4250, 3250, 2750],
)
EXCEL_ROOT = 0.37336253351883151  # 60-digit bisection (tests/data/xirr/cases.csv)


def _cases() -> list[dict[str, str]]:
    lines = (GOLDEN / "cases.csv").read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def _flows(name: str) -> tuple[list[date], list[Decimal]]:
    with (GOLDEN / name).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [date.fromisoformat(r["date"]) for r in rows], [Decimal(r["amount"]) for r in rows]


def _close(got: float, expected: float, tolerance: float) -> bool:
    return abs(got - expected) <= tolerance * max(1.0, abs(expected))


def _npv_share(rate: float, dates: list[date], amounts: list) -> float:
    """|NPV| as a share of the flows' discounted size (the invariant xnpv(xirr) ~ 0)."""
    size = xnpv(rate, dates, [abs(a) for a in amounts])
    return abs(xnpv(rate, dates, amounts)) / size


GOLDEN_CASES = _cases()


def test_every_golden_file_has_a_row_and_every_row_a_file():
    listed = {c["file"] for c in GOLDEN_CASES}
    assert listed == {p.name for p in GOLDEN.glob("*.csv")} - {"cases.csv"}
    assert len([c for c in GOLDEN_CASES if c["expected"]]) >= 10


@pytest.mark.parametrize(
    "case", [c for c in GOLDEN_CASES if c["expected"]], ids=lambda c: c["file"]
)
def test_golden_rate_and_npv_zero_at_it(case):
    dates, amounts = _flows(case["file"])
    got = xirr(dates, amounts)
    assert _close(got, float(case["expected"]), float(case["tolerance"])), got
    if got > -1.0 and got < 1e100:  # beyond, (1 + r) ** t under/overflows in any NPV
        assert _npv_share(got, dates, amounts) < 1e-8


@pytest.mark.parametrize(
    "case", [c for c in GOLDEN_CASES if not c["expected"]], ids=lambda c: c["file"]
)
def test_golden_undefined_with_reason_and_roots(case):
    dates, amounts = _flows(case["file"])
    with pytest.raises(IrrUndefined) as info:
        xirr(dates, amounts)
    assert case["reason"] in info.value.reason
    expected = [float(r) for r in case["roots"].split(";")] if case["roots"] else []
    assert len(info.value.roots) == len(expected)
    for got, want in zip(info.value.roots, expected, strict=True):
        assert _close(got, want, float(case["tolerance"]))
        assert _npv_share(got, dates, amounts) < 1e-8
    assert isinstance(xirr_or_undefined(dates, amounts), Undefined)


def test_excel_example_in_every_date_and_amount_kind():
    dates, amounts = EXCEL
    kinds = [
        (dates, amounts),
        ([d.isoformat() for d in dates], [Decimal(a) for a in amounts]),
        ([datetime(d.year, d.month, d.day, 17, 30) for d in dates], [float(a) for a in amounts]),
        (pd.Series(pd.to_datetime([d.isoformat() for d in dates])), pd.Series(amounts)),
        (pd.Series([d.isoformat() for d in dates], dtype="str"), np.array(amounts, dtype=float)),
        (np.array(dates, dtype="datetime64[D]"), np.array(amounts)),
        (iter(dates), (a for a in amounts)),
        ([pd.Timestamp(d) for d in dates], amounts),
    ]
    for ds, am in kinds:
        assert xirr(ds, am) == pytest.approx(EXCEL_ROOT, abs=1e-9)


def test_mixed_date_kinds_and_guess_do_not_change_the_answer():
    dates, amounts = EXCEL
    mixed = [dates[0], datetime(2008, 3, 1), "2008-10-30", pd.Timestamp("2009-02-15"), dates[4]]
    assert xirr(mixed, amounts) == pytest.approx(EXCEL_ROOT, abs=1e-9)
    for guess in (-0.5, 0.0, 0.37, 3.0):
        assert xirr(dates, amounts, guess=guess) == pytest.approx(EXCEL_ROOT, abs=1e-9)


def test_datetimes_count_calendar_days_like_excel():
    late = [datetime(2021, 1, 1, 23, 59), datetime(2022, 1, 1, 0, 1)]
    assert xirr(late, [-100, 110]) == pytest.approx(0.1, abs=1e-12)


@pytest.mark.parametrize(
    ("dates", "amounts", "reason"),
    [
        ([], [], "no cash flows"),
        ([date(2021, 1, 1)], [-1, 2], "differ in length: 1 dates, 2 amounts"),
        ([date(2021, 1, 1), date(2022, 1, 1)], [-1], "differ in length"),
        ([date(2021, 1, 1), date(2022, 1, 1)], [-1, float("nan")], "not a finite number"),
        ([date(2021, 1, 1), date(2022, 1, 1)], [Decimal(0), 0], "all amounts are zero"),
        ([date(2021, 1, 1), date(2022, 1, 1)], [1, 2], "every amount is an inflow"),
        ([date(2021, 1, 1), date(2022, 1, 1)], [-1, 0], "every amount is an outflow"),
        ([date(2021, 1, 1), date(2021, 1, 1)], [-1, 2], "on one date (2021-01-01)"),
        ([date(2021, 1, 1), date(2021, 1, 1), date(2022, 1, 1)], [-1, 1, 5], "only 2022-01-01"),
        ([date(2021, 1, 1), date(2021, 1, 1), date(2022, 1, 1)], [-1, 1, 0], "net to zero"),
    ],
)
def test_undefined_reasons(dates, amounts, reason):
    with pytest.raises(IrrUndefined) as info:
        xirr(dates, amounts)
    assert reason in info.value.reason
    assert isinstance(info.value, ValueError)
    assert str(info.value) == info.value.reason
    assert info.value.roots == ()
    assert xirr_or_undefined(dates, amounts) == Undefined(info.value.reason)


def test_bad_dates_are_errors_not_undefined():
    with pytest.raises(ValueError, match="not an ISO date"):
        xirr(["2021-01-01", "1/2/2022"], [-1, 2])
    with pytest.raises(TypeError, match="not a date"):
        xirr([date(2021, 1, 1), 20220101], [-1, 2])


def test_irr_undefined_keeps_its_roots_through_pickle():
    exc = IrrUndefined("several rates solve NPV = 0", (0.1, 0.2))
    back = pickle.loads(pickle.dumps(exc))
    assert (back.reason, back.roots, str(back)) == (exc.reason, (0.1, 0.2), exc.reason)


def test_several_roots_are_listed_even_where_pyxirr_picks_one():
    # -1, 3.6, -4.31, 1.716 a year apart: (1 + r) = 1.1, 1.2, 1.3
    dates = [date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1), date(2024, 1, 1)]
    assert pyxirr.xirr(dates, [-1, 3.6, -4.31, 1.716]) is not None
    with pytest.raises(IrrUndefined, match="several rates") as info:
        xirr(dates, [-1, 3.6, -4.31, 1.716])
    assert info.value.roots == pytest.approx([0.1, 0.2, 0.3], abs=1e-9)


def test_a_double_root_is_one_rate():
    # -1 + 2v - v**2 = -(1 - v)**2: the NPV touches zero at r = 0 without crossing
    dates = [date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1)]
    assert xirr(dates, [-1, 2, -1]) == pytest.approx(0.0, abs=1e-6)


def test_interleaved_flows_with_one_root_need_the_careful_path():
    # running sums change sign three times, yet one rate solves it (checked on a grid)
    dates = [date(2020, 1, 1), date(2020, 6, 1), date(2021, 1, 1), date(2021, 6, 1),
             date(2022, 1, 1), date(2023, 1, 1)]  # fmt: skip
    amounts = [-100, 120, -50, 40, -30, 60]
    rate = xirr(dates, amounts)
    assert _npv_share(rate, dates, amounts) < 1e-9
    grid = np.expm1(np.linspace(-5, 5, 4001))
    values = [xnpv(r, dates, amounts) for r in grid]
    assert sum(a * b < 0 for a, b in itertools.pairwise(values)) == 1


def test_xnpv_is_excels_with_the_earliest_date_as_reference():
    dates, amounts = EXCEL
    # Microsoft's XNPV documentation: the same flows at 9% -> 2,086.65
    assert xnpv(0.09, dates, amounts) == pytest.approx(2086.65, abs=0.005)
    assert xnpv(0.09, dates[::-1], amounts[::-1]) == pytest.approx(2086.65, abs=0.005)
    assert xnpv(0.1, [date(2022, 1, 1), date(2021, 1, 1)], [110, -100]) == pytest.approx(0)
    assert xnpv(0.1, [], []) == 0.0
    with pytest.raises(ValueError, match="greater than -1"):
        xnpv(-1.0, dates, amounts)
    with pytest.raises(ValueError, match="differ in length"):
        xnpv(0.1, dates, amounts[:2])


def test_periodic_irr_and_npv_follow_numpy_financial():
    assert irr([-100, 39, 59, 55, 20]) == pytest.approx(0.2809484211599611, abs=1e-12)
    assert irr([Decimal(-100), 110]) == pytest.approx(0.1)
    assert irr([0, -100, 0, 121]) == pytest.approx(0.1)
    assert npv(0.1, [-100, 110]) == pytest.approx(0.0)
    assert npv(0.281, [-100, 39, 59, 55, 20]) == pytest.approx(-0.0086, abs=1e-3)
    with pytest.raises(IrrUndefined, match="no sign change"):
        irr([-1, -2])
    with pytest.raises(IrrUndefined, match="several rates") as info:
        irr([-100, 230, -132])
    assert info.value.roots == pytest.approx([0.1, 0.2])
    with pytest.raises(IrrUndefined, match="no rate solves"):
        irr([-100, 50, -100])
    with pytest.raises(ValueError, match="-1"):
        npv(-1.0, [1, 2])


def test_pyxirr_keeps_the_promise_the_fast_path_relies_on():
    """pyxirr returns None, or a rate with |xnpv| < 1e-3 (its 0.10 source); xirr's certificate."""
    rng = random.Random(5)
    for _ in range(300):
        n = rng.randint(2, 30)
        dates = sorted(date(2020, 1, 1) + timedelta(days=rng.randint(0, 4000)) for _ in range(n))
        amounts = [rng.uniform(-1e6, 1e6) for _ in range(n)]
        try:
            rate = pyxirr.xirr(dates, amounts)
        except pyxirr.InvalidPaymentsError:
            continue
        if rate is not None and math.isfinite(rate) and rate > -1:
            assert abs(pyxirr.xnpv(rate, dates, amounts)) < 1e-3


def _dense_roots(dates: list[date], amounts: list[float], grid: np.ndarray) -> list[float]:
    """x = ln(1 + r) where the NPV changes sign on a dense grid (an independent reference)."""
    t = np.array([(d - min(dates)).days / 365 for d in dates])
    p = np.array(amounts, dtype=float)
    ref = np.where(grid >= 0, t.min(), t.max())[:, None]
    w = np.exp(-grid[:, None] * (t[None, :] - ref))
    signs = np.sign(w @ p)
    crossing = [(grid[j] + grid[j + 1]) / 2 for j in np.flatnonzero(signs[:-1] * signs[1:] < 0)]
    return sorted(crossing + list(grid[signs == 0]))


@pytest.mark.parametrize("seed", range(4))
def test_agrees_with_a_dense_scan_on_random_series(seed):
    """Fund-like, arbitrary and small-integer flows (many with several roots, or none)."""
    rng = random.Random(seed)
    grid = np.linspace(-12.0, 12.0, 24001)  # r from -99.9994% to e**12 - 1
    step = grid[1] - grid[0]
    for _ in range(60):
        n = rng.randint(2, 20)
        dates = [date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000)) for _ in range(n)]
        kind = rng.random()
        if kind < 0.4:
            amounts = [-rng.uniform(1, 100)] + [rng.uniform(-60, 100) for _ in range(n - 1)]
            dates.sort()
        elif kind < 0.7:
            amounts = [rng.uniform(-1, 1) * 10 ** rng.uniform(0, 6) for _ in range(n)]
        else:
            amounts = [float(rng.choice([-1, 1]) * rng.randint(1, 5)) for _ in range(n)]
        dense = _dense_roots(dates, amounts, grid)
        try:
            rate = xirr(dates, amounts)
        except IrrUndefined as exc:
            if exc.reason.startswith("no rate"):
                assert dense == [], (dates, amounts)
            for root in exc.roots:
                if -11.9 < math.log1p(root) < 11.9 if root > -1 else False:
                    assert min(abs(math.log1p(root) - x) for x in dense) < 2 * step
            continue
        x = math.log1p(rate) if rate > -1 else -math.inf
        if -11.9 < x < 11.9:
            assert len(dense) == 1 and abs(dense[0] - x) < 2 * step, (dates, amounts, rate)


# --- properties ------------------------------------------------------------------------------

DAYS = st.lists(st.integers(1, 15 * 365), min_size=1, max_size=25, unique=True)
CENTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2)


@settings(max_examples=150, deadline=None)
@given(
    rate=st.floats(-0.95, 20.0),
    days=DAYS,
    data=st.data(),
)
def test_round_trip_a_known_rate_comes_back(rate, days, data):
    """Flows out first, then in, the last one priced so that the NPV at ``rate`` is zero."""
    days = sorted(days)
    outs = data.draw(st.integers(1, len(days)))
    start = date(2010, 1, 1)
    when = [0, *days]
    amounts = [-data.draw(st.floats(1.0, 1e7)) for _ in range(outs)]
    amounts += [data.draw(st.floats(0.0, 1e7)) for _ in range(len(when) - 1 - outs)]
    end = when[-1] / 365
    value = -math.fsum(
        a * (1 + rate) ** (end - t / 365) for a, t in zip(amounts, when, strict=False)
    )
    assume(value > 1e-6 * max(abs(a) for a in amounts))
    dates = [start + timedelta(days=t) for t in when]
    got = xirr(dates, [*amounts, value])
    assert got == pytest.approx(rate, rel=1e-7, abs=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    amounts=st.lists(st.tuples(st.booleans(), CENTS), min_size=2, max_size=20),
    days=st.lists(st.integers(0, 20 * 365), min_size=20, max_size=20),
    k=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3),
)
def test_scaling_every_amount_leaves_xirr_unchanged(amounts, days, k):
    assume(k > 0)
    flows = [a if inflow else -a for inflow, a in amounts]
    dates = [date(2005, 1, 1) + timedelta(days=t) for t in days[: len(flows)]]

    def outcome(values: list[Decimal]) -> tuple:
        try:
            return ("rate", xirr(dates, values))
        except IrrUndefined as exc:
            return (exc.reason.split(" (")[0].split(":")[0], exc.roots)

    base, scaled = outcome(flows), outcome([a * k for a in flows])
    assert base[0] == scaled[0]
    if base[0] == "rate":
        assert scaled[1] == pytest.approx(base[1], rel=1e-7, abs=1e-9)
    else:
        assert scaled[1] == pytest.approx(base[1], rel=1e-6, abs=1e-9)


# --- the benchmark's output format (fast: N = 200) -------------------------------------------


def _bench():
    spec = importlib.util.spec_from_file_location("bench_returns", ROOT / "bench" / "returns.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_returns"] = module
    spec.loader.exec_module(module)
    return module


def test_bench_prints_the_table_for_a_small_run(capsys):
    bench = _bench()
    table = bench.rows(200, repeat=1)
    assert [r.method for r in table] == [
        "hubfund xirr",
        "raw pyxirr",
        "numpy-financial irr (monthly)",
    ]
    assert table[1].ratio == 1.0
    for r in table:
        assert r.total_s > 0 and r.per_series_us == pytest.approx(r.total_s / 200 * 1e6)
        assert 0 <= r.unsolved <= 200
    assert table[0].goal == "<= 1.25x raw pyxirr" and table[0].verdict in ("PASS", "FAIL")
    code = bench.main(["--n", "200", "--repeat", "1"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    for word in ("method", "total s", "per series us", "x raw pyxirr", "unsolved", "raw pyxirr"):
        assert word in out
    assert "PASS" in out or "FAIL" in out
