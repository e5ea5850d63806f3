"""The investment committee: members, meetings, agenda items with their memos, votes, decisions
and the conditions of an approval, tracked to done.

Rules (each refusal raises ``InputError`` naming the field and the value, and writes nothing):

- a member's name is unique in the fund's committee (case-insensitive);
- a deal goes on the agenda of a meeting of its own fund, only at stage ``investment_committee``,
  once per meeting; its memo is generated then (``fund.memo``) and may be edited until decided;
- a vote comes from an active member of the meeting's fund, once per member and item, and only
  while the item is undecided;
- a decision is one of ``DECISIONS``, dated on or after the meeting; "approve with conditions"
  needs at least one condition and "approve" none; an item is decided once. The chair may
  decide against the tally with one exception, the **majority rule**: no approval (with or
  without conditions) when decline votes outnumber approve votes;
- a condition is completed once, on or after the decision date.

The gate to the term sheet (``ic_gate``) needs only an approval as the deal's latest decision:
conditions of an approval may stay open until closing (they are tracked here, not gated).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from fund.access import Actor, require, require_fund
from fund.committee_views import (
    AgendaItemView,
    ConditionView,
    MeetingView,
    MemberView,
    VoteView,
    agenda,
    agenda_item,
    company_name,
    condition_view,
    item_view,
    known,
    meeting_view,
    meetings,
    member_view,
    members,
)
from fund.ledger import fund_of
from fund.memo import generate_memo, memo_filename
from models.pipeline import (
    DECISIONS,
    VOTES,
    Deal,
    IcAgendaItem,
    IcCondition,
    IcMeeting,
    IcMember,
    IcVote,
)
from models.validation import InputError

__all__ = [
    "AgendaItemView", "ConditionView", "MeetingView", "MemberView", "VoteView", "add_member",
    "add_to_agenda", "agenda", "agenda_item", "cast_vote", "company_name", "complete_condition",
    "decide", "edit_memo", "generate_memo", "ic_gate", "meetings", "members", "memo_filename",
    "schedule_meeting",
]  # fmt: skip

WRITERS = ("fund_manager",)
IC_STAGE = "investment_committee"
MAX_MEMO = 20000


def _text(value: object, *, name: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InputError(f"{name}: {value!r} is empty")
    if len(text) > limit:
        raise InputError(f"{name}: {len(text)} characters is longer than the {limit} allowed")
    return text


def _date(value: object, *, name: str) -> date:
    if not isinstance(value, date):
        raise InputError(f"{name}: {value!r} is not a date")
    return value


def _open_item(session: Session, agenda_item_id: int) -> IcAgendaItem:
    item = known(session, IcAgendaItem, agenda_item_id, name="agenda_item_id", what="agenda item")
    if item.decision is not None:
        raise InputError(
            f"agenda_item_id: {agenda_item_id} was already decided ({item.decision!r} on "
            f"{item.decided_on.isoformat() if item.decided_on else '?'}); nothing more is recorded"
        )
    return item


# --- writes --------------------------------------------------------------------------------


def add_member(*, session: Session, actor: Actor, fund_id: int, name: str) -> MemberView:
    """Add a member to the fund's committee; the name is unique in it (case-insensitive)."""
    require(actor, *WRITERS, action="add a committee member")
    require_fund(actor, fund_id, action="add a committee member")
    fund = fund_of(session=session, fund_id=fund_id)
    name = _text(name, name="name", limit=120)
    existing = session.exec(select(IcMember).where(IcMember.fund_id == fund_id)).all()
    if any(m.name.casefold() == name.casefold() for m in existing):
        raise InputError(f"name: {name!r} is already a member of {fund.name}'s committee")
    member = IcMember(fund_id=fund_id, name=name)
    session.add(member)
    session.flush()
    return member_view(member)


def schedule_meeting(
    *, session: Session, actor: Actor, fund_id: int, held_on: date, title: str
) -> MeetingView:
    """Schedule a committee meeting of the fund."""
    require(actor, *WRITERS, action="schedule a committee meeting")
    require_fund(actor, fund_id, action="schedule a committee meeting")
    fund_of(session=session, fund_id=fund_id)
    day = _date(held_on, name="held_on")
    meeting = IcMeeting(fund_id=fund_id, held_on=day, title=_text(title, name="title", limit=200))
    session.add(meeting)
    session.flush()
    return meeting_view(session, meeting)


