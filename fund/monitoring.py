"""Portfolio monitoring: custom metrics, company reports, runway, overdue reports, file import.

A report gives, for a period ending on ``period_end``, revenue (for the period), burn (the
monthly net cash out, >= 0: a company that generates cash reports 0), cash at period end
and headcount, in the report's ``currency``, plus the fund's custom metrics (any finite
number, stored exactly as text). Money is >= 0 with at most 2 decimals. A company reports
to a fund only once it is a holding: the fund invested in it on or before ``period_end``.
One report per company and period end; corrections are not supported yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from pydantic import field_validator
from sqlmodel import Field, Session, SQLModel, col, select

from fund.access import Actor, require, require_fund
from fund.ledger import fund_of
from fund.positions import ledger_frame, position_of, positions
from fund.results import Undefined
from models.fund import Fund
from models.hub import Firm
from models.money import MoneyError, parse_amount, validate_currency
from models.monitoring import GRACE, REPORT_EVERY, CompanyReport, CompanyReportPublic
from models.monitoring import MetricDefinition as Metric
from models.validation import InputError, check, not_in_future, to_decimal

REPORT_COLUMNS = ("company", "period_end", "currency", "revenue", "burn", "cash", "headcount")
FIGURES = ("revenue", "burn", "cash", "headcount")
FRAME_EXTRA = ("report_id", "firm_id", "runway_months", "runway_note", "submitted_at")
WRITERS = ("fund_manager",)
CODE = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class MetricPublic:
    """A custom metric a fund asks its companies to report."""

    id: int
    fund_id: int
    code: str
    name: str
    unit: str


class CompanyReportInput(SQLModel):
    """One report as given by a form or an import row, validated (see the module docstring)."""

    fund_id: int
    firm_id: int
    period_end: date
    currency: str
    revenue: Decimal | None = None
    burn: Decimal | None = None
    cash: Decimal | None = None
    headcount: int | None = Field(default=None, ge=0)
    metrics: dict[str, Decimal] = Field(default_factory=dict)

    @field_validator("period_end")
    @classmethod
    def _dated(cls, value: date) -> date:
        return not_in_future(value)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        try:
            return validate_currency(value)
        except MoneyError as exc:  # "currency: ...": pydantic names the field
            raise ValueError(str(exc).split(": ", 1)[-1]) from None

    @field_validator("revenue", "burn", "cash", mode="before")
    @classmethod
    def _money(cls, value: object) -> Decimal | None:
        if value is None or value == "":
            return None
        try:
            amount = parse_amount(value)
        except MoneyError as exc:
            raise ValueError(str(exc).split(": ", 1)[-1]) from None
        if amount < 0:
            raise ValueError(f"{value!r} is negative; give a figure >= 0")
        return amount

    @field_validator("metrics", mode="before")
    @classmethod
    def _metrics(cls, value: Any) -> dict[str, Decimal]:
        return {str(k): to_decimal(v, field=str(k)) for k, v in dict(value or {}).items()}


def _public(metric: Metric) -> MetricPublic:
    return MetricPublic(metric.id or 0, metric.fund_id, metric.code, metric.name, metric.unit)


def metrics_of(*, session: Session, fund_id: int) -> list[MetricPublic]:
    """The fund's custom metrics, by code."""
    query = select(Metric).where(Metric.fund_id == fund_id).order_by(col(Metric.code))
    return [_public(m) for m in session.exec(query).all()]


