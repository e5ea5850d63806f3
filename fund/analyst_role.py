"""The analysts' Postgres role: read access to the store and nothing else.

``create_analyst_role`` makes the role (or brings an existing one to the same state; running it
again changes nothing) with: CONNECT on the database, USAGE on schema ``public``, SELECT on
every table and view in it, SELECT on every table and view created later by the user running
it (``ALTER DEFAULT PRIVILEGES``), every column of ``app_user`` but ``password_hash``, and
``default_transaction_read_only`` on for its sessions. With ``password`` the role may log in
(psql, pandas, DuckDB); the password is sent already hashed (SCRAM), never in clear text.
The application's own user is made a member, so the SQL page can ``SET ROLE`` to it.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg import sql

from fund.analyst_pg import connect
from models.validation import InputError

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {"app_user": ("password_hash",)}
MIN_PASSWORD = 12
SCRAM = b"scram-sha-256"


def check_role_name(role: str) -> str:
    """``role`` if it is a plain lower-case Postgres name, else ``InputError``."""
    if not ROLE_NAME.fullmatch(role):
        raise InputError(
            f"--role: {role!r} is not a role name (lower-case letters, digits and _, "
            "not starting with a digit, at most 63)"
        )
    return role


def _exec(cursor: psycopg.Cursor[Any], statement: sql.Composable, done: list[str]) -> None:
    cursor.execute(statement)
    done.append(statement.as_string(cursor.connection))


def _readable_columns(cursor: psycopg.Cursor[Any], table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = %s ORDER BY ordinal_position",
        (table,),
    )
    hidden = SECRET_COLUMNS[table]
    return [name for (name,) in cursor.fetchall() if name not in hidden]


def create_analyst_role(*, url: str, role: str, password: str | None = None) -> list[str]:
    """Create or update the analysts' role ``role`` on the Postgres store at ``url`` (see the
    module); the statements run (a password shown as ``***``). ``InputError`` for a bad name
    or a password shorter than ``MIN_PASSWORD``."""
    check_role_name(role)
    if password is not None and len(password) < MIN_PASSWORD:
        raise InputError(f"password: shorter than {MIN_PASSWORD} characters")
    name = sql.Identifier(role)
    done: list[str] = []
    with connect(url, read_only=False) as conn:
        conn.autocommit = True
        cursor = conn.cursor()
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
        if cursor.fetchone() is None:
            _exec(cursor, sql.SQL("CREATE ROLE {} NOLOGIN").format(name), done)
        if password is not None:
            hashed = conn.pgconn.encrypt_password(password.encode(), role.encode(), SCRAM)
            login = sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}")
            cursor.execute(login.format(name, sql.Literal(hashed.decode())))
            done.append(f"ALTER ROLE {role} LOGIN PASSWORD ***")
        for statement in (
            "ALTER ROLE {role} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION",
            "ALTER ROLE {role} SET default_transaction_read_only = on",
            "GRANT CONNECT ON DATABASE {db} TO {role}",
            "GRANT USAGE ON SCHEMA public TO {role}",
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {role}",
        ):
            database = sql.Identifier(conn.info.dbname)
            _exec(cursor, sql.SQL(statement).format(role=name, db=database), done)
        for table in SECRET_COLUMNS:
            columns = _readable_columns(cursor, table)
            if not columns:
                continue
            table_name = sql.Identifier(table)
            _exec(cursor, sql.SQL("REVOKE SELECT ON {} FROM {}").format(table_name, name), done)
            listed = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
            grant = sql.SQL("GRANT SELECT ({}) ON {} TO {}").format(listed, table_name, name)
            _exec(cursor, grant, done)
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()
        if not (superuser and superuser[0]):
            _exec(cursor, sql.SQL("GRANT {} TO CURRENT_USER").format(name), done)
    return done
