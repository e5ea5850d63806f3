"""Benchmark index series for the PMEs: stored levels, and their all-or-nothing import.

No index ships with the product (a licensed series is the user's to load); the demo's
synthetic one is flagged ``is_demo``. A file is CSV or Excel with the columns ``date`` and
``level``: one positive total-return level per date.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd
from sqlmodel import Session, col, delete

from fund.access import Actor, require
from models.money import validate_currency
from models.validation import InputError
from models.valuation import BenchmarkIndex, IndexLevel

COLUMNS = ("date", "level")


def _table(data: bytes, filename: str) -> pd.DataFrame:
    try:
        if filename.lower().endswith(".xlsx"):
            frame = pd.read_excel(io.BytesIO(data), dtype=str)
        else:
            frame = pd.read_csv(io.StringIO(data.decode("utf-8-sig")), dtype=str)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"file: {filename!r} cannot be read ({exc})") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if missing := [c for c in COLUMNS if c not in frame.columns]:
        raise InputError(f"file: column(s) {', '.join(missing)} missing (expected date, level)")
    if extra := [c for c in frame.columns if c not in COLUMNS]:
        raise InputError(f"file: unknown column(s) {', '.join(extra)} (expected date, level)")
    return frame


def _levels(frame: pd.DataFrame) -> list[tuple[date, Decimal]]:
    problems: list[str] = []
    levels: dict[date, Decimal] = {}
    for number, (raw_date, raw_level) in enumerate(frame[list(COLUMNS)].itertuples(index=False)):
        row = number + 2  # the header is row 1
        try:
            day = date.fromisoformat(str(raw_date).strip())
        except ValueError:
            problems.append(f"row {row}, date: {raw_date!r} is not a YYYY-MM-DD date")
            continue
        try:
            level = Decimal(str(raw_level).strip().replace(",", ""))
        except InvalidOperation:
            level = Decimal(-1)
        if not level.is_finite() or level <= 0:
            problems.append(f"row {row}, level: {raw_level!r} is not a positive number")
        elif day in levels:
            problems.append(f"row {row}, date: {day.isoformat()} appears twice")
        else:
            levels[day] = level
    if problems:
        raise InputError("; ".join(problems))
    if not levels:
        raise InputError("file: no rows")
    return sorted(levels.items())


def import_index(
    *,
    session: Session,
    actor: Actor,
    code: str,
    name: str,
    currency: str,
    source: str,
    data: bytes,
    filename: str,
) -> int:
    """Store (or replace) index ``code``'s levels from a file; returns how many were stored.

    Validated as a whole: any bad row refuses the file and nothing is written.
    """
    require(actor, "fund_manager", "analyst", action="import a benchmark index")
    if not code.strip() or not name.strip() or not source.strip():
        raise InputError("code, name and source: an index needs all three")
    currency = validate_currency(currency)
    levels = _levels(_table(data, filename))
    index = session.get(BenchmarkIndex, code)
    if index is not None and index.is_demo:
        raise InputError(f"code: {code!r} is the demo's synthetic index; choose another code")
    if index is None:
        session.add(BenchmarkIndex(code=code, name=name, currency=currency, source=source))
    else:
        index.name, index.currency, index.source = name, currency, source
        session.exec(delete(IndexLevel).where(col(IndexLevel.index_code) == code))
    session.flush()
    session.add_all(IndexLevel(index_code=code, on=day, level=level) for day, level in levels)
    session.flush()
    return len(levels)
