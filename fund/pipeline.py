"""The deal pipeline's rules: opening a deal and moving it between stages.

A deal moves forward one stage at a time along ``STAGES`` (back one stage with a note), can be
passed from any open stage (with a reason from ``PASS_REASONS``), put on hold and resumed to the
stage it was held from, and a passed deal reopens (with a note) to the stage it was passed from.
Gates: no IC without due diligence completed (``fund.diligence.dd_gate``), no term sheet without
an IC approval (``fund.committee.ic_gate``), no "invested" without an unreversed investment of
the same fund and company in the ledger. Every refusal is an ``InputError`` (a ``RuleBroken``
names its rule) raised before anything is written; every move appends a ``DealStageChange``.
The reads (``deals``, ``deal_history``, ``DealView``...) live in ``fund.pipeline_analytics``
and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from sqlmodel import Field, Session, SQLModel, col, select

from fund.access import Actor, require, require_fund
from fund.ledger import fund_of
from fund.pipeline_analytics import (
    DealView,
    StageMove,
    company_name,
    deal_history,
    deal_views,
    deals,
    deals_frame,
    stage_changes,
)
from models.fund import Fund
from models.hub import SECTORS, Firm
from models.hub import STAGES as ROUNDS
from models.ledger import LedgerEntry
from models.money import MoneyError, parse_amount, validate_currency
from models.pipeline import ALL_STAGES, PASS_REASONS, SOURCE_CHANNELS, STAGES, Deal, DealStageChange
from models.validation import InputError, check, not_in_future

__all__ = ["CLOSED", "DealCreate", "DealView", "Rule", "RuleBroken", "StageMove", "deal_history",
           "deals", "deals_frame", "hold_deal", "move_deal", "open_deal", "pass_deal",
           "reopen_deal", "resume_deal"]  # fmt: skip
WRITERS = ("fund_manager",)
CLOSED: tuple[str, ...] = ("passed", "invested")


class Rule(StrEnum):
    """The pipeline's rules, as a refusal names them."""

    ONE_STAGE = "forward one stage at a time, no skipping"
    BACK_NOTE = "a move back needs a note"
    DD_GATE = "no IC without due diligence completed"
    IC_GATE = "no term sheet without an IC approval"
    LEDGER_GATE = "no 'invested' without an investment recorded in the ledger"
    INVESTED_FINAL = "an invested deal does not move"
    PASSED_REOPENS = "a passed deal only reopens"
    ON_HOLD = "an on-hold deal only resumes or passes"
    PASS_REASON = "a pass needs a reason from the list"
    REOPEN_NOTE = "reopening needs a note"
    DATES = "dates in the wrong order"
    ONE_OPEN = "one open deal per company in a fund"


class RuleBroken(InputError):
    """A pipeline rule refused the change; ``rule`` names it, and so does the message."""

    def __init__(self, rule: Rule, message: str) -> None:
        super().__init__(f"{message} (rule: {rule})")
        self.rule = rule


def _among(allowed: tuple[str, ...]) -> AfterValidator:
    def one_of(value: str | None) -> str | None:
        if value is not None and value not in allowed:
            raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    return AfterValidator(one_of)


def _money(check_it: Callable[..., Any], field: str) -> Callable[[Any], Any]:
    def checked(value: Any) -> Any:
        try:
            return check_it(value, field=field)
        except MoneyError as exc:  # the field is named once, by ``check``
            raise ValueError(str(exc).removeprefix(f"{field}: ")) from None

    return checked


def _positive(value: object) -> Decimal | None:
    amount = None if value is None else _money(parse_amount, "amount_sought")(value)
    if amount is not None and amount <= 0:
        raise ValueError(f"{value!r} is zero or negative: give a positive amount")
    return amount


def _filled(value: str) -> str:
    if not value.strip():
        raise ValueError("a deal needs an owner")
    return value.strip()


class DealCreate(SQLModel):
    """What a fund manager gives to open a deal (the sector defaults to the firm's)."""

    fund_id: int
    firm_id: int
    owner: Annotated[str, AfterValidator(_filled)] = Field(max_length=120)
    source_channel: Annotated[str, _among(SOURCE_CHANNELS)]
    source_detail: str | None = Field(default=None, max_length=200)
    sector: Annotated[str | None, _among(SECTORS)] = None
    round_sought: Annotated[str | None, _among(ROUNDS)] = None
    amount_sought: Annotated[Decimal | None, BeforeValidator(_positive)] = None
    currency: Annotated[str, AfterValidator(_money(validate_currency, "currency"))] = "CNY"
    next_step: str | None = Field(default=None, max_length=200)
    next_step_on: date | None = None
    opened_on: Annotated[date, AfterValidator(not_in_future)]
    is_demo: bool = False


def _deal(session: Session, deal_id: int) -> Deal:
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise InputError(f"deal_id: {deal_id!r} is not a known deal")
    return deal


