"""Computed fund and holding figures as of a date, kept for analysts and for fast pages.

A snapshot is derived data: ``fund.recompute`` rewrites the rows of a (fund, as-of date,
currency) together from the ledger and the marks, so they never disagree with the books they
were computed from (``computed_at`` says when). Undefined ratios and IRRs are NULL with the
reason in ``note``. The analysts' view ``v_fund_performance`` reads the fund-level rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.money import amount_column
from models.types import ExactDecimal, UtcDateTime, utcnow

LEVELS: tuple[str, ...] = ("fund", "holding")


class PerformanceSnapshot(SQLModel, table=True):
    """One fund's (``level`` "fund") or one holding's (``level`` "holding", ``firm_id``)
    figures as of ``as_of`` in ``currency``. Money in that currency; multiples exact."""

    __tablename__ = "performance_snapshot"
    __table_args__ = (
        Index("ix_performance_snapshot_key", "fund_id", "as_of", "currency", "level"),
    )

    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id")
    as_of: date
    currency: str = Field(max_length=3)
    level: str = Field(max_length=8)  # one of LEVELS
    firm_id: int | None = Field(default=None, foreign_key="firm.id", index=True)
    invested: Decimal = Field(sa_column=amount_column("invested"))
    realized: Decimal = Field(sa_column=amount_column("realized"))
    fair_value: Decimal = Field(sa_column=amount_column("fair_value"))
    called: Decimal | None = Field(default=None, sa_column=amount_column("called", nullable=True))
    distributed: Decimal | None = Field(
        default=None, sa_column=amount_column("distributed", nullable=True)
    )
    nav: Decimal | None = Field(default=None, sa_column=amount_column("nav", nullable=True))
    dpi: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    rvpi: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    tvpi: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    moic: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    gross_irr: float | None = None
    net_irr: float | None = None  # fund level only
    note: str | None = Field(default=None, max_length=1000)  # why a figure is NULL
    computed_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)
