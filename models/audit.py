"""The audit log: one row for every insert, update and delete made through a Session.

Rows are written in the same transaction as the change (an ``after_flush`` hook), so a
rolled-back change leaves no audit row and a committed change always has one. The table is
append-only in the database itself (see ``models.appendonly``). Who acted is read from
``session.info["actor"]`` (``models.db.session_scope`` sets it); unnamed writes are
recorded as ``"system"``. Raw SQL bypasses the hook: bulk paths must write their own rows.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, utcnow


class AuditLog(SQLModel, table=True):
    """Who changed what and when: table, primary key, old and new values (JSON)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow, index=True)
    actor: str = Field(max_length=120, index=True)
    action: str = Field(max_length=8)  # insert | update | delete
    table_name: str = Field(max_length=64, index=True)
    row_key: str = Field(max_length=200)
    old_values: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    new_values: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


REDACTED = "[redacted]"
SECRET_COLUMNS = frozenset({"password_hash"})  # recorded as changed, never with their value


def _plain(value: Any) -> Any:
    """A JSON-ready form of a column value (Decimal and dates as text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def _columns(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {
        attr.key: _secret(attr.key, _plain(getattr(obj, attr.key))) for attr in mapper.column_attrs
    }


def _secret(key: str, value: Any) -> Any:
    """``value``, or ``REDACTED`` for a secret column that has one."""
    return REDACTED if key in SECRET_COLUMNS and value is not None else value


def _key(obj: Any) -> str:
    identity = inspect(obj).mapper.primary_key_from_instance(obj)
    return json.dumps([_plain(v) for v in identity], ensure_ascii=False)


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = _plain(history.deleted[0]) if history.deleted else None
            after = _plain(history.added[0]) if history.added else None
            old[attr.key], new[attr.key] = _secret(attr.key, before), _secret(attr.key, after)
    return old, new


@event.listens_for(OrmSession, "after_flush")
def _write_audit_rows(session: OrmSession, _flush: UOWTransaction) -> None:
    actor = str(session.info.get("actor") or "system")
    now = utcnow()
    rows: list[dict[str, Any]] = []

    def row(action: str, obj: Any, old: Any, new: Any) -> dict[str, Any]:
        return {
            "at": now,
            "actor": actor,
            "action": action,
            "table_name": inspect(obj).mapper.local_table.name,
            "row_key": _key(obj),
            "old_values": old,
            "new_values": new,
        }

    for obj in session.new:
        if not isinstance(obj, AuditLog):
            rows.append(row("insert", obj, None, _columns(obj)))
    for obj in session.dirty:
        if isinstance(obj, AuditLog) or not session.is_modified(obj, include_collections=False):
            continue
        old, new = _changes(obj)
        if new:
            rows.append(row("update", obj, old, new))
    for obj in session.deleted:
        if not isinstance(obj, AuditLog):
            rows.append(row("delete", obj, _columns(obj), None))
    if rows:
        session.connection().execute(insert(AuditLog.__table__), rows)
