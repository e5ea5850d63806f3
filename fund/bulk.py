"""Bulk writes: many rows of one table in one transaction, checked as a whole, audited once.

The product's path for large loads (the national demo, big ledger files).
``fund.bulk_ledger.load_ledger`` checks a DataFrame of ledger entries column by column
(``fund.bulk_checks``: the rules of ``fund.ledger``) and refuses the whole load, naming rows
and columns, if any row is wrong; ``write_rows`` here writes prepared columns of any table.
Rows are written in chunks through SQLAlchemy Core ``insert()`` with a list of parameter sets
(executemany) on SQLite, and with ``COPY ... FROM STDIN`` (CSV) through psycopg on Postgres,
inside the caller's transaction: all or nothing.

Audit: the ORM hook (``models.audit``) writes one ``audit_log`` row per row it sees; a bulk
load writes instead ONE ``audit_log`` row per table and load: the actor, ``action`` "insert",
the table, ``row_key`` "bulk <first id>-<last id>", and in ``new_values`` the count, the id range
(ids are given out as one block: the table is locked for the load on Postgres; SQLite's write
transaction already is exclusive), the columns and the SHA-256 of the rows. The hash is over the
rows as CSV without a header (columns in the order listed, as pyarrow's CSV writer renders
them: integers, dates as YYYY-MM-DD, text quoted, booleans true/false, empty for NULL), so
anyone can recompute it from the stored rows and prove the load unchanged. The rows themselves
carry who wrote them (``recorded_by``) where the table has that column.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pacompute
import pyarrow.csv as pacsv
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, func, select

from fund.access import Actor
from models.audit import AuditLog
from models.money import Amount
from models.types import ExactDecimal, UtcDateTime, utcnow
from models.validation import InputError

CHUNK = 50_000
SHOWN_PROBLEMS = 20
Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(frozen=True)
class BulkResult:
    """What one bulk write did: the table, rows written, their ids and the rows' SHA-256."""

    table: str
    count: int
    first_id: int | None
    last_id: int | None
    sha256: str


class BulkLoadError(InputError):
    """A bulk load refused: ``problems`` lists (row, column, message); nothing was written."""

    def __init__(self, problems: list[tuple[int, str, str]], what: str) -> None:
        self.problems = problems
        shown = "; ".join(f"row {r}, {c}: {m}" for r, c, m in problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        tail = f"; and {more} more" if more > 0 else ""
        super().__init__(f"{what}: {len(problems)} problems, nothing written: {shown}{tail}")


def _arrow(values: Any, column: sa.Column[Any], dialect: sa.Dialect) -> pa.Array:
    """One column's values in their canonical Arrow form (see the module's hash)."""
    kind = column.type
    if isinstance(kind, ExactDecimal):
        text = {v: kind.process_bind_param(v, dialect) for v in set(values) if v is not None}
        return pa.array([None if v is None else str(text[v]) for v in values], pa.string())
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return pa.array(values.astype("M8[D]"), pa.date32())
    if isinstance(kind, sa.Float):
        return pa.array(list(values), pa.float64(), from_pandas=True)
    if isinstance(kind, sa.Boolean):
        return pa.array(np.asarray(values, dtype=bool))
    if isinstance(kind, Amount | sa.Integer):
        array = np.asarray(values)
        if array.dtype == object:
            return pa.array(list(values), pa.int64(), from_pandas=True)
        is_key = bool(column.foreign_keys) and column.nullable  # -1: no row referenced
        return pa.array(array.astype(np.int64), mask=array < 0 if is_key else None)
    if isinstance(kind, sa.Date):
        return pa.array(list(values), pa.date32(), from_pandas=True)
    return pa.array(values, pa.string(), from_pandas=True)


def _sqlite_lists(chunk: pa.Table, table: sa.Table) -> list[list[Any]]:
    """A chunk's columns as Python lists in SQLite's stored forms (dates and times as text)."""
    out = []
    for name, array in zip(chunk.column_names, chunk.columns, strict=True):
        if pa.types.is_date32(array.type):
            array = array.cast(pa.string())
        elif isinstance(table.c[name].type, UtcDateTime):
            array = pacompute.replace_substring(array, "+00:00", "")
        if array.null_count and pa.types.is_integer(array.type):
            out.append(array.to_pylist())
        else:
            out.append(array.to_numpy(zero_copy_only=False).tolist())
    return out


def first_id(session: Session, table: sa.Table) -> int:
    """The first id of a block for this load (locks the table on Postgres until commit)."""
    connection = session.connection()
    top = connection.execute(select(func.max(table.c.id))).scalar() or 0
    if connection.dialect.name != "postgresql":
        return int(top) + 1
    connection.execute(sa.text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))
    top = connection.execute(select(func.max(table.c.id))).scalar() or 0
    seq = connection.execute(sa.text(f"SELECT pg_get_serial_sequence('{table.name}', 'id')"))
    name = seq.scalar()
    last, called = connection.execute(sa.text(f"SELECT last_value, is_called FROM {name}")).one()
    return max(int(top), int(last) if called else 0) + 1


