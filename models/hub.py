"""The hub side: hubs, parks and clusters, firms, funding rounds, regulatory trials.

Each family follows the same shape: ``XBase`` (the fields), ``XCreate`` (validated input),
``X`` (the table) and ``XPublic`` (what leaves the domain). ``source`` names the document a
row comes from (a seed file for the demo's facts); ``is_demo`` marks generated demo rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.money import amount_column, validate_currency
from models.validation import validate_uscc

SECTORS: tuple[str, ...] = (
    "payments",
    "lending",
    "wealthtech",
    "insurtech",
    "regtech",
    "blockchain",
    "data & AI",
    "supply-chain finance",
    "digital banking",
    "infrastructure",
)
STAGES: tuple[str, ...] = ("angel", "seed", "A", "B", "C", "D+", "strategic", "IPO")
FIRM_STATUSES: tuple[str, ...] = ("active", "closed", "acquired")
TRIAL_STATUSES: tuple[str, ...] = ("approved", "testing", "completed", "withdrawn")
PARK_KINDS: tuple[str, ...] = ("park", "cluster")


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
    return value


class Provenance(SQLModel):
    source: str | None = Field(default=None, max_length=300)
    is_demo: bool = False


# --- hubs -----------------------------------------------------------------------------------


class HubBase(Provenance):
    name: str = Field(max_length=80, unique=True, index=True)
    name_zh: str | None = Field(default=None, max_length=80)
    city: str = Field(max_length=80)
    province: str = Field(max_length=80)
    plan_name: str | None = Field(default=None, max_length=300)
    plan_start: date | None = None
    plan_end: date | None = None
    currency: str = Field(default="CNY", max_length=3)


class HubCreate(HubBase):
    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return validate_currency(value)

    @model_validator(mode="after")
    def _plan_order(self) -> HubCreate:
        if self.plan_start and self.plan_end and self.plan_end < self.plan_start:
            raise ValueError(
                f"plan_end {self.plan_end.isoformat()} is before plan_start "
                f"{self.plan_start.isoformat()}"
            )
        return self


class Hub(HubBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class HubPublic(HubBase):
    id: int


# --- parks and clusters ------------------------------------------------------------------


class ParkBase(Provenance):
    hub_id: int = Field(foreign_key="hub.id", index=True)
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    kind: str = Field(default="park", max_length=10)
    district: str = Field(max_length=80)
    focus: str = Field(max_length=120)
    opened: date | None = None
    latitude: float | None = None
    longitude: float | None = None
    capacity: int | None = Field(default=None, ge=0)  # firms it can house
    occupancy: int | None = Field(default=None, ge=0)  # firms housed now


class ParkCreate(ParkBase):
    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _one_of(value, PARK_KINDS)

    @field_validator("latitude")
    @classmethod
    def _latitude(cls, value: float | None) -> float | None:
        if value is not None and not -90 <= value <= 90:
            raise ValueError(f"latitude {value} is outside -90..90")
        return value

    @field_validator("longitude")
    @classmethod
    def _longitude(cls, value: float | None) -> float | None:
        if value is not None and not -180 <= value <= 180:
            raise ValueError(f"longitude {value} is outside -180..180")
        return value

    @model_validator(mode="after")
    def _fits(self) -> ParkCreate:
        if self.capacity is not None and self.occupancy is not None:
            if self.occupancy > self.capacity:
                raise ValueError(f"occupancy {self.occupancy} exceeds capacity {self.capacity}")
        return self


class Park(ParkBase, table=True):
    __table_args__ = (UniqueConstraint("hub_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)


class ParkPublic(ParkBase):
    id: int


# --- firms --------------------------------------------------------------------------------


class FirmBase(Provenance):
    name_en: str | None = Field(default=None, max_length=200, index=True)
    name_zh: str | None = Field(default=None, max_length=200, index=True)
    uscc: str | None = Field(default=None, max_length=18, unique=True)
    sector: str = Field(max_length=40, index=True)
    founded: date | None = None
    employees: int | None = Field(default=None, ge=0)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    park_id: int | None = Field(default=None, foreign_key="park.id", index=True)
    status: str = Field(default="active", max_length=10)
    closed_on: date | None = None
    renowned: bool = False
    renowned_since: date | None = None
    renowned_criterion: str | None = Field(default=None, max_length=300)
    # from registries (GLEIF's LEI records; see sourcing/)
    lei: str | None = Field(default=None, max_length=20, unique=True, index=True)
    other_names: str | None = Field(default=None, max_length=1000)  # "; "-separated
    legal_address: str | None = Field(default=None, max_length=500)
    jurisdiction: str | None = Field(default=None, max_length=10)  # ISO 3166 (e.g. CN, CN-LN)
    entity_status: str | None = Field(default=None, max_length=20)  # GLEIF: ACTIVE, INACTIVE
    registration_status: str | None = Field(default=None, max_length=30)  # ISSUED, LAPSED...
    direct_parent_lei: str | None = Field(default=None, max_length=20)
    ultimate_parent_lei: str | None = Field(default=None, max_length=20)


class FirmCreate(FirmBase):
    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str | None) -> str | None:
        return validate_uscc(value) if value else None

    @field_validator("sector")
    @classmethod
    def _sector(cls, value: str) -> str:
        return _one_of(value, SECTORS)

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return _one_of(value, FIRM_STATUSES)

    @model_validator(mode="after")
    def _consistent(self) -> FirmCreate:
        if not (self.name_en or self.name_zh):
            raise ValueError("a firm needs a name: name_en or name_zh")
        if self.renowned and not (self.renowned_criterion and self.renowned_since):
            raise ValueError("a renowned firm needs renowned_criterion and renowned_since")
        if self.status == "active" and self.closed_on:
            raise ValueError(f"an active firm has no closed_on ({self.closed_on.isoformat()})")
        if self.founded and self.closed_on and self.closed_on < self.founded:
            raise ValueError(
                f"closed_on {self.closed_on.isoformat()} is before founded "
                f"{self.founded.isoformat()}"
            )
        return self


class Firm(FirmBase, table=True):
    id: int | None = Field(default=None, primary_key=True)

    @property
    def display_name(self) -> str:
        """The firm's English name, else its Chinese name."""
        return self.name_en or self.name_zh or f"company {self.id}"


