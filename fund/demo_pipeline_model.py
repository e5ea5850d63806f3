"""The shapes of the demo pipeline's plan: the facts it is drawn from (read from the loaded
demo) and the planned deals with their steps (``fund.demo_pipeline_plan``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class FirmFact:
    id: int
    hub: str
    sector: str
    founded: date | None
    closed_on: date | None


@dataclass(frozen=True)
class RoundFact:
    id: int
    firm_id: int
    announced: date
    stage: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class EntryFact:
    """A fund's first unreversed investment entry in a company."""

    id: int
    fund: str
    firm_id: int
    entry_date: date
    amount: Decimal
    currency: str
    round_stage: str | None
    ownership: Decimal | None
    post_money: Decimal | None
    funding_round_id: int | None


@dataclass(frozen=True)
class FundFact:
    name: str
    hub: str
    vintage: date


@dataclass
class Step:
    """One write of a deal: ``kind`` names the domain function, ``on`` its date if any."""

    kind: str
    on: date | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class DealPlan:
    fund: str
    firm_id: int
    owner: str
    channel: str
    detail: str
    round_sought: str | None
    amount_sought: Decimal | None
    currency: str
    opened_on: date
    next_step: str | None
    next_step_on: date | None
    outcome: str
    sector: str = ""  # the company's
    reason: str | None = None  # why it is passed (a ``PASS_REASONS`` entry), if it is
    steps: list[Step] = field(default_factory=list)


@dataclass
class PipelinePlan:
    deals: list[DealPlan]
    meetings: dict[str, list[date]]  # fund -> IC meeting days
