"""The demo deal pipeline, written through the domain functions so that every rule applies.

``load_demo_pipeline`` reads the loaded demo (the two demo funds, the hub firms, their funding
rounds and each fund's first unreversed investment entry per company), plans the pipeline
(``fund.demo_pipeline_plan``, seeded: the same seed gives the same deals on every backend) and
replays it: scorecard weights for the Dalian fund, committee members, meetings, then each deal
through ``fund.pipeline`` (open, moves, passes, holds, a reopening), ``fund.diligence``
(checklists, red flags, scores), ``fund.projection`` and ``fund.committee`` (agenda, votes,
decisions, conditions). Each company the demo funds invested in has a deal that ends
"invested", linked to that investment entry; the others end in every other state. Deal work is
done by the deal's owner (a fund manager). Nothing is dated after ``DEMO_END``.
"""

from __future__ import annotations

import random
from datetime import date

from sqlmodel import Session, SQLModel, col, func, select

from fund.access import Actor
from fund.committee import (
    add_member,
    add_to_agenda,
    cast_vote,
    complete_condition,
    decide,
    schedule_meeting,
)
from fund.demo_fund_facts import DALIAN_FUND, SHENZHEN_FUND
from fund.demo_pipeline_facts import IC_MEMBERS, OWNERS, SHORT, WEIGHTS
from fund.demo_pipeline_model import DealPlan, EntryFact, FirmFact, FundFact, RoundFact, Step
from fund.demo_pipeline_plan import plan_pipeline
from fund.diligence import (
    raise_red_flag,
    resolve_red_flag,
    score,
    set_weights,
    start_checklist,
    update_item,
)
from fund.pipeline import (
    DealCreate,
    hold_deal,
    move_deal,
    open_deal,
    pass_deal,
    reopen_deal,
    resume_deal,
)
from fund.projection import save_projection
from models.fund import Fund
from models.hub import Firm, FundingRound, Hub
from models.ledger import LedgerEntry
from models.pipeline import (
    DdItem,
    DdScore,
    Deal,
    DealStageChange,
    IcAgendaItem,
    IcCondition,
    IcMeeting,
    IcMember,
    IcVote,
    Projection,
    ScoreWeight,
)  # fmt: skip
from models.validation import InputError

# summary field -> table (``fund.demo.DemoSummary`` counts them)
PIPELINE_TABLES: dict[str, type[SQLModel]] = {
    "deals": Deal,
    "deal_stage_changes": DealStageChange,
    "dd_items": DdItem,
    "ic_meetings": IcMeeting,
}
# what ``clear_pipeline`` deletes, children first (the stage history is append-only)
CLEAR_ORDER: tuple[type[SQLModel], ...] = (
    IcVote, IcCondition, IcAgendaItem, IcMeeting, IcMember, DdScore, DdItem, Projection,
    ScoreWeight, Deal,
)  # fmt: skip
HISTORY_REFUSAL = (
    "demo: the database holds {n} deal stage changes and the deal history is append-only (they "
    "cannot be deleted): reload the demo into a fresh database, e.g. delete data/hubfund.db and "
    "run hubfund demo"
)


def read_facts(
    session: Session, held: list[object]
) -> tuple[list[FundFact], list[FirmFact], list[RoundFact], list[EntryFact]]:
    """The demo funds, the firms, their rounds and each demo fund's first unreversed
    investment entry per company (by entry id); the fund and firm rows are added to ``held``."""
    hubs = {h.id: h.name for h in session.exec(select(Hub)).all()}
    rows = session.exec(select(Fund).where(col(Fund.name).in_([DALIAN_FUND, SHENZHEN_FUND])))
    held += rows.all()
    funds = {f.id: FundFact(f.name, hubs[f.hub_id], f.vintage) for f in held}
    held += session.exec(select(Firm).order_by(col(Firm.id))).all()
    firms = [FirmFact(f.id, hubs[f.hub_id], f.sector, f.founded, f.closed_on)
             for f in held if isinstance(f, Firm)]  # fmt: skip
    rounds = [
        RoundFact(r.id or 0, r.firm_id, r.announced, r.stage, r.amount, r.currency)
        for r in session.exec(select(FundingRound).order_by(col(FundingRound.id))).all()
    ]
    query = select(LedgerEntry).where(
        LedgerEntry.entry_type == "investment", col(LedgerEntry.fund_id).in_(list(funds))
    )
    investments = session.exec(query.order_by(col(LedgerEntry.id))).all()
    reversed_ids = set(session.exec(select(LedgerEntry.reverses_id).where(
        col(LedgerEntry.reverses_id).is_not(None))).all())  # fmt: skip
    firsts: dict[tuple[int, int], EntryFact] = {}
    for e in investments:
        if e.reverses_id is None and e.id not in reversed_ids and e.firm_id is not None:
            firsts.setdefault((e.fund_id, e.firm_id), EntryFact(
                e.id or 0, funds[e.fund_id].name, e.firm_id, e.entry_date, e.amount, e.currency,
                e.round_stage, e.ownership, e.post_money, e.funding_round_id,
            ))  # fmt: skip
    return list(funds.values()), firms, rounds, sorted(firsts.values(), key=lambda e: e.id)


