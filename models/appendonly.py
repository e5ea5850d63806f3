"""Append-only tables, enforced by the database itself.

A table declared append-only accepts INSERT and refuses UPDATE and DELETE, whoever sends
them and however (ORM, raw SQL, a psql session): SQLite through BEFORE UPDATE/DELETE
triggers that ``RAISE(ABORT)``, Postgres through a row trigger that raises. A correction
is a new row. Migrations install and remove the guard with ``install``/``remove``.
TRUNCATE (Postgres, table owner only) is not guarded; application and analyst roles are
never granted it.
"""

from __future__ import annotations

from typing import Protocol

APPEND_ONLY_TABLES: tuple[str, ...] = ("audit_log", "ledger_entry", "deal_stage_change")

REFUSAL = "is append-only"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION hubfund_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% % refused: table % is append-only; record a correcting row instead',
        TG_OP, TG_TABLE_NAME, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$
"""


class _Executor(Protocol):
    def execute(self, sql: str) -> object: ...


def guard_ddl(table: str, dialect: str) -> list[str]:
    """The statements that make ``table`` append-only on ``dialect``."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{op} {table} refused: table {table} {REFUSAL}'); END"
            for op in ("UPDATE", "DELETE")
        ]
    if dialect == "postgresql":
        return [
            _PG_FUNCTION,
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION hubfund_refuse_change()",
        ]
    raise NotImplementedError(f"append-only guard for dialect {dialect!r}")


def unguard_ddl(table: str, dialect: str) -> list[str]:
    """The statements that remove ``table``'s append-only guard."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    raise NotImplementedError(f"append-only guard for dialect {dialect!r}")


def install(op: _Executor, table: str, dialect: str) -> None:
    """Make ``table`` append-only (call from a migration's upgrade)."""
    for statement in guard_ddl(table, dialect):
        op.execute(statement)


def remove(op: _Executor, table: str, dialect: str) -> None:
    """Undo ``install`` (call from a migration's downgrade)."""
    for statement in unguard_ddl(table, dialect):
        op.execute(statement)
