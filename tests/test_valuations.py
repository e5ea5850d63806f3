"""Valuation marks: the fair-value rule (pure) and recording a mark (refusals write nothing)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from fund.ledger import record_call, record_investment
from fund.positions import Position
from fund.valuations import fair_value, latest_mark, record_valuation, valuation
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Commitment, Fund, Lp
from models.fx import FxRate, MissingFxRate, RateTable
from models.hub import Firm, Hub
from models.ledger_inputs import CapitalCallCreate, InvestmentCreate
from models.validation import InputError
from models.valuation import ValuationMark, ValuationMarkCreate, ValuationMarkPublic

D = Decimal
MANAGER = Actor(name="chen", role="fund_manager")
OPEN = Position(firm_id=7, invested=D("1000.00"), cost_released=D("400.00"), realized=D("500.00"),
                first_investment=date(2020, 2, 1), written_off=False)  # fmt: skip
EXITED = Position(7, D("1000.00"), D("1000.00"), D("1500.00"), date(2020, 2, 1), False)
WRITTEN_OFF = Position(7, D("1000.00"), D("1000.00"), D("0.00"), date(2020, 2, 1), True)
RATES = RateTable([FxRate(on=date(2021, 1, 1), base="USD", quote="CNY", rate=D("6.5"))])


def _mark(on: date, value: str, currency: str = "CNY", *, firm_id: int = 7, mark_id: int = 1,
          recorded: int = 0, method: str = "last round") -> ValuationMarkPublic:  # fmt: skip
    return ValuationMarkPublic(
        id=mark_id, fund_id=1, firm_id=firm_id, valued_on=on, fair_value=D(value),
        currency=currency, method=method,
        recorded_at=datetime(2022, 1, 1, tzinfo=UTC) + timedelta(hours=recorded),
    )  # fmt: skip


def _fv(marks, position=OPEN, on=date(2021, 6, 30), **kwargs):
    return fair_value(marks=marks, position=position, on=on, currency="CNY", **kwargs)


def test_without_a_mark_an_open_holding_is_worth_its_remaining_cost():
    assert _fv([]) == (D("600.00"), "cost")  # 1,000 invested - 400 released


def test_the_latest_mark_on_or_before_the_day_counts():
    marks = [
        _mark(date(2021, 3, 31), "900"),
        _mark(date(2021, 6, 30), "1200", mark_id=2),
        _mark(date(2021, 7, 1), "5000", mark_id=3),
        _mark(date(2021, 6, 30), "1", firm_id=8),
    ]
    assert _fv(marks) == (D("1200"), "last round")
    assert _fv(marks, on=date(2021, 6, 29)) == (D("900"), "last round")
    assert _fv(marks, on=date(2021, 3, 30)) == (D("600.00"), "cost")


def test_a_correction_recorded_later_for_the_same_date_wins():
    marks = [_mark(date(2021, 6, 30), "1300", mark_id=5, recorded=2, method="comparables"),
             _mark(date(2021, 6, 30), "1200", mark_id=9, recorded=1)]  # fmt: skip
    assert _fv(marks) == (D("1300"), "comparables")
    assert latest_mark(marks, firm_id=7, on=date(2021, 6, 30)).id == 5


def test_a_foreign_mark_is_converted_at_the_rate_of_the_day():
    marks = [_mark(date(2021, 1, 1), "100.01", "USD")]
    # 100.01 x 6.5 = 650.065, rounded to the cent half-even like the ledger's conversions
    assert _fv(marks, on=date(2021, 1, 20), rates=RATES) == (D("650.06"), "last round")
    with pytest.raises(MissingFxRate, match="USD/CNY"):
        _fv(marks, on=date(2021, 1, 20))
    with pytest.raises(MissingFxRate, match="2021-06-30"):
        _fv(marks, rates=RATES)  # the only rate is more than 31 days old by June


def test_a_holding_whose_cost_is_all_released_is_worth_nothing_unless_marked_after():
    marks = [_mark(date(2021, 3, 31), "900")]
    closed = date(2021, 5, 1)
    assert _fv(marks, position=EXITED, closed_on=closed) == (D("0.00"), "exited")
    assert _fv(marks, position=WRITTEN_OFF, closed_on=closed) == (D("0.00"), "written off")
    assert _fv([], position=EXITED) == (D("0.00"), "exited")
    later = [*marks, _mark(date(2021, 6, 1), "50", mark_id=2, method="offer")]
    assert _fv(later, position=EXITED, closed_on=closed) == (D("50"), "offer")
    found = valuation(marks=later, position=EXITED, on=date(2021, 6, 30), currency="CNY",
                      closed_on=closed)  # fmt: skip
    assert (found.valued_on, found.mark_id) == (date(2021, 6, 1), 2)


# --- recording ---------------------------------------------------------------------------------


@pytest.fixture
def held(empty_db):
    """A CNY fund (vintage 2020) holding company 1 since 2020-03-01; company 2 not held;
    USD/CNY 7 on 2021-01-01."""
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        fund = Fund(name="Fund", vintage=date(2020, 1, 1), size=D("1000000"), gp="GP")
        lp = Lp(name="City", kind="city investment group")
        firms = [Firm(name_en=f"Co{i}", sector="payments", hub_id=hub.id) for i in (1, 2)]
        s.add_all([fund, lp, *firms])
        s.flush()
        s.add(Commitment(fund_id=fund.id, lp_id=lp.id, amount=D("1000000"),
                         committed_on=date(2020, 1, 1)))  # fmt: skip
        s.add(FxRate(on=date(2021, 1, 1), base="USD", quote="CNY", rate=D("7")))
    with session_scope(empty_db) as s:
        record_call(session=s, actor=MANAGER, call_in=CapitalCallCreate(
            fund_id=fund.id, lp_id=lp.id, entry_date=date(2020, 2, 1), amount="500000",
            currency="CNY"))  # fmt: skip
        record_investment(session=s, actor=MANAGER, investment_in=InvestmentCreate(
            fund_id=fund.id, firm_id=firms[0].id, entry_date=date(2020, 3, 1), amount="300000",
            currency="CNY"))  # fmt: skip
    return empty_db, fund.id, firms[0].id, firms[1].id


def _in(fund_id, firm_id, on=date(2021, 1, 10), currency="USD", value="60000", **extra):
    return ValuationMarkCreate(fund_id=fund_id, firm_id=firm_id, valued_on=on, fair_value=value,
                               currency=currency, method="last round", **extra)  # fmt: skip


def _count(engine, table) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(table)).one()


def test_a_mark_is_recorded_and_audited(held):
    engine, fund_id, firm_id, _ = held
    with session_scope(engine, actor=MANAGER.audit_name) as s:
        mark = record_valuation(session=s, actor=MANAGER,
                                mark_in=_in(fund_id, firm_id, note="series B"))  # fmt: skip
    assert isinstance(mark, ValuationMarkPublic)
    assert (mark.fair_value, mark.currency, mark.valued_on, mark.note) == (
        D("60000.00"),
        "USD",
        date(2021, 1, 10),
        "series B",
    )
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.table_name == "valuation_mark")).one()
    assert audit.actor == "fund_manager:chen" and audit.new_values["fair_value"] == "60000.00"


def _refusals(fund_id, firm_id, other_id):
    tomorrow = date.today() + timedelta(days=1)
    negative = ValuationMarkCreate.model_construct(
        fund_id=fund_id, firm_id=firm_id, valued_on=date(2021, 1, 10), fair_value=D("-1"),
        currency="CNY", method="last round", note=None, is_demo=False)  # fmt: skip
    return {
        "unknown fund": (_in(999, firm_id), "fund_id: 999"),
        "unknown company": (_in(fund_id, 999), "firm_id: 999 is not a known company"),
        "company not held": (_in(fund_id, other_id), "holds no investment in company"),
        "not yet held": (_in(fund_id, firm_id, on=date(2020, 2, 29), currency="CNY"),
                         "holds no investment .* on 2020-02-29"),
        "before the vintage": (_in(fund_id, firm_id, on=date(2019, 12, 31)),
                               "valued_on: 2019-12-31 is before the vintage"),
        "in the future": (_in(fund_id, firm_id, on=tomorrow), "valued_on: .* is in the future"),
        "no rate for the currency": (_in(fund_id, firm_id, currency="EUR"),
                                     "currency: 'EUR': no EUR/CNY rate"),
        "rate too old": (_in(fund_id, firm_id, on=date(2021, 3, 1)),
                         "no USD/CNY rate on or within 31 days before 2021-03-01"),
        "negative value": (negative, "fair_value"),
        "by an analyst": (_in(fund_id, firm_id), "may not record a valuation"),
    }  # fmt: skip


@pytest.mark.parametrize("case", list(_refusals(0, 0, 0)))
def test_refused_marks_write_nothing(held, case):
    engine, fund_id, firm_id, other_id = held
    mark_in, message = _refusals(fund_id, firm_id, other_id)[case]
    actor = Actor(name="zhao", role="analyst") if "analyst" in case else MANAGER
    error = PermissionDenied if "analyst" in case else InputError
    counts = (_count(engine, ValuationMark), _count(engine, AuditLog))
    with pytest.raises(error, match=message), session_scope(engine) as s:
        record_valuation(session=s, actor=actor, mark_in=mark_in)
    assert (_count(engine, ValuationMark), _count(engine, AuditLog)) == counts