class FirmPublic(FirmBase):
    id: int


# --- funding rounds ----------------------------------------------------------------------


class FundingRoundBase(Provenance):
    firm_id: int = Field(foreign_key="firm.id", index=True)
    announced: date = Field(index=True)
    stage: str = Field(max_length=12)
    amount: Decimal = Field(sa_column=amount_column("amount"))
    currency: str = Field(max_length=3)
    investors: str | None = Field(default=None, max_length=500)  # "; "-separated


class FundingRoundCreate(FundingRoundBase):
    @field_validator("stage")
    @classmethod
    def _stage(cls, value: str) -> str:
        return _one_of(value, STAGES)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return validate_currency(value)

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: object) -> Decimal:
        from models.money import parse_amount

        amount = parse_amount(value, field="amount")
        if amount <= 0:
            raise ValueError(f"amount {value!r} must be positive")
        return amount


class FundingRound(FundingRoundBase, table=True):
    __tablename__ = "funding_round"
    id: int | None = Field(default=None, primary_key=True)


class FundingRoundPublic(FundingRoundBase):
    id: int


# --- regulatory trials -------------------------------------------------------------------


class TrialProjectBase(Provenance):
    hub_id: int = Field(foreign_key="hub.id", index=True)
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    entities: int = Field(ge=1)  # participating entities
    entity_names: str | None = Field(default=None, max_length=1000)
    technologies: str | None = Field(default=None, max_length=300)
    approved: date
    status: str = Field(default="approved", max_length=10)


class TrialProjectCreate(TrialProjectBase):
    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return _one_of(value, TRIAL_STATUSES)


class TrialProject(TrialProjectBase, table=True):
    __tablename__ = "trial_project"
    id: int | None = Field(default=None, primary_key=True)


class TrialProjectPublic(TrialProjectBase):
    id: int


class TrialApprovalBase(Provenance):
    """A province-level approval to run fintech application trials."""

    province: str = Field(max_length=80, unique=True)
    province_zh: str | None = Field(default=None, max_length=20)
    approved_by: date
    hub_id: int | None = Field(default=None, foreign_key="hub.id")


class TrialApprovalCreate(TrialApprovalBase):
    pass


class TrialApproval(TrialApprovalBase, table=True):
    __tablename__ = "trial_approval"
    id: int | None = Field(default=None, primary_key=True)