def add_to_agenda(
    *, session: Session, actor: Actor, meeting_id: int, deal_id: int,
    proposed_terms: str | None = None,
) -> AgendaItemView:  # fmt: skip
    """Put a deal at stage ``investment_committee`` on a meeting of its fund; its memo (dated
    the meeting's day, with ``proposed_terms`` when given) is generated now and stored."""
    require(actor, *WRITERS, action="put a deal on the committee's agenda")
    meeting = known(session, IcMeeting, meeting_id, name="meeting_id", what="committee meeting")
    require_fund(actor, meeting.fund_id, action="put a deal on the committee's agenda")
    deal = known(session, Deal, deal_id, name="deal_id", what="deal")
    if deal.fund_id != meeting.fund_id:
        fund = fund_of(session=session, fund_id=meeting.fund_id)
        raise InputError(f"deal_id: {deal_id} belongs to another fund, not {fund.name}")
    if deal.stage != IC_STAGE:
        raise InputError(
            f"deal_id: {deal_id} is at stage {deal.stage!r}; only a deal at stage {IC_STAGE!r} "
            "goes on the committee's agenda (rule: no IC without due diligence completed)"
        )
    taken = session.exec(
        select(IcAgendaItem).where(
            IcAgendaItem.meeting_id == meeting_id, IcAgendaItem.deal_id == deal_id
        )
    ).first()
    if taken is not None:
        raise InputError(f"deal_id: {deal_id} is already on the agenda of meeting {meeting_id}")
    memo = generate_memo(
        session=session, deal_id=deal_id, proposed_terms=proposed_terms, on=meeting.held_on
    )
    item = IcAgendaItem(meeting_id=meeting_id, deal_id=deal_id, memo=memo)
    session.add(item)
    session.flush()
    return item_view(session, item)


def edit_memo(*, session: Session, actor: Actor, agenda_item_id: int, memo: str) -> AgendaItemView:
    """Replace an undecided item's memo (Markdown); a decided item's memo is its record."""
    require(actor, *WRITERS, action="edit a committee memo")
    item = _open_item(session, agenda_item_id)
    require_fund(
        actor,
        known(
            session, IcMeeting, item.meeting_id, name="meeting_id", what="committee meeting"
        ).fund_id,
        action="edit a committee memo",
    )
    item.memo = _text(memo, name="memo", limit=MAX_MEMO)
    session.add(item)
    session.flush()
    return item_view(session, item)


def cast_vote(
    *, session: Session, actor: Actor, agenda_item_id: int, member_id: int, vote: str,
    note: str | None = None,
) -> None:  # fmt: skip
    """Record an active member's vote on an undecided item; one vote per member, not replaced."""
    require(actor, *WRITERS, action="record a committee vote")
    item = _open_item(session, agenda_item_id)
    meeting = session.get(IcMeeting, item.meeting_id)
    assert meeting is not None and item.id is not None
    require_fund(actor, meeting.fund_id, action="record a committee vote")
    fund = fund_of(session=session, fund_id=meeting.fund_id)
    member = session.get(IcMember, member_id) if isinstance(member_id, int) else None
    if member is None or member.fund_id != meeting.fund_id or not member.active:
        raise InputError(f"member_id: {member_id!r} is not a member of {fund.name}'s committee")
    if vote not in VOTES:
        raise InputError(f"vote: {vote!r} is not one of: {', '.join(VOTES)}")
    note = _text(note, name="note", limit=500) if note and note.strip() else None
    cast = session.exec(
        select(IcVote).where(IcVote.agenda_item_id == item.id, IcVote.member_id == member_id)
    ).first()
    if cast is not None:
        raise InputError(
            f"member_id: {member.name} ({member_id}) already voted {cast.vote!r} on this item; "
            "a vote is not replaced"
        )
    session.add(IcVote(agenda_item_id=item.id, member_id=member_id, vote=vote, note=note))
    session.flush()