def _no_other_open_deal(session: Session, deal: Deal) -> None:
    query = select(Deal.id).where(Deal.fund_id == deal.fund_id, Deal.firm_id == deal.firm_id)
    query = query.where(col(Deal.stage).not_in(CLOSED), col(Deal.id) != (deal.id or 0))
    if (found := session.exec(query.order_by(col(Deal.id))).first()) is not None:
        firm, fund = session.get(Firm, deal.firm_id), session.get(Fund, deal.fund_id)
        where = f"open deal #{found} of {fund.name if fund else deal.fund_id}"
        name = company_name(firm) if firm else deal.firm_id
        raise RuleBroken(Rule.ONE_OPEN, f"firm_id: {name} is already in {where}")


def open_deal(*, session: Session, actor: Actor, deal_in: DealCreate) -> DealView:
    """Open a deal at ``sourced`` (fund managers): the deal and its first stage change."""
    require(actor, *WRITERS, action="open a deal")
    data: DealCreate = check(DealCreate, dict(deal_in))  # validated again
    require_fund(actor, data.fund_id, action="open a deal")
    fund_of(session=session, fund_id=data.fund_id)
    firm = session.get(Firm, data.firm_id)
    if firm is None:
        raise InputError(f"firm_id: {data.firm_id!r} is not a known company")
    if data.next_step_on is not None and data.next_step_on < data.opened_on:
        when = f"{data.next_step_on.isoformat()} is before opened_on {data.opened_on.isoformat()}"
        raise RuleBroken(Rule.DATES, f"next_step_on: {when}")
    deal = Deal.model_validate(data.model_dump() | {"sector": data.sector or firm.sector})
    _no_other_open_deal(session, deal)
    session.add(deal)
    session.flush()
    opening = {"to_stage": "sourced", "moved_on": deal.opened_on, "moved_by": actor.audit_name}
    session.add(DealStageChange(deal_id=deal.id or 0, **opening))
    session.flush()
    return deal_views(session, [deal])[0]


def _came_from(moves: list[DealStageChange], side: str) -> str:
    """The open stage a deal was in before it went to ``side`` (screening when unknown)."""
    for i in range(len(moves) - 1, -1, -1):
        if moves[i].to_stage == side:
            before = moves[i].from_stage
            if before == "on_hold":
                return _came_from(moves[:i], "on_hold")
            return before if before in STAGES[:-1] else "screening"
    return "screening"


def _check_move(deal: Deal, moves: list[DealStageChange], to: str, note: str | None,
                reason: str | None) -> bool:  # fmt: skip
    """Refuse a move the rules forbid; True for a forward move (the gates then apply)."""
    here, name = deal.stage, f"deal #{deal.id}"
    if here == "invested":
        raise RuleBroken(Rule.INVESTED_FINAL, f"to_stage: {name} is invested")
    if here == "passed":
        raise RuleBroken(Rule.PASSED_REOPENS, f"to_stage: {name} was passed; reopen it instead")
    if to == "passed":
        if reason not in PASS_REASONS:
            listed = ", ".join(PASS_REASONS)
            raise RuleBroken(Rule.PASS_REASON, f"reason: {reason!r} is not one of: {listed}")
        return False
    if here == "on_hold":
        if to != (back := _came_from(moves, "on_hold")):
            resumes = f"{name} is on hold: it resumes to {back} or passes, not {to}"
            raise RuleBroken(Rule.ON_HOLD, f"to_stage: {resumes}")
        return False
    if to == "on_hold":
        return False
    step = STAGES.index(to) - STAGES.index(here)
    if step == -1 and not (note and note.strip()):
        raise RuleBroken(Rule.BACK_NOTE, f"note: moving {name} back from {here} to {to}")
    if step not in (1, -1):
        raise RuleBroken(Rule.ONE_STAGE, f"to_stage: {name} cannot move from {here} to {to}")
    return step == 1


def _check_date(moves: list[DealStageChange], on: date) -> None:
    last, today = (moves[-1].moved_on if moves else on), date.today()
    if on < last:
        raise RuleBroken(Rule.DATES, f"on: {on} is before the deal's last move ({last})")
    if on > today:
        raise RuleBroken(Rule.DATES, f"on: {on} is in the future (today is {today})")


def _check_investment(session: Session, deal: Deal, entry_id: int | None) -> None:
    entry = None if entry_id is None else session.get(LedgerEntry, entry_id)
    undo = select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry_id)
    taken = select(Deal.id).where(Deal.investment_entry_id == entry_id, Deal.id != deal.id)
    if entry is None:
        problem = "is not a ledger entry" if entry_id is not None else "names no ledger entry"
    elif entry.reverses_id is not None:
        problem = f"is the reversal of entry #{entry.reverses_id}"
    elif entry.entry_type != "investment":
        problem = f"is a {entry.entry_type} entry, not an investment"
    elif (entry.fund_id, entry.firm_id) != (deal.fund_id, deal.firm_id):
        problem = "is an investment of another fund or in another company"
    elif (reversal := session.exec(undo).first()) is not None:
        problem = f"was reversed by entry #{reversal}"
    elif (other := session.exec(taken).first()) is not None:
        problem = f"already records the investment of deal #{other}"
    else:
        return
    raise RuleBroken(Rule.LEDGER_GATE, f"investment_entry_id: {entry_id!r} {problem}")


