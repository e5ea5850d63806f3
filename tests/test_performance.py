"""Fund performance on a small fund built through the ledger: every figure by hand.

The fund (CNY, vintage 2020-01-01, as of 2021-12-31), with USD/CNY at 8 (2020), 6.25 (spring
2021) and 6.40 (autumn 2021) so that every conversion is exact (1/8 = 0.125, 1/6.25 = 0.16,
1/6.40 = 0.15625):

    2020-01-15  calls: A 1,200,000 + B 800,000 (investment), A 60,000 + B 40,000 (fees)
    2020-01-31  management fee paid 100,000
    2020-02-01  Co1 (payments, stage A): invest 1,000,000 CNY
    2020-03-15  Co2 (lending, seed, Chinese name only): invest 100,000 USD = 800,000 CNY at 8
    2021-03-31  Co1 partial exit: proceeds 900,000, cost released 600,000
    2021-04-15  distributions: A 360,000 + B 240,000 return of capital, A 180,000 + B 120,000 gain
    2021-06-30  Co2 marked at 200,000 USD ("last round")
    2021-09-30  Co1 written off: the remaining 400,000 of cost

A second fund (vintage 2021) calls 500,000 from A on 2021-02-01 and invests 400,000 in Co3
(payments) on 2021-02-15 in its series B round (the stage read from the round), held at cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
import pyxirr
from sqlalchemy import Engine
from sqlmodel import Session

from fund.access import Actor
from fund.ilpa import exit_scenario, ilpa_table
from fund.jcurve import cash_flows_chart_frame, jcurve
from fund.ledger import (
    record_call,
    record_distribution,
    record_fund_payment,
    record_investment,
    record_proceeds,
    record_write_off,
    reverse_entry,
)
from fund.performance import fund_performance, holdings, performance_by
from fund.pme import IndexSeries, direct_alpha, ks_pme, long_nickels_pme, pme_plus
from fund.results import Undefined
from fund.valuations import record_valuation
from models.db import session_scope
from models.fund import Commitment, Fund, Lp
from models.fx import FxRate
from models.hub import Firm, FundingRound, Hub
from models.ledger_inputs import (
    CapitalCallCreate,
    DistributionCreate,
    FundPaymentCreate,
    InvestmentCreate,
    ProceedsCreate,
    ReversalCreate,
    WriteOffCreate,
)
from models.validation import InputError
from models.valuation import BenchmarkIndex, IndexLevel, ValuationMarkCreate

D = Decimal
MANAGER = Actor(name="chen", role="fund_manager")
AS_OF = date(2021, 12, 31)
USD_CNY = {
    date(2020, 1, 10): "8",
    date(2020, 3, 1): "8",
    date(2021, 3, 25): "6.25",
    date(2021, 6, 30): "6.25",
    date(2021, 9, 30): "6.40",
    date(2021, 12, 31): "6.40",
}
INDEX = {date(2020, 1, 15): "100", date(2021, 4, 15): "120", date(2021, 12, 31): "125"}
TOLERANCE = D("1e-12")


@dataclass(frozen=True)
class World:
    engine: Engine
    fund: int
    fund2: int
    lp_a: int
    lp_b: int
    co1: int
    co2: int
    co3: int


def close(value, expected) -> bool:
    """A multiple equal to an exact fraction to 12 places."""
    return not isinstance(value, Undefined) and abs(D(value) - D(expected)) < TOLERANCE


def xirr(flows: list[tuple[date, float]]) -> float:
    """pyxirr's XIRR of the hand-written flows."""
    return pyxirr.xirr([d for d, _ in flows], [a for _, a in flows])


def irr_close(value, flows) -> bool:
    return not isinstance(value, Undefined) and abs(value - xirr(flows)) < 1e-9


def _call(fund, lp, amount, on, category="investment"):
    return CapitalCallCreate(fund_id=fund, lp_id=lp, entry_date=on, amount=amount,
                             currency="CNY", category=category)  # fmt: skip


