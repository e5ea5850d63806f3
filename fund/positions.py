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
    query = select(LedgerEntry).order_by(col(LedgerEntry.entry_date), col(LedgerEntry.id))
    if fund_ids is not None:
        query = query.where(col(LedgerEntry.fund_id).in_(list(fund_ids)))
    if until is not None:
        query = query.where(LedgerEntry.entry_date <= until)
    if firm_id is not None:
        query = query.where(LedgerEntry.firm_id == firm_id)
    rows = [{c: getattr(e, c) for c in LEDGER_COLUMNS} for e in session.exec(query).all()]
    # Python objects, not Arrow strings: the books slice this frame per company and quarter,
    # and taking rows of object columns is many times cheaper.
    return pd.DataFrame(rows, columns=LEDGER_COLUMNS, dtype=object)


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
    result: dict[int, Position] = {}
    for firm_id, rows in held.groupby("firm_id"):
        kind = rows["entry_type"]
        invested = rows[kind == "investment"]
        written = rows[kind == "write_off"]
        result[int(firm_id)] = Position(
            firm_id=int(firm_id),
            invested=_sum(invested["amount_fund"]),
            cost_released=_sum(rows[kind.isin(["proceeds", "write_off"])]["cost_released"]),
            realized=_sum(rows[kind == "proceeds"]["amount_fund"]),
            first_investment=min(invested["entry_date"]) if len(invested) else None,
            written_off=_sum(written["cost_released"]) > 0,
        )
    return result


def position_of(entries: pd.DataFrame, firm_id: int) -> Position:
    """The fund's position in ``firm_id`` (all zero if it never invested)."""
    found = positions(entries[entries["firm_id"] == firm_id])
    return found.get(firm_id) or Position(firm_id, ZERO, ZERO, ZERO, None, False)