def load_demo_pipeline(*, session: Session, seed: int) -> None:
    """Plan the demo pipeline for ``seed`` and write it through the domain functions."""
    # The session's identity map holds rows weakly: the rows the domain functions look up
    # again and again are kept here, so that ``session.get`` finds them without a query.
    held: list[object] = []
    funds, firms, rounds, entries = read_facts(session, held)
    if not funds:
        raise InputError("demo pipeline: the demo funds are not loaded")
    rng = random.Random(f"hubfund demo pipeline {seed}")
    members = {f.name: len(IC_MEMBERS[f.name]) for f in funds}
    plan = plan_pipeline(rng, funds, firms, rounds, entries, members)
    fund_ids = {f.name: f.id for f in held if isinstance(f, Fund)}
    member_ids: dict[str, list[int]] = {}
    meeting_ids: dict[tuple[str, date], int] = {}
    for fund in funds:
        lead = Actor(name=OWNERS[fund.name][0], role="fund_manager")
        fund_id = fund_ids[fund.name] or 0
        if fund.name in WEIGHTS:
            set_weights(session=session, actor=lead, fund_id=fund_id, weights=WEIGHTS[fund.name])
        member_ids[fund.name] = [
            add_member(session=session, actor=lead, fund_id=fund_id, name=name).id
            for name in IC_MEMBERS[fund.name]
        ]
        for day in plan.meetings.get(fund.name, []):
            title = f"{SHORT[fund.name]} investment committee, {day.day} {day:%B %Y}"
            meeting = schedule_meeting(
                session=session, actor=lead, fund_id=fund_id, held_on=day, title=title
            )
            meeting_ids[(fund.name, day)] = meeting.id
    held += [*session.exec(select(IcMember)).all(), *session.exec(select(IcMeeting)).all()]
    for deal in plan.deals:
        _write_deal(session, deal, fund_ids[deal.fund] or 0, member_ids[deal.fund], meeting_ids)


def _write_deal(session: Session, deal: DealPlan, fund_id: int, members: list[int],
                meetings: dict[tuple[str, date], int]) -> None:  # fmt: skip
    actor = Actor(name=deal.owner, role="fund_manager")
    deal_in = DealCreate(
        fund_id=fund_id, firm_id=deal.firm_id, owner=deal.owner, source_channel=deal.channel,
        source_detail=deal.detail, round_sought=deal.round_sought,
        amount_sought=deal.amount_sought, currency=deal.currency, next_step=deal.next_step,
        next_step_on=deal.next_step_on, opened_on=deal.opened_on, is_demo=True,
    )  # fmt: skip
    deal_id = open_deal(session=session, actor=actor, deal_in=deal_in).id
    on_deal = {"session": session, "actor": actor, "deal_id": deal_id}
    items: dict[str, int] = {}
    held: list[object] = [session.get(Deal, deal_id)]  # see ``load_demo_pipeline``
    agenda_item, conditions = 0, []
    for step in deal.steps:
        data, on = step.data, step.on
        match step.kind:
            case "move":
                move_deal(**on_deal, to_stage=data["to"], on=on, note=data["note"],
                          investment_entry_id=data["entry_id"])  # fmt: skip
            case "pass":
                pass_deal(**on_deal, on=on, reason=data["reason"], note=data["note"])
            case "hold":
                hold_deal(**on_deal, on=on, note=data["note"])
            case "resume":
                resume_deal(**on_deal, on=on, note=data["note"])
            case "reopen":
                reopen_deal(**on_deal, on=on, note=data["note"])
            case "dd_start":
                items = {v.title: v.id for v in start_checklist(**on_deal)}
                held += session.exec(select(DdItem).where(DdItem.deal_id == deal_id)).all()
            case "item":
                update_item(session=session, actor=actor, item_id=items[data["title"]],
                            status=data["status"], finding=data["finding"],
                            evidence_url=data["evidence_url"], due_on=data["due_on"])  # fmt: skip
            case "flag":
                raise_red_flag(session=session, actor=actor, item_id=_item(items, step),
                               finding=data["finding"])  # fmt: skip
            case "resolve":
                resolve_red_flag(session=session, actor=actor, item_id=_item(items, step),
                                 how=data["how"], waive=data["waive"])  # fmt: skip
            case "score":
                score(**on_deal, area=data["area"], value=data["value"])
            case "projection":
                save_projection(**on_deal, projection_in=data["input"])
            case "agenda":
                agenda_item = add_to_agenda(session=session, actor=actor, deal_id=deal_id,
                                            meeting_id=meetings[(deal.fund, on)],
                                            proposed_terms=data["terms"]).id  # fmt: skip
                held.append(session.get(IcAgendaItem, agenda_item))
            case "vote":
                cast_vote(session=session, actor=actor, agenda_item_id=agenda_item,
                          member_id=members[data["member"]], vote=data["vote"],
                          note=data["note"])  # fmt: skip
            case "decide":
                decided = decide(session=session, actor=actor, agenda_item_id=agenda_item,
                                 decision=data["decision"], on=on,
                                 conditions=data["conditions"])  # fmt: skip
                conditions = [c.id for c in decided.conditions]
            case "condition":
                complete_condition(session=session, actor=actor,
                                   condition_id=conditions[data["index"]], on=on)  # fmt: skip
            case _:
                raise ValueError(f"demo pipeline: unknown step {step.kind!r}")


def _item(items: dict[str, int], step: Step) -> int:
    return next(i for title, i in items.items() if title.startswith(step.data["prefix"]))


def clear_pipeline(*, session: Session) -> None:
    """Delete every pipeline row (committee, due diligence, deals) through ``session``;
    refused (``InputError``) when deals have a stage history: it cannot be deleted."""
    changes = session.exec(select(func.count()).select_from(DealStageChange)).one()
    if changes:
        raise InputError(HISTORY_REFUSAL.format(n=changes))
    for table in CLEAR_ORDER:
        for row in session.exec(select(table)).all():
            session.delete(row)
        session.flush()