def define_metric(
    *, session: Session, actor: Actor, fund_id: int, code: str, name: str, unit: str
) -> MetricPublic:
    """Add a custom metric: ``code`` of a-z, 0-9 and _ (a column of the import), unique per
    fund and not a standard column; ``name`` given. Fund managers only."""
    require(actor, *WRITERS, action="define a portfolio metric")
    require_fund(actor, fund_id, action="define a portfolio metric")
    fund = fund_of(session=session, fund_id=fund_id)
    code, name, unit = code.strip(), name.strip(), unit.strip()
    if not CODE.fullmatch(code) or len(code) > 40:
        raise InputError(f"code: {code!r} is not 1-40 characters of a-z, 0-9 and _")
    if code in REPORT_COLUMNS or code in FRAME_EXTRA:
        raise InputError(f"code: {code!r} is a standard report column; choose another code")
    if not name or len(name) > 120:
        raise InputError(f"name: {name!r} is not 1-120 characters")
    if len(unit) > 20:
        raise InputError(f"unit: {unit!r} is longer than 20 characters")
    if code in {m.code for m in metrics_of(session=session, fund_id=fund_id)}:
        raise InputError(f"code: {fund.name} already has a metric {code!r}")
    row = Metric(fund_id=fund_id, code=code, name=name, unit=unit)
    session.add(row)
    session.flush()
    return _public(row)


def company_name(firm: Firm) -> str:
    """The firm's English name, else its Chinese name (``Firm.display_name``)."""
    return firm.display_name


@dataclass
class Books:
    """What a report is checked against: the fund, its ledger, metrics and reports so far."""

    fund: Fund
    entries: pd.DataFrame
    codes: list[str]
    taken: dict[tuple[int, date], str]

    @classmethod
    def load(cls, session: Session, fund_id: int) -> Books:
        fund = fund_of(session=session, fund_id=fund_id)
        reports = session.exec(select(CompanyReport).where(CompanyReport.fund_id == fund_id))
        return cls(
            fund,
            ledger_frame(session=session, fund_ids=[fund_id]),
            [m.code for m in metrics_of(session=session, fund_id=fund_id)],
            {(r.firm_id, r.period_end): f"report #{r.id}" for r in reports.all()},
        )

    def problems(self, firm: Firm, data: CompanyReportInput) -> list[tuple[str, str]]:
        """(field, message) for every reason to refuse ``data``."""
        found, end = [], data.period_end.isoformat()
        dated = self.entries[self.entries["entry_date"] <= data.period_end]
        if position_of(dated, firm.id or 0).invested <= 0:
            found.append(
                (
                    "company",
                    f"{company_name(firm)} is not a holding of {self.fund.name} on {end}"
                    " (no investment recorded on or before the period end)",
                )
            )
        if unknown := sorted(set(data.metrics) - set(self.codes)):
            known = ", ".join(self.codes) or "none defined"
            found.append(
                ("metrics", f"unknown metric code(s) {', '.join(unknown)} (known: {known})")
            )
        if (clash := self.taken.get((firm.id or 0, data.period_end))) is not None:
            found.append(
                (
                    "period_end",
                    f"{company_name(firm)} already has a report for the period ending "
                    f"{end} ({clash}); corrections are not supported yet",
                )
            )
        if all(getattr(data, f) is None for f in FIGURES) and not data.metrics:
            found.append(("revenue", "the report gives no figure at all"))
        return found

    def write(self, session: Session, data: CompanyReportInput) -> CompanyReportPublic:
        metrics = {code: format(value, "f") for code, value in data.metrics.items()}
        row = CompanyReport.model_validate(data.model_dump() | {"metrics": metrics})
        session.add(row)
        session.flush()
        self.taken[(row.firm_id, row.period_end)] = f"report #{row.id}"
        public = CompanyReportPublic.model_validate(row)
        return public.model_copy(update={"metrics": dict(data.metrics)})  # Decimals, not text


def record_report(
    *, session: Session, actor: Actor, report_in: CompanyReportInput
) -> CompanyReportPublic:
    """Record one company report; fund managers only. Refused, with nothing written: a company
    that is not a holding by the period end, an unknown metric code, a second report for the
    same company and period end, a report without figures (and what the input model refuses)."""
    require(actor, *WRITERS, action="record a company report")
    data = check(CompanyReportInput, report_in.model_dump())
    require_fund(actor, data.fund_id, action="record a company report")
    books = Books.load(session, data.fund_id)
    firm = session.get(Firm, data.firm_id)
    if firm is None:
        raise InputError(f"firm_id: {data.firm_id!r} is not a known company")
    if problems := books.problems(firm, data):
        raise InputError("; ".join(f"{field}: {message}" for field, message in problems))
    return books.write(session, data)


