"""Valuation marks per holding, and benchmark index series for the PMEs.

A mark is the fair value of the fund's whole position in a company on a date, with the
method that set it. The latest mark on or before a date is the holding's fair value then;
a correction is a later-recorded mark for the same date (audited like every write).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import field_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.money import amount_column, parse_amount, validate_currency
from models.types import ExactDecimal, UtcDateTime, utcnow

VALUATION_METHODS: tuple[str, ...] = (
    "cost",
    "last round",
    "comparables",
    "DCF",
    "offer",
    "write-down",
    "write-off",
)


class ValuationMarkBase(SQLModel):
    fund_id: int = Field(foreign_key="fund.id", index=True)
    firm_id: int = Field(foreign_key="firm.id", index=True)
    valued_on: date = Field(index=True)
    fair_value: Decimal = Field(sa_column=amount_column("fair_value"))
    currency: str = Field(max_length=3)
    method: str = Field(max_length=20)
    note: str | None = Field(default=None, max_length=500)
    is_demo: bool = False


class ValuationMarkCreate(ValuationMarkBase):
    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return validate_currency(value)

    @field_validator("fair_value", mode="before")
    @classmethod
    def _value(cls, value: object) -> Decimal:
        amount = parse_amount(value, field="fair_value")
        if amount < 0:
            raise ValueError(f"{value!r} is negative: a fair value is zero or more")
        return amount

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        if value not in VALUATION_METHODS:
            raise ValueError(f"{value!r} is not one of: {', '.join(VALUATION_METHODS)}")
        return value


class ValuationMark(ValuationMarkBase, table=True):
    __tablename__ = "valuation_mark"
    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)


class ValuationMarkPublic(ValuationMarkBase):
    id: int
    recorded_at: datetime


class BenchmarkIndex(SQLModel, table=True):
    """A total-return index the PMEs compare the fund against (levels in ``index_level``)."""

    __tablename__ = "benchmark_index"
    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    currency: str = Field(max_length=3)
    source: str = Field(max_length=300)
    is_demo: bool = False


class IndexLevel(SQLModel, table=True):
    __tablename__ = "index_level"
    __table_args__ = (UniqueConstraint("index_code", "on"),)
    id: int | None = Field(default=None, primary_key=True)
    index_code: str = Field(foreign_key="benchmark_index.code", max_length=40, index=True)
    on: date
    level: Decimal = Field(sa_type=ExactDecimal)
