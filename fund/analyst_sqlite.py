"""Running an analyst's query on SQLite: a separate read-only connection that can only read.

The connection opens the file as ``file:...?mode=ro`` (SQLite refuses every write), sets
``PRAGMA query_only``, caps strings and blobs at ``MAX_LENGTH`` bytes, and installs an authorizer
that allows reading tables, views and harmless functions only: ATTACH, DETACH, PRAGMA (except
the schema reads in ``READ_PRAGMAS``), every write and DDL action, transactions, the functions of
``fund.sql_guard.DENIED_FUNCTIONS`` and the column ``app_user.password_hash`` are denied with a
reason. A progress handler stops the query once it has run longer than the time limit.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from fund.sql_guard import DENIED_FUNCTIONS, DENIED_PREFIXES, QueryError, QueryRefused

READ_PRAGMAS = frozenset(
    {
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "collation_list", "function_list", "pragma_list",
    }
)  # fmt: skip
SECRET_COLUMNS = frozenset({("app_user", "password_hash")})
MAX_LENGTH = 16_000_000  # bytes in one string or blob
PROGRESS_EVERY = 1000  # virtual machine instructions between time checks
_SELECT, _READ, _FUNCTION, _PRAGMA = (
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_PRAGMA,
)
_RECURSIVE = getattr(sqlite3, "SQLITE_RECURSIVE", 33)
_UPDATE = sqlite3.SQLITE_UPDATE
SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master"})
_NAMES = {
    getattr(sqlite3, f"SQLITE_{name}", code): name
    for code, name in enumerate(
        "COPY CREATE_INDEX CREATE_TABLE CREATE_TEMP_INDEX CREATE_TEMP_TABLE CREATE_TEMP_TRIGGER "
        "CREATE_TEMP_VIEW CREATE_TRIGGER CREATE_VIEW DELETE DROP_INDEX DROP_TABLE "
        "DROP_TEMP_INDEX DROP_TEMP_TABLE DROP_TEMP_TRIGGER DROP_TEMP_VIEW DROP_TRIGGER "
        "DROP_VIEW INSERT PRAGMA READ SELECT TRANSACTION UPDATE ATTACH DETACH ALTER_TABLE "
        "REINDEX ANALYZE CREATE_VTABLE DROP_VTABLE FUNCTION SAVEPOINT RECURSIVE".split()
    )
}  # the authorizer's action codes (sqlite3.h), by number
_ACTIONS = {
    "ATTACH": "ATTACH is refused: queries read this store only",
    "DETACH": "DETACH is refused: queries read this store only",
    "TRANSACTION": "transactions are refused: a query runs on its own",
    "SAVEPOINT": "savepoints are refused: a query runs on its own",
}


class QueryFailed(QueryError):
    """The database could not run the query (a syntax error, an unknown table...)."""


class _Authorizer:
    """The ``set_authorizer`` callback; ``reasons`` keeps why it denied something."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def __call__(self, action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
        reason = self._refusal(action, arg1, arg2)
        if reason is None:
            return sqlite3.SQLITE_OK
        self.reasons.append(reason)
        return sqlite3.SQLITE_DENY

    def _refusal(self, action: int, arg1: str | None, arg2: str | None) -> str | None:
        if action in (_SELECT, _RECURSIVE):
            return None
        if action == _UPDATE and arg1 in SCHEMA_TABLES:  # SQLite reading its own schema
            return None
        if action == _READ:
            if (arg1, arg2) in SECRET_COLUMNS:
                return f"{arg1}.{arg2} is not readable here: select the other columns"
            return None
        if action == _FUNCTION:
            name = (arg2 or "").lower()
            if name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES):
                return f"function {name}() is refused: it reaches outside the store"
            return None
        if action == _PRAGMA:
            if (arg1 or "").lower() in READ_PRAGMAS:
                return None
            return f"PRAGMA {arg1} is refused: settings cannot be read or changed from here"
        if arg1 in SCHEMA_TABLES:  # a write into the schema: CREATE, DROP, ALTER
            return "changing the schema (CREATE, DROP, ALTER) is refused: queries only read"
        name = _NAMES.get(action, str(action))
        if name in _ACTIONS:
            return _ACTIONS[name]
        return f"{name.replace('_', ' ')} is refused: the SQL page and `hubfund sql` only read"


def sqlite_path(url: str) -> Path:
    """The database file of a ``sqlite:///`` URL, or ``QueryFailed`` for an in-memory one."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise QueryFailed(f"the SQL page needs a SQLite database file, not {url!r}")
    return Path(database).resolve()


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise QueryFailed(f"the store {path} does not exist (run `hubfund migrate` first)")
    try:
        conn = sqlite3.connect(
            f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise QueryFailed(f"cannot open {path} read-only: {exc}") from None
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LENGTH)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    return conn


def run_sqlite(
    sql: str,
    *,
    url: str,
    time_limit_s: float,
    row_cap: int,
    params: Mapping[str, Any] | None = None,
) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    """(column names, up to ``row_cap`` rows, whether more rows were left) of the query
    ``sql`` (already checked by ``fund.sql_guard``) on the SQLite file of ``url``."""
    conn = _connect(sqlite_path(url))
    authorizer = _Authorizer()
    deadline = time.monotonic() + time_limit_s
    stopped: list[bool] = []

    def progress() -> int:
        if time.monotonic() > deadline:
            stopped.append(True)
            return 1
        return 0

    try:
        conn.set_authorizer(authorizer)
        conn.set_progress_handler(progress, PROGRESS_EVERY)
        cursor = conn.execute(sql, dict(params or {}))
        rows = cursor.fetchmany(row_cap + 1)
        columns = [d[0] for d in cursor.description or ()]
    except sqlite3.Error as exc:
        if stopped:
            raise QueryRefused(stopped_message(time_limit_s)) from None
        if authorizer.reasons:
            raise QueryRefused(authorizer.reasons[0]) from None
        if "one statement" in str(exc):
            raise QueryRefused(f"{exc} (one statement per query)") from None
        if "too big" in str(exc):
            raise QueryFailed(
                f"{exc}: a string or blob longer than {MAX_LENGTH:,} bytes is refused"
            ) from None
        raise QueryFailed(str(exc)) from None
    except sqlite3.Warning as exc:  # older Pythons: "You can only execute one statement..."
        raise QueryRefused(f"{exc} (one statement per query)") from None
    finally:
        conn.close()
    return columns, rows[:row_cap], len(rows) > row_cap


def stopped_message(time_limit_s: float) -> str:
    """What a query stopped at the time limit says."""
    return (
        f"stopped after {time_limit_s:.1f} s: the query ran longer than the time limit "
        "(setting sql_time_limit_seconds); nothing was changed. Narrow it (WHERE, LIMIT) or "
        "ask an administrator for a longer limit."
    )
