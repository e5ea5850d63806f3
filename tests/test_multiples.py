"""fund.multiples: exact Decimal multiples, named undefined states, properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fund.multiples import dpi, moic, pic, picc, rvpi, tvpi
from fund.results import Undefined

D = Decimal


def test_pic_sums_calls_exactly_including_reversals():
    assert pic([D("400.10"), D("199.90"), D("-100.00"), 100]) == D("600.00")
    assert pic([]) == 0


def test_multiples_of_a_simple_fund():
    # called 400 + 200 = 600 of 1000 committed; distributed 300; NAV 619.20
    assert dpi(distributions=D(300), paid_in=D(600)) == D("0.5")
    assert rvpi(nav=D("619.20"), paid_in=[D(400), D(200)]) == D("1.032")
    assert tvpi(distributions=[D(100), D(200)], nav=D("619.20"), paid_in=D(600)) == D("1.532")
    assert picc(paid_in=D(600), committed=D(1000)) == D("0.6")
    assert moic(realized=D(300), unrealized=D(450), invested=D(500)) == D("1.5")


def test_repeating_decimals_have_28_digits_whatever_the_callers_context():
    import decimal

    with decimal.localcontext(decimal.Context(prec=5)):
        assert dpi(distributions=D(1), paid_in=D(3)) == D("0.3333333333333333333333333333")


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda: dpi(distributions=D(5), paid_in=D(0)), "no paid-in capital"),
        (lambda: rvpi(nav=D(5), paid_in=[]), "no paid-in capital"),
        (lambda: tvpi(distributions=D(5), nav=D(1), paid_in=D(0)), "no paid-in capital"),
        (lambda: picc(paid_in=D(5), committed=D(0)), "no committed capital"),
        (lambda: moic(realized=D(1), unrealized=D(1), invested=D(0)), "no invested capital"),
        (lambda: dpi(distributions=D(5), paid_in=D(-1)), "paid-in capital is negative (-1)"),
    ],
)
def test_a_zero_or_negative_denominator_is_undefined_with_its_reason(call, reason):
    result = call()
    assert isinstance(result, Undefined) and result.reason == reason
    assert not result


@pytest.mark.parametrize("bad", [1.5, [D(1), 2.0], True, "3"])
def test_floats_are_refused_money_is_exact(bad):
    with pytest.raises(TypeError, match="money must be Decimal"):
        dpi(distributions=bad, paid_in=D(10))


AMOUNT = st.decimals(min_value=D("0"), max_value=D("1e12"), places=2)
POSITIVE = st.decimals(min_value=D("0.01"), max_value=D("1e12"), places=2)


@settings(max_examples=300)
@given(d=st.lists(AMOUNT, max_size=12), nav=AMOUNT, paid=st.lists(POSITIVE, min_size=1))
def test_tvpi_is_dpi_plus_rvpi(d, nav, paid):
    total = tvpi(distributions=d, nav=nav, paid_in=paid)
    assert total == dpi(distributions=d, paid_in=paid) + rvpi(nav=nav, paid_in=paid)
    exact = (sum(d, D(0)) + nav) / sum(paid, D(0))
    assert abs(total - exact) <= D("1e-26") * max(D(1), exact)


@settings(max_examples=300)
@given(
    d=st.lists(AMOUNT, max_size=8),
    nav=AMOUNT,
    paid=st.lists(POSITIVE, min_size=1, max_size=8),
    committed=POSITIVE,
    realized=AMOUNT,
    invested=POSITIVE,
    k=st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3).filter(lambda k: k > 0),
)
def test_scaling_every_amount_by_k_leaves_every_multiple_unchanged(
    d, nav, paid, committed, realized, invested, k
):
    def multiples(s: Decimal) -> tuple:
        scaled = [x * s for x in d]
        return (
            dpi(distributions=scaled, paid_in=[x * s for x in paid]),
            rvpi(nav=nav * s, paid_in=[x * s for x in paid]),
            tvpi(distributions=scaled, nav=nav * s, paid_in=[x * s for x in paid]),
            picc(paid_in=[x * s for x in paid], committed=committed * s),
            moic(realized=realized * s, unrealized=nav * s, invested=invested * s),
        )

    assert multiples(k) == multiples(D(1))
