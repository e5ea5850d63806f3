"""fund/_xirr_screen.c: built, and xirr gives the same answers with it as without it."""

from __future__ import annotations

import importlib.util
import math
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import fund.returns as returns
from fund.returns import IrrUndefined, xirr

ROOT = Path(__file__).resolve().parent.parent


def _series(n: int) -> list[tuple[list[date], list[Decimal]]]:
    spec = importlib.util.spec_from_file_location("bench_returns", ROOT / "bench" / "returns.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_returns"] = module
    spec.loader.exec_module(module)
    return module.make_series(n, seed=7)


def _answer(dates: list[date], amounts: list) -> float | tuple[float, ...]:
    try:
        return xirr(dates, amounts)
    except IrrUndefined as exc:
        return exc.roots


def test_the_c_screen_is_built_and_used():
    assert returns._screen is not None, "fund/_xirr_screen.c was not built: run make install"


@pytest.mark.parametrize(
    ("dates", "amounts", "side"),
    [
        ([date(2020, 1, 1), date(2021, 1, 1)], [Decimal("-100.00"), 110], 1),
        ([date(2020, 1, 1), date(2021, 1, 1)], [-100, 90], -1),
        ([date(2021, 1, 1), date(2020, 1, 1)], [-100, 110], 0),  # not ascending
        ([date(2020, 1, 1), date(2020, 1, 1)], [-100, 110], 0),  # one date
        ([date(2020, 1, 1), date(2021, 1, 1), date(2022, 1, 1)], [-100, 230, -132], 0),
        (["2020-01-01", "2021-01-01"], [-100, 110], 0),  # not date objects
    ],
)
def test_screen_verdicts(dates, amounts, side):
    floats, got, size = returns._screen(dates, amounts)
    assert got == side
    scale = floats[0] / float(amounts[0])  # 1, or a power of two bringing size into range
    assert math.frexp(scale)[0] == 0.5
    assert floats == [float(a) * scale for a in amounts]
    if side in (1, -1):
        assert returns._CERT_SCALE <= size <= returns._MAX_SCALE


@pytest.mark.parametrize(
    ("dates", "amounts"),
    [
        ([date(2020, 1, 1)], [-100, 110]),  # lengths differ
        ([date(2020, 1, 1), date(2021, 1, 1)], [-100, "110"]),  # not a number
    ],
)
def test_screen_leaves_bad_input_to_python(dates, amounts):
    assert returns._screen(dates, amounts) is None


def test_same_answers_with_and_without_the_screen(monkeypatch):
    rng = random.Random(11)
    cases = _series(1500)
    for _ in range(300):  # interleaved signs: several roots or the careful path
        start = date(2010, 1, 1) + timedelta(days=rng.randint(0, 3000))
        days = sorted(rng.sample(range(1, 4000), 6))
        amounts = [Decimal(rng.randint(-(10**6), 10**6)) for _ in range(7)]
        cases.append(([start] + [start + timedelta(days=d) for d in days], amounts))
    with_c = [_answer(d, a) for d, a in cases]
    monkeypatch.setattr(returns, "_screen", None)
    without = [_answer(d, a) for d, a in cases]
    for got, want in zip(with_c, without, strict=True):
        if isinstance(want, float):
            assert isinstance(got, float) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
        else:
            assert got == pytest.approx(want, rel=1e-9)
