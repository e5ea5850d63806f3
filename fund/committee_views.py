"""What the investment committee's pages read: members, meetings and agenda items as plain
data (``fund.committee`` writes them; it re-exports everything here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlmodel import Session, col, select

from fund.ledger import fund_of
from models.hub import Firm
from models.pipeline import VOTES, Deal, IcAgendaItem, IcCondition, IcMeeting, IcMember, IcVote
from models.validation import InputError

T = TypeVar("T")


@dataclass(frozen=True)
class MemberView:
    id: int
    fund_id: int
    name: str
    active: bool


@dataclass(frozen=True)
class MeetingView:
    id: int
    fund_id: int
    held_on: date
    title: str
    items: int  # deals on the agenda
    decided: int  # of which decided


@dataclass(frozen=True)
class VoteView:
    member_id: int
    member: str
    vote: str
    note: str | None


@dataclass(frozen=True)
class ConditionView:
    id: int
    agenda_item_id: int
    text: str
    done: bool
    done_on: date | None


@dataclass(frozen=True)
class AgendaItemView:
    id: int
    meeting_id: int
    fund_id: int
    held_on: date  # the meeting's date
    deal_id: int
    company: str
    memo: str
    decision: str | None
    decided_on: date | None
    tally: dict[str, int] = field(default_factory=dict)  # every vote in VOTES -> count
    votes: list[VoteView] = field(default_factory=list)
    conditions: list[ConditionView] = field(default_factory=list)


def known(session: Session, model: type[T], key: int, *, name: str, what: str) -> T:
    """The ``model`` row with id ``key``, or ``InputError`` naming the field and the value."""
    row = session.get(model, key) if isinstance(key, int) and not isinstance(key, bool) else None
    if row is None:
        raise InputError(f"{name}: {key!r} is not a known {what}")
    return row


def company_name(firm: Firm | None) -> str:
    """The company's English name, else its Chinese name."""
    return "?" if firm is None else firm.display_name


def member_view(m: IcMember) -> MemberView:
    assert m.id is not None
    return MemberView(m.id, m.fund_id, m.name, m.active)


def meeting_view(session: Session, m: IcMeeting) -> MeetingView:
    items = session.exec(select(IcAgendaItem).where(IcAgendaItem.meeting_id == m.id)).all()
    assert m.id is not None
    decided = sum(1 for i in items if i.decision is not None)
    return MeetingView(m.id, m.fund_id, m.held_on, m.title, len(items), decided)


def item_view(session: Session, item: IcAgendaItem) -> AgendaItemView:
    assert item.id is not None
    meeting = session.get(IcMeeting, item.meeting_id)
    deal = session.get(Deal, item.deal_id)
    assert meeting is not None and deal is not None
    rows = session.exec(
        select(IcVote, IcMember)
        .join(IcMember, col(IcMember.id) == IcVote.member_id)
        .where(IcVote.agenda_item_id == item.id)
    ).all()
    votes = [VoteView(v.member_id, m.name, v.vote, v.note) for v, m in rows]
    votes.sort(key=lambda v: (v.member.casefold(), v.member_id))  # same order on every backend
    tally = {v: sum(1 for x in votes if x.vote == v) for v in VOTES}
    conditions = session.exec(
        select(IcCondition)
        .where(IcCondition.agenda_item_id == item.id)
        .order_by(col(IcCondition.id))
    ).all()
    return AgendaItemView(
        id=item.id, meeting_id=item.meeting_id, fund_id=meeting.fund_id,
        held_on=meeting.held_on, deal_id=item.deal_id,
        company=company_name(session.get(Firm, deal.firm_id)), memo=item.memo,
        decision=item.decision, decided_on=item.decided_on, tally=tally, votes=votes,
        conditions=[condition_view(c) for c in conditions],
    )  # fmt: skip


def condition_view(c: IcCondition) -> ConditionView:
    assert c.id is not None
    return ConditionView(c.id, c.agenda_item_id, c.text, c.done, c.done_on)


# --- reads ---------------------------------------------------------------------------------


def members(*, session: Session, fund_id: int, active_only: bool = False) -> list[MemberView]:
    """The fund's committee members by name."""
    fund_of(session=session, fund_id=fund_id)
    rows = session.exec(select(IcMember).where(IcMember.fund_id == fund_id)).all()
    rows = sorted(rows, key=lambda m: (m.name.casefold(), m.id or 0))
    return [member_view(m) for m in rows if m.active or not active_only]


def meetings(*, session: Session, fund_id: int) -> list[MeetingView]:
    """The fund's committee meetings, latest first."""
    fund_of(session=session, fund_id=fund_id)
    rows = session.exec(
        select(IcMeeting)
        .where(IcMeeting.fund_id == fund_id)
        .order_by(col(IcMeeting.held_on).desc(), col(IcMeeting.id).desc())
    ).all()
    return [meeting_view(session, m) for m in rows]


def agenda(*, session: Session, meeting_id: int) -> list[AgendaItemView]:
    """The meeting's agenda items in the order they were added."""
    known(session, IcMeeting, meeting_id, name="meeting_id", what="committee meeting")
    rows = session.exec(
        select(IcAgendaItem)
        .where(IcAgendaItem.meeting_id == meeting_id)
        .order_by(col(IcAgendaItem.id))
    ).all()
    return [item_view(session, i) for i in rows]


def agenda_item(*, session: Session, agenda_item_id: int) -> AgendaItemView:
    """One agenda item."""
    item = known(session, IcAgendaItem, agenda_item_id, name="agenda_item_id", what="agenda item")
    return item_view(session, item)