def _dist(fund, lp, amount, category):
    return DistributionCreate(fund_id=fund, lp_id=lp, entry_date=date(2021, 4, 15),
                              amount=amount, currency="CNY", category=category)  # fmt: skip


def _invest(fund, firm, amount, on, currency="CNY", stage=None, **extra):
    return InvestmentCreate(fund_id=fund, firm_id=firm, entry_date=on, amount=amount,
                            currency=currency, round_stage=stage, **extra)  # fmt: skip


def _seed(s: Session) -> tuple[int, ...]:
    hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
    s.add(hub)
    s.flush()
    fund = Fund(name="Dalian IF Fund", vintage=date(2020, 1, 1), size=D("10000000"), gp="GP")
    fund2 = Fund(name="Dalian IF Fund II", vintage=date(2021, 1, 1), size=D("5000000"), gp="GP")
    lp_a = Lp(name="Dalian City Investment Group", kind="city investment group")
    lp_b = Lp(name="Fintech Partner", kind="fintech partner")
    co1 = Firm(name_en="PayCo", name_zh="支付公司", sector="payments", hub_id=hub.id)
    co2 = Firm(name_zh="链贷科技", sector="lending", hub_id=hub.id)
    co3 = Firm(name_en="PayCo Three", sector="payments", hub_id=hub.id)
    s.add_all([fund, fund2, lp_a, lp_b, co1, co2, co3])
    s.flush()
    s.add_all(
        [
            Commitment(fund_id=fund.id, lp_id=lp_a.id, amount=D("6000000"),
                       committed_on=date(2020, 1, 1)),
            Commitment(fund_id=fund.id, lp_id=lp_b.id, amount=D("4000000"),
                       committed_on=date(2020, 1, 1)),
            Commitment(fund_id=fund2.id, lp_id=lp_a.id, amount=D("2000000"),
                       committed_on=date(2021, 1, 1)),
        ]
    )  # fmt: skip
    series_b = FundingRound(firm_id=co3.id, announced=date(2021, 2, 10), stage="B",
                            amount=D("2000000"), currency="CNY")  # fmt: skip
    s.add(series_b)
    s.add_all(FxRate(on=on, base="USD", quote="CNY", rate=D(r)) for on, r in USD_CNY.items())
    s.add(BenchmarkIndex(code="CSI300TR", name="CSI 300 TR", currency="CNY", source="test"))
    s.add_all(IndexLevel(index_code="CSI300TR", on=on, level=D(v)) for on, v in INDEX.items())
    s.flush()
    ids = (fund, fund2, lp_a, lp_b, co1, co2, co3, series_b)
    return tuple(x.id for x in ids)


