"""The fund side: funds, limited partners and their commitments.

A fund has one currency (its books); every ledger amount is also stored converted to it
at the rate as of the entry's date. LPs are the fund's investors: a government guidance
fund or city investment group beside private ones.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import field_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from models.hub import Provenance
from models.money import amount_column, parse_amount, validate_currency
from models.types import ExactDecimal

LP_KINDS: tuple[str, ...] = (
    "government guidance fund",
    "city investment group",
    "fintech partner",
    "bank",
    "insurer",
    "corporate",
    "family office",
    "individual",
    "other",
)
PUBLIC_LP_KINDS: tuple[str, ...] = ("government guidance fund", "city investment group")


def _rate(value: Decimal) -> Decimal:
    if not Decimal(0) <= value < Decimal(1):
        raise ValueError(f"{value} is not a rate between 0 and 1 (e.g. 0.02 for 2 %)")
    return value


class FundBase(Provenance):
    name: str = Field(max_length=200, unique=True, index=True)
    name_zh: str | None = Field(default=None, max_length=200)
    currency: str = Field(default="CNY", max_length=3)
    vintage: date  # first close: no ledger entry may be dated before it
    size: Decimal = Field(sa_column=amount_column("size"))  # target size, fund currency
    gp: str = Field(max_length=200)  # the general partner / manager
    hub_id: int | None = Field(default=None, foreign_key="hub.id", index=True)
    management_fee_rate: Decimal = Field(default=Decimal("0.02"), sa_type=ExactDecimal)
    carry_rate: Decimal = Field(default=Decimal("0.20"), sa_type=ExactDecimal)
    hurdle_rate: Decimal = Field(default=Decimal("0.08"), sa_type=ExactDecimal)
    term_years: int = Field(default=10, ge=1, le=30)


class FundCreate(FundBase):
    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return validate_currency(value)

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, value: object) -> Decimal:
        size = parse_amount(value, field="size")
        if size <= 0:
            raise ValueError(f"{value!r} must be positive")
        return size

    @field_validator("management_fee_rate", "carry_rate", "hurdle_rate")
    @classmethod
    def _rates(cls, value: Decimal) -> Decimal:
        return _rate(value)


class Fund(FundBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class FundPublic(FundBase):
    id: int


class LpBase(Provenance):
    name: str = Field(max_length=200, unique=True, index=True)
    name_zh: str | None = Field(default=None, max_length=200)
    kind: str = Field(max_length=40)


class LpCreate(LpBase):
    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in LP_KINDS:
            raise ValueError(f"{value!r} is not one of: {', '.join(LP_KINDS)}")
        return value


class Lp(LpBase, table=True):
    id: int | None = Field(default=None, primary_key=True)

    @property
    def is_public(self) -> bool:
        """Whether the LP's money is public (a guidance fund or city investment group)."""
        return self.kind in PUBLIC_LP_KINDS


class LpPublic(LpBase):
    id: int


class CommitmentBase(Provenance):
    fund_id: int = Field(foreign_key="fund.id", index=True)
    lp_id: int = Field(foreign_key="lp.id", index=True)
    amount: Decimal = Field(sa_column=amount_column("amount"))  # in the fund's currency
    committed_on: date


class CommitmentCreate(CommitmentBase):
    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: object) -> Decimal:
        amount = parse_amount(value, field="amount")
        if amount <= 0:
            raise ValueError(f"{value!r} must be positive")
        return amount


class Commitment(CommitmentBase, table=True):
    __table_args__ = (UniqueConstraint("fund_id", "lp_id"),)
    id: int | None = Field(default=None, primary_key=True)


class CommitmentPublic(CommitmentBase):
    id: int
