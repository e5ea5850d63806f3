"""Recording the fund's money: every entry type, its refusals, reversals, append-only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from fund.ledger import (
    record_call,
    record_distribution,
    record_fund_payment,
    record_investment,
    record_proceeds,
    record_write_off,
    reverse_entry,
)
from fund.positions import cash_balance, ledger_frame, position_of
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Commitment, Fund, Lp
from models.fx import FxRate
from models.hub import Firm, Hub
from models.ledger import LedgerEntry
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

D = Decimal
MANAGER = Actor(name="chen", role="fund_manager")
VINTAGE = date(2020, 1, 1)


@pytest.fixture
def fund_db(empty_db):
    """A CNY fund (vintage 2020) with a committed LP, an uncommitted one, two companies and a
    USD/CNY rate of 7 in January 2021."""
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        fund = Fund(name="Dalian IF Fund", vintage=VINTAGE, size=D("1000000000"), gp="GP",
                    hub_id=hub.id)  # fmt: skip
        city = Lp(name="Dalian City Investment Group", kind="city investment group")
        outsider = Lp(name="Outsider Bank", kind="bank")
        firms = [Firm(name_en=f"Co{i}", sector="payments", hub_id=hub.id) for i in (1, 2)]
        s.add_all([fund, city, outsider, *firms])
        s.flush()
        s.add(Commitment(fund_id=fund.id, lp_id=city.id, amount=D("600000000"),
                         committed_on=VINTAGE))  # fmt: skip
        s.add(FxRate(on=date(2021, 1, 1), base="USD", quote="CNY", rate=D("7")))
    return empty_db, fund.id, city.id, outsider.id, firms[0].id, firms[1].id


def _call(fund_id, lp_id, amount="1000000", on=date(2020, 6, 30), **extra):
    return CapitalCallCreate(fund_id=fund_id, lp_id=lp_id, entry_date=on, amount=amount,
                             currency="CNY", **extra)  # fmt: skip


def _invest(fund_id, firm_id, amount="400000", on=date(2020, 7, 1), currency="CNY", **extra):
    return InvestmentCreate(fund_id=fund_id, firm_id=firm_id, entry_date=on, amount=amount,
                            currency=currency, **extra)  # fmt: skip


def _count(engine, table=LedgerEntry) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(table)).one()


def test_a_capital_call_is_appended_converted_and_audited(fund_db):
    engine, fund_id, lp_id, *_ = fund_db
    with session_scope(engine, actor=MANAGER.audit_name) as s:
        entry = record_call(
            session=s,
            actor=MANAGER,
            call_in=_call(fund_id, lp_id, "1000000.50", category="management_fee"),
        )
    assert (entry.entry_type, entry.category, entry.amount_fund) == (
        "capital_call",
        "management_fee",
        D("1000000.50"),
    )
    assert entry.recorded_by == "fund_manager:chen"
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.table_name == "ledger_entry")).one()
    assert audit.actor == "fund_manager:chen" and audit.new_values["amount"] == "1000000.50"


def test_a_usd_investment_is_converted_at_the_rate_of_its_date(fund_db):
    engine, fund_id, lp_id, _, firm_id, _ = fund_db
    with session_scope(engine) as s:
        record_call(session=s, actor=MANAGER, call_in=_call(fund_id, lp_id, "10000000"))
        first = record_investment(
            session=s,
            actor=MANAGER,
            investment_in=_invest(
                fund_id, firm_id, "100000", date(2021, 1, 15), "USD", post_money="2000000"
            ),
        )
        second = record_investment(
            session=s,
            actor=MANAGER,
            investment_in=_invest(fund_id, firm_id, "50000", date(2021, 1, 20)),
        )
    assert (first.fx_rate, first.amount_fund, first.ownership) == (D(7), D("700000.00"), D("0.05"))
    assert (first.category, second.category) == ("initial", "follow_on")


def test_exit_releases_the_remaining_cost_and_reversal_restores_everything(fund_db):
    engine, fund_id, lp_id, _, firm_id, _ = fund_db
    with session_scope(engine) as s:
        record_call(session=s, actor=MANAGER, call_in=_call(fund_id, lp_id))
        record_investment(session=s, actor=MANAGER, investment_in=_invest(fund_id, firm_id))
        before = ledger_frame(session=s, fund_ids=[fund_id])
        exit_ = record_proceeds(
            session=s,
            actor=MANAGER,
            proceeds_in=ProceedsCreate(
                fund_id=fund_id,
                firm_id=firm_id,
                entry_date=date(2021, 3, 1),
                amount="900000",
                currency="CNY",
                category="exit",
            ),
        )
        after = ledger_frame(session=s, fund_ids=[fund_id])
        assert exit_.cost_released == D("400000.00")
        assert position_of(after, firm_id).remaining_cost == 0
        assert cash_balance(after) == D("1500000.00")
        reversal = reverse_entry(
            session=s,
            actor=MANAGER,
            reversal_in=ReversalCreate(
                entry_id=exit_.id, entry_date=date(2021, 3, 2), memo="wrong company"
            ),
        )
        restored = ledger_frame(session=s, fund_ids=[fund_id])
    assert (reversal.amount, reversal.reverses_id) == (D("-900000.00"), exit_.id)
    assert cash_balance(restored) == cash_balance(before) == D("600000.00")
    assert position_of(restored, firm_id) == position_of(before, firm_id)


def _refusals(fund_id, lp_id, outsider_id, firm_id, other_firm_id):
    day = date(2020, 8, 1)
    return {
        "distribution above cash": (record_distribution, "distribution_in", DistributionCreate(
            fund_id=fund_id, lp_id=lp_id, entry_date=day, amount="700000", currency="CNY"),
            "more than the 600,000.00 CNY"),
        "before vintage": (record_call, "call_in", _call(fund_id, lp_id, on=date(2019, 12, 31)),
                           "before the vintage"),
        "LP without commitment": (record_call, "call_in", _call(fund_id, outsider_id),
                                  "has no commitment"),
        "missing FX rate": (record_investment, "investment_in",
                            _invest(fund_id, firm_id, currency="USD", on=day),
                            "no USD/CNY rate"),
        "unknown fund": (record_call, "call_in", _call(999, lp_id), "fund_id: 999"),
        "exit of a company not held": (record_proceeds, "proceeds_in", ProceedsCreate(
            fund_id=fund_id, firm_id=other_firm_id, entry_date=day, amount="5", currency="CNY"),
            "holds no cost"),
        "partial exit without cost": (record_proceeds, "proceeds_in", ProceedsCreate(
            fund_id=fund_id, firm_id=firm_id, entry_date=day, amount="5", currency="CNY",
            category="partial_exit"), "states the cost it releases"),
        "write-off above cost": (record_write_off, "write_off_in", WriteOffCreate(
            fund_id=fund_id, firm_id=firm_id, entry_date=day, cost_released="400000.01"),
            "more than the 400,000.00"),
        "fee by an analyst": (record_fund_payment, "payment_in", FundPaymentCreate(
            fund_id=fund_id, entry_date=day, amount="10", currency="CNY"), "may not"),
    }  # fmt: skip


REFUSALS = list(_refusals(0, 0, 0, 0, 0))


@pytest.mark.parametrize("case", REFUSALS)
def test_refused_entries_write_nothing(fund_db, case):
    engine, fund_id, lp_id, outsider_id, firm_id, other_id = fund_db
    with session_scope(engine) as s:
        record_call(session=s, actor=MANAGER, call_in=_call(fund_id, lp_id))
        record_investment(session=s, actor=MANAGER, investment_in=_invest(fund_id, firm_id))
    write, keyword, data, message = _refusals(fund_id, lp_id, outsider_id, firm_id, other_id)[case]
    actor = Actor(name="zhao", role="analyst") if "analyst" in case else MANAGER
    entries, audits = _count(engine), _count(engine, AuditLog)
    error = PermissionDenied if "analyst" in case else InputError
    with pytest.raises(error, match=message), session_scope(engine) as s:
        write(session=s, actor=actor, **{keyword: data})
    assert (_count(engine), _count(engine, AuditLog)) == (entries, audits)


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-5", "zero or negative"), ("0", "zero or negative"), ("1.005", "more than 2 decimal")],
)
def test_amounts_with_the_wrong_sign_or_too_many_decimals_are_refused(amount, message):
    with pytest.raises(ValueError, match=message):
        _call(1, 1, amount)


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="'RMB' is not an ISO 4217"):
        CapitalCallCreate(fund_id=1, lp_id=1, entry_date=VINTAGE, amount="5", currency="RMB")


def test_a_reversal_cannot_be_reversed_nor_an_entry_reversed_twice(fund_db):
    engine, fund_id, lp_id, *_ = fund_db
    with session_scope(engine) as s:
        call = record_call(session=s, actor=MANAGER, call_in=_call(fund_id, lp_id))
        undo = ReversalCreate(entry_id=call.id, entry_date=date(2020, 7, 1), memo="typo")
        reversal = reverse_entry(session=s, actor=MANAGER, reversal_in=undo)
    for entry_id, message in ((reversal.id, "cannot be reversed"), (call.id, "already reversed")):
        again = ReversalCreate(entry_id=entry_id, entry_date=date(2020, 7, 2), memo="again")
        with pytest.raises(InputError, match=message), session_scope(engine) as s:
            reverse_entry(session=s, actor=MANAGER, reversal_in=again)
    assert _count(engine) == 2


@pytest.mark.parametrize(
    "statement", ["UPDATE ledger_entry SET amount_minor = 1", "DELETE FROM ledger_entry"]
)
def test_the_ledger_refuses_raw_update_and_delete(fund_db, statement):
    engine, fund_id, lp_id, *_ = fund_db
    with session_scope(engine) as s:
        record_call(session=s, actor=MANAGER, call_in=_call(fund_id, lp_id))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert _count(engine) == 1
