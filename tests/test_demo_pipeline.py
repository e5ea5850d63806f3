"""The demo deal pipeline: counts, every stage, the ledger links, due diligence and committee
history, sources, dates, determinism and reloading (SQLite, and Postgres where one answers)."""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from fund import demo
from fund.access import Actor
from fund.committee import add_member, ic_gate, schedule_meeting
from fund.demo import DEMO_COUNTS, count_rows, load_demo
from fund.demo_facts import DEMO_END
from fund.demo_fund_facts import DALIAN_FUND, SHENZHEN_FUND
from fund.demo_pipeline import read_facts
from fund.demo_pipeline_facts import IC_MEMBERS, OWNERS, WEIGHTS
from fund.demo_pipeline_plan import plan_pipeline
from fund.diligence import dd_gate, scorecard, set_weights
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Fund
from models.hub import Firm, Hub
from models.ledger import LedgerEntry
from models.pipeline import (
    ALL_STAGES,
    PASS_REASONS,
    SOURCE_CHANNELS,
    STAGES,
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
)
from models.validation import InputError

PIPELINE_FIELDS = ("deals", "deal_stage_changes", "dd_items", "ic_meetings")
CHEQUE_KEYS = ("approve", "approve with conditions")


def _load(engine: Engine) -> demo.DemoSummary:
    with session_scope(engine, actor="test") as session:
        return load_demo(session=session)


def _all(session: Session, table):
    return session.exec(select(table).order_by(col(table.id))).all()


def _history(session: Session) -> dict[int, list[DealStageChange]]:
    moves: dict[int, list[DealStageChange]] = defaultdict(list)
    query = select(DealStageChange).order_by(col(DealStageChange.moved_on), col(DealStageChange.id))
    for move in session.exec(query).all():
        moves[move.deal_id].append(move)
    return moves


def _digest(engine: Engine) -> str:
    """The whole pipeline as text, with names for ids (so two databases compare)."""
    with Session(engine) as s:
        funds = {f.id: f.name for f in _all(s, Fund)}
        firms = {f.id: f"{f.name_en}|{f.name_zh}" for f in _all(s, Firm)}
        deals = {d.id: d for d in _all(s, Deal)}
        name = {i: f"{funds[d.fund_id]}|{firms[d.firm_id]}" for i, d in deals.items()}
        entries = {e.id: f"{e.entry_date}|{e.amount}|{e.memo}" for e in _all(s, LedgerEntry)}
        members = {m.id: f"{funds[m.fund_id]}|{m.name}" for m in _all(s, IcMember)}
        meetings = {m.id: f"{funds[m.fund_id]}|{m.held_on}|{m.title}" for m in _all(s, IcMeeting)}
        items = {i.id: i for i in _all(s, IcAgendaItem)}
        parts = [
            f"deal|{name[d.id]}|{d.owner}|{d.source_channel}|{d.source_detail}|{d.sector}|"
            f"{d.round_sought}|{d.amount_sought}|{d.currency}|{d.stage}|{d.next_step}|"
            f"{d.next_step_on}|{d.pass_reason}|{d.pass_note}|{d.opened_on}|{d.is_demo}|"
            f"{entries.get(d.investment_entry_id)}"
            for d in deals.values()
        ]
        parts += [
            f"move|{name[m.deal_id]}|{m.from_stage}|{m.to_stage}|{m.moved_on}|{m.moved_by}|"
            f"{m.reason}|{m.note}"
            for m in _all(s, DealStageChange)
        ]
        parts += [
            f"item|{name[i.deal_id]}|{i.area}|{i.title}|{i.owner}|{i.due_on}|{i.status}|"
            f"{i.finding}|{i.evidence_url}|{i.red_flag}|{i.red_flag_status}|{i.resolution}"
            for i in _all(s, DdItem)
        ]
        parts += [f"score|{name[c.deal_id]}|{c.area}|{c.score}|{c.scored_by}|{c.note}"
                  for c in _all(s, DdScore)]  # fmt: skip
        parts += [f"weight|{funds[w.fund_id]}|{w.area}|{w.weight}" for w in _all(s, ScoreWeight)]
        parts += [
            f"projection|{name[p.deal_id]}|{p.currency}|{p.investment}|{p.ownership}|"
            f"{p.discount_rate}|{p.exit_multiple}|{p.years}"
            for p in _all(s, Projection)
        ]
        parts += [f"member|{m}" for m in members.values()]
        parts += [f"meeting|{m}" for m in meetings.values()]
        parts += [
            f"agenda|{meetings[i.meeting_id]}|{name[i.deal_id]}|{i.decision}|{i.decided_on}|"
            f"{hashlib.sha256(i.memo.encode()).hexdigest()}"
            for i in items.values()
        ]
        parts += [
            f"vote|{name[items[v.agenda_item_id].deal_id]}|{members[v.member_id]}|{v.vote}|{v.note}"
            for v in _all(s, IcVote)
        ]
        parts += [
            f"condition|{name[items[c.agenda_item_id].deal_id]}|{c.text}|{c.done}|{c.done_on}"
            for c in _all(s, IcCondition)
        ]
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


