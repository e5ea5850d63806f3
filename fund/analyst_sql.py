"""The analysts' read-only SQL: one reading statement, on a read-only connection, within limits.

``run_query`` is what the SQL page and ``hubfund sql`` call. A query passes ``fund.sql_guard``
(one statement that reads), then runs on a connection of its own that cannot write:
``fund.analyst_sqlite`` (``mode=ro``, ``query_only``, an authorizer, a progress handler) or
``fund.analyst_pg`` (read-only transactions, the analysts' role, ``statement_timeout``). It
stops after ``time_limit_s`` seconds and returns at most ``row_cap`` rows, saying whether more
were left (``truncated``). The limits come from the settings ``sql_time_limit_seconds`` (1 s by
default) and ``sql_row_cap`` (10,000) (``sql_limits``).

Anything but one reading statement raises ``QueryRefused`` (nothing runs, or what ran changed
nothing); a query the database rejects raises ``QueryFailed``; both carry the message to show.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import make_url
from sqlmodel import Session

from fund.analyst_pg import run_postgres
from fund.analyst_sqlite import QueryFailed, run_sqlite
from fund.settings import SETTINGS, get_setting, parse_setting
from fund.sql_guard import QueryError, QueryRefused, check_sql
from models.db import database_url, normalize_url

__all__ = [
    "ANALYST_ROLE",
    "QueryError",
    "QueryFailed",
    "QueryRefused",
    "QueryResult",
    "analyst_url",
    "dialect_of",
    "run_query",
    "sql_limits",
]

ANALYST_ROLE = "hubfund_analyst"
ANALYST_URL_VARIABLE = "HUBFUND_ANALYST_DATABASE_URL"
TIME_KEY, CAP_KEY = "sql_time_limit_seconds", "sql_row_cap"


@dataclass(frozen=True)
class QueryResult:
    """A query's answer: column names, at most ``row_cap`` rows, whether more rows were left
    (``truncated``), how long it took, the limits it ran under, and a note (Postgres without
    the analysts' role)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool
    elapsed_s: float
    time_limit_s: float
    row_cap: int
    note: str | None = None

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame; a repeated column name gets `` (2)``, `` (3)``..."""
        seen: dict[str, int] = {}
        names = []
        for name in self.columns:
            seen[name] = seen.get(name, 0) + 1
            names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
        return pd.DataFrame.from_records(list(self.rows), columns=names)


def analyst_url() -> str:
    """Where analysts' queries go: ``HUBFUND_ANALYST_DATABASE_URL`` (e.g. the analysts' own
    Postgres login) if set, else the store's ``DATABASE_URL``."""
    return normalize_url(os.environ.get(ANALYST_URL_VARIABLE) or database_url())


def dialect_of(url: str) -> str:
    """ "sqlite" or "postgresql" for a database URL; ``QueryFailed`` for anything else."""
    name = make_url(normalize_url(url)).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise QueryFailed(f"the analysts' SQL runs on SQLite or Postgres, not {name!r}")
    return name


def sql_limits(*, session: Session) -> tuple[float, int]:
    """(time limit in seconds, row cap) from the settings ``sql_time_limit_seconds`` and
    ``sql_row_cap`` (their defaults, 1 s and 10,000 rows, while none is stored)."""
    return (
        float(get_setting(session=session, key=TIME_KEY)),
        int(get_setting(session=session, key=CAP_KEY)),
    )


def default_limits() -> tuple[float, int]:
    """The limits' defaults (for a store that cannot be read)."""
    return float(SETTINGS[TIME_KEY].default), int(SETTINGS[CAP_KEY].default)


def run_query(
    sql: str,
    *,
    url: str,
    time_limit_s: float,
    row_cap: int,
    params: Mapping[str, Any] | None = None,
    role: str | None = ANALYST_ROLE,
) -> QueryResult:
    """Run one reading statement ``sql`` on the store at ``url`` read-only, stopped after
    ``time_limit_s`` seconds, at most ``row_cap`` rows back (see the module). ``params``
    binds ``:name`` placeholders; ``role`` is the Postgres role to read as."""
    time_limit_s = float(parse_setting(key=TIME_KEY, value=time_limit_s))
    row_cap = int(parse_setting(key=CAP_KEY, value=row_cap))
    url = normalize_url(url)
    dialect = dialect_of(url)
    statement = check_sql(sql, dialect=dialect)
    limits = {"url": url, "time_limit_s": time_limit_s, "row_cap": row_cap, "params": params}
    started = time.monotonic()
    if dialect == "sqlite":
        columns, rows, truncated = run_sqlite(statement, **limits)
        note = None
    else:
        columns, rows, truncated, note = run_postgres(statement, role=role, **limits)
    return QueryResult(
        columns=tuple(columns),
        rows=tuple(tuple(r) for r in rows),
        truncated=truncated,
        elapsed_s=time.monotonic() - started,
        time_limit_s=time_limit_s,
        row_cap=row_cap,
        note=note,
    )
