"""``hubfund sql "SELECT ..."`` and ``hubfund db analyst-role``: the analysts' store from a shell.

``hubfund sql`` runs one reading statement on the store read-only, with the SQL page's limits
(the settings ``sql_time_limit_seconds`` and ``sql_row_cap``, or ``--time-limit`` and
``--row-cap``), and prints a table, CSV or JSON. It never migrates nor writes. ``hubfund db
analyst-role`` creates the analysts' Postgres role (``fund.analyst_role``). Refusals print
``error: <message>`` on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
from collections.abc import Callable, MutableMapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from fund.analyst_role import create_analyst_role
from fund.analyst_sql import (
    ANALYST_ROLE,
    CAP_KEY,
    TIME_KEY,
    QueryError,
    QueryResult,
    analyst_url,
    default_limits,
    dialect_of,
    run_query,
    sql_limits,
)
from fund.analyst_sqlite import sqlite_path
from fund.settings import parse_setting
from models.db import database_url
from models.validation import InputError

Handler = Callable[[argparse.Namespace], int]
FORMATS = ("table", "csv", "json")


def register(sub: argparse._SubParsersAction, commands: MutableMapping[str, Handler]) -> None:
    """Add the ``sql`` and ``db`` commands to the ``hubfund`` parser and table."""
    query = sub.add_parser(
        "sql",
        help="run one read-only SQL query on the store",
        description="Run one SELECT, WITH, VALUES or EXPLAIN statement on DATABASE_URL (or "
        "HUBFUND_ANALYST_DATABASE_URL) read-only, within the SQL page's limits.",
    )
    query.add_argument("query", help='e.g. "SELECT * FROM v_holdings"; - reads it from stdin')
    query.add_argument("--format", choices=FORMATS, default="table")
    query.add_argument("--time-limit", metavar="S", help="seconds (default: the setting, 1.0)")
    query.add_argument("--row-cap", metavar="N", help="most rows (default: the setting, 10000)")
    db = sub.add_parser("db", help="store administration: the analysts' Postgres role")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    role = actions.add_parser(
        "analyst-role",
        help="create or update the analysts' read-only Postgres role",
        description="Grant a role USAGE on schema public, SELECT on every table and view (and on "
        "those created later), read-only sessions; with --login it may log in with the "
        "password read from stdin. Postgres only; running it again changes nothing.",
    )
    role.add_argument("--role", default=ANALYST_ROLE, help=f"default: {ANALYST_ROLE}")
    role.add_argument("--login", action="store_true", help="the role may log in")
    role.add_argument("--password-stdin", action="store_true", help="read its password")
    commands["sql"] = run_sql
    commands["db"] = run_db


def _option(value: str | None, *, option: str, key: str, default: float) -> float:
    if value is None:
        return default
    try:
        return float(parse_setting(key=key, value=value))
    except InputError as exc:
        raise InputError(f"{option}: {str(exc).split(': ', 1)[-1]}") from None


def _settings_engine(url: str) -> sa.Engine | None:
    """An engine that can only read the store at ``url`` (None: no SQLite file there)."""
    if dialect_of(url) == "postgresql":
        return sa.create_engine(
            url, connect_args={"options": "-c default_transaction_read_only=on"}
        )
    path = sqlite_path(url)
    if not path.is_file():
        return None
    uri = f"{path.as_uri()}?mode=ro"
    return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))


def _limits(url: str, args: argparse.Namespace) -> tuple[float, int]:
    """The options' limits, else the store's settings, else the defaults."""
    time_limit, row_cap = default_limits()
    engine = _settings_engine(url)
    if engine is not None:
        try:
            with Session(engine) as session:
                time_limit, row_cap = sql_limits(session=session)
        except SQLAlchemyError:  # a store without settings yet: the defaults hold
            pass
        finally:
            engine.dispose()
    return (
        _option(args.time_limit, option="--time-limit", key=TIME_KEY, default=time_limit),
        int(_option(args.row_cap, option="--row-cap", key=CAP_KEY, default=row_cap)),
    )


def _cell(value: Any) -> Any:
    """``value`` for JSON: Decimals and dates as text, bytes as hex."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def _text(value: Any) -> str:
    if value is None:
        return "NULL"
    cell = _cell(value)
    return cell if isinstance(cell, str) else json.dumps(cell, ensure_ascii=False, default=str)


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as an aligned text table with a header and a rule."""
    cells = [[_text(v).replace("\n", " ") for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = [[*columns], ["-" * w for w in widths], *cells]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
                     for line in lines)  # fmt: skip


def _print(result: QueryResult, fmt: str) -> None:
    if fmt == "json":
        payload = {
            "columns": list(result.columns),
            "rows": [[_cell(v) for v in row] for row in result.rows],
            "truncated": result.truncated,
            "row_cap": result.row_cap,
            "elapsed_s": round(result.elapsed_s, 3),
            "note": result.note,
        }
        print(json.dumps(payload, ensure_ascii=False, default=str))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_text(v) if v is not None else "" for v in r] for r in result.rows])
    else:
        print(table(result.columns, result.rows))
        print(f"({len(result.rows)} rows in {result.elapsed_s:.3f} s)")
    if result.truncated:
        print(
            f"warning: truncated at {result.row_cap} rows: more rows match (raise --row-cap "
            "or narrow the query)",
            file=sys.stderr,
        )
    if result.note:
        print(f"note: {result.note}", file=sys.stderr)


def run_sql(args: argparse.Namespace) -> int:
    """``hubfund sql QUERY [--format F] [--time-limit S] [--row-cap N]``."""
    text = sys.stdin.read() if args.query == "-" else args.query
    url = analyst_url()
    try:
        time_limit, row_cap = _limits(url, args)
        result = run_query(text, url=url, time_limit_s=time_limit, row_cap=row_cap)
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print(result, args.format)
    return 0


def run_db(args: argparse.Namespace) -> int:
    """``hubfund db analyst-role [--role NAME] [--login --password-stdin]``."""
    url = database_url()
    if dialect_of(url) != "postgresql":
        print(
            "error: db analyst-role is for Postgres; on SQLite the SQL page and `hubfund sql` "
            "open the file read-only (mode=ro) instead, and analysts may open a copy of it",
            file=sys.stderr,
        )
        return 2
    if args.login != args.password_stdin:
        print("error: --login and --password-stdin go together", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    try:
        done = create_analyst_role(url=url, role=args.role, password=password)
    except (QueryError, psycopg.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(done))
    print(f"role {args.role} reads the store read-only")
    return 0
