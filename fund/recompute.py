"""Recompute every fund's and holding's figures as of a date into ``performance_snapshot``.

The figures and their rules are ``fund.performance``'s (``fund.book`` for reversals, currencies
and fair values): invested, realized and fair value per holding with its MOIC and IRR; per
fund also capital called, distributed, NAV, DPI, RVPI, TVPI, gross MOIC and the gross and net
IRRs; an undefined ratio or IRR is NULL with the reason in ``note``. They are computed here in
bulk: the ledger and the marks are read once (one query each, ``read_rows``), reversals are
restated, and sums are taken per fund and holding in integer minor units (exact), then the
multiples through ``fund.multiples`` and the IRRs through ``fund.returns`` on the netted flows,
so every figure equals what ``fund.performance`` gives for the same fund, date and currency.
A (fund, as-of date, currency)'s snapshot rows are replaced together in one transaction (a
delete and one bulk write, audited as one load).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from fund.bulk import write_rows
from fund.recompute_engine import all_figures
from fund.recompute_figures import FundFigures
from models.fund import Fund
from models.fx import MissingFxRate, RateTable
from models.ledger import LedgerEntry
from models.snapshots import PerformanceSnapshot
from models.types import utcnow
from models.validation import InputError
from models.valuation import ValuationMark

Progress = Callable[[str, int, int], None]
LEDGER_COLUMNS = (
    "id",
    "fund_id",
    "entry_type",
    "entry_date",
    "amount_minor",
    "currency",
    "amount_fund_minor",
    "firm_id",
    "cost_released_minor",
    "reverses_id",
)
MARK_COLUMNS = (
    "id",
    "fund_id",
    "firm_id",
    "valued_on",
    "recorded_at",
    "fair_value_minor",
    "currency",
)


@dataclass(frozen=True)
class RecomputeSummary:
    """What a recompute did: the date, the currency (None: each fund's own), the funds and
    holdings computed, the snapshot rows written and the rows they replaced."""

    as_of: date
    currency: str | None
    funds: int
    holdings: int
    rows_written: int
    rows_replaced: int


def _raw(name: str, columns: Iterable[str]) -> sa.TableClause:
    """The table with plain (untyped) columns: integers come back as stored, minor units."""
    return sa.table(name, *(sa.column(c) for c in columns))


def read_rows(
    connection: sa.Connection, *, fund_ids: list[int], as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ledger entries booked and the marks dated on or before ``as_of`` of the funds, with
    the columns the figures need: one ``pd.read_sql`` each (what the benchmark times)."""
    ledger = _raw("ledger_entry", LEDGER_COLUMNS)
    query = sa.select(*ledger.c).where(ledger.c.fund_id.in_(fund_ids))
    entries = pd.read_sql(query.where(ledger.c.entry_date <= as_of), connection)
    marks = _raw("valuation_mark", MARK_COLUMNS)
    query = sa.select(*marks.c).where(marks.c.fund_id.in_(fund_ids), marks.c.valued_on <= as_of)
    order = [marks.c.fund_id, marks.c.firm_id, marks.c.valued_on, marks.c.recorded_at, marks.c.id]
    return entries, pd.read_sql(query.order_by(*order), connection)


def _days(values: pd.Series) -> np.ndarray:
    if values.dtype == object and len(values) and isinstance(values.iloc[0], str):
        return pd.to_datetime(values, format="%Y-%m-%d").to_numpy().astype("M8[D]")
    return pd.to_datetime(values).to_numpy().astype("M8[D]")


def _funds(session: Session, as_of: date, fund_ids: Iterable[int] | None) -> list[Fund]:
    if as_of > date.today():
        raise InputError(f"as_of: {as_of.isoformat()} is in the future")
    query = select(Fund).where(Fund.vintage <= as_of).order_by(col(Fund.vintage), col(Fund.name))
    if fund_ids is not None:
        query = query.where(col(Fund.id).in_(list(fund_ids)))
    return list(session.exec(query).all())


def compute(
    *,
    session: Session,
    as_of: date,
    currency: str | None = None,
    fund_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
) -> list[FundFigures]:
    """Every fund's and holding's figures as of ``as_of`` in ``currency`` (each fund's own
    when None), without writing: the funds with vintage on or before ``as_of``."""
    tell = progress or (lambda what, done, total: None)
    funds = _funds(session, as_of, fund_ids)
    if not funds:
        return []
    ids = [f.id or 0 for f in funds]
    entries, marks = read_rows(session.connection(), fund_ids=ids, as_of=as_of)
    tell("read", len(entries) + len(marks), len(entries) + len(marks))
    entries["entry_date"] = _days(entries["entry_date"])
    marks["valued_on"] = _days(marks["valued_on"])
    wanted = {f.currency for f in funds} | set(entries["currency"].unique())
    wanted |= set(marks["currency"].unique())
    rates = RateTable.load(session=session, currencies=wanted | ({currency} if currency else set()))
    pairs = sorted((f.id or 0, f.currency) for f in funds)
    try:
        figures = all_figures(
            funds=pairs, currency=currency, as_of=as_of, entries=entries, marks=marks, rates=rates
        )
    except MissingFxRate as exc:
        raise InputError(f"currency: {exc}") from None
    tell("funds", len(figures), len(figures))
    return figures


def _money(values: Iterable[Decimal | None]) -> list[int | None]:
    return [None if v is None else int(v.scaleb(2)) for v in values]


def snapshot_columns(figures: list[FundFigures], as_of: date) -> dict[str, list]:
    """The ``performance_snapshot`` columns of the figures: a fund row, then its holdings."""
    rows = [row for f in figures for row in f.rows()]
    stamp = utcnow().isoformat(sep=" ", timespec="microseconds")
    pick = {
        name: [r.get(name) for r in rows]
        for name in (
            "fund_id",
            "currency",
            "level",
            "dpi",
            "rvpi",
            "tvpi",
            "moic",
            "gross_irr",
            "net_irr",
            "note",
        )
    }
    money = {
        f"{name}_minor": _money(r.get(name) for r in rows)
        for name in ("invested", "realized", "fair_value", "called", "distributed", "nav")
    }
    return (
        pick
        | money
        | {
            "firm_id": np.array([r.get("firm_id") or -1 for r in rows], dtype=np.int64),
            "as_of": np.full(len(rows), np.datetime64(as_of), dtype="M8[D]"),
            "computed_at": [stamp] * len(rows),
        }
    )


def recompute(
    *,
    session: Session,
    as_of: date,
    currency: str | None = None,
    fund_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
) -> RecomputeSummary:
    """Recompute and replace the snapshot rows of every fund (or ``fund_ids``) as of
    ``as_of`` in ``currency`` (each fund's own when None), in the caller's transaction.

    The audit row names the session's actor (``session.info["actor"]``, as the ORM hook does).
    """
    figures = compute(
        session=session, as_of=as_of, currency=currency, fund_ids=fund_ids, progress=progress
    )
    table = PerformanceSnapshot.__table__  # type: ignore[attr-defined]
    replaced = 0
    for report_in in sorted({f.currency for f in figures}):
        ids = [f.fund_id for f in figures if f.currency == report_in]
        gone = session.connection().execute(
            sa.delete(table).where(
                table.c.fund_id.in_(ids), table.c.as_of == as_of, table.c.currency == report_in
            )
        )
        replaced += gone.rowcount or 0
    columns = snapshot_columns(figures, as_of)
    actor = str(session.info.get("actor") or "system")
    written = write_rows(
        session=session,
        actor=actor,
        model=PerformanceSnapshot,
        columns=columns,
        note=f"recompute as of {as_of.isoformat()}, replaced {replaced} rows",
        progress=progress,
    )
    return RecomputeSummary(
        as_of,
        currency,
        len(figures),
        sum(len(f.holdings) for f in figures),
        written.count,
        replaced,
    )


def stale_funds(*, session: Session, as_of: date, currency: str | None = None) -> list[int]:
    """The funds (vintage on or before ``as_of``) whose snapshot as of ``as_of`` in
    ``currency`` (each fund's own when None) is missing, or older than the last ledger entry
    or mark recorded for them dated on or before ``as_of``: the snapshots a write made stale
    (FX rates recorded later are not tracked: recompute after loading rates)."""
    funds = {f.id or 0: currency or f.currency for f in _funds(session, as_of, None)}
    shot = PerformanceSnapshot
    query = (
        select(shot.fund_id, shot.currency, func.min(shot.computed_at))
        .where(shot.as_of == as_of, shot.level == "fund")
        .group_by(col(shot.fund_id), col(shot.currency))
    )
    computed = {(f, c): at for f, c, at in session.exec(query).all()}
    latest: dict[int, datetime] = {}
    for model, day in (
        (LedgerEntry, LedgerEntry.entry_date),
        (ValuationMark, ValuationMark.valued_on),
    ):
        query = (
            select(model.fund_id, func.max(model.recorded_at))
            .where(day <= as_of)
            .group_by(col(model.fund_id))
        )
        for fund_id, at in session.exec(query).all():
            latest[fund_id] = max(at, latest.get(fund_id, at))
    return sorted(
        f
        for f, report_in in funds.items()
        if (f, report_in) not in computed or (f in latest and latest[f] > computed[(f, report_in)])
    )
