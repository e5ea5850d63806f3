"""Running an analyst's query on Postgres: a separate connection in read-only transactions.

Each query opens its own connection with ``default_transaction_read_only=on`` and runs in a
``BEGIN READ ONLY`` transaction that is rolled back at the end. Inside it: ``SET LOCAL ROLE``
to the analysts' role when it exists and may be used (created by ``hubfund db analyst-role``:
SELECT only; else read-only transactions alone, which the result's note says), and
``SET LOCAL statement_timeout`` to the time limit. The statement is sent as one prepared
statement (Postgres refuses a second one in it) through a cursor (``DECLARE``/``FETCH``), so
no more than ``row_cap + 1`` rows ever leave the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import errors, sql
from sqlalchemy import make_url, text
from sqlalchemy.dialects.postgresql import psycopg as pg_dialect

from fund.analyst_sqlite import QueryFailed, stopped_message
from fund.sql_guard import QueryRefused, tokens

CURSOR = "hubfund_analyst_query"
CONNECT_TIMEOUT_S = 5


def connect(url: str, *, read_only: bool = True) -> psycopg.Connection[Any]:
    """A new psycopg connection to the database of SQLAlchemy ``url`` (read-only by default)."""
    parts = make_url(url)
    options: dict[str, Any] = {
        "host": parts.host,
        "port": parts.port,
        "user": parts.username,
        "password": parts.password,
        "dbname": parts.database,
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "hubfund-analyst",
        **{k: v for k, v in parts.query.items() if isinstance(v, str)},
    }
    if read_only:
        options["options"] = "-c default_transaction_read_only=on"
    try:
        conn = psycopg.connect(**{k: v for k, v in options.items() if v is not None})
    except psycopg.OperationalError as exc:
        raise QueryFailed(f"cannot connect to the store: {str(exc).strip()}") from None
    conn.read_only = read_only
    return conn


def _use_role(cursor: psycopg.Cursor[Any], role: str | None) -> str | None:
    """``SET LOCAL ROLE role`` when it exists and may be used; else the note saying why not."""
    cursor.execute("SELECT current_user")
    user = cursor.fetchone()[0]  # type: ignore[index]
    if role is None:
        return f"read-only transaction as {user} (no analysts' role asked for)"
    cursor.execute(
        "SELECT pg_has_role(current_user, oid, 'MEMBER'), has_schema_privilege(oid, 'public', "
        "'USAGE') FROM pg_roles WHERE rolname = %s",
        (role,),
    )
    found = cursor.fetchone()
    if found is None:
        why = "does not exist (create it with `hubfund db analyst-role`)"
    elif not found[0]:
        why = f"cannot be taken by {user} (grant it: GRANT {role} TO {user})"
    elif not found[1]:
        why = "has no access to this database (run `hubfund db analyst-role` here)"
    else:
        cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        return None
    return f"read-only transaction as {user} only: the Postgres role {role} {why}"


def _bound(statement: str, params: Mapping[str, Any] | None) -> tuple[str, Any]:
    """``statement`` and its parameters in psycopg's style (``:name`` becomes ``%(name)s``)."""
    if not params:
        return statement, None
    compiled = text(statement).compile(dialect=pg_dialect.dialect())
    return str(compiled), {**compiled.params, **params}


def _message(exc: psycopg.Error) -> str:
    return (exc.diag.message_primary or str(exc)).strip()


def run_postgres(
    statement: str,
    *,
    url: str,
    time_limit_s: float,
    row_cap: int,
    params: Mapping[str, Any] | None = None,
    role: str | None = None,
) -> tuple[list[str], list[tuple[Any, ...]], bool, str | None]:
    """(column names, up to ``row_cap`` rows, whether more were left, a note) of ``statement``
    (already checked by ``fund.sql_guard``) on the Postgres database of ``url``."""
    query, bound = _bound(statement, params)
    explain = tokens(statement, "postgresql")[0].text == "EXPLAIN"
    with connect(url) as conn:
        try:
            cursor = conn.cursor()
            note = _use_role(cursor, role)
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                (f"{max(1, round(time_limit_s * 1000))}ms",),
            )
            if explain:
                cursor.execute(query, bound, prepare=True)
                rows = cursor.fetchmany(row_cap + 1)
            else:
                cursor.execute(
                    f"DECLARE {CURSOR} NO SCROLL CURSOR FOR {query}", bound, prepare=True
                )
                cursor.execute(f"FETCH FORWARD {row_cap + 1} FROM {CURSOR}")
                rows = cursor.fetchall()
            columns = [c.name for c in cursor.description or ()]
        except errors.QueryCanceled:
            raise QueryRefused(stopped_message(time_limit_s)) from None
        except errors.ReadOnlySqlTransaction as exc:
            raise QueryRefused(
                f"{_message(exc)}: the SQL page and `hubfund sql` only read"
            ) from None
        except errors.InsufficientPrivilege as exc:
            raise QueryFailed(
                f"{_message(exc)} (the analysts' role reads the store only)"
            ) from None
        except psycopg.Error as exc:
            if "multiple commands" in str(exc):
                raise QueryRefused("one statement at a time: remove the second one") from None
            raise QueryFailed(_message(exc)) from None
        finally:
            conn.rollback()
    return columns, rows[:row_cap], len(rows) > row_cap, note