def runway_months(*, cash: Decimal | None, burn: Decimal | None) -> Decimal | Undefined:
    """Months of cash left at the current burn: cash / monthly burn, to 0.1 month.

    Undefined when a figure is missing, and when burn <= 0 (the company is not burning cash).
    """
    if cash is None or burn is None:
        return Undefined("cash or burn not reported")
    if burn <= 0:
        return Undefined("not burning cash")
    return (cash / burn).quantize(Decimal("0.1"))


def reports_frame(*, session: Session, fund_id: int, firm_id: int | None = None) -> pd.DataFrame:
    """One row per report (by company and period end): ``REPORT_COLUMNS``, report and firm ids,
    ``runway_months`` (None when undefined, the reason in ``runway_note``), the submission time
    and one column per custom metric code (Decimal, None when not reported)."""
    codes = [m.code for m in metrics_of(session=session, fund_id=fund_id)]
    query = select(CompanyReport, Firm).join(Firm, col(Firm.id) == CompanyReport.firm_id)
    query = query.where(CompanyReport.fund_id == fund_id)
    if firm_id is not None:
        query = query.where(CompanyReport.firm_id == firm_id)
    records = []
    for report, firm in session.exec(query).all():
        runway = runway_months(cash=report.cash, burn=report.burn)
        record = {name: getattr(report, name) for name in REPORT_COLUMNS[1:]}
        record |= {"company": company_name(firm), "report_id": report.id, "firm_id": firm.id}
        record["submitted_at"] = report.submitted_at
        record["runway_months"] = None if isinstance(runway, Undefined) else runway
        record["runway_note"] = runway.reason if isinstance(runway, Undefined) else None
        given = report.metrics
        records.append(record | {c: Decimal(str(given[c])) if c in given else None for c in codes})
    records.sort(key=lambda r: (r["company"], r["period_end"]))
    columns = ["report_id", "firm_id", *REPORT_COLUMNS, "runway_months", "runway_note"]
    return pd.DataFrame(records, columns=[*columns, "submitted_at", *codes], dtype=object)


def held_companies(session: Session, fund_id: int, on: date) -> list[tuple[Firm, date | None]]:
    """Companies with cost still held on ``on`` (by name), with the first investment's date."""
    found, entries = [], ledger_frame(session=session, fund_ids=[fund_id], until=on)
    for firm_id, held in positions(entries).items():
        if held.remaining_cost > 0 and (firm := session.get(Firm, firm_id)) is not None:
            found.append((firm, held.first_investment))
    return sorted(found, key=lambda pair: company_name(pair[0]))


def overdue(*, session: Session, fund_id: int, today: date) -> pd.DataFrame:
    """Holdings (cost still held on ``today``) whose next report is overdue, most overdue first.

    ``due_since`` = latest report's period end + ``REPORT_EVERY`` + ``GRACE`` (without a
    report: first investment + the same); overdue when ``due_since < today``;
    ``days_overdue = today - due_since``. Columns: firm_id, company, last_period_end (None
    without a report), due_since, days_overdue.
    """
    fund_of(session=session, fund_id=fund_id)
    records = []
    for firm, first in held_companies(session, fund_id, today):
        last = session.exec(
            select(CompanyReport.period_end)
            .where(CompanyReport.fund_id == fund_id, CompanyReport.firm_id == firm.id)
            .where(CompanyReport.period_end <= today)
            .order_by(col(CompanyReport.period_end).desc())
        ).first()
        due = (last or first or today) + REPORT_EVERY + GRACE
        if due < today:
            records.append([firm.id, company_name(firm), last, due, (today - due).days])
    records.sort(key=lambda r: (-r[4], r[1]))
    columns = ["firm_id", "company", "last_period_end", "due_since", "days_overdue"]
    return pd.DataFrame(records, columns=columns, dtype=object)