@pytest.fixture
def world(empty_db) -> World:
    with session_scope(empty_db, actor="seed") as s:
        fund, fund2, a, b, co1, co2, co3, series_b = _seed(s)
    with session_scope(empty_db, actor=MANAGER.audit_name) as s:
        for lp, amount, category in [
            (a, "1200000", "investment"),
            (b, "800000", "investment"),
            (a, "60000", "management_fee"),
            (b, "40000", "management_fee"),
        ]:
            record_call(session=s, actor=MANAGER,
                        call_in=_call(fund, lp, amount, date(2020, 1, 15), category))  # fmt: skip
        fee = FundPaymentCreate(fund_id=fund, entry_date=date(2020, 1, 31), amount="100000",
                                currency="CNY")  # fmt: skip
        record_fund_payment(session=s, actor=MANAGER, payment_in=fee)
        record_investment(session=s, actor=MANAGER,
                          investment_in=_invest(fund, co1, "1000000", date(2020, 2, 1),
                                                stage="A"))  # fmt: skip
        record_investment(session=s, actor=MANAGER,
                          investment_in=_invest(fund, co2, "100000", date(2020, 3, 15), "USD",
                                                stage="seed"))  # fmt: skip
        record_proceeds(session=s, actor=MANAGER, proceeds_in=ProceedsCreate(
            fund_id=fund, firm_id=co1, entry_date=date(2021, 3, 31), amount="900000",
            currency="CNY", category="partial_exit", cost_released="600000"))  # fmt: skip
        for lp, amount, category in [
            (a, "360000", "return_of_capital"),
            (b, "240000", "return_of_capital"),
            (a, "180000", "gain"),
            (b, "120000", "gain"),
        ]:
            record_distribution(session=s, actor=MANAGER,
                                distribution_in=_dist(fund, lp, amount, category))  # fmt: skip
        record_valuation(session=s, actor=MANAGER, mark_in=ValuationMarkCreate(
            fund_id=fund, firm_id=co2, valued_on=date(2021, 6, 30), fair_value="200000",
            currency="USD", method="last round"))  # fmt: skip
        record_write_off(session=s, actor=MANAGER, write_off_in=WriteOffCreate(
            fund_id=fund, firm_id=co1, entry_date=date(2021, 9, 30)))  # fmt: skip
        # the second fund
        record_call(session=s, actor=MANAGER,
                    call_in=_call(fund2, a, "500000", date(2021, 2, 1)))  # fmt: skip
        # no round_stage: the stage is the round's (B)
        cheque = _invest(fund2, co3, "400000", date(2021, 2, 15), funding_round_id=series_b)
        record_investment(session=s, actor=MANAGER, investment_in=cheque)
    return World(empty_db, fund, fund2, a, b, co1, co2, co3)


def _perf(world: World, **kwargs):
    with Session(world.engine) as s:
        return fund_performance(session=s, fund_id=world.fund, **({"as_of": AS_OF} | kwargs))


GROSS = [  # the fund's view of its companies (CNY), fair value of Co2 on the as-of date
    (date(2020, 2, 1), -1_000_000.0),
    (date(2020, 3, 15), -800_000.0),
    (date(2021, 3, 31), 900_000.0),
    (date(2021, 12, 31), 1_280_000.0),  # Co2: 200,000 USD x 6.40; Co1 written off: 0
]
NET = [  # the LPs' view (CNY): calls, distributions, NAV
    (date(2020, 1, 15), -2_100_000.0),
    (date(2021, 4, 15), 900_000.0),
    (date(2021, 12, 31), 1_480_000.0),
]


def test_fund_performance_by_hand(world):
    perf = _perf(world)
    assert (perf.fund_id, perf.fund, perf.currency, perf.as_of) == (
        world.fund,
        "Dalian IF Fund",
        "CNY",
        AS_OF,
    )
    assert perf.committed == D("10000000.00")  # 6,000,000 + 4,000,000
    assert perf.called == D("2100000.00")  # 1,200,000 + 800,000 + 60,000 + 40,000
    assert perf.distributed == D("900000.00")  # 360,000 + 240,000 + 180,000 + 120,000
    # cash = 2,100,000 calls - 100,000 fee - 1,000,000 - 800,000 invested + 900,000 proceeds
    #        - 900,000 distributed = 200,000
    assert perf.cash == D("200000.00")
    assert perf.holdings_fair_value == D("1280000.00")  # Co2 200,000 USD x 6.40; Co1 0
    assert perf.nav == D("1480000.00")  # 200,000 + 1,280,000
    assert perf.invested == D("1800000.00")  # 1,000,000 + 100,000 USD x 8
    assert perf.realized == D("900000.00")
    assert perf.fees_paid == D("100000.00")
    assert close(perf.dpi, D(900) / D(2100))  # 900,000 / 2,100,000 = 3/7
    assert close(perf.rvpi, D(1480) / D(2100))  # 1,480,000 / 2,100,000
    assert close(perf.tvpi, D(2380) / D(2100))  # (900,000 + 1,480,000) / 2,100,000 = 17/15
    assert close(perf.picc, D("0.21"))  # 2,100,000 / 10,000,000
    assert close(perf.moic, D(2180) / D(1800))  # (900,000 + 1,280,000) / 1,800,000
    assert irr_close(perf.gross_irr, GROSS)
    assert irr_close(perf.net_irr, NET)
    assert perf.pme == {}