def arrow_rows(
    model: type[SQLModel],
    columns: Mapping[str, Any],
    first_id: int,
    dialect: sa.Dialect,
    start: int = 0,
    stop: int | None = None,
) -> pa.Table:
    """Rows ``start``..``stop`` of the columns (ids from ``first_id``) as an Arrow table in
    canonical form (see the module's hash)."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    n = len(next(iter(columns.values()))) if columns else 0
    stop = n if stop is None else min(stop, n)
    values = {"id": np.arange(first_id + start, first_id + stop, dtype=np.int64)}
    values |= {name: column[start:stop] for name, column in columns.items()}
    arrays = [_arrow(values[name], table.c[name], dialect) for name in values]
    return pa.Table.from_arrays(arrays, names=list(values))


def csv_bytes(part: pa.Table) -> bytes:
    """Rows as CSV without a header: what COPY reads and what the audit hash covers."""
    buffer = io.BytesIO()
    pacsv.write_csv(part, buffer, pacsv.WriteOptions(include_header=False))
    return buffer.getvalue()


def sqlite_params(part: pa.Table, model: type[SQLModel]) -> list[dict[str, Any]]:
    """Rows as the parameter sets of a Core executemany on SQLite."""
    names = part.column_names
    lists = _sqlite_lists(part, model.__table__)  # type: ignore[attr-defined]
    return [dict(zip(names, row, strict=True)) for row in zip(*lists, strict=True)]


def raw_insert(model: type[SQLModel], names: list[str]) -> sa.Insert:
    """A Core INSERT into ``model``'s table naming ``names``, with no type processing."""
    return sa.insert(sa.table(model.__tablename__, *map(sa.column, names)))  # type: ignore[attr-defined]


def write_rows(
    *,
    session: Session,
    actor: Actor | str,
    model: type[SQLModel],
    columns: Mapping[str, Any],
    note: str = "",
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> BulkResult:
    """Append prepared rows to ``model``'s table (ids given here) and its one audit row.

    ``columns``: the table's column names (database names: ``amount_minor``, ...) to values,
    all of one length: numpy arrays (int64, -1 for a NULL id; datetime64[D] for dates) or
    lists. Columns left out take their NULL or default. No checks are made here: callers
    check their rows first (``fund.bulk_ledger.load_ledger`` does).
    """
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    dialect = connection.dialect
    first = first_id(session, table)
    n = len(next(iter(columns.values()))) if columns else 0
    names = ["id", *columns]
    digest = hashlib.sha256()
    insert = raw_insert(model, names)
    copy_sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT csv)"
    for start in range(0, n, chunk):
        part = arrow_rows(model, columns, first, dialect, start, start + chunk)
        text = csv_bytes(part)
        digest.update(text)
        if dialect.name == "postgresql":
            raw = connection.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]
                copy.write(text)
        else:
            connection.execute(insert, sqlite_params(part, model))
        if progress is not None:
            progress(table.name, min(start + chunk, n), n)
    last = first + n - 1 if n else None
    if dialect.name == "postgresql" and n:
        seq = connection.execute(sa.text(f"SELECT pg_get_serial_sequence('{table.name}', 'id')"))
        connection.execute(sa.text("SELECT setval(:s, :v)"), {"s": seq.scalar(), "v": last})
    result = BulkResult(table.name, n, first if n else None, last, digest.hexdigest())
    audit(session=session, actor=actor, result=result, columns=names, note=note)
    return result


def audit(
    *, session: Session, actor: Actor | str, result: BulkResult, columns: list[str], note: str = ""
) -> None:
    """The one ``audit_log`` row of a bulk write (see the module docstring); ``actor``: an
    ``Actor`` or the name the audit log gives the writer."""
    values = {
        "bulk": True,
        "count": result.count,
        "first_id": result.first_id,
        "last_id": result.last_id,
        "sha256": result.sha256,
        "columns": columns,
        "note": note,
    }
    name = actor if isinstance(actor, str) else actor.audit_name
    row = {
        "at": utcnow(),
        "actor": name,
        "action": "insert",
        "table_name": result.table,
        "row_key": f"bulk {result.first_id}-{result.last_id}",
        "old_values": None,
        "new_values": values,
    }
    session.connection().execute(sa.insert(AuditLog.__table__), [row])  # type: ignore[attr-defined]