# --- loading (a fresh database per test) -------------------------------------------------------


def test_the_demo_loads_the_documented_pipeline_the_same_on_every_backend(
    demo_db, second_demo_sqlite
):
    with Session(demo_db) as s:
        summary = count_rows(session=s)
    assert summary == DEMO_COUNTS
    assert {k: summary.as_dict()[k] for k in PIPELINE_FIELDS} == {
        "deals": 61, "deal_stage_changes": 290, "dd_items": 1872, "ic_meetings": 34,
    }  # fmt: skip
    assert _digest(demo_db) == _digest(second_demo_sqlite)  # same seed, same pipeline
    with Session(demo_db) as s:
        facts = read_facts(s, [])
    members = {f: len(m) for f, m in IC_MEMBERS.items()}
    first, again = (plan_pipeline(random.Random(7), *facts, members) for _ in "ab")
    assert first == again


def test_replace_is_refused_once_deals_have_a_history(empty_db, monkeypatch):
    real = demo.write_demo_funds  # no ledger: only the deal history blocks the replace

    def without_ledger(*, session, plan, data):
        real(session=session, plan=dataclasses.replace(plan, ops=[]), data=data)

    monkeypatch.setattr(demo, "write_demo_funds", without_ledger)
    loaded = _load(empty_db)
    assert loaded.ledger_entries == 0 and loaded.deals > 20
    with Session(empty_db) as s:
        assert not s.exec(select(Deal).where(Deal.stage == "invested")).all()  # no ledger entry
    with pytest.raises(InputError, match="append-only") as refused:
        with session_scope(empty_db, actor="test") as session:
            load_demo(session=session, replace=True)
    assert "deal stage changes" in str(refused.value) and "fresh database" in str(refused.value)
    with Session(empty_db) as s:
        assert count_rows(session=s) == loaded
        deletes = s.exec(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "delete")
        ).one()
    assert deletes == 0


def test_replace_deletes_committee_and_weights_without_deals(empty_db, monkeypatch):
    real = demo.write_demo_funds

    def without_ledger(*, session, plan, data):
        real(session=session, plan=dataclasses.replace(plan, ops=[]), data=data)

    def committee_only(*, session, seed):  # members, weights and a meeting: rows without deals
        lead = Actor(name="Wang Lei", role="fund_manager")
        fund = session.exec(select(Fund).where(Fund.name == DALIAN_FUND)).one()
        set_weights(session=session, actor=lead, fund_id=fund.id, weights=WEIGHTS[DALIAN_FUND])
        add_member(session=session, actor=lead, fund_id=fund.id, name="Sun Jianguo")
        schedule_meeting(session=session, actor=lead, fund_id=fund.id, held_on=DEMO_END,
                         title="Dalian fund investment committee")  # fmt: skip

    monkeypatch.setattr(demo, "write_demo_funds", without_ledger)
    monkeypatch.setattr(demo, "load_demo_pipeline", committee_only)
    loaded = _load(empty_db)
    assert loaded.ic_meetings == 1
    assert _load_replacing(empty_db) == loaded
    with Session(empty_db) as s:
        assert len(_all(s, ScoreWeight)) == 6 and len(_all(s, IcMember)) == 1


def _load_replacing(engine: Engine) -> demo.DemoSummary:
    with session_scope(engine, actor="test") as session:
        return load_demo(session=session, replace=True)


# --- what the demo pipeline holds (the shared demo database: read only) ------------------------