def test_each_holding_by_hand(world):
    with Session(world.engine) as s:
        co1, co2 = holdings(session=s, fund_id=world.fund, as_of=AS_OF)
    assert (co1.firm_id, co1.company, co1.sector, co1.stage) == (
        world.co1,
        "PayCo",
        "payments",
        "A",
    )
    assert (co1.first_investment, co1.invested, co1.cost_released, co1.remaining_cost) == (
        date(2020, 2, 1),
        D("1000000.00"),
        D("1000000.00"),
        D("0.00"),
    )  # 600,000 by the partial exit + 400,000 written off
    assert (co1.realized, co1.fair_value, co1.total_value) == (D("900000"), 0, D("900000"))
    assert (co1.valuation_method, co1.valued_on, co1.currency) == ("written off", None, "CNY")
    assert close(co1.moic, D("0.9"))  # 900,000 / 1,000,000
    assert irr_close(co1.irr, [(date(2020, 2, 1), -1e6), (date(2021, 3, 31), 9e5)])
    assert (co2.company, co2.sector, co2.stage, co2.first_investment) == (
        "链贷科技",
        "lending",
        "seed",
        date(2020, 3, 15),
    )
    assert (co2.invested, co2.cost_released, co2.remaining_cost, co2.realized) == (
        D("800000.00"),
        0,
        D("800000.00"),
        0,
    )
    assert (co2.fair_value, co2.valuation_method, co2.valued_on) == (
        D("1280000.00"),
        "last round",
        date(2021, 6, 30),
    )
    assert close(co2.moic, D("1.6"))  # 1,280,000 / 800,000
    assert irr_close(co2.irr, [(date(2020, 3, 15), -8e5), (AS_OF, 1.28e6)])


def test_an_as_of_date_before_a_flow_leaves_it_out(world):
    day = date(2021, 3, 30)  # before the partial exit, the distributions, the mark, the write-off
    perf = _perf(world, as_of=day)
    assert (perf.called, perf.distributed, perf.realized) == (D("2100000.00"), 0, 0)
    # cash 2,100,000 - 100,000 - 1,800,000 = 200,000; both holdings at cost 1,800,000
    assert (perf.cash, perf.holdings_fair_value, perf.nav) == (
        D("200000.00"),
        D("1800000.00"),
        D("2000000.00"),
    )
    assert close(perf.dpi, 0) and close(perf.tvpi, D(2000) / D(2100))
    assert close(perf.moic, 1)  # 1,800,000 / 1,800,000
    assert irr_close(perf.net_irr, [(date(2020, 1, 15), -2.1e6), (day, 2e6)])
    with Session(world.engine) as s:
        found = holdings(session=s, fund_id=world.fund, as_of=day)
    assert [(h.valuation_method, h.fair_value) for h in found] == [
        ("cost", D("1000000.00")),
        ("cost", D("800000.00")),
    ]
    assert close(found[1].moic, 1)
    early = _perf(world, as_of=date(2020, 1, 20))  # calls only: nothing invested yet
    assert isinstance(early.moic, Undefined) and isinstance(early.gross_irr, Undefined)
    assert early.nav == D("2100000.00")


def _everything(world: World) -> tuple:
    with Session(world.engine) as s:
        return (
            fund_performance(session=s, fund_id=world.fund, as_of=AS_OF),
            fund_performance(session=s, fund_id=world.fund, as_of=AS_OF, currency="USD"),
            holdings(session=s, fund_id=world.fund, as_of=AS_OF),
            holdings(session=s, fund_id=world.fund, as_of=AS_OF, currency="USD"),
            jcurve(session=s, fund_id=world.fund, as_of=AS_OF),
            ilpa_table(session=s, fund_id=world.fund, as_of=AS_OF),
        )


