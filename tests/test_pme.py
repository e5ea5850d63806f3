"""fund.pme, with a small fund computed by hand (multiples, XIRR and every PME)."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from fund.multiples import dpi, moic, picc, rvpi, tvpi
from fund.pme import IndexSeries, direct_alpha, index_irr, ks_pme, long_nickels_pme, pme_plus
from fund.results import Undefined
from fund.returns import xirr

D = Decimal
Y0, Y1, Y2, Y3 = date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1), date(2024, 1, 1)
# Y0 -> Y1 -> Y2 -> Y3 are 365 days each, so t = 0, 1, 2, 3 years exactly (ACT/365F).

# The hand-computed fund. Committed 1000. Calls: 400 on Y0, 200 on Y1. Distribution: 300 on
# Y2. NAV on Y3: 619.20, chosen so that the fund's XIRR is exactly 20%:
#   FV at 20% on Y3: -400 * 1.2**3 - 200 * 1.2**2 + 300 * 1.2 = -691.2 - 288 + 360 = -619.2
# PIC = 600; DPI = 300 / 600 = 0.5; RVPI = 619.2 / 600 = 1.032; TVPI = 1.532; PICC = 0.6.
# One deal: invested 500, realized 300, still worth 450: MOIC = 750 / 500 = 1.5.
CALLS = [(Y0, D(400)), (Y1, D(200))]
DISTRIBUTIONS = [(Y2, D(300))]
NAV = D("619.20")

# A made-up index growing 10% a year: 100, 110, 121, 133.1.
#   FV(C) = 400 * 133.1 / 100 + 200 * 133.1 / 110 = 532.4 + 242 = 774.4
#   FV(D) = 300 * 133.1 / 121 = 330
#   KS-PME = (330 + 619.2) / 774.4 = 949.2 / 774.4 = 2373 / 1936 = 1.2257231404958677...
#   Long-Nickels: NAV_LN = 774.4 - 330 = 444.4; at 10% the flows -400, -200, +300, +444.4
#     are worth -532.4 - 242 + 330 + 444.4 = 0 on Y3: LN = 10% (the index's own return)
#   PME+: s = (774.4 - 619.2) / 330 = 155.2 / 330; at 10%: -532.4 - 242 + 330 s + 619.2
#     = -774.4 + 155.2 + 619.2 = 0: PME+ = 10%
#   Direct Alpha: sum P_i 1.1**(3 - t) (1 + a)**-t = 1.1**3 sum P_i (1.1 (1 + a))**-t = 0,
#     so 1.1 (1 + a) = 1.2 (the fund's 1 + IRR): a = 1.2 / 1.1 - 1 = 1/11; ln(1 + a) = ln(12/11)
STEADY = IndexSeries(((Y0, D(100)), (Y1, D(110)), (Y2, D(121)), (Y3, D("133.1"))), "steady")

# A bumpy index: 100, 125, 100, 150 (factors to Y3: 1.5 from Y0, 1.2 from Y1, 1.5 from Y2).
#   FV(C) = 400 * 1.5 + 200 * 1.2 = 840; FV(D) = 300 * 1.5 = 450
#   KS-PME = (450 + 619.2) / 840 = 1069.2 / 840 = 1.272857142857...
#   LN: NAV_LN = 840 - 450 = 390, rate r with -400 (1+r)**3 - 200 (1+r)**2 + 300 (1+r) + 390 = 0
#   PME+: s = (840 - 619.2) / 450 = 220.8 / 450; -400 (1+r)**3 - 200 (1+r)**2 + 300 s (1+r)
#     + 619.2 = 0
#   Direct Alpha: -600 (1+a)**3 - 240 (1+a)**2 + 450 (1+a) + 619.2 = 0
# The roots below are from a 50-digit Decimal bisection of those cubics; XIRR (pyxirr's Newton)
# is good to about 1e-10 (and the cubic, of terms near 1000, to about 1e-6).
BUMPY = IndexSeries([(Y3, 150), (Y1, 125), (Y0, 100), (Y2, 100)], "bumpy")


def _args(index: IndexSeries, **changes: object) -> dict:
    return {
        "contributions": CALLS,
        "distributions": DISTRIBUTIONS,
        "nav": NAV,
        "as_of": Y3,
        "index": index,
    } | changes


def _cubic(c3: float, c2: float, c1: float, c0: float, r: float) -> float:
    g = 1 + r
    return c3 * g**3 + c2 * g**2 + c1 * g + c0


def test_the_hand_computed_fund_multiples_and_xirr():
    paid_in = [a for _, a in CALLS]
    assert dpi(distributions=D(300), paid_in=paid_in) == D("0.5")
    assert rvpi(nav=NAV, paid_in=paid_in) == D("1.032")
    assert tvpi(distributions=D(300), nav=NAV, paid_in=paid_in) == D("1.532")
    assert picc(paid_in=paid_in, committed=D(1000)) == D("0.6")
    assert moic(realized=D(300), unrealized=D(450), invested=D(500)) == D("1.5")
    dates = [Y0, Y1, Y2, Y3]
    assert xirr(dates, [D(-400), D(-200), D(300), NAV]) == pytest.approx(0.2, abs=1e-12)


def test_the_hand_computed_fund_against_a_steady_index():
    assert ks_pme(**_args(STEADY)) == D(2373) / D(1936)
    assert long_nickels_pme(**_args(STEADY)) == pytest.approx(0.1, abs=1e-12)
    assert pme_plus(**_args(STEADY)) == pytest.approx(0.1, abs=1e-12)
    alpha, continuous = direct_alpha(**_args(STEADY))
    assert alpha == pytest.approx(1 / 11, abs=1e-12)
    assert continuous == pytest.approx(math.log(12 / 11), abs=1e-12)
    assert index_irr(index=STEADY, start=Y0, end=Y3) == pytest.approx(0.1, abs=1e-12)


def test_the_hand_computed_fund_against_a_bumpy_index():
    assert ks_pme(**_args(BUMPY)) == D("1.272857142857142857142857143")
    ln = long_nickels_pme(**_args(BUMPY))
    assert ln == pytest.approx(0.064646933753199107, abs=1e-9)
    assert _cubic(-400, -200, 300, 390, ln) == pytest.approx(0, abs=1e-6)
    plus = pme_plus(**_args(BUMPY))
    assert plus == pytest.approx(0.10383859494649426, abs=1e-9)
    assert _cubic(-400, -200, 300 * 220.8 / 450, 619.2, plus) == pytest.approx(0, abs=1e-6)
    alpha, continuous = direct_alpha(**_args(BUMPY))
    assert alpha == pytest.approx(0.11104970628763356, abs=1e-9)
    assert _cubic(-600, -240, 450, 619.2, alpha) == pytest.approx(0, abs=1e-6)
    assert continuous == pytest.approx(math.log1p(0.11104970628763356), abs=1e-9)


def test_pme_plus_without_distributions_is_undefined():
    result = pme_plus(**_args(STEADY, distributions=[]))
    assert result == Undefined("no distributions")
    assert ks_pme(**_args(STEADY, distributions=[])) == NAV / D("774.4")


def test_pme_plus_with_a_negative_scale_is_undefined():
    # NAV 800 > FV(C) 774.4: s = (774.4 - 800) / 330 < 0
    result = pme_plus(**_args(STEADY, nav=D(800)))
    assert isinstance(result, Undefined) and "scale is negative" in result.reason


def test_long_nickels_with_a_negative_nav_is_undefined():
    # distributing 1000 on Y2 is worth 1100 on Y3, more than FV(C) = 774.4: NAV_LN < 0
    result = long_nickels_pme(**_args(STEADY, distributions=[(Y2, D(1000))]))
    assert isinstance(result, Undefined) and "negative (-325.60)" in result.reason


def test_no_contributions_is_undefined_everywhere():
    for measure in (ks_pme, long_nickels_pme, pme_plus, direct_alpha):
        assert measure(**_args(STEADY, contributions=[])) == Undefined("no contributions")


def test_a_flow_before_the_first_index_level_is_undefined_naming_the_day():
    late = IndexSeries([(Y1, D(110)), (Y3, D("133.1"))], "late")
    result = ks_pme(**_args(late))
    assert result == Undefined("late: no level on or before 2021-01-01")


def test_a_flow_after_the_as_of_date_is_an_error():
    with pytest.raises(ValueError, match="distribution on 2023-01-01 is after the as-of date"):
        ks_pme(**_args(STEADY, as_of=Y1))


def test_money_must_be_exact():
    with pytest.raises(TypeError, match="money must be Decimal"):
        ks_pme(**_args(STEADY, nav=619.2))


def test_index_series_lookup_and_validation():
    assert BUMPY.levels[0] == (Y0, D(100))  # sorted on construction
    assert BUMPY.level_on(date(2022, 6, 30)) == D(125)  # latest on or before
    assert BUMPY.level_on(datetime(2024, 5, 1, 9)) == D(150)
    with pytest.raises(ValueError, match="bumpy: no level on or before 2020-12-31"):
        BUMPY.level_on(date(2020, 12, 31))
    with pytest.raises(ValueError, match="not positive"):
        IndexSeries([(Y0, D(0))])
    with pytest.raises(ValueError, match="two levels on 2021-01-01"):
        IndexSeries([(Y0, D(1)), (Y0, D(2))])
    series = pd.Series([100.0, 110.5], index=[pd.Timestamp(Y0), pd.Timestamp(Y1)])
    assert IndexSeries(series, "pandas").level_on(Y1) == D("110.5")
    assert IndexSeries({Y0: 1}).name == "index"
    with pytest.raises(ValueError, match="no level"):
        IndexSeries([]).level_on(Y0)
    assert index_irr(index=BUMPY, start=Y1, end=Y1) == Undefined("the period has no length")
