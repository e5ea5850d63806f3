"""The investment committee: memo content, agenda, votes, decisions, conditions, the gate to the
term sheet, roles, and refusals that write nothing (SQLite and Postgres)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from fund import committee as ic
from fund.access import Actor, PermissionDenied
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Fund
from models.hub import Firm, Hub
from models.pipeline import (
    DdItem,
    DdScore,
    Deal,
    IcAgendaItem,
    IcCondition,
    IcMeeting,
    IcMember,
    IcVote,
    Projection,
    ScoreWeight,
)
from models.validation import InputError

D = Decimal
MANAGER = Actor(name="chen", role="fund_manager")
ADMIN = Actor(name="root", role="admin")
ANALYST = Actor(name="li", role="analyst")
BUREAU = Actor(name="wang", role="bureau")
MEETING_DAY = date(2024, 3, 15)
WEIGHTS = {"team": 30, "market": 20, "product": 20, "financials": 10, "legal": 10, "regulatory": 10}
SCORES = {"team": 4, "market": 3, "product": 5, "financials": 2, "legal": 4, "regulatory": 3}
YEARS = [
    {"year": 2025, "revenue": "1000000", "costs": "1500000"},
    {"year": 2026, "revenue": "3000000", "costs": "2500000"},
    {"year": 2027, "revenue": "6000000", "costs": "4000000"},
]
COMMITTEE_TABLES = (IcMember, IcMeeting, IcAgendaItem, IcVote, IcCondition)


@dataclass
class World:
    engine: Engine
    fund_id: int
    other_fund_id: int
    deal_id: int  # at IC, with DD scores, red flags and a projection
    bare_deal_id: int  # at IC, nothing else
    dd_deal_id: int  # still in due diligence
    other_fund_deal_id: int  # at IC in the other fund
    meeting_id: int
    members: list[int]  # active members of the fund: Ma, Sun, Zhao
    inactive_member_id: int
    other_fund_member_id: int


def _deal(s: Session, fund: Fund, firm: Firm, stage: str = "investment_committee") -> int:
    deal = Deal(
        fund_id=fund.id,
        firm_id=firm.id,
        owner="Chen Jing",
        source_channel="event",
        source_detail="Dalian fintech festival 2023",
        sector="payments",
        round_sought="A",
        amount_sought=D("20000000"),
        currency="CNY",
        stage=stage,
        opened_on=date(2023, 9, 1),
    )
    s.add(deal)
    s.flush()
    assert deal.id is not None
    return deal.id


@pytest.fixture
def world(empty_db) -> World:
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        fund = Fund(
            name="Dalian IF Fund",
            name_zh="大连互联网金融发展基金",
            vintage=date(2020, 1, 1),
            size=D("1000000000"),
            gp="GP",
        )
        other = Fund(name="Shenzhen Fund", vintage=date(2021, 1, 1), size=D("1000000"), gp="GP")
        firms = [
            Firm(
                name_en="Haibei Pay Tech", name_zh="海贝支付科技", sector="payments", hub_id=hub.id
            ),
            Firm(name_en="Bare Co", sector="payments", hub_id=hub.id),
            Firm(name_en="Slow Co", sector="payments", hub_id=hub.id),
            Firm(name_zh="深圳链信", sector="payments", hub_id=hub.id),
        ]
        s.add_all([fund, other, *firms])
        s.flush()
        deal_id = _deal(s, fund, firms[0])
        bare_id = _deal(s, fund, firms[1])
        dd_id = _deal(s, fund, firms[2], stage="due_diligence")
        other_deal_id = _deal(s, other, firms[3])
        s.add_all(ScoreWeight(fund_id=fund.id, area=a, weight=w) for a, w in WEIGHTS.items())
        s.add_all(
            DdScore(deal_id=deal_id, area=a, score=v, scored_by="chen") for a, v in SCORES.items()
        )
        s.add_all(
            [
                DdItem(
                    deal_id=deal_id,
                    area="regulatory",
                    title="Payment licence",
                    status="done",
                    finding="Operates under a partner's licence",
                    red_flag=True,
                    red_flag_status="resolved",
                    resolution="Own licence granted by the PBoC in January 2024",
                ),
                DdItem(
                    deal_id=deal_id,
                    area="legal",
                    title="Founder dispute",
                    status="done",
                    finding="A former co-founder claims 5 %",
                    red_flag=True,
                    red_flag_status="waived",
                    resolution="Claim settled in escrow; counsel sees low risk",
                ),
                DdItem(deal_id=deal_id, area="team", title="References", status="done"),
            ]
        )
        s.add(
            Projection(
                deal_id=deal_id,
                currency="CNY",
                investment=D("2000000"),
                ownership=D("0.20"),
                discount_rate=D("0.12"),
                exit_multiple=D("3"),
                years=YEARS,
            )
        )
        members = [IcMember(fund_id=fund.id, name=n) for n in ("Ma", "Sun", "Zhao")]
        inactive = IcMember(fund_id=fund.id, name="Old", active=False)
        stranger = IcMember(fund_id=other.id, name="Stranger")
        meeting = IcMeeting(fund_id=fund.id, held_on=MEETING_DAY, title="IC 2024-1")
        s.add_all([*members, inactive, stranger, meeting])
        s.flush()
        return World(
            empty_db,
            fund.id,
            other.id,
            deal_id,
            bare_id,
            dd_id,
            other_deal_id,
            meeting.id,
            [m.id for m in members],
            inactive.id,
            stranger.id,
        )


def _run(w: World, fn, /, **kwargs):
    with session_scope(w.engine, actor="test") as s:
        return fn(session=s, **kwargs)


def _item(w: World, deal_id: int | None = None, **kwargs) -> ic.AgendaItemView:
    return _run(
        w,
        ic.add_to_agenda,
        actor=MANAGER,
        meeting_id=w.meeting_id,
        deal_id=deal_id or w.deal_id,
        **kwargs,
    )


def _vote(w: World, item_id: int, member: int, vote: str, note: str | None = None) -> None:
    _run(
        w,
        ic.cast_vote,
        actor=MANAGER,
        agenda_item_id=item_id,
        member_id=member,
        vote=vote,
        note=note,
    )


def _decide(w: World, item_id: int, decision: str, on: date = MEETING_DAY, conditions=()):
    return _run(
        w,
        ic.decide,
        actor=MANAGER,
        agenda_item_id=item_id,
        decision=decision,
        on=on,
        conditions=conditions,
    )


# --- the memo ------------------------------------------------------------------------------


def test_the_memo_has_every_section_and_the_deal_s_figures(world):
    from fund.projection import load_projection, project

    memo = _run(
        world,
        ic.generate_memo,
        deal_id=world.deal_id,
        on=MEETING_DAY,
        proposed_terms="CNY 20m for 12 % post-money; board seat; pro-rata right",
    )
    for heading in (
        "# Investment committee memo: Haibei Pay Tech",
        "## Summary",
        "## Due diligence scorecard",
        "## Red flags",
        "## Projection",
        "## Proposed terms",
    ):
        assert heading in memo
    assert memo.index("## Summary") < memo.index("## Red flags") < memo.index("## Projection")
    # title and summary
    assert "Dalian IF Fund" in memo and "2024-03-15" in memo
    assert "Haibei Pay Tech / 海贝支付科技" in memo
    assert "| Sector | payments |" in memo
    assert "| Source channel | event (Dalian fintech festival 2023) |" in memo
    assert "| Round sought | A |" in memo
    assert "| Amount sought | CNY 20,000,000.00 |" in memo
    assert "| Owner | Chen Jing |" in memo
    # scorecard: area, weight, score; weighted = .3*4 + .2*3 + .2*5 + .1*2 + .1*4 + .1*3 = 3.70
    for area, weight in WEIGHTS.items():
        assert f"| {area} | {weight} % | {SCORES[area]} |" in memo
    assert "**Weighted score:** 3.70 of 5" in memo
    # red flags with how each was closed; a plain item is not a red flag
    assert (
        "- **regulatory: Payment licence**: resolved: "
        "Own licence granted by the PBoC in January 2024" in memo
    )
    assert (
        "- **legal: Founder dispute**: waived: Claim settled in escrow; counsel sees low risk"
        in memo
    )
    assert "References" not in memo
    # projection: the years, and the engine's figures as the memo shows them
    assert "| 2025 | CNY 1,000,000.00 | CNY 1,500,000.00 | CNY -500,000.00 |" in memo
    assert "| 2027 | CNY 6,000,000.00 | CNY 4,000,000.00 | CNY 2,000,000.00 |" in memo
    assert "CNY 18,000,000.00" in memo  # exit value: 3x the last year's revenue of 6m
    assert "**Fund's cheque:** CNY 2,000,000.00 for 20.0 % at exit" in memo
    with Session(world.engine) as s:
        result = project(load_projection(session=s, deal_id=world.deal_id))
    assert f"**NPV** at 12.0 %: CNY {result.npv:,.2f}" in memo
    assert f"**IRR:** {float(result.irr) * 100:.1f} %" in memo
    assert f"**MOIC:** {float(result.moic):.2f}x" in memo
    assert "CNY 20m for 12 % post-money; board seat; pro-rata right" in memo


def test_a_memo_without_dd_or_projection_says_so(world):
    memo = _run(world, ic.generate_memo, deal_id=world.bare_deal_id, on=MEETING_DAY)
    assert "No projection." in memo
    assert "No red flags were raised" in memo
    assert "To be proposed" in memo
    assert "## Due diligence scorecard" in memo and "**Weighted score:**" in memo


def test_an_open_red_flag_shows_as_open(world):
    with session_scope(world.engine) as s:
        s.add(
            DdItem(
                deal_id=world.bare_deal_id,
                area="regulatory",
                title="AML programme",
                red_flag=True,
                red_flag_status="open",
            )
        )
    memo = _run(world, ic.generate_memo, deal_id=world.bare_deal_id, on=MEETING_DAY)
    assert "- **regulatory: AML programme**: open" in memo


def test_a_chinese_only_company_is_titled_by_its_chinese_name(world):
    memo = _run(world, ic.generate_memo, deal_id=world.other_fund_deal_id, on=MEETING_DAY)
    assert memo.startswith("# Investment committee memo: 深圳链信\n")
    assert "| Company | 深圳链信 |" in memo and "Shenzhen Fund" in memo


def test_a_projection_the_engine_cannot_read_is_named_not_fatal(world):
    with session_scope(world.engine) as s:
        s.add(Projection(deal_id=world.bare_deal_id, currency="CNY", investment=D("100"),
                         ownership=D("0.1"), discount_rate=D("0.1"), exit_multiple=D("2"),
                         years=[YEARS[0], YEARS[2]]))  # fmt: skip
    memo = _run(world, ic.generate_memo, deal_id=world.bare_deal_id, on=MEETING_DAY)
    assert "No usable projection: years[1].year: 2027 follows 2025" in memo
    assert "## Proposed terms" in memo


def test_a_memo_longer_than_the_store_allows_is_cut_with_a_note(world):
    long = "x" * 1990
    with session_scope(world.engine) as s:
        s.add_all(DdItem(deal_id=world.bare_deal_id, area="legal", title=f"Claim {i}",
                         finding=long, red_flag=True, red_flag_status="open")
                  for i in range(12))  # fmt: skip
    item = _item(world, deal_id=world.bare_deal_id)
    assert len(item.memo) <= 20000
    assert item.memo.endswith("the full record is on the deal's pages)_\n")


def test_unknown_ids_are_named(world):
    with pytest.raises(InputError, match="deal_id: 9999 is not a known deal"):
        _run(world, ic.generate_memo, deal_id=9999)
    with pytest.raises(InputError, match="fund_id: 9999 is not a known fund"):
        _run(world, ic.meetings, fund_id=9999)
    with pytest.raises(InputError, match="meeting_id: 9999 is not a known committee meeting"):
        _run(world, ic.agenda, meeting_id=9999)
    with pytest.raises(InputError, match="agenda_item_id: 9999 is not a known agenda item"):
        _run(world, ic.agenda_item, agenda_item_id=9999)


def test_the_memo_is_stored_on_the_agenda_edited_and_named_for_download(world):
    item = _item(world, proposed_terms="Series A lead")
    assert item.company == "Haibei Pay Tech" and item.deal_id == world.deal_id
    assert item.memo.startswith("# Investment committee memo: Haibei Pay Tech")
    assert "Series A lead" in item.memo and "2024-03-15" in item.memo
    edited = _run(
        world, ic.edit_memo, actor=MANAGER, agenda_item_id=item.id, memo="# Memo\n\nShorter."
    )
    assert edited.memo == "# Memo\n\nShorter."
    assert ic.memo_filename(edited) == "ic-memo-haibei-pay-tech-2024-03-15.md"
    [shown] = _run(world, ic.agenda, meeting_id=world.meeting_id)
    assert shown.memo == "# Memo\n\nShorter."


def test_memo_filename_falls_back_to_the_deal_for_a_chinese_only_name(world):
    view = ic.AgendaItemView(
        id=1,
        meeting_id=1,
        fund_id=1,
        held_on=date(2024, 1, 2),
        deal_id=42,
        company="深圳链信",
        memo="",
        decision=None,
        decided_on=None,
    )
    assert ic.memo_filename(view) == "ic-memo-deal-42-2024-01-02.md"


@pytest.mark.parametrize(
    ("deal", "message"),
    [
        ("dd_deal_id", r"stage 'due_diligence'.*no IC without due diligence"),
        ("other_fund_deal_id", "belongs to another fund, not Dalian IF Fund"),
    ],
)
def test_only_a_deal_of_the_fund_at_the_ic_stage_goes_on_the_agenda(world, deal, message):
    with pytest.raises(InputError, match=message):
        _item(world, deal_id=getattr(world, deal))


def test_a_deal_goes_once_on_a_meeting_s_agenda(world):
    _item(world)
    with pytest.raises(InputError, match=r"deal_id: \d+ is already on the agenda"):
        _item(world)


# --- members, meetings, votes --------------------------------------------------------------


def test_members_are_unique_per_fund(world):
    added = _run(world, ic.add_member, actor=MANAGER, fund_id=world.fund_id, name=" Qian ")
    assert added.name == "Qian" and added.active
    with pytest.raises(InputError, match="'ma' is already a member of Dalian IF Fund"):
        _run(world, ic.add_member, actor=MANAGER, fund_id=world.fund_id, name="ma")
    # the same name in another fund's committee is another member
    _run(world, ic.add_member, actor=ADMIN, fund_id=world.other_fund_id, name="Ma")
    names = [m.name for m in _run(world, ic.members, fund_id=world.fund_id, active_only=True)]
    assert names == ["Ma", "Qian", "Sun", "Zhao"]


def test_meetings_list_latest_first_with_their_counts(world):
    _run(
        world,
        ic.schedule_meeting,
        actor=MANAGER,
        fund_id=world.fund_id,
        held_on=date(2024, 1, 10),
        title="IC 2024-0",
    )
    item = _item(world)
    _decide(world, item.id, "decline")
    found = _run(world, ic.meetings, fund_id=world.fund_id)
    assert [(m.title, m.items, m.decided) for m in found] == [
        ("IC 2024-1", 1, 1),
        ("IC 2024-0", 0, 0),
    ]
    assert _run(world, ic.meetings, fund_id=world.other_fund_id) == []


def test_votes_are_tallied_on_the_agenda_item(world):
    item = _item(world)
    ma, sun, zhao = world.members
    _vote(world, item.id, ma, "approve", note="strong team")
    _vote(world, item.id, sun, "decline")
    _vote(world, item.id, zhao, "abstain")
    [view] = _run(world, ic.agenda, meeting_id=world.meeting_id)
    assert view.tally == {"approve": 1, "decline": 1, "abstain": 1}
    assert [(v.member, v.vote, v.note) for v in view.votes] == [
        ("Ma", "approve", "strong team"),
        ("Sun", "decline", None),
        ("Zhao", "abstain", None),
    ]


@pytest.mark.parametrize("who", ["other_fund_member_id", "inactive_member_id", 9999])
def test_votes_from_non_members_are_refused(world, who):
    item = _item(world)
    member = who if isinstance(who, int) else getattr(world, who)
    with pytest.raises(InputError, match=rf"member_id: {member} is not a member of Dalian IF"):
        _vote(world, item.id, member, "approve")


def test_a_second_vote_is_refused_not_replaced(world):
    item = _item(world)
    _vote(world, item.id, world.members[0], "approve")
    with pytest.raises(InputError, match=r"Ma .* already voted 'approve'"):
        _vote(world, item.id, world.members[0], "decline")
    view = _run(world, ic.agenda_item, agenda_item_id=item.id)
    assert view.tally["approve"] == 1 and view.tally["decline"] == 0


def test_an_unknown_vote_is_refused(world):
    item = _item(world)
    with pytest.raises(InputError, match="vote: 'yes' is not one of: approve, decline, abstain"):
        _vote(world, item.id, world.members[0], "yes")


def test_no_votes_and_no_memo_edits_after_the_decision(world):
    item = _item(world)
    _decide(world, item.id, "approve")
    with pytest.raises(InputError, match="already decided"):
        _vote(world, item.id, world.members[0], "approve")
    with pytest.raises(InputError, match="already decided"):
        _run(world, ic.edit_memo, actor=MANAGER, agenda_item_id=item.id, memo="late")
    with pytest.raises(InputError, match="already decided"):
        _decide(world, item.id, "decline")


# --- decisions and conditions --------------------------------------------------------------


def test_approval_with_conditions_records_them_and_they_are_completed(world):
    item = _item(world)
    decided = _decide(
        world,
        item.id,
        "approve with conditions",
        on=date(2024, 3, 16),
        conditions=["Own payment licence in force", " Key-person clause "],
    )
    assert decided.decision == "approve with conditions"
    assert decided.decided_on == date(2024, 3, 16)
    assert [(c.text, c.done) for c in decided.conditions] == [
        ("Own payment licence in force", False),
        ("Key-person clause", False),
    ]
    first = decided.conditions[0].id
    with pytest.raises(InputError, match=r"before the decision on 2024-03-16 \(dates in the wrong"):
        _run(world, ic.complete_condition, actor=MANAGER, condition_id=first, on=date(2024, 3, 15))
    done = _run(
        world, ic.complete_condition, actor=MANAGER, condition_id=first, on=date(2024, 4, 1)
    )
    assert done.done and done.done_on == date(2024, 4, 1)
    with pytest.raises(InputError, match="already done on 2024-04-01"):
        _run(world, ic.complete_condition, actor=MANAGER, condition_id=first, on=date(2024, 4, 2))
    view = _run(world, ic.agenda_item, agenda_item_id=item.id)
    assert [c.done for c in view.conditions] == [True, False]


@pytest.mark.parametrize(
    ("decision", "conditions", "message"),
    [
        ("approve with conditions", [], "needs at least one condition"),
        ("approve with conditions", ["  "], "conditions: '  ' is empty"),
        ("approve", ["Board seat"], "'approve' takes no conditions"),
        ("decline", ["Board seat"], "'decline' takes no conditions"),
        ("postpone", [], "decision: 'postpone' is not one of"),
    ],
)
def test_decisions_and_their_conditions_must_agree(world, decision, conditions, message):
    item = _item(world)
    with pytest.raises(InputError, match=message):
        _decide(world, item.id, decision, conditions=conditions)


def test_a_decision_is_not_dated_before_the_meeting(world):
    item = _item(world)
    with pytest.raises(
        InputError,
        match=r"on: 2024-03-14 is before the meeting on 2024-03-15 "
        r"\(dates in the wrong order\)",
    ):
        _decide(world, item.id, "approve", on=date(2024, 3, 14))


@pytest.mark.parametrize("decision", ["approve", "approve with conditions"])
def test_no_approval_when_decline_votes_outnumber_approve_votes(world, decision):
    item = _item(world)
    ma, sun, zhao = world.members
    _vote(world, item.id, ma, "approve")
    _vote(world, item.id, sun, "decline")
    _vote(world, item.id, zhao, "decline")
    conditions = ["x"] if decision == "approve with conditions" else []
    with pytest.raises(InputError, match="majority rule: 2 decline votes outnumber 1 approve"):
        _decide(world, item.id, decision, conditions=conditions)
    assert _decide(world, item.id, "decline").decision == "decline"


def test_the_chair_may_approve_on_a_tie_and_decline_against_approve_votes(world):
    item = _item(world)
    ma, sun, zhao = world.members
    _vote(world, item.id, ma, "approve")
    _vote(world, item.id, sun, "decline")
    _vote(world, item.id, zhao, "abstain")
    assert _decide(world, item.id, "approve").tally == {"approve": 1, "decline": 1, "abstain": 1}
    bare = _item(world, deal_id=world.bare_deal_id)
    _vote(world, bare.id, ma, "approve")
    assert _decide(world, bare.id, "decline").decision == "decline"


# --- the gate to the term sheet ------------------------------------------------------------


def test_ic_gate_needs_an_approval_as_the_latest_decision(world):
    gate = lambda: _run(world, ic.ic_gate, deal_id=world.deal_id)  # noqa: E731
    assert gate() == ["no investment committee decision yet"]
    item = _item(world)
    assert gate() == [
        "no investment committee decision yet (on the agenda of 'IC 2024-1' (2024-03-15))"
    ]
    _decide(world, item.id, "decline", on=date(2024, 3, 15))
    assert gate() == ["the investment committee declined the deal on 2024-03-15 (IC 2024-1)"]
    # brought back to a later meeting and approved with conditions still open: allowed
    later = _run(
        world,
        ic.schedule_meeting,
        actor=MANAGER,
        fund_id=world.fund_id,
        held_on=date(2024, 6, 1),
        title="IC 2024-2",
    )
    again = _run(world, ic.add_to_agenda, actor=MANAGER, meeting_id=later.id, deal_id=world.deal_id)
    _decide(
        world,
        again.id,
        "approve with conditions",
        on=date(2024, 6, 1),
        conditions=["Licence in force"],
    )
    assert gate() == []
    with pytest.raises(InputError, match="deal_id: 9999 is not a known deal"):
        _run(world, ic.ic_gate, deal_id=9999)


def test_ic_gate_passes_a_plain_approval(world):
    item = _item(world, deal_id=world.bare_deal_id)
    _decide(world, item.id, "approve")
    assert _run(world, ic.ic_gate, deal_id=world.bare_deal_id) == []


# --- roles and refusals write nothing ------------------------------------------------------


def _counts(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as s:
        return tuple(
            s.exec(select(func.count()).select_from(t)).one() for t in (*COMMITTEE_TABLES, AuditLog)
        )


def _writes(w: World, item_id: int, condition_id: int, actor: Actor) -> dict:
    return {
        "add_member": (ic.add_member, dict(actor=actor, fund_id=w.fund_id, name="New")),
        "schedule_meeting": (
            ic.schedule_meeting,
            dict(actor=actor, fund_id=w.fund_id, held_on=MEETING_DAY, title="IC"),
        ),
        "add_to_agenda": (
            ic.add_to_agenda,
            dict(actor=actor, meeting_id=w.meeting_id, deal_id=w.bare_deal_id),
        ),
        "edit_memo": (ic.edit_memo, dict(actor=actor, agenda_item_id=item_id, memo="x")),
        "cast_vote": (
            ic.cast_vote,
            dict(actor=actor, agenda_item_id=item_id, member_id=w.members[2], vote="approve"),
        ),
        "decide": (
            ic.decide,
            dict(actor=actor, agenda_item_id=item_id, decision="approve", on=MEETING_DAY),
        ),
        "complete_condition": (
            ic.complete_condition,
            dict(actor=actor, condition_id=condition_id, on=date(2024, 5, 1)),
        ),
    }


WRITES = [
    "add_member",
    "schedule_meeting",
    "add_to_agenda",
    "edit_memo",
    "cast_vote",
    "decide",
    "complete_condition",
]


@pytest.fixture
def busy(world) -> tuple[World, int, int]:
    """One undecided item with a vote (Ma, approve), and an approval with an open condition."""
    open_item = _item(world)
    _vote(world, open_item.id, world.members[0], "approve")
    other = _run(
        world,
        ic.schedule_meeting,
        actor=MANAGER,
        fund_id=world.fund_id,
        held_on=date(2024, 4, 1),
        title="IC 2024-2",
    )
    approved = _run(
        world, ic.add_to_agenda, actor=MANAGER, meeting_id=other.id, deal_id=world.bare_deal_id
    )
    decided = _decide(
        world, approved.id, "approve with conditions", on=date(2024, 4, 1), conditions=["Licence"]
    )
    return world, open_item.id, decided.conditions[0].id


@pytest.mark.parametrize("actor", [ANALYST, BUREAU], ids=["analyst", "bureau"])
@pytest.mark.parametrize("write", WRITES)
def test_only_fund_managers_write_and_a_refusal_writes_nothing(busy, actor, write):
    w, item_id, condition_id = busy
    fn, kwargs = _writes(w, item_id, condition_id, actor)[write]
    before = _counts(w.engine)
    with session_scope(w.engine, actor="test") as s, pytest.raises(PermissionDenied):
        fn(session=s, **kwargs)
    assert _counts(w.engine) == before


def _refusals(w: World, item_id: int, condition_id: int) -> dict:
    m = MANAGER
    return {
        "unknown fund": (ic.add_member, dict(actor=m, fund_id=9999, name="X")),
        "duplicate member": (ic.add_member, dict(actor=m, fund_id=w.fund_id, name="SUN")),
        "empty member": (ic.add_member, dict(actor=m, fund_id=w.fund_id, name=" ")),
        "empty title": (
            ic.schedule_meeting,
            dict(actor=m, fund_id=w.fund_id, held_on=MEETING_DAY, title=""),
        ),
        "unknown meeting": (ic.add_to_agenda, dict(actor=m, meeting_id=9999, deal_id=w.deal_id)),
        "unknown deal": (ic.add_to_agenda, dict(actor=m, meeting_id=w.meeting_id, deal_id=9999)),
        "deal in dd": (
            ic.add_to_agenda,
            dict(actor=m, meeting_id=w.meeting_id, deal_id=w.dd_deal_id),
        ),
        "deal twice": (ic.add_to_agenda, dict(actor=m, meeting_id=w.meeting_id, deal_id=w.deal_id)),
        "empty memo": (ic.edit_memo, dict(actor=m, agenda_item_id=item_id, memo="  ")),
        "unknown item": (ic.edit_memo, dict(actor=m, agenda_item_id=9999, memo="x")),
        "non-member": (
            ic.cast_vote,
            dict(actor=m, agenda_item_id=item_id, member_id=w.other_fund_member_id, vote="approve"),
        ),
        "second vote": (
            ic.cast_vote,
            dict(actor=m, agenda_item_id=item_id, member_id=w.members[0], vote="decline"),
        ),
        "bad vote": (
            ic.cast_vote,
            dict(actor=m, agenda_item_id=item_id, member_id=w.members[1], vote="maybe"),
        ),
        "early decision": (
            ic.decide,
            dict(actor=m, agenda_item_id=item_id, decision="approve", on=date(2024, 1, 1)),
        ),
        "no conditions": (
            ic.decide,
            dict(
                actor=m, agenda_item_id=item_id, decision="approve with conditions", on=MEETING_DAY
            ),
        ),
        "early condition": (
            ic.complete_condition,
            dict(actor=m, condition_id=condition_id, on=date(2024, 3, 1)),
        ),
        "unknown condition": (
            ic.complete_condition,
            dict(actor=m, condition_id=9999, on=date(2024, 5, 1)),
        ),
    }


REFUSALS = list(_refusals(World(None, 0, 0, 0, 0, 0, 0, 0, [0, 0, 0], 0, 0), 0, 0))


@pytest.mark.parametrize("case", REFUSALS)
def test_refusals_name_the_field_and_write_nothing_even_if_the_caller_commits(busy, case):
    w, item_id, condition_id = busy
    fn, kwargs = _refusals(w, item_id, condition_id)[case]
    before = _counts(w.engine)
    with session_scope(w.engine, actor="test") as s:
        with pytest.raises(InputError) as refused:
            fn(session=s, **kwargs)
    # the session committed after the refusal: still nothing new, not even an audit row
    assert _counts(w.engine) == before
    assert str(refused.value).split(":")[0] in {
        "fund_id",
        "name",
        "title",
        "meeting_id",
        "deal_id",
        "memo",
        "agenda_item_id",
        "member_id",
        "vote",
        "on",
        "conditions",
        "condition_id",
    }


def test_a_successful_write_is_audited_with_the_actor(world):
    _run(world, ic.add_member, actor=MANAGER, fund_id=world.fund_id, name="Qian")
    with Session(world.engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.table_name == "ic_member")).all()
    assert [a.actor for a in audit if a.new_values and a.new_values["name"] == "Qian"] == ["test"]