def test_reversals_restore_every_metric_in_every_currency(world):
    before = _everything(world)
    with session_scope(world.engine) as s:
        call = record_call(
            session=s,
            actor=MANAGER,
            call_in=_call(world.fund, world.lp_a, "500000", date(2021, 4, 10)),
        )
        cheque = record_investment(session=s, actor=MANAGER,
                                   investment_in=_invest(world.fund, world.co2, "50000",
                                                         date(2021, 7, 1)))  # fmt: skip
    between = _perf(world, as_of=date(2021, 7, 15))
    assert between.called == D("2600000.00") and between.invested == D("1850000.00")
    with session_scope(world.engine) as s:
        for entry, on in ((call, date(2021, 5, 10)), (cheque, date(2021, 12, 20))):
            undo = ReversalCreate(entry_id=entry.id, entry_date=on, memo="keyed twice")
            reverse_entry(session=s, actor=MANAGER, reversal_in=undo)
    # no CNY/USD rate is within 31 days of either reversal's date (2021-05-10, 2021-12-20): each
    # is converted at its entry's date and rate, so every pair nets to exactly nothing
    after = _everything(world)
    for one, other in zip(before, after, strict=True):
        if isinstance(one, pd.DataFrame):
            pd.testing.assert_frame_equal(one, other)
        else:
            assert one == other


def test_reporting_in_usd_converts_each_flow_at_its_date(world):
    perf = _perf(world, currency="USD")
    assert perf.currency == "USD"
    assert perf.committed == D("1562500.00")  # 10,000,000 CNY x 0.15625 (as of 2021-12-31)
    assert perf.called == D("262500.00")  # 2,100,000 CNY x 0.125 (2020-01-15)
    assert perf.distributed == D("144000.00")  # 900,000 x 0.16 (2021-04-15)
    assert perf.invested == D("225000.00")  # 1,000,000 x 0.125 + 100,000 USD
    assert perf.realized == D("144000.00")  # 900,000 x 0.16 (2021-03-31)
    assert perf.fees_paid == D("12500.00")  # 100,000 x 0.125
    assert perf.cash == D("31250.00")  # 200,000 x 0.15625
    assert perf.holdings_fair_value == D("200000.00")  # the 200,000 USD mark, as itself
    assert perf.nav == D("231250.00")
    assert close(perf.dpi, D(144000) / D(262500))
    assert close(perf.tvpi, D(375250) / D(262500))  # (144,000 + 231,250) / 262,500
    assert close(perf.moic, D(344000) / D(225000))  # (144,000 + 200,000) / 225,000
    assert irr_close(perf.gross_irr, [(date(2020, 2, 1), -125000.0), (date(2020, 3, 15), -1e5),
                                      (date(2021, 3, 31), 144000.0), (AS_OF, 2e5)])  # fmt: skip
    assert irr_close(perf.net_irr, [(date(2020, 1, 15), -262500.0),
                                    (date(2021, 4, 15), 144000.0), (AS_OF, 231250.0)])  # fmt: skip
    with Session(world.engine) as s:
        co1, co2 = holdings(session=s, fund_id=world.fund, as_of=AS_OF, currency="USD")
    assert (co1.invested, co1.cost_released, co1.realized) == (
        D("125000"),
        D("125000"),
        D("144000"),
    )
    assert close(co1.moic, D("1.152"))  # 144,000 / 125,000: the yuan rose against the dollar
    assert (co2.invested, co2.fair_value, co2.currency) == (D("100000"), D("200000"), "USD")
    assert close(co2.moic, 2)


