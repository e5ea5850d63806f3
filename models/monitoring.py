"""Portfolio monitoring: periodic reports from portfolio companies, and custom metrics.

A report covers a period ending on ``period_end`` and gives revenue, headcount, monthly
burn and cash (money in ``currency``) plus any of the fund's custom metrics. A company is
overdue when its latest report's period ended more than ``REPORT_EVERY`` plus
``GRACE`` before today.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.money import amount_column
from models.types import UtcDateTime, utcnow

REPORT_EVERY = timedelta(days=92)  # quarterly
GRACE = timedelta(days=45)


class MetricDefinition(SQLModel, table=True):
    """A custom metric a fund asks its companies to report (e.g. active users)."""

    __tablename__ = "metric_definition"
    __table_args__ = (UniqueConstraint("fund_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(max_length=120)
    unit: str = Field(max_length=20)


class CompanyReportBase(SQLModel):
    fund_id: int = Field(foreign_key="fund.id", index=True)
    firm_id: int = Field(foreign_key="firm.id", index=True)
    period_end: date
    currency: str = Field(max_length=3)
    revenue: Decimal | None = Field(default=None, sa_column=amount_column("revenue", nullable=True))
    burn: Decimal | None = Field(default=None, sa_column=amount_column("burn", nullable=True))
    cash: Decimal | None = Field(default=None, sa_column=amount_column("cash", nullable=True))
    headcount: int | None = Field(default=None, ge=0)
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    is_demo: bool = False


class CompanyReport(CompanyReportBase, table=True):
    __tablename__ = "company_report"
    __table_args__ = (UniqueConstraint("fund_id", "firm_id", "period_end"),)
    id: int | None = Field(default=None, primary_key=True)
    submitted_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)


class CompanyReportPublic(CompanyReportBase):
    id: int
    submitted_at: datetime
