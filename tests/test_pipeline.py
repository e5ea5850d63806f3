"""The deal pipeline's rules: opening deals, every allowed and refused move, history, reopen,
hold and resume, the gates (due diligence, IC approval, a real investment in the ledger), and
that a refusal writes nothing, on every backend."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

import fund.committee as committee
import fund.diligence as diligence
from fund.access import Actor, PermissionDenied
from fund.ledger import record_call, record_investment, reverse_entry
from fund.pipeline import (
    DealCreate,
    DealView,
    Rule,
    RuleBroken,
    deal_history,
    deals,
    deals_frame,
    hold_deal,
    move_deal,
    open_deal,
    pass_deal,
    reopen_deal,
    resume_deal,
)
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Commitment, Fund, Lp
from models.hub import Firm, Hub
from models.ledger_inputs import CapitalCallCreate, InvestmentCreate, ReversalCreate
from models.pipeline import STAGES, Deal, DealStageChange
from models.validation import InputError, check

D = Decimal
MANAGER = Actor(name="chen", role="fund_manager")
OTHER_MANAGER = Actor(name="wang", role="fund_manager")
ANALYST = Actor(name="li", role="analyst")
OPENED = date(2024, 1, 10)


@pytest.fixture
def pipe(empty_db):
    """Two CNY funds (vintage 2020), an LP of the first, and three companies (one with a
    Chinese name only)."""
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        funds = [Fund(name=n, vintage=date(2020, 1, 1), size=D("1000000000"), gp="GP",
                      hub_id=hub.id) for n in ("Dalian IF Fund", "Second Fund")]  # fmt: skip
        lp = Lp(name="Dalian City Investment Group", kind="city investment group")
        firms = [
            Firm(name_en="PayCo", sector="payments", hub_id=hub.id),
            Firm(name_en="LendCo", sector="lending", hub_id=hub.id),
            Firm(name_zh="大连数科", sector="data & AI", hub_id=hub.id),
        ]
        s.add_all([*funds, lp, *firms])
        s.flush()
        s.add(Commitment(fund_id=funds[0].id, lp_id=lp.id, amount=D("600000000"),
                         committed_on=date(2020, 1, 1)))  # fmt: skip
    return SimpleNamespace(
        engine=empty_db, fund=funds[0].id, fund2=funds[1].id, lp=lp.id,
        firm=firms[0].id, firm2=firms[1].id, firm_zh=firms[2].id,
    )  # fmt: skip


def _input(p, firm_id=None, fund_id=None, raw=False, **extra) -> DealCreate:
    """A deal for PayCo in the first fund; ``raw``: not validated (``open_deal`` must)."""
    data = {"fund_id": fund_id or p.fund, "firm_id": firm_id or p.firm, "owner": "chen",
            "source_channel": "referral", "opened_on": OPENED} | extra  # fmt: skip
    return DealCreate.model_construct(**data) if raw else DealCreate(**data)


def _open(p, actor=MANAGER, **kwargs) -> DealView:
    with session_scope(p.engine, actor=actor.audit_name) as s:
        return open_deal(session=s, actor=actor, deal_in=_input(p, **kwargs))


def _do(p, fn, actor=MANAGER, **kwargs) -> DealView:
    with session_scope(p.engine, actor=actor.audit_name) as s:
        return fn(session=s, actor=actor, **kwargs)


def _state(engine) -> tuple:
    """Everything a refusal must leave as it was: deals, stage changes, audit rows."""
    with Session(engine) as s:
        rows = s.exec(select(Deal).order_by(Deal.id)).all()
        counted = [s.exec(select(func.count()).select_from(t)).one()
                   for t in (DealStageChange, AuditLog)]  # fmt: skip
        return [(d.id, d.stage, d.pass_reason, d.investment_entry_id) for d in rows], counted


def _refused(p, fn, error=InputError, actor=MANAGER, **kwargs):
    """Call ``fn``, expect ``error``, commit the session anyway: nothing may have been written."""
    before = _state(p.engine)
    with session_scope(p.engine, actor=actor.audit_name) as s:
        with pytest.raises(error) as caught:
            fn(session=s, actor=actor, **kwargs)
    assert _state(p.engine) == before
    return caught.value


def _deal_at(p, stage: str, *, via: str = "screening", firm_id=None) -> int:
    """A deal put straight into ``stage`` with a consistent history (one move a day from
    OPENED); a passed or on-hold deal went there from ``via``."""
    path = list(STAGES[: STAGES.index(stage if stage in STAGES else via) + 1])
    path += [] if stage in STAGES else [stage]
    with session_scope(p.engine, actor="seed") as s:
        reason = "valuation" if stage == "passed" else None
        deal = Deal(fund_id=p.fund, firm_id=firm_id or p.firm, owner="chen",
                    source_channel="referral", sector="payments", opened_on=OPENED,
                    stage=stage, pass_reason=reason)  # fmt: skip
        s.add(deal)
        s.flush()
        for i, (before, to) in enumerate(zip([None, *path], path, strict=False)):
            s.add(DealStageChange(deal_id=deal.id, from_stage=before, to_stage=to,
                                  moved_on=OPENED + timedelta(days=i), moved_by="seed",
                                  reason="valuation" if to == "passed" else None))  # fmt: skip
    return deal.id


def _investment(p, firm_id=None, fund_id=None, on=date(2024, 2, 1)) -> int:
    with session_scope(p.engine, actor=MANAGER.audit_name) as s:
        entry = record_investment(session=s, actor=MANAGER, investment_in=InvestmentCreate(
            fund_id=fund_id or p.fund, firm_id=firm_id or p.firm, entry_date=on,
            amount="5000000", currency="CNY"))  # fmt: skip
    return entry.id


@pytest.fixture
def gates(monkeypatch):
    """Both gates open unless a test closes one: ``gates.dd`` / ``gates.ic`` are the reasons."""
    state = SimpleNamespace(dd=[], ic=[])
    monkeypatch.setattr(diligence, "dd_gate", lambda *, session, deal_id: list(state.dd))
    monkeypatch.setattr(committee, "ic_gate", lambda *, session, deal_id: list(state.ic))
    return state


# --- opening ------------------------------------------------------------------------------


def test_open_deal_writes_the_deal_and_its_first_move(pipe):
    view = _open(pipe, round_sought="A", amount_sought="30000000.50", next_step="call CEO",
                 next_step_on=date(2024, 1, 20), source_detail="Fintech festival")  # fmt: skip
    assert (view.fund, view.company, view.stage, view.sector) == (
        "Dalian IF Fund", "PayCo", "sourced", "payments")  # fmt: skip
    assert (view.amount_sought, view.currency, view.round_sought) == (D("30000000.50"), "CNY", "A")
    assert view.days_in_stage == (date.today() - OPENED).days
    assert view.pass_reason is None and view.investment_entry_id is None
    with Session(pipe.engine) as s:
        history = deal_history(session=s, deal_id=view.id)
        audit = s.exec(select(AuditLog).where(AuditLog.table_name == "deal")).one()
    assert [(m.from_stage, m.to_stage, m.moved_on, m.moved_by) for m in history] == [
        (None, "sourced", OPENED, "fund_manager:chen")
    ]
    assert audit.actor == "fund_manager:chen" and audit.new_values["amount_sought"] == "30000000.50"


def test_sector_defaults_to_the_firms_and_a_chinese_name_is_the_company(pipe):
    view = _open(pipe, firm_id=pipe.firm_zh)
    assert (view.company, view.sector) == ("大连数科", "data & AI")
    assert _open(pipe, firm_id=pipe.firm2, sector="regtech").sector == "regtech"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"fund_id": 999}, "fund_id: 999 is not a known fund"),
        ({"firm_id": 999}, "firm_id: 999 is not a known company"),
        ({"source_channel": "cold call"}, "source_channel: 'cold call' is not one of"),
        ({"round_sought": "Z"}, "round_sought: 'Z' is not one of"),
        ({"sector": "gaming"}, "sector: 'gaming' is not one of"),
        ({"amount_sought": "1.234"}, "amount_sought: '1.234' has more than 2 decimal places"),
        ({"amount_sought": "0"}, "amount_sought: '0' is zero or negative"),
        ({"amount_sought": "-5"}, "amount_sought: '-5' is zero or negative"),
        ({"amount_sought": 1.5}, "amount_sought: 1.5 is a float"),
        ({"currency": "XYZ"}, "currency: 'XYZ' is not an ISO 4217 currency code"),
        ({"owner": "  "}, "owner: a deal needs an owner"),
        ({"opened_on": date.today() + timedelta(days=1)}, "is in the future"),
        ({"next_step_on": date(2024, 1, 9)}, "next_step_on: 2024-01-09 is before opened_on "
                                             "2024-01-10 (rule: dates in the wrong order)"),
    ],
)  # fmt: skip
def test_open_deal_refuses_bad_input_naming_field_and_value(pipe, extra, expected):
    deal_in = _input(pipe, raw=True, **extra)
    error = _refused(pipe, open_deal, deal_in=deal_in)
    assert expected in str(error)


def test_deal_create_refuses_through_check_with_the_field_named(pipe):
    data = {"fund_id": pipe.fund, "firm_id": pipe.firm, "owner": "chen", "opened_on": OPENED,
            "source_channel": "referral", "amount_sought": "1.234"}  # fmt: skip
    with pytest.raises(InputError, match=r"^amount_sought: '1.234' has more than 2 decimal"):
        check(DealCreate, data)


def test_a_company_in_an_open_deal_cannot_get_a_second_one_in_the_same_fund(pipe):
    first = _open(pipe)
    error = _refused(pipe, open_deal, deal_in=_input(pipe, opened_on=date(2024, 2, 1)))
    assert isinstance(error, RuleBroken) and error.rule == Rule.ONE_OPEN
    assert f"firm_id: PayCo is already in open deal #{first.id} of Dalian IF Fund" in str(error)
    assert _open(pipe, fund_id=pipe.fund2).fund == "Second Fund"  # another fund: fine
    _do(pipe, hold_deal, deal_id=first.id, on=date(2024, 1, 11))
    _refused(pipe, open_deal, deal_in=_input(pipe))  # on hold is still open
    _do(pipe, pass_deal, deal_id=first.id, on=date(2024, 1, 12), reason="valuation")
    assert _open(pipe, opened_on=date(2024, 3, 1)).stage == "sourced"  # passed: a new deal


# --- every move -----------------------------------------------------------------------------

OK = None
MOVES = [
    # (from, to, extra arguments, expected rule or OK)
    ("sourced", "screening", {}, OK),
    ("screening", "due_diligence", {}, OK),
    ("due_diligence", "investment_committee", {}, OK),
    ("investment_committee", "term_sheet", {}, OK),
    ("term_sheet", "invested", {"investment": True}, OK),
    ("screening", "sourced", {"note": "not screened yet"}, OK),
    ("due_diligence", "screening", {"note": "more screening"}, OK),
    ("investment_committee", "due_diligence", {"note": "IC asked for more"}, OK),
    ("term_sheet", "investment_committee", {"note": "terms changed"}, OK),
    *[(s, "passed", {"reason": "valuation"}, OK) for s in (*STAGES[:-1], "on_hold")],
    *[(s, "on_hold", {}, OK) for s in STAGES[:-1]],
    ("on_hold", "screening", {}, OK),  # resumes where it was held (screening)
    ("sourced", "due_diligence", {}, Rule.ONE_STAGE),
    ("sourced", "investment_committee", {}, Rule.ONE_STAGE),
    ("sourced", "invested", {"investment": True}, Rule.ONE_STAGE),
    ("screening", "investment_committee", {}, Rule.ONE_STAGE),
    ("due_diligence", "term_sheet", {}, Rule.ONE_STAGE),
    ("investment_committee", "invested", {"investment": True}, Rule.ONE_STAGE),
    ("due_diligence", "sourced", {"note": "start over"}, Rule.ONE_STAGE),
    ("term_sheet", "screening", {"note": "start over"}, Rule.ONE_STAGE),
    ("screening", "screening", {}, Rule.ONE_STAGE),
    ("screening", "sourced", {}, Rule.BACK_NOTE),
    ("term_sheet", "investment_committee", {"note": "  "}, Rule.BACK_NOTE),
    ("due_diligence", "investment_committee", {"dd": ["3 items still open"]}, Rule.DD_GATE),
    ("investment_committee", "term_sheet", {"ic": ["no decision yet"]}, Rule.IC_GATE),
    ("term_sheet", "invested", {}, Rule.LEDGER_GATE),
    ("invested", "term_sheet", {"note": "undo"}, Rule.INVESTED_FINAL),
    ("invested", "passed", {"reason": "valuation"}, Rule.INVESTED_FINAL),
    ("invested", "on_hold", {}, Rule.INVESTED_FINAL),
    ("passed", "screening", {}, Rule.PASSED_REOPENS),
    ("passed", "passed", {"reason": "team"}, Rule.PASSED_REOPENS),
    ("passed", "on_hold", {}, Rule.PASSED_REOPENS),
    ("on_hold", "due_diligence", {}, Rule.ON_HOLD),
    ("on_hold", "sourced", {"note": "back"}, Rule.ON_HOLD),
    ("on_hold", "on_hold", {}, Rule.ON_HOLD),
    ("screening", "passed", {}, Rule.PASS_REASON),
    ("screening", "passed", {"reason": "bored"}, Rule.PASS_REASON),
]


@pytest.mark.parametrize(("here", "to", "extra", "rule"), MOVES,
                         ids=[f"{h}->{t}-{r or 'ok'}" for h, t, _, r in MOVES])  # fmt: skip
def test_every_move_is_allowed_or_refused_by_its_rule(pipe, gates, here, to, extra, rule):
    extra = dict(extra)
    gates.dd, gates.ic = extra.pop("dd", []), extra.pop("ic", [])
    deal_id = _deal_at(pipe, here)
    if extra.pop("investment", False):
        extra["investment_entry_id"] = _investment(pipe)
    on = date(2024, 3, 1)
    if rule is OK:
        view = _do(pipe, move_deal, deal_id=deal_id, to_stage=to, on=on, **extra)
        assert view.stage == to and view.days_in_stage == (date.today() - on).days
        with Session(pipe.engine) as s:
            last = deal_history(session=s, deal_id=deal_id)[-1]
        assert (last.from_stage, last.to_stage, last.moved_on, last.moved_by) == (
            here, to, on, "fund_manager:chen")  # fmt: skip
        assert (last.note, last.reason) == (extra.get("note"), extra.get("reason"))
    else:
        error = _refused(pipe, move_deal, deal_id=deal_id, to_stage=to, on=on, **extra)
        assert isinstance(error, RuleBroken) and error.rule == rule
        assert f"(rule: {rule})" in str(error)


def test_gate_reasons_are_named_in_the_refusal(pipe, gates):
    gates.dd = ["2 checklist items still open", "1 open red flag"]
    deal_id = _deal_at(pipe, "due_diligence")
    error = _refused(pipe, move_deal, deal_id=deal_id, to_stage="investment_committee",
                     on=date(2024, 3, 1))  # fmt: skip
    assert str(error) == ("to_stage: 2 checklist items still open; 1 open red flag "
                          "(rule: no IC without due diligence completed)")  # fmt: skip


def test_an_unknown_stage_or_deal_or_misplaced_entry_is_refused(pipe):
    deal_id = _deal_at(pipe, "screening")
    on = date(2024, 3, 1)
    error = _refused(pipe, move_deal, deal_id=deal_id, to_stage="closing", on=on)
    assert "to_stage: 'closing' is not one of" in str(error)
    error = _refused(pipe, move_deal, deal_id=999, to_stage="due_diligence", on=on)
    assert str(error) == "deal_id: 999 is not a known deal"
    error = _refused(pipe, move_deal, deal_id=deal_id, to_stage="due_diligence", on=on,
                     investment_entry_id=1)  # fmt: skip
    assert "investment_entry_id: 1 is only for a move to invested" in str(error)
    error = _refused(pipe, pass_deal, deal_id=deal_id, on=on, reason="other", note="x" * 501)
    assert "note: " in str(error) and "longer than 500" in str(error)


# --- dates ----------------------------------------------------------------------------------


def test_moves_are_dated_in_order_and_not_in_the_future(pipe):
    deal_id = _open(pipe).id
    _do(pipe, move_deal, deal_id=deal_id, to_stage="screening", on=date(2024, 2, 1))
    error = _refused(pipe, move_deal, deal_id=deal_id, to_stage="due_diligence",
                     on=date(2024, 1, 31))  # fmt: skip
    assert error.rule == Rule.DATES
    assert "on: 2024-01-31 is before the deal's last move (2024-02-01)" in str(error)
    tomorrow = date.today() + timedelta(days=1)
    error = _refused(pipe, hold_deal, deal_id=deal_id, on=tomorrow)
    assert error.rule == Rule.DATES and f"on: {tomorrow} is in the future" in str(error)
    view = _do(pipe, move_deal, deal_id=deal_id, to_stage="due_diligence", on=date(2024, 2, 1))
    assert view.stage == "due_diligence"  # the same day as the last move is fine


# --- roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "kwargs"),
    [
        (move_deal, {"to_stage": "due_diligence", "on": date(2024, 3, 1)}),
        (pass_deal, {"on": date(2024, 3, 1), "reason": "team"}),
        (hold_deal, {"on": date(2024, 3, 1)}),
        (resume_deal, {"on": date(2024, 3, 1)}),
        (reopen_deal, {"on": date(2024, 3, 1), "note": "new round"}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_an_analyst_may_not_change_the_pipeline(pipe, fn, kwargs):
    deal_id = _deal_at(pipe, "screening")
    error = _refused(pipe, fn, PermissionDenied, actor=ANALYST, deal_id=deal_id, **kwargs)
    assert "Analyst 'li' may not" in str(error)
    error = _refused(pipe, open_deal, PermissionDenied, actor=ANALYST,
                     deal_in=_input(pipe, firm_id=pipe.firm2))  # fmt: skip
    assert "may not open a deal" in str(error)


# --- history, pass, reopen, hold, resume ---------------------------------------------------


def test_history_records_who_moved_the_deal_when_and_why(pipe):
    deal_id = _open(pipe).id
    _do(pipe, move_deal, deal_id=deal_id, to_stage="screening", on=date(2024, 1, 15))
    _do(pipe, move_deal, actor=OTHER_MANAGER, deal_id=deal_id, to_stage="sourced",
        on=date(2024, 1, 16), note="deck missing")  # fmt: skip
    _do(pipe, pass_deal, actor=OTHER_MANAGER, deal_id=deal_id, on=date(2024, 1, 20),
        reason="market too small", note="niche")  # fmt: skip
    with Session(pipe.engine) as s:
        history = deal_history(session=s, deal_id=deal_id)
    assert [(m.from_stage, m.to_stage, m.moved_on, m.moved_by, m.reason, m.note)
            for m in history] == [
        (None, "sourced", OPENED, "fund_manager:chen", None, None),
        ("sourced", "screening", date(2024, 1, 15), "fund_manager:chen", None, None),
        ("screening", "sourced", date(2024, 1, 16), "fund_manager:wang", None, "deck missing"),
        ("sourced", "passed", date(2024, 1, 20), "fund_manager:wang", "market too small",
         "niche"),
    ]  # fmt: skip
    with Session(pipe.engine) as s:
        with pytest.raises(InputError, match="deal_id: 999 is not a known deal"):
            deal_history(session=s, deal_id=999)


def test_pass_keeps_the_reason_and_reopen_returns_to_the_stage_it_was_passed_from(pipe):
    deal_id = _deal_at(pipe, "due_diligence")
    view = _do(pipe, pass_deal, deal_id=deal_id, on=date(2024, 2, 1), reason="valuation",
               note="asks 2x our price")  # fmt: skip
    assert (view.stage, view.pass_reason, view.pass_note) == (
        "passed", "valuation", "asks 2x our price")  # fmt: skip
    error = _refused(pipe, reopen_deal, deal_id=deal_id, on=date(2024, 3, 1), note=" ")
    assert error.rule == Rule.REOPEN_NOTE
    error = _refused(pipe, reopen_deal, deal_id=deal_id, on=date(2024, 1, 31), note="new price")
    assert error.rule == Rule.DATES
    view = _do(pipe, reopen_deal, deal_id=deal_id, on=date(2024, 3, 1), note="new price")
    assert (view.stage, view.pass_reason, view.pass_note) == ("due_diligence", None, None)
    with Session(pipe.engine) as s:
        last = deal_history(session=s, deal_id=deal_id)[-1]
    assert (last.from_stage, last.to_stage, last.note) == ("passed", "due_diligence", "new price")
    error = _refused(pipe, reopen_deal, deal_id=deal_id, on=date(2024, 3, 2), note="again")
    assert error.rule == Rule.PASSED_REOPENS and "is due_diligence, not passed" in str(error)


def test_a_deal_passed_while_on_hold_reopens_where_it_was_held(pipe):
    deal_id = _deal_at(pipe, "investment_committee")
    _do(pipe, hold_deal, deal_id=deal_id, on=date(2024, 2, 1), note="founder ill")
    _do(pipe, pass_deal, deal_id=deal_id, on=date(2024, 3, 1), reason="team")
    view = _do(pipe, reopen_deal, deal_id=deal_id, on=date(2024, 4, 1), note="founder back")
    assert view.stage == "investment_committee"


def test_reopen_is_refused_while_the_company_is_in_another_open_deal(pipe):
    old = _deal_at(pipe, "passed")
    new = _open(pipe, opened_on=date(2024, 2, 1))
    error = _refused(pipe, reopen_deal, deal_id=old, on=date(2024, 3, 1), note="second look")
    assert error.rule == Rule.ONE_OPEN
    assert f"firm_id: PayCo is already in open deal #{new.id} of Dalian IF Fund" in str(error)


def test_hold_and_resume_return_to_the_stage_held_from_without_the_gates_again(pipe, gates):
    deal_id = _deal_at(pipe, "investment_committee")
    view = _do(pipe, hold_deal, deal_id=deal_id, on=date(2024, 2, 1), note="waiting for audit")
    assert view.stage == "on_hold"
    error = _refused(pipe, hold_deal, deal_id=deal_id, on=date(2024, 2, 2))
    assert error.rule == Rule.ON_HOLD
    gates.dd = ["the due-diligence checklist has not been started"]  # not asked on resume
    view = _do(pipe, resume_deal, deal_id=deal_id, on=date(2024, 3, 1), note="audit in")
    assert view.stage == "investment_committee"
    error = _refused(pipe, resume_deal, deal_id=deal_id, on=date(2024, 3, 2))
    assert error.rule == Rule.ON_HOLD and "is investment_committee, not on hold" in str(error)
    with Session(pipe.engine) as s:
        moves = deal_history(session=s, deal_id=deal_id)[-2:]
    assert [(m.from_stage, m.to_stage, m.note) for m in moves] == [
        ("investment_committee", "on_hold", "waiting for audit"),
        ("on_hold", "investment_committee", "audit in"),
    ]


# --- invested needs a real investment -------------------------------------------------------


def test_invested_records_the_investment_entry(pipe):
    deal_id = _deal_at(pipe, "term_sheet")
    entry_id = _investment(pipe)
    view = _do(pipe, move_deal, deal_id=deal_id, to_stage="invested", on=date(2024, 2, 1),
               investment_entry_id=entry_id)  # fmt: skip
    assert (view.stage, view.investment_entry_id) == ("invested", entry_id)
    with Session(pipe.engine) as s:
        assert s.get(Deal, deal_id).investment_entry_id == entry_id


def test_invested_is_refused_without_a_real_unreversed_investment_of_the_firm(pipe):
    with session_scope(pipe.engine, actor=MANAGER.audit_name) as s:
        call = record_call(session=s, actor=MANAGER, call_in=CapitalCallCreate(
            fund_id=pipe.fund, lp_id=pipe.lp, entry_date=date(2024, 1, 5), amount="1000",
            currency="CNY"))  # fmt: skip
    other_firm = _investment(pipe, firm_id=pipe.firm2)
    other_fund = _investment(pipe, fund_id=pipe.fund2)
    reversed_ = _investment(pipe)
    with session_scope(pipe.engine, actor=MANAGER.audit_name) as s:
        reversal = reverse_entry(session=s, actor=MANAGER, reversal_in=ReversalCreate(
            entry_id=reversed_, entry_date=date(2024, 2, 2), memo="wrong amount"))  # fmt: skip
    taken = _investment(pipe)
    _do(pipe, move_deal, deal_id=_deal_at(pipe, "term_sheet", firm_id=pipe.firm), on=OPENED
        + timedelta(days=5), to_stage="invested", investment_entry_id=taken)  # fmt: skip
    deal_id = _deal_at(pipe, "term_sheet")  # the company's next deal, once the first is closed
    cases = {
        None: "names no ledger entry",
        9999: "9999 is not a ledger entry",
        call.id: f"{call.id} is a capital_call entry",
        other_firm: "is an investment of another fund or in another company",
        other_fund: "is an investment of another fund or in another company",
        reversed_: f"{reversed_} was reversed by entry #{reversal.id}",
        reversal.id: f"{reversal.id} is the reversal of entry #{reversed_}",
        taken: "already records the investment of deal #",
    }
    for entry_id, expected in cases.items():
        error = _refused(pipe, move_deal, deal_id=deal_id, to_stage="invested",
                         on=date(2024, 3, 1), investment_entry_id=entry_id)  # fmt: skip
        assert error.rule == Rule.LEDGER_GATE and expected in str(error), entry_id


# --- the real gates (fund.diligence, fund.committee) ----------------------------------------


def test_no_ic_without_due_diligence_completed(pipe):
    deal_id = _deal_at(pipe, "due_diligence")
    on = date(2024, 3, 1)
    args = {"deal_id": deal_id, "to_stage": "investment_committee", "on": on}
    error = _refused(pipe, move_deal, **args)
    assert error.rule == Rule.DD_GATE and "checklist has not been started" in str(error)
    with session_scope(pipe.engine, actor=MANAGER.audit_name) as s:
        items = diligence.start_checklist(session=s, actor=MANAGER, deal_id=deal_id)
        for item in items:
            diligence.update_item(session=s, actor=MANAGER, item_id=item.id, status="done")
        for area in diligence.SCORED_AREAS:
            diligence.score(session=s, actor=MANAGER, deal_id=deal_id, area=area, value=4)
        diligence.raise_red_flag(session=s, actor=MANAGER, item_id=items[0].id,
                                 finding="undisclosed lawsuit")  # fmt: skip
    error = _refused(pipe, move_deal, **args)
    assert error.rule == Rule.DD_GATE and "open red flags" in str(error)
    with session_scope(pipe.engine, actor=MANAGER.audit_name) as s:
        diligence.resolve_red_flag(session=s, actor=MANAGER, item_id=items[0].id,
                                   how="settled, court record seen")  # fmt: skip
    assert _do(pipe, move_deal, **args).stage == "investment_committee"


def test_no_term_sheet_without_an_ic_approval(pipe):
    deal_id = _deal_at(pipe, "investment_committee")
    args = {"deal_id": deal_id, "to_stage": "term_sheet", "on": date(2024, 3, 10)}
    error = _refused(pipe, move_deal, **args)
    assert error.rule == Rule.IC_GATE and "no investment committee decision" in str(error)
    with session_scope(pipe.engine, actor=MANAGER.audit_name) as s:
        member = committee.add_member(session=s, actor=MANAGER, fund_id=pipe.fund, name="Zhao")
        meeting = committee.schedule_meeting(session=s, actor=MANAGER, fund_id=pipe.fund,
                                             held_on=date(2024, 3, 1), title="IC 1")  # fmt: skip
        first = committee.add_to_agenda(session=s, actor=MANAGER, meeting_id=meeting.id,
                                        deal_id=deal_id)  # fmt: skip
        committee.cast_vote(session=s, actor=MANAGER, agenda_item_id=first.id,
                            member_id=member.id, vote="decline")  # fmt: skip
        committee.decide(session=s, actor=MANAGER, agenda_item_id=first.id, decision="decline",
                         on=date(2024, 3, 1))  # fmt: skip
    error = _refused(pipe, move_deal, **args)
    assert error.rule == Rule.IC_GATE and "declined" in str(error)
    with session_scope(pipe.engine, actor=MANAGER.audit_name) as s:
        again = committee.schedule_meeting(session=s, actor=MANAGER, fund_id=pipe.fund,
                                           held_on=date(2024, 3, 5), title="IC 2")  # fmt: skip
        second = committee.add_to_agenda(session=s, actor=MANAGER, meeting_id=again.id,
                                         deal_id=deal_id)  # fmt: skip
        committee.decide(session=s, actor=MANAGER, agenda_item_id=second.id,
                         decision="approve", on=date(2024, 3, 5))  # fmt: skip
    assert _do(pipe, move_deal, **args).stage == "term_sheet"


# --- reading deals --------------------------------------------------------------------------


def test_deals_filter_and_show_the_pipeline_as_of_a_date(pipe):
    a = _open(pipe).id
    b = _open(pipe, firm_id=pipe.firm2, owner="wang", source_channel="event",
              opened_on=date(2024, 2, 1)).id  # fmt: skip
    c = _open(pipe, fund_id=pipe.fund2, opened_on=date(2024, 3, 1)).id
    _do(pipe, move_deal, deal_id=a, to_stage="screening", on=date(2024, 1, 20))
    _do(pipe, pass_deal, deal_id=b, on=date(2024, 2, 10), reason="team", note="no CTO")
    with Session(pipe.engine) as s:
        everything = deals(session=s)
        mine = deals(session=s, fund_id=pipe.fund)
        by_owner = deals(session=s, owners=["wang"])
        by_channel = deals(session=s, channels=["referral"], stages=["screening"])
        then = deals(session=s, fund_id=pipe.fund, as_of=date(2024, 2, 5))
        earlier = deals(session=s, fund_id=pipe.fund, as_of=date(2024, 1, 15))
    assert [v.id for v in everything] == [a, b, c] and [v.id for v in mine] == [a, b]
    assert [(v.id, v.stage, v.pass_reason, v.pass_note) for v in by_owner] == [
        (b, "passed", "team", "no CTO")]  # fmt: skip
    assert [v.id for v in by_channel] == [a]
    assert [(v.id, v.stage, v.days_in_stage, v.pass_reason) for v in then] == [
        (a, "screening", 16, None), (b, "sourced", 4, None)]  # fmt: skip
    assert [(v.id, v.stage, v.days_in_stage) for v in earlier] == [(a, "sourced", 5)]


def test_deals_frame_has_a_column_per_view_field(pipe):
    _open(pipe)
    with Session(pipe.engine) as s:
        frame = deals_frame(deals(session=s))
    assert list(frame.columns) == [f.name for f in fields(DealView)]
    assert frame.loc[0, "company"] == "PayCo" and frame.loc[0, "opened_on"] == OPENED
    assert list(deals_frame([]).columns) == list(frame.columns)


@pytest.mark.parametrize(
    ("first_stage", "allowed"),
    [("screening", False), ("passed", True), ("invested", True), ("on_hold", False)],
)
def test_the_database_itself_allows_one_open_deal_per_company(pipe, first_stage, allowed):
    def insert(stage: str) -> None:
        with session_scope(pipe.engine, actor="raw") as s:
            s.add(Deal(fund_id=pipe.fund, firm_id=pipe.firm, owner="chen",
                       source_channel="referral", sector="payments", opened_on=OPENED,
                       stage=stage))  # fmt: skip

    insert(first_stage)
    if allowed:
        insert("sourced")
    else:
        with pytest.raises(sa.exc.IntegrityError):
            insert("sourced")