def test_about_sixty_deals_in_every_stage(demo_db):
    with Session(demo_db) as s:
        deals = _all(s, Deal)
        funds = {f.id: f.name for f in _all(s, Fund)}
    assert 55 <= len(deals) <= 65
    stages = Counter(d.stage for d in deals)
    assert set(stages) == set(ALL_STAGES), stages
    assert all(d.is_demo for d in deals)
    by_fund = Counter(funds[d.fund_id] for d in deals)
    assert set(by_fund) == {DALIAN_FUND, SHENZHEN_FUND} and min(by_fund.values()) >= 15
    for fund, owners in OWNERS.items():
        assert {d.owner for d in deals if funds[d.fund_id] == fund} == set(owners)
        assert 3 <= len(owners) <= 4
    opened = sorted(d.opened_on for d in deals)
    assert opened[-1] <= DEMO_END and opened[len(opened) // 10].year >= 2019


def test_every_invested_company_has_an_invested_deal_linked_to_its_first_investment(demo_db):
    with Session(demo_db) as s:
        deals = _all(s, Deal)
        entries = _all(s, LedgerEntry)
        history = _history(s)
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    live = [e for e in entries if e.entry_type == "investment" and e.reverses_id is None
            and e.id not in reversed_ids]  # fmt: skip
    first: dict[tuple[int, int], LedgerEntry] = {}
    for e in live:
        first.setdefault((e.fund_id, e.firm_id), e)
    invested = [d for d in deals if d.stage == "invested"]
    assert {(d.fund_id, d.firm_id) for d in invested} == set(first)
    assert len(invested) == len(first) >= 25
    by_id = {e.id: e for e in entries}
    for deal in invested:
        entry = by_id[deal.investment_entry_id]
        assert entry.entry_type == "investment" and entry.reverses_id is None
        assert entry.id not in reversed_ids
        assert (entry.fund_id, entry.firm_id) == (deal.fund_id, deal.firm_id)
        assert entry is first[(deal.fund_id, deal.firm_id)]  # the fund's first in the company
        moves = history[deal.id]
        assert [m.to_stage for m in moves] == list(STAGES)  # straight through, one at a time
        assert moves[-1].moved_on == entry.entry_date
        assert timedelta(days=60) <= entry.entry_date - deal.opened_on <= timedelta(days=300)
    # an investment keyed wrongly, reversed and re-recorded: the deal links the re-recorded one
    undone = [by_id[i] for i in reversed_ids if by_id[i].entry_type == "investment"]
    assert undone
    for wrong in undone:
        deal = next(d for d in invested if (d.fund_id, d.firm_id) == (wrong.fund_id, wrong.firm_id))
        assert deal.investment_entry_id != wrong.id
        assert by_id[deal.investment_entry_id].entry_date == wrong.entry_date


def test_deals_that_reached_the_committee_had_a_complete_due_diligence(demo_db):
    with Session(demo_db) as s:
        deals = {d.id: d for d in _all(s, Deal)}
        history = _history(s)
        items = _all(s, IcAgendaItem)
        meetings = {m.id: m for m in _all(s, IcMeeting)}
        reached = [i for i, moves in history.items()
                   if any(m.to_stage == "investment_committee" for m in moves)]  # fmt: skip
        assert len(reached) >= 35
        for deal_id in reached:
            assert dd_gate(session=s, deal_id=deal_id) == []  # checklist done, no open flag
            card = scorecard(session=s, deal_id=deal_id)
            assert card.red_flags_open == 0 and isinstance(card.weighted, Decimal)
            assert all(card.scores[a] is not None for a, w in card.weights.items() if w > 0)
            assert s.exec(select(Projection).where(Projection.deal_id == deal_id)).first()
            agenda = [i for i in items if i.deal_id == deal_id]
            assert len(agenda) == 1 and "Investment committee memo" in agenda[0].memo
            moves = history[deal_id]
            to_ic = next(m.moved_on for m in moves if m.to_stage == "investment_committee")
            assert meetings[agenda[0].meeting_id].held_on >= to_ic
            if any(m.to_stage == "term_sheet" for m in moves):  # past the committee: approved
                assert (
                    agenda[0].decision in CHEQUE_KEYS and ic_gate(session=s, deal_id=deal_id) == []
                )
                to_ts = next(m.moved_on for m in moves if m.to_stage == "term_sheet")
                assert agenda[0].decided_on <= to_ts
            elif deals[deal_id].stage == "investment_committee":  # on the agenda, undecided
                assert agenda[0].decision is None
            else:  # declined, then passed
                assert agenda[0].decision == "decline" and deals[deal_id].stage == "passed"
        flagged = s.exec(select(DdItem).where(DdItem.red_flag)).all()
    statuses = Counter(i.red_flag_status for i in flagged)
    assert statuses["resolved"] and statuses["waived"] and statuses["open"]
    assert all(i.resolution for i in flagged if i.red_flag_status != "open")
    assert all(i.deal_id not in reached for i in flagged if i.red_flag_status == "open")
    decisions = Counter(i.decision for i in items)
    assert decisions["approve"] and decisions["approve with conditions"]
    assert 1 <= decisions["decline"] <= 2 and decisions[None] >= 1


def test_every_history_is_one_stage_at_a_time_and_dated_in_order(demo_db):
    with Session(demo_db) as s:
        deals = _all(s, Deal)
        history = _history(s)
    for deal in deals:
        moves = history[deal.id]
        assert moves[0].from_stage is None and moves[0].to_stage == "sourced"
        assert moves[0].moved_on == deal.opened_on
        days = [m.moved_on for m in moves]
        assert days == sorted(days) and days[-1] <= DEMO_END
        assert moves[-1].to_stage == deal.stage
        assert all(m.moved_by == f"fund_manager:{deal.owner}" for m in moves)
        furthest = max(STAGES.index(m.to_stage) for m in moves if m.to_stage in STAGES)
        assert len(moves) >= furthest + 1 and len(moves) >= (
            STAGES.index(deal.stage) + 1 if deal.stage in STAGES else 2
        )
        for before, after in pairwise(moves):
            assert after.from_stage == before.to_stage
            if before.to_stage in STAGES and after.to_stage in STAGES:  # forward, no skipping
                assert STAGES.index(after.to_stage) - STAGES.index(before.to_stage) == 1


def test_passes_holds_and_a_reopening(demo_db):
    with Session(demo_db) as s:
        deals = _all(s, Deal)
        history = _history(s)
    passed = [d for d in deals if d.stage == "passed"]
    assert len(passed) >= 8
    assert all(d.pass_reason in PASS_REASONS and d.pass_note for d in passed)
    assert len({d.pass_reason for d in passed}) >= 6
    passed_from = {history[d.id][-1].from_stage for d in passed}
    assert {"sourced", "screening", "due_diligence", "investment_committee"} <= passed_from
    held = [d for d in deals if d.stage == "on_hold"]
    assert held and all(d.next_step and d.next_step_on for d in held)
    reopened = [i for i, moves in history.items()
                if any(m.from_stage == "passed" for m in moves)]  # fmt: skip
    assert len(reopened) == 1
    reopening = next(m for m in history[reopened[0]] if m.from_stage == "passed")
    assert reopening.note and reopening.to_stage in STAGES
    resumed = [i for i, moves in history.items() if any(m.from_stage == "on_hold" for m in moves)]
    assert resumed
    still_open = [d for d in deals if d.stage in STAGES[:-1]]
    assert all(d.next_step and d.opened_on <= d.next_step_on <= DEMO_END for d in still_open)


def test_sources_and_companies(demo_db):
    with Session(demo_db) as s:
        deals = _all(s, Deal)
        funds = {f.id: f for f in _all(s, Fund)}
        firms = {f.id: f for f in _all(s, Firm)}
        hubs = {h.id: h.name for h in _all(s, Hub)}
    channels = Counter(d.source_channel for d in deals)
    assert set(channels) == set(SOURCE_CHANNELS) and min(channels.values()) >= 4
    events = {d.source_detail for d in deals if d.source_channel == "event"}
    assert any("Shenzhen Fintech Festival" in e for e in events)
    assert any("Dalian Fintech Week" in e for e in events)
    assert all(d.source_detail for d in deals)
    home = [d for d in deals if firms[d.firm_id].hub_id == funds[d.fund_id].hub_id]
    assert len(home) / len(deals) >= 0.75
    assert len({(d.fund_id, d.firm_id) for d in deals}) == len(deals)
    for deal in deals:
        firm = firms[deal.firm_id]
        assert deal.sector == firm.sector and hubs[firm.hub_id]
        assert firm.founded is None or firm.founded < deal.opened_on


def test_committees_votes_conditions_and_weights(demo_db):
    with Session(demo_db) as s:
        funds = {f.name: f.id for f in _all(s, Fund)}
        members = _all(s, IcMember)
        meetings = {m.id: m for m in _all(s, IcMeeting)}
        items = {i.id: i for i in _all(s, IcAgendaItem)}
        votes = _all(s, IcVote)
        conditions = _all(s, IcCondition)
        weights = _all(s, ScoreWeight)
        items_of = Counter(i.meeting_id for i in items.values())
    for fund, names in IC_MEMBERS.items():
        assert {m.name for m in members if m.fund_id == funds[fund]} == set(names)
        assert 4 <= len(names) <= 5
    assert {w.area: w.weight for w in weights if w.fund_id == funds[DALIAN_FUND]} == (
        WEIGHTS[DALIAN_FUND]
    )
    assert not [w for w in weights if w.fund_id == funds[SHENZHEN_FUND]]  # the defaults
    assert set(items_of) == set(meetings) and max(items_of.values()) >= 2  # shared meetings
    assert all(m.held_on <= DEMO_END for m in meetings.values())
    member_fund = {m.id: m.fund_id for m in members}
    tally: dict[int, Counter] = defaultdict(Counter)
    for vote in votes:
        item = items[vote.agenda_item_id]
        assert member_fund[vote.member_id] == meetings[item.meeting_id].fund_id
        tally[item.id][vote.vote] += 1
    for item in items.values():
        if item.decision is None:
            continue
        assert item.decided_on == meetings[item.meeting_id].held_on
        if item.decision != "decline":  # the majority rule
            assert tally[item.id]["decline"] <= tally[item.id]["approve"]
    assert conditions and any(c.done for c in conditions) and not all(c.done for c in conditions)
    for c in conditions:
        item = items[c.agenda_item_id]
        assert item.decision == "approve with conditions"
        assert not c.done or item.decided_on <= c.done_on <= DEMO_END