def test_a_missing_fx_rate_is_refused_naming_the_pair_and_date(world):
    with pytest.raises(InputError, match=r"no CNY/EUR rate .* 2020-01-15"):
        _perf(world, currency="EUR")
    # in its own currency the fund still needs a rate for its dollar mark on the as-of date
    with pytest.raises(InputError, match=r"no USD/CNY rate .* 2021-11-15"):
        _perf(world, as_of=date(2021, 11, 15))
    with pytest.raises(InputError, match="as_of: 2019-12-31 is before the vintage"):
        _perf(world, as_of=date(2019, 12, 31))
    with pytest.raises(InputError, match=r"as_of: .* is in the future"):
        _perf(world, as_of=date.today() + timedelta(days=1))
    with pytest.raises(InputError, match="fund_id: 999"), Session(world.engine) as s:
        holdings(session=s, fund_id=999, as_of=AS_OF)


def test_the_jcurve_quarter_by_quarter(world):
    with Session(world.engine) as s:
        frame = jcurve(session=s, fund_id=world.fund, as_of=AS_OF)
    assert list(frame["quarter"]) == [f"{y}Q{q}" for y in (2020, 2021) for q in (1, 2, 3, 4)]
    assert frame["quarter_end"].iloc[0] == date(2020, 3, 31)
    assert frame["quarter_end"].iloc[-1] == AS_OF
    assert list(frame["calls"]) == [D(2100000), 0, 0, 0, 0, 0, 0, 0]
    assert list(frame["distributions"]) == [0, 0, 0, 0, 0, D(900000), 0, 0]
    assert list(frame["net_cash_flow"]) == [D(-2100000), 0, 0, 0, 0, D(900000), 0, 0]
    assert list(frame["cumulative_net_cash_flow"]) == [D(-2100000)] * 5 + [D(-1200000)] * 3
    # 2020: cash 200,000 + both at cost 1,800,000; 2021Q1: cash 1,100,000 after the proceeds
    # + Co1's remaining 400,000 + Co2 800,000; Q2: cash 200,000 + 400,000 + 200,000 USD x 6.25;
    # Q3 and Q4: cash 200,000 + Co1 written off + 200,000 USD x 6.40
    navs = [2000000] * 4 + [2300000, 1850000, 1480000, 1480000]
    assert list(frame["nav"]) == [D(n) for n in navs]
    first = [(date(2020, 1, 15), -2.1e6), (date(2020, 3, 31), 2e6)]
    assert abs(frame["net_irr"].iloc[0] - xirr(first)) < 1e-9
    assert abs(frame["net_irr"].iloc[-1] - xirr(NET)) < 1e-9
    assert set(frame["irr_note"]) == {""}
    assert frame["net_irr"].dtype == object
    with Session(world.engine) as s:
        partial = jcurve(session=s, fund_id=world.fund, as_of=date(2021, 5, 20))
        bars = cash_flows_chart_frame(session=s, fund_id=world.fund, as_of=AS_OF)
        young = jcurve(session=s, fund_id=world.fund2, as_of=date(2021, 1, 20))
    assert list(partial["quarter_end"])[-2:] == [date(2021, 3, 31), date(2021, 5, 20)]
    assert len(bars) == 16 and set(bars["flow"]) == {"calls", "distributions"}
    assert bars[bars["flow"] == "calls"]["amount"].sum() == -2_100_000.0
    assert bars[bars["flow"] == "distributions"]["amount"].sum() == 900_000.0
    assert list(frame["cash"] + frame["holdings_fair_value"]) == list(frame["nav"])
    assert young["net_irr"].iloc[0] is None and young["irr_note"].iloc[0]


def _ilpa(world: World) -> dict[str, tuple]:
    with Session(world.engine) as s:
        frame = ilpa_table(session=s, fund_id=world.fund, as_of=AS_OF)
    assert list(frame.columns) == ["section", "item", "value", "currency", "note"]
    return {row.item: (row.section, row.value, row.currency) for row in frame.itertuples()}