def decide(
    *, session: Session, actor: Actor, agenda_item_id: int, decision: str, on: date,
    conditions: Sequence[str] = (),
) -> AgendaItemView:  # fmt: skip
    """Record the committee's decision on an item (see the module's rules, and the majority
    rule: no approval when decline votes outnumber approve votes)."""
    require(actor, *WRITERS, action="record a committee decision")
    item = _open_item(session, agenda_item_id)
    if decision not in DECISIONS:
        raise InputError(f"decision: {decision!r} is not one of: {', '.join(DECISIONS)}")
    meeting = session.get(IcMeeting, item.meeting_id)
    assert meeting is not None and item.id is not None
    require_fund(actor, meeting.fund_id, action="record a committee decision")
    if _date(on, name="on") < meeting.held_on:
        raise InputError(
            f"on: {on.isoformat()} is before the meeting on {meeting.held_on.isoformat()} "
            "(dates in the wrong order)"
        )
    if isinstance(conditions, str):
        conditions = [conditions]
    texts = [_text(c, name="conditions", limit=500) for c in conditions]
    if decision == "approve with conditions" and not texts:
        raise InputError("conditions: 'approve with conditions' needs at least one condition")
    if decision != "approve with conditions" and texts:
        raise InputError(f"conditions: {decision!r} takes no conditions ({len(texts)} given)")
    tally = item_view(session, item).tally
    if decision != "decline" and tally["decline"] > tally["approve"]:
        raise InputError(
            f"decision: {decision!r} refused by the majority rule: {tally['decline']} decline "
            f"votes outnumber {tally['approve']} approve votes"
        )
    item.decision, item.decided_on = decision, on
    session.add(item)
    session.add_all(IcCondition(agenda_item_id=item.id, text=t) for t in texts)
    session.flush()
    return item_view(session, item)


def complete_condition(
    *, session: Session, actor: Actor, condition_id: int, on: date
) -> ConditionView:
    """Mark a condition of an approval done, on or after the decision date."""
    require(actor, *WRITERS, action="complete a committee condition")
    condition = known(session, IcCondition, condition_id, name="condition_id", what="condition")
    day = _date(on, name="on")
    if condition.done:
        raise InputError(
            f"condition_id: {condition_id} was already done on "
            f"{condition.done_on.isoformat() if condition.done_on else '?'}"
        )
    item = session.get(IcAgendaItem, condition.agenda_item_id)
    assert item is not None and item.decided_on is not None
    require_fund(
        actor,
        known(
            session, IcMeeting, item.meeting_id, name="meeting_id", what="committee meeting"
        ).fund_id,
        action="complete a committee condition",
    )
    if day < item.decided_on:
        raise InputError(
            f"on: {on.isoformat()} is before the decision on {item.decided_on.isoformat()} "
            "(dates in the wrong order)"
        )
    condition.done, condition.done_on = True, day
    session.add(condition)
    session.flush()
    return condition_view(condition)


# --- reads ---------------------------------------------------------------------------------


def ic_gate(*, session: Session, deal_id: int) -> list[str]:
    """Why the deal may not go to term sheet (empty when it may): it needs an approval (with
    or without conditions) as its latest committee decision. Open conditions do not block:
    they may stay open until closing."""
    known(session, Deal, deal_id, name="deal_id", what="deal")
    rows = session.exec(
        select(IcAgendaItem, IcMeeting)
        .join(IcMeeting, col(IcMeeting.id) == IcAgendaItem.meeting_id)
        .where(IcAgendaItem.deal_id == deal_id)
    ).all()
    decided = [(i, m) for i, m in rows if i.decision is not None]
    if not decided:
        pending = [m for i, m in rows if i.decision is None]
        where = "; ".join(f"on the agenda of {m.title!r} ({m.held_on.isoformat()})"
                          for m in pending)  # fmt: skip
        return [f"no investment committee decision yet{f' ({where})' if where else ''}"]
    item, meeting = max(decided, key=lambda r: (r[0].decided_on, r[1].held_on, r[0].id or 0))
    if item.decision == "decline":
        assert item.decided_on is not None
        return [
            f"the investment committee declined the deal on {item.decided_on.isoformat()} "
            f"({meeting.title})"
        ]
    return []
