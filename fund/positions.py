"""The fund's positions from its ledger: cash held and each holding's cost and proceeds.

Everything is in the fund's currency (``amount_fund``, converted at each entry's date).
Reversals carry negated amounts, so a reversed entry and its reversal sum to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlmodel import Session, col, func, select

from models.ledger import CASH_IN, CASH_OUT, LedgerEntry, LedgerEntryBase

ZERO = Decimal("0.00")
LEDGER_COLUMNS = ["id", *LedgerEntryBase.model_fields, "recorded_at", "recorded_by"]


def ledger_frame(
    *,
    session: Session,
    fund_ids: Iterable[int] | None = None,
    until: date | None = None,
    firm_id: int | None = None,
) -> pd.DataFrame:
    """Every ledger entry (reversals included) of the funds, dated on or before ``until``
    (and only those of company ``firm_id`` when given)."""
    # Rows of the columns, not ORM objects (many times faster at national scale).
    columns = [getattr(LedgerEntry, c) for c in LEDGER_COLUMNS]
    query = select(*columns).order_by(col(LedgerEntry.entry_date), col(LedgerEntry.id))
    if fund_ids is not None:
        query = query.where(col(LedgerEntry.fund_id).in_(list(fund_ids)))
    if until is not None:
        query = query.where(LedgerEntry.entry_date <= until)
    if firm_id is not None:
        query = query.where(LedgerEntry.firm_id == firm_id)
    rows = session.connection().execute(query).all()
    values = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in LEDGER_COLUMNS]
    # Python objects, not Arrow strings: the books slice this frame per company and quarter,
    # and taking rows of object columns is many times cheaper.
    data = dict(zip(LEDGER_COLUMNS, values, strict=True))
    return pd.DataFrame(data, columns=LEDGER_COLUMNS, dtype=object)


def _sum(values: Iterable[Any]) -> Decimal:
    return sum((Decimal(v) for v in values if v is not None and not pd.isna(v)), ZERO)


def cash_balance(entries: pd.DataFrame) -> Decimal:
    """Cash held = calls + proceeds - investments - fund payments - distributions."""
    cash_in = entries[entries["entry_type"].isin(CASH_IN)]["amount_fund"]
    cash_out = entries[entries["entry_type"].isin(CASH_OUT)]["amount_fund"]
    return _sum(cash_in) - _sum(cash_out)


def cash_on(*, session: Session, fund_id: int, on: date) -> Decimal:
    """The fund's cash at the end of ``on`` (``cash_balance`` of its entries, summed in SQL)."""
    query = (
        select(LedgerEntry.entry_type, func.sum(LedgerEntry.amount_fund))
        .where(LedgerEntry.fund_id == fund_id, LedgerEntry.entry_date <= on)
        .group_by(col(LedgerEntry.entry_type))
    )
    totals = {kind: Decimal(total or 0) for kind, total in session.exec(query).all()}
    return sum((totals.get(k, ZERO) for k in CASH_IN), ZERO) - sum(
        (totals.get(k, ZERO) for k in CASH_OUT), ZERO
    )


@dataclass(frozen=True)
class Position:
    """One holding: cost invested, cost released by exits and write-offs, proceeds received."""

    firm_id: int
    invested: Decimal
    cost_released: Decimal
    realized: Decimal
    first_investment: date | None
    written_off: bool

    @property
    def remaining_cost(self) -> Decimal:
        """Cost still held: invested - cost released."""
        return self.invested - self.cost_released


def positions(entries: pd.DataFrame) -> dict[int, Position]:
    """Every company the ledger shows the fund invested in, with its position."""
    held = entries[entries["firm_id"].notna()]
    kind = held["entry_type"]

    def total(mask: pd.Series, column: str) -> dict[Any, Decimal]:  # one pass per measure
        return held[mask].groupby("firm_id")[column].agg(_sum).to_dict()

    invested = total(kind == "investment", "amount_fund")
    released = total(kind.isin(["proceeds", "write_off"]), "cost_released")
    realized = total(kind == "proceeds", "amount_fund")
    written = total(kind == "write_off", "cost_released")
    first = held[kind == "investment"].groupby("firm_id")["entry_date"].min().to_dict()
    return {
        int(firm_id): Position(
            firm_id=int(firm_id),
            invested=invested.get(firm_id, ZERO),
            cost_released=released.get(firm_id, ZERO),
            realized=realized.get(firm_id, ZERO),
            first_investment=first.get(firm_id),
            written_off=written.get(firm_id, ZERO) > 0,
        )
        for firm_id in sorted(set(held["firm_id"]))
    }


def position_of(entries: pd.DataFrame, firm_id: int) -> Position:
    """The fund's position in ``firm_id`` (all zero if it never invested)."""
    found = positions(entries[entries["firm_id"] == firm_id])
    return found.get(firm_id) or Position(firm_id, ZERO, ZERO, ZERO, None, False)