def test_the_ilpa_table(world):
    rows = _ilpa(world)
    cny = "CNY"
    expected = {
        "Total commitments": ("Commitments", D("10000000"), cny),
        "Unfunded commitment": ("Commitments", D("7900000"), cny),  # 10,000,000 - 2,100,000
        "Capital called for investments": ("Contributions", D("2000000"), cny),
        "Capital called for management fees": ("Contributions", D("100000"), cny),
        "Capital called for fund expenses": ("Contributions", 0, cny),
        "Total contributions (paid-in capital)": ("Contributions", D("2100000"), cny),
        "Return of capital": ("Distributions", D("600000"), cny),
        "Realized gain": ("Distributions", D("300000"), cny),
        "Income (dividends, interest)": ("Distributions", 0, cny),
        "Total distributions": ("Distributions", D("900000"), cny),
        "Management fees paid": ("Fund payments", D("100000"), cny),
        "Carried interest paid": ("Fund payments", 0, cny),
        "Cash held": ("Net asset value", D("200000"), cny),
        "Investments at fair value": ("Net asset value", D("1280000"), cny),
        "Net asset value (NAV)": ("Net asset value", D("1480000"), cny),
    }
    for item, want in expected.items():
        assert rows[item] == want, item
    assert rows["DPI"][0] == "Performance" and rows["DPI"][2] is None
    assert close(rows["DPI"][1], D(900) / D(2100)) and close(rows["RVPI"][1], D(1480) / D(2100))
    assert close(rows["TVPI"][1], D(2380) / D(2100))
    assert abs(rows["Net IRR"][1] - xirr(NET)) < 1e-9
    assert abs(rows["Gross IRR"][1] - xirr(GROSS)) < 1e-9


def _by(world: World, by: str) -> dict[str, dict]:
    with Session(world.engine) as s:
        frame = performance_by(session=s, as_of=AS_OF, by=by)
    return {str(row[by]): row for row in frame.to_dict("records")}


def test_performance_by_vintage_sector_and_stage(world):
    vintage = _by(world, "vintage")
    assert list(vintage) == ["2020", "2021"]
    old, young = vintage["2020"], vintage["2021"]
    assert (old["invested"], old["realized"], old["fair_value"]) == (
        D("1800000"),
        D("900000"),
        D("1280000"),
    )
    assert close(old["moic"], D(2180) / D(1800)) and abs(old["gross_irr"] - xirr(GROSS)) < 1e-9
    assert abs(old["net_irr"] - xirr(NET)) < 1e-9
    assert close(old["dpi"], D(900) / D(2100)) and close(old["tvpi"], D(2380) / D(2100))
    # fund II: called 500,000, invested 400,000 held at cost; NAV = 100,000 cash + 400,000
    assert (young["called"], young["nav"], young["holdings"]) == (D("500000"), D("500000"), 1)
    assert close(young["moic"], 1) and close(young["tvpi"], 1) and close(young["dpi"], 0)
    assert abs(young["gross_irr"]) < 1e-9 and abs(young["net_irr"]) < 1e-9
    sector = _by(world, "sector")
    assert list(sector) == ["lending", "payments"]
    pay = sector["payments"]  # Co1 (fund I) and Co3 (fund II), pooled
    assert (pay["funds"], pay["holdings"], pay["invested"], pay["realized"], pay["fair_value"]) == (
        2,
        2,
        D("1400000"),
        D("900000"),
        D("400000"),
    )
    assert close(pay["moic"], D(1300) / D(1400))  # (900,000 + 400,000) / 1,400,000
    pooled = [(date(2020, 2, 1), -1e6), (date(2021, 2, 15), -4e5), (date(2021, 3, 31), 9e5),
              (AS_OF, 4e5)]  # fmt: skip
    assert abs(pay["gross_irr"] - xirr(pooled)) < 1e-9
    assert close(sector["lending"]["moic"], D("1.6")) and "net_irr" not in sector["lending"]
    stage = _by(world, "stage")
    assert sorted(stage) == ["A", "B", "seed"]
    assert close(stage["A"]["moic"], D("0.9")) and stage["B"]["invested"] == D("400000")
    funds = _by(world, "fund")
    assert funds["Dalian IF Fund"]["called"] == D("2100000")
    holding = _by(world, "holding")
    assert set(holding) == {"Dalian IF Fund / PayCo", "Dalian IF Fund / 链贷科技",
                            "Dalian IF Fund II / PayCo Three"}  # fmt: skip
    with pytest.raises(InputError, match="by: 'district'"), Session(world.engine) as s:
        performance_by(session=s, as_of=AS_OF, by="district")


