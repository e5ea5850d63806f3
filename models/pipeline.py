"""The deal pipeline: deals, their stage history, due diligence, scorecards, and the
investment committee.

A deal links a company (a hub firm) to a fund and moves through ``STAGES``; every move is a
row in ``deal_stage_change`` (append-only). The rules for moves live in ``fund.pipeline``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.money import amount_column
from models.types import ExactDecimal, UtcDateTime, utcnow

STAGES: tuple[str, ...] = (
    "sourced",
    "screening",
    "due_diligence",
    "investment_committee",
    "term_sheet",
    "invested",
)
SIDE_STAGES: tuple[str, ...] = ("passed", "on_hold")
ALL_STAGES: tuple[str, ...] = STAGES + SIDE_STAGES
SOURCE_CHANNELS: tuple[str, ...] = (
    "referral",
    "event",
    "registry search",
    "inbound",
    "accelerator",
)
PASS_REASONS: tuple[str, ...] = (
    "team",
    "market too small",
    "valuation",
    "regulatory risk",
    "competition",
    "traction",
    "outside mandate",
    "company declined",
    "other",
)
DD_AREAS: tuple[str, ...] = (
    "team",
    "market",
    "product",
    "financials",
    "legal",
    "regulatory",
    "custom",
)
DD_STATUSES: tuple[str, ...] = ("open", "in progress", "done", "not applicable")
RED_FLAG_STATUSES: tuple[str, ...] = ("open", "resolved", "waived")
DECISIONS: tuple[str, ...] = ("approve", "approve with conditions", "decline")
VOTES: tuple[str, ...] = ("approve", "decline", "abstain")


OPEN_DEAL = text("stage NOT IN ('passed', 'invested')")


class Deal(SQLModel, table=True):
    """A company in a fund's pipeline. The database allows one open deal (not passed, not
    invested) per company and fund, the rule ``fund.pipeline`` checks with a clear message."""

    __table_args__ = (
        Index(
            "uq_deal_open_company",
            "fund_id",
            "firm_id",
            unique=True,
            postgresql_where=OPEN_DEAL,
            sqlite_where=OPEN_DEAL,
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    firm_id: int = Field(foreign_key="firm.id", index=True)
    owner: str = Field(max_length=120)
    source_channel: str = Field(max_length=20)
    source_detail: str | None = Field(default=None, max_length=200)
    sector: str = Field(max_length=40)
    round_sought: str | None = Field(default=None, max_length=12)
    amount_sought: Decimal | None = Field(
        default=None, sa_column=amount_column("amount_sought", nullable=True)
    )
    currency: str = Field(default="CNY", max_length=3)
    stage: str = Field(default="sourced", max_length=24, index=True)
    next_step: str | None = Field(default=None, max_length=200)
    next_step_on: date | None = None
    pass_reason: str | None = Field(default=None, max_length=30)
    pass_note: str | None = Field(default=None, max_length=500)
    investment_entry_id: int | None = Field(default=None, foreign_key="ledger_entry.id")
    opened_on: date
    is_demo: bool = False


class DealStageChange(SQLModel, table=True):
    """One move of a deal between stages: who, when, why (append-only)."""

    __tablename__ = "deal_stage_change"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    from_stage: str | None = Field(default=None, max_length=24)
    to_stage: str = Field(max_length=24)
    moved_on: date
    moved_by: str = Field(max_length=120)
    reason: str | None = Field(default=None, max_length=30)
    note: str | None = Field(default=None, max_length=500)
    recorded_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)


class DdItem(SQLModel, table=True):
    """A due-diligence checklist item; a red flag blocks the move to IC until resolved or
    waived with a reason."""

    __tablename__ = "dd_item"
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    area: str = Field(max_length=20)
    title: str = Field(max_length=200)
    owner: str | None = Field(default=None, max_length=120)
    due_on: date | None = None
    status: str = Field(default="open", max_length=16)
    finding: str | None = Field(default=None, max_length=2000)
    evidence_url: str | None = Field(default=None, max_length=500)
    red_flag: bool = False
    red_flag_status: str | None = Field(default=None, max_length=10)
    resolution: str | None = Field(default=None, max_length=1000)


class ScoreWeight(SQLModel, table=True):
    """A fund's weight for one due-diligence area in the scorecard (percent; sum 100)."""

    __tablename__ = "score_weight"
    __table_args__ = (UniqueConstraint("fund_id", "area"),)
    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    area: str = Field(max_length=20)
    weight: int = Field(ge=0, le=100)


class DdScore(SQLModel, table=True):
    """A deal's score (1-5) in one area."""

    __tablename__ = "dd_score"
    __table_args__ = (UniqueConstraint("deal_id", "area"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    area: str = Field(max_length=20)
    score: int = Field(ge=1, le=5)
    scored_by: str = Field(max_length=120)
    note: str | None = Field(default=None, max_length=500)


class Projection(SQLModel, table=True):
    """A deal's simple projection: the fund's cheque and ownership, yearly revenue and costs,
    an exit multiple of the last year's revenue, and the discount rate (``years`` holds
    [{year, revenue, costs}] with decimals as strings)."""

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True, unique=True)
    currency: str = Field(max_length=3)
    investment: Decimal = Field(sa_column=amount_column("investment"))  # the fund's cheque
    ownership: Decimal = Field(sa_type=ExactDecimal)  # the fund's fraction at exit
    discount_rate: Decimal = Field(sa_type=ExactDecimal)
    exit_multiple: Decimal = Field(sa_type=ExactDecimal)
    years: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))


class IcMember(SQLModel, table=True):
    __tablename__ = "ic_member"
    __table_args__ = (UniqueConstraint("fund_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    name: str = Field(max_length=120)
    active: bool = True


class IcMeeting(SQLModel, table=True):
    __tablename__ = "ic_meeting"
    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    held_on: date
    title: str = Field(max_length=200)


class IcAgendaItem(SQLModel, table=True):
    """A deal on a meeting's agenda, its memo (Markdown), and the decision."""

    __tablename__ = "ic_agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "deal_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="ic_meeting.id", index=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    memo: str = Field(default="", max_length=20000)
    decision: str | None = Field(default=None, max_length=24)
    decided_on: date | None = None


class IcVote(SQLModel, table=True):
    __tablename__ = "ic_vote"
    __table_args__ = (UniqueConstraint("agenda_item_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="ic_agenda_item.id", index=True)
    member_id: int = Field(foreign_key="ic_member.id")
    vote: str = Field(max_length=10)
    note: str | None = Field(default=None, max_length=500)


class IcCondition(SQLModel, table=True):
    """A condition attached to an approval, tracked to done."""

    __tablename__ = "ic_condition"
    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="ic_agenda_item.id", index=True)
    text: str = Field(max_length=500)
    done: bool = False
    done_on: date | None = None
