"""Hub KPIs: the catalogue, the targets a plan sets, and dated observations.

A KPI is either *computed* from the hub tables (parks, firms, rounds, trials) or *observed*
(an external figure such as a GFCI rank, entered with its source). Targets and observations
carry the document they come from in ``source``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.hub import Provenance
from models.types import ExactDecimal, UtcDateTime, utcnow
from models.validation import not_in_future

KPI_KINDS: tuple[str, ...] = ("count", "money", "rank")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
COMPUTED_MEASURES: tuple[str, ...] = (
    "parks_clusters",
    "fintech_firms",
    "renowned_firms",
    "funding_raised",
    "trial_projects",
    "trial_entities",
)


class KpiBase(SQLModel):
    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=120)
    name_zh: str | None = Field(default=None, max_length=60)
    kind: str = Field(max_length=8)  # count | money | rank
    direction: str = Field(max_length=6)  # higher | lower is better
    measure: str = Field(max_length=20)  # "observed" or one of COMPUTED_MEASURES
    description: str = Field(max_length=500)


class Kpi(KpiBase, table=True):
    pass


class KpiPublic(KpiBase):
    pass


# --- targets ------------------------------------------------------------------------------


class TargetBase(Provenance):
    hub_id: int = Field(foreign_key="hub.id", index=True)
    kpi_code: str = Field(foreign_key="kpi.code", max_length=40, index=True)
    target_low: Decimal = Field(sa_type=ExactDecimal)
    target_high: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    target_text: str | None = Field(default=None, max_length=200)  # as the plan states it
    baseline: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    plan_start: date
    deadline: date


class TargetCreate(TargetBase):
    @field_validator("target_low", "target_high", "baseline")
    @classmethod
    def _not_negative(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and (not value.is_finite() or value < 0):
            raise ValueError(f"{value} is not a non-negative number")
        return value

    @model_validator(mode="after")
    def _order(self) -> TargetCreate:
        if self.deadline <= self.plan_start:
            raise ValueError(
                f"deadline {self.deadline.isoformat()} is not after plan_start "
                f"{self.plan_start.isoformat()}"
            )
        if self.target_high is not None and self.target_high < self.target_low:
            raise ValueError(
                f"target_low (range min) {self.target_low} is greater than target_high "
                f"(range max) {self.target_high}"
            )
        if not self.source:
            raise ValueError("source: a target names the document that sets it")
        return self


class TargetUpdate(SQLModel):
    target_low: Decimal | None = None
    target_high: Decimal | None = None
    target_text: str | None = None
    baseline: Decimal | None = None
    plan_start: date | None = None
    deadline: date | None = None
    source: str | None = None


class Target(TargetBase, table=True):
    __table_args__ = (UniqueConstraint("hub_id", "kpi_code", "deadline"),)
    id: int | None = Field(default=None, primary_key=True)


class TargetPublic(TargetBase):
    id: int


# --- observations -------------------------------------------------------------------------


class KpiObservationBase(Provenance):
    hub_id: int = Field(foreign_key="hub.id", index=True)
    kpi_code: str = Field(foreign_key="kpi.code", max_length=40, index=True)
    observed_on: date = Field(index=True)
    value: Decimal = Field(sa_type=ExactDecimal)
    note: str | None = Field(default=None, max_length=500)


class KpiObservationCreate(KpiObservationBase):
    @field_validator("observed_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        return not_in_future(value)

    @field_validator("value")
    @classmethod
    def _finite(cls, value: Decimal) -> Decimal:
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        return value

    @model_validator(mode="after")
    def _sourced(self) -> KpiObservationCreate:
        if not self.source:
            raise ValueError("source: an observation names where the figure comes from")
        return self


class KpiObservation(KpiObservationBase, table=True):
    __tablename__ = "kpi_observation"
    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)


class KpiObservationPublic(KpiObservationBase):
    id: int
    recorded_at: datetime