def test_an_undefined_pooled_metric_is_none_with_its_reason(world):
    with Session(world.engine) as s:
        frame = performance_by(session=s, as_of=date(2021, 1, 20), by="vintage")
    row = frame.iloc[-1]  # fund II on 2021-01-20: nothing called, nothing invested
    assert row["vintage"] == "2021" and row["moic"] is None and row["gross_irr"] is None
    assert "moic:" in row["notes"] and "net_irr:" in row["notes"]


def test_an_exit_scenario(world):
    with Session(world.engine) as s:
        result = exit_scenario(session=s, fund_id=world.fund, firm_id=world.co2,
                               exit_value=D("1600000"), exit_date=date(2022, 6, 30),
                               as_of=AS_OF)  # fmt: skip
    assert (result.company, result.currency, result.holding_fair_value) == (
        "链贷科技",
        "CNY",
        D("1280000"),
    )
    assert close(result.holding_moic, 2)  # 1,600,000 / 800,000
    assert irr_close(result.holding_irr, [(date(2020, 3, 15), -8e5), (date(2022, 6, 30), 1.6e6)])
    assert close(result.fund_moic, D(2500) / D(1800))  # (900,000 + 1,600,000 + Co1's 0) / 1.8m
    sold = [*GROSS[:3], (date(2022, 6, 30), 1.6e6)]
    assert irr_close(result.fund_gross_irr, sold)
    assert close(result.holding_moic_now, D("1.6")) and irr_close(result.fund_gross_irr_now, GROSS)
    with Session(world.engine) as s:
        with pytest.raises(InputError, match="no open position"):
            exit_scenario(session=s, fund_id=world.fund, firm_id=world.co1, exit_value=D(1),
                          exit_date=AS_OF, as_of=AS_OF)  # fmt: skip
        with pytest.raises(InputError, match="exit_date: 2021-12-30"):
            exit_scenario(session=s, fund_id=world.fund, firm_id=world.co2, exit_value=D(1),
                          exit_date=date(2021, 12, 30), as_of=AS_OF)  # fmt: skip


def test_the_pmes_against_a_benchmark_index(world):
    perf = _perf(world, index_code="CSI300TR")
    assert set(perf.pme) == {
        "ks_pme", "long_nickels", "pme_plus", "direct_alpha", "direct_alpha_continuous"
    }  # fmt: skip
    index = IndexSeries([(d, D(v)) for d, v in INDEX.items()])
    args = {
        "contributions": [(date(2020, 1, 15), D("2100000.00"))],
        "distributions": [(date(2021, 4, 15), D("900000.00"))],
        "nav": D("1480000.00"),
        "as_of": AS_OF,
        "index": index,
    }
    assert perf.pme["ks_pme"] == ks_pme(**args)
    assert perf.pme["long_nickels"] == long_nickels_pme(**args)
    assert perf.pme["pme_plus"] == pme_plus(**args)
    assert (perf.pme["direct_alpha"], perf.pme["direct_alpha_continuous"]) == direct_alpha(**args)
    # by hand: FV(C) = 2,100,000 x 125/100 = 2,625,000, FV(D) = 900,000 x 125/120 = 937,500
    assert perf.pme["ks_pme"] == (D("937500") + D("1480000")) / D("2625000")
    with pytest.raises(InputError, match="index_code: 'NOPE'"):
        _perf(world, index_code="NOPE")