def _gate(rule: Rule, blocks: list[Any]) -> None:
    if blocks:
        raise RuleBroken(rule, f"to_stage: {'; '.join(map(str, blocks))}")


def _move(session: Session, actor: Actor, deal_id: int, to: str, on: date,
          note: str | None = None, reason: str | None = None, entry_id: int | None = None,
          *, action: str = "move a deal", reopen: bool = False) -> DealView:  # fmt: skip
    """Check every rule, then append the stage change and update the deal."""
    require(actor, *WRITERS, action=action)
    deal = _deal(session, deal_id)
    require_fund(actor, deal.fund_id, action=action)
    if to not in ALL_STAGES:
        raise InputError(f"to_stage: {to!r} is not one of: {', '.join(ALL_STAGES)}")
    for field, text, most in (("note", note, 500), ("reason", reason, 30)):
        if text is not None and len(text) > most:
            raise InputError(f"{field}: {text[:40]!r}... is longer than {most} characters")
    if entry_id is not None and to != "invested":
        raise InputError(f"investment_entry_id: {entry_id!r} is only for a move to invested")
    moves = stage_changes(session, [deal_id])
    forward = False if reopen else _check_move(deal, moves, to, note, reason)
    _check_date(moves, on)
    if forward and to == "investment_committee":
        from fund.diligence import dd_gate

        _gate(Rule.DD_GATE, dd_gate(session=session, deal_id=deal_id))
    if forward and to == "term_sheet":
        from fund.committee import ic_gate

        _gate(Rule.IC_GATE, ic_gate(session=session, deal_id=deal_id))
    if to == "invested":
        _check_investment(session, deal, entry_id)
    if reopen:
        _no_other_open_deal(session, deal)
    change = {"from_stage": deal.stage, "to_stage": to, "moved_on": on, "reason": reason}
    session.add(DealStageChange(deal_id=deal_id, moved_by=actor.audit_name, note=note, **change))
    deal.pass_reason, deal.pass_note = (reason, note) if to == "passed" else (None, None)
    deal.investment_entry_id = entry_id if to == "invested" else None
    deal.stage = to
    session.add(deal)
    session.flush()
    return deal_views(session, [deal])[0]


def move_deal(
    *, session: Session, actor: Actor, deal_id: int, to_stage: str, on: date,
    note: str | None = None, reason: str | None = None, investment_entry_id: int | None = None,
) -> DealView:  # fmt: skip
    """Move a deal to ``to_stage`` on ``on``, if the rules allow it (see the module)."""
    return _move(session, actor, deal_id, to_stage, on, note, reason, investment_entry_id)


def pass_deal(
    *, session: Session, actor: Actor, deal_id: int, on: date, reason: str, note: str | None = None
) -> DealView:
    """Pass on a deal from any open stage (on hold included), with a reason from the list."""
    return _move(session, actor, deal_id, "passed", on, note, reason, action="pass on a deal")


def hold_deal(
    *, session: Session, actor: Actor, deal_id: int, on: date, note: str | None = None
) -> DealView:
    """Put an open deal on hold (it resumes to the stage it is in now)."""
    return _move(session, actor, deal_id, "on_hold", on, note, action="put a deal on hold")


def resume_deal(
    *, session: Session, actor: Actor, deal_id: int, on: date, note: str | None = None
) -> DealView:
    """Take a deal off hold, back to the stage it was held from."""
    require(actor, *WRITERS, action="resume a deal")
    require_fund(actor, _deal(session, deal_id).fund_id, action="resume a deal")
    if (stage := _deal(session, deal_id).stage) != "on_hold":
        raise RuleBroken(Rule.ON_HOLD, f"deal_id: deal #{deal_id} is {stage}, not on hold")
    back = _came_from(stage_changes(session, [deal_id]), "on_hold")
    return _move(session, actor, deal_id, back, on, note, action="resume a deal")


def reopen_deal(*, session: Session, actor: Actor, deal_id: int, on: date, note: str) -> DealView:
    """Reopen a passed deal, back to the stage it was passed from; a note says why. Refused
    while the company is in another open deal of the fund."""
    require(actor, *WRITERS, action="reopen a deal")
    require_fund(actor, _deal(session, deal_id).fund_id, action="reopen a deal")
    if (stage := _deal(session, deal_id).stage) != "passed":
        raise RuleBroken(Rule.PASSED_REOPENS, f"deal_id: deal #{deal_id} is {stage}, not passed")
    if not (note and note.strip()):
        raise RuleBroken(Rule.REOPEN_NOTE, f"note: reopening deal #{deal_id} needs a reason")
    back = _came_from(stage_changes(session, [deal_id]), "passed")
    return _move(session, actor, deal_id, back, on, note, action="reopen a deal", reopen=True)
