"""A deal's simple projection: the company's yearly revenue and costs, an exit, and the fund's
NPV and IRR on its cheque.

Definitions (yearly periods; t = 0 is the day of the cheque, t = 1..n the end of each projected
year, the exit at the end of the last one):

- company cash flow in a year = revenue - costs;
- exit value = exit multiple x the last year's revenue;
- fund flows F_0 = -investment, F_1..F_{n-1} = 0, F_n = ownership x exit value;
- NPV = sum_t F_t / (1 + discount rate) ** t (numpy-financial's ``npv``: the first flow is
  at t = 0, undiscounted), rounded to the cent;
- IRR = the periodic rate r with sum_t F_t / (1 + r) ** t = 0 (``fund.returns.irr``,
  numpy-financial based), an ``Undefined`` with the reason when there is none (no exit value);
- MOIC = F_n / investment, to 4 decimals.

Storage (``models.pipeline.Projection``): ``years`` is a JSON list of
``{"year": int, "revenue": "1000.00", "costs": "800.00"}``, decimals as strings; the table has
no columns for the cheque, so the first dict also holds ``"investment"`` and ``"ownership"``
(strings). ``load_projection`` is the way to read it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from sqlmodel import Session, select

from fund.access import Actor, require, require_fund
from fund.results import Undefined
from fund.returns import IrrUndefined, irr, npv
from models.money import MoneyError, parse_amount, validate_currency
from models.pipeline import Deal, Projection
from models.validation import InputError, to_decimal

WRITERS = ("fund_manager",)
CENT = Decimal("0.01")
RATIO_PLACES = 8  # the most decimals a rate, multiple or ownership keeps (NUMERIC(28, 8))
MAX_MULTIPLE = Decimal(1000)
MAX_YEARS = 30


@dataclass(frozen=True)
class YearLine:
    """One projected year of the company: cash flow = revenue - costs."""

    year: int
    revenue: Decimal
    costs: Decimal


@dataclass(frozen=True)
class ProjectionInput:
    currency: str
    discount_rate: Decimal  # a fraction: 0.12 for 12 % a year
    exit_multiple: Decimal  # of the last year's revenue
    years: tuple[YearLine, ...]
    investment: Decimal  # the fund's cheque at t = 0
    ownership: Decimal  # the fund's fraction of the company at the exit


@dataclass(frozen=True)
class ProjectionResult:
    cash_flows: tuple[Decimal, ...]  # the company's, one per projected year
    exit_value: Decimal
    fund_flows: tuple[Decimal, ...]  # t = 0 .. n: one more than the years
    npv: Decimal
    irr: float | Undefined
    moic: Decimal
    years: tuple[int, ...] = ()  # the projected years (labels for ``cash_flows``)


def _ratio(value: Any, field: str, low: Decimal, high: Decimal, *, open_low: bool) -> Decimal:
    number = to_decimal(value, field=field)
    if (number <= low if open_low else number < low) or number > high:
        bounds = f"above {low} and at most {high}" if open_low else f"between {low} and {high}"
        raise InputError(f"{field}: {value} must be {bounds}")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > RATIO_PLACES:
        raise InputError(f"{field}: {value} has more than {RATIO_PLACES} decimal places")
    return number


def _money(value: Any, field: str, *, positive: bool = False) -> Decimal:
    try:
        amount = parse_amount(value, field=field)
    except MoneyError as exc:
        raise InputError(str(exc)) from None
    if amount < 0 or (positive and amount == 0):
        raise InputError(f"{field}: {value} must be {'above' if positive else 'at least'} 0")
    return amount


def validate_projection(p: ProjectionInput) -> ProjectionInput:
    """``p`` with its numbers as exact Decimals, or ``InputError`` naming field and value.

    Rules: an ISO 4217 currency; discount rate 0..1 and exit multiple above 0 (up to 1000),
    ownership above 0 up to 1 (each at most 8 decimals); 1-30 years, consecutive and
    increasing; revenue and costs at least 0, the investment above 0, money with at most
    2 decimals.
    """
    try:
        currency = validate_currency(p.currency)
    except MoneyError as exc:
        raise InputError(str(exc)) from None
    rate = _ratio(p.discount_rate, "discount_rate", Decimal(0), Decimal(1), open_low=False)
    multiple = _ratio(p.exit_multiple, "exit_multiple", Decimal(0), MAX_MULTIPLE, open_low=True)
    ownership = _ratio(p.ownership, "ownership", Decimal(0), Decimal(1), open_low=True)
    investment = _money(p.investment, "investment", positive=True)
    if not 1 <= len(p.years) <= MAX_YEARS:
        raise InputError(f"years: {len(p.years)} years given; give 1 to {MAX_YEARS}")
    lines = []
    for i, line in enumerate(p.years):
        year = line.year
        if isinstance(year, bool) or not isinstance(year, int):
            raise InputError(f"years[{i}].year: {year!r} is not a whole year")
        if i and year != lines[-1].year + 1:
            raise InputError(
                f"years[{i}].year: {year} follows {lines[-1].year}; "
                "years must be consecutive and increasing"
            )
        revenue = _money(line.revenue, f"years[{i}].revenue ({year})")
        costs = _money(line.costs, f"years[{i}].costs ({year})")
        lines.append(YearLine(year, revenue, costs))
    return ProjectionInput(currency, rate, multiple, tuple(lines), investment, ownership)


def project(p: ProjectionInput) -> ProjectionResult:
    """Cash flows, exit value, the fund's flows, NPV, IRR and MOIC (module docstring).

    Pure; ``InputError`` (``validate_projection``) for input it cannot project.
    """
    p = validate_projection(p)
    cash = tuple(y.revenue - y.costs for y in p.years)
    exit_value = p.exit_multiple * p.years[-1].revenue
    proceeds = p.ownership * exit_value
    flows = (-p.investment, *([Decimal(0)] * (len(p.years) - 1)), proceeds)
    value = npv(float(p.discount_rate), flows)
    rate: float | Undefined
    try:
        rate = irr(flows)
    except IrrUndefined as exc:
        rate = Undefined(str(exc))
    return ProjectionResult(
        cash_flows=cash,
        exit_value=exit_value,
        fund_flows=flows,
        npv=Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP),
        irr=rate,
        moic=(proceeds / p.investment).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        years=tuple(y.year for y in p.years),
    )


def sensitivity(
    p: ProjectionInput, *, rates: Sequence[Decimal], multiples: Sequence[Decimal]
) -> pd.DataFrame:
    """The NPV (Decimal, to the cent) for each discount rate (rows, index "discount_rate")
    and exit multiple (columns, "exit_multiple"); every other input as in ``p``."""
    if not rates or not multiples:
        raise InputError("sensitivity: give at least one discount rate and one exit multiple")
    table = [
        [project(replace(p, discount_rate=r, exit_multiple=m)).npv for m in multiples]
        for r in rates
    ]
    index = pd.Index(list(rates), name="discount_rate", dtype=object)
    columns = pd.Index(list(multiples), name="exit_multiple", dtype=object)
    return pd.DataFrame(table, index=index, columns=columns, dtype=object)


def _stored_years(p: ProjectionInput) -> list[dict[str, Any]]:
    return [{"year": y.year, "revenue": str(y.revenue), "costs": str(y.costs)} for y in p.years]


def save_projection(
    *, session: Session, actor: Actor, deal_id: int, projection_in: ProjectionInput
) -> None:
    """Store (or replace) the deal's projection; fund managers only, validated first
    (``validate_projection``); nothing is written on refusal."""
    require(actor, *WRITERS, action="save a projection")
    deal = session.get(Deal, deal_id) if isinstance(deal_id, int) else None
    if deal is None:
        raise InputError(f"deal_id: {deal_id!r} is not a known deal")
    require_fund(actor, deal.fund_id, action="save a projection")
    p = validate_projection(projection_in)
    values = {
        "currency": p.currency,
        "investment": p.investment,
        "ownership": p.ownership,
        "discount_rate": p.discount_rate,
        "exit_multiple": p.exit_multiple,
        "years": _stored_years(p),
    }
    row = session.exec(select(Projection).where(Projection.deal_id == deal.id)).first()
    if row is None:
        row = Projection(deal_id=deal.id, **values)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.add(row)
    session.flush()


def load_projection(*, session: Session, deal_id: int) -> ProjectionInput | None:
    """The deal's stored projection, exactly as saved, or None when it has none."""
    row = session.exec(select(Projection).where(Projection.deal_id == deal_id)).first()
    if row is None:
        return None
    lines = tuple(
        YearLine(int(y["year"]), Decimal(str(y["revenue"])), Decimal(str(y["costs"])))
        for y in row.years
    )
    return ProjectionInput(
        currency=row.currency,
        discount_rate=Decimal(row.discount_rate),
        exit_multiple=Decimal(row.exit_multiple),
        years=lines,
        investment=row.investment,
        ownership=Decimal(row.ownership),
    )
