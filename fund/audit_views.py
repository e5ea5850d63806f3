"""Reading the audit log: who changed what and when, with the old and new values, and the
reversal chain of a ledger entry.

The log itself (``models.audit.AuditLog``) is written by the ORM for every insert, update and
delete; these functions only read it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, or_
from sqlmodel import Session, col, select

from models.audit import AuditLog
from models.ledger import LedgerEntry, LedgerEntryPublic

ACTIONS: tuple[str, ...] = ("insert", "update", "delete")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row: at ``at`` (UTC), ``actor`` made ``action`` on row ``row_key`` of
    ``table_name``; ``old_values``/``new_values`` as stored (JSON-ready)."""

    id: int
    at: datetime
    actor: str
    action: str
    table_name: str
    row_key: str
    old_values: dict[str, Any] | None
    new_values: dict[str, Any] | None

    @classmethod
    def of(cls, row: AuditLog) -> AuditEntry:
        return cls(row.id or 0, row.at, row.actor, row.action, row.table_name, row.row_key,
                   row.old_values, row.new_values)  # fmt: skip


def _contains(column: Any, text: str) -> Any:
    """``column`` (as text, case-insensitive) contains ``text``, literally or as JSON writes
    it (non-ASCII characters are stored as ``\\uXXXX`` escapes)."""
    needle = text.strip().lower()
    escaped = json.dumps(needle)[1:-1]
    lowered = func.lower(cast(column, String))
    forms = {needle, escaped}
    return or_(*(lowered.contains(form, autoescape=True) for form in forms))


def audit_entries(
    *,
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    actors: Sequence[str] | None = None,
    tables: Sequence[str] | None = None,
    actions: Sequence[str] | None = None,
    text: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """The audit rows matching every given filter, newest first, and how many match in all.

    ``since`` is inclusive and ``until`` exclusive (timezone-aware); ``text`` is looked for,
    ignoring case, in the row key and in the old and new values. ``limit``/``offset`` page
    through the result.
    """
    conditions: list[Any] = []
    if since is not None:
        conditions.append(col(AuditLog.at) >= since)
    if until is not None:
        conditions.append(col(AuditLog.at) < until)
    for column, chosen in (
        (AuditLog.actor, actors),
        (AuditLog.table_name, tables),
        (AuditLog.action, actions),
    ):
        if chosen:
            conditions.append(col(column).in_(list(chosen)))
    if text and text.strip():
        conditions.append(
            or_(
                _contains(AuditLog.row_key, text),
                _contains(AuditLog.old_values, text),
                _contains(AuditLog.new_values, text),
            )
        )
    total = session.exec(select(func.count()).select_from(AuditLog).where(*conditions)).one()
    rows = session.exec(
        select(AuditLog)
        .where(*conditions)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [AuditEntry.of(row) for row in rows], int(total)


@dataclass(frozen=True, slots=True)
class AuditChoices:
    """What the audit log holds to filter on: its actors and tables (sorted), and when its
    first row was written (None when it is empty)."""

    actors: list[str]
    tables: list[str]
    first_at: datetime | None


def audit_choices(*, session: Session) -> AuditChoices:
    """The actors and tables that appear in the audit log, and the time of its first row."""
    actors = session.exec(select(AuditLog.actor).distinct().order_by(AuditLog.actor)).all()
    tables = session.exec(
        select(AuditLog.table_name).distinct().order_by(AuditLog.table_name)
    ).all()
    first = session.exec(select(func.min(AuditLog.at))).one()
    return AuditChoices(list(actors), list(tables), first)


def changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(column, old value, new value) of an audit row: every column of an inserted or deleted
    row (the missing side None), only the columns whose value changed for an update."""
    old, new = entry.old_values or {}, entry.new_values or {}
    columns = list(dict.fromkeys([*old, *new]))
    rows = [(c, old.get(c), new.get(c)) for c in columns]
    if entry.action == "update":
        rows = [r for r in rows if r[1] != r[2]]
    return rows


def before_and_after(*, session: Session, entry_id: int) -> list[tuple[str, Any, Any, bool]]:
    """The row an audit entry is about, just before and just after the change, column by
    column: (column, value before, value after, whether this change set it).

    The row is rebuilt from its audit entries up to this one (its insert, then each
    update), so columns this change left alone show their value at the time too; a row
    older than the log shows only the columns changed since.
    """
    entry = session.get(AuditLog, entry_id)
    if entry is None:
        return []
    history = session.exec(
        select(AuditLog)
        .where(
            AuditLog.table_name == entry.table_name,
            AuditLog.row_key == entry.row_key,
            col(AuditLog.id) <= entry_id,
        )
        .order_by(col(AuditLog.id))
    ).all()
    before: dict[str, Any] = {}
    for row in history[:-1]:
        if row.action == "insert":
            before = dict(row.new_values or {})
        elif row.action == "update":
            before |= row.new_values or {}
        else:
            before = {}
    old, new = entry.old_values or {}, entry.new_values or {}
    if entry.action == "insert":
        before, after = {}, dict(new)
    elif entry.action == "update":
        before |= old
        after = before | new
    else:
        before, after = before | old, {}
    changed = {column for column, _, _ in changes(AuditEntry.of(entry))}
    columns = list(dict.fromkeys([*before, *after]))
    return [(c, before.get(c), after.get(c), c in changed) for c in columns]


def ledger_entry_id(entry: AuditEntry) -> int | None:
    """The ledger entry an audit row is about, or None for any other table."""
    if entry.table_name != LedgerEntry.__tablename__:
        return None
    key = json.loads(entry.row_key)
    return int(key[0]) if isinstance(key, list) and len(key) == 1 else None


def reversal_chain(*, session: Session, entry_id: int) -> list[LedgerEntryPublic]:
    """The ledger entry ``entry_id`` with what it reverses and what reverses it, oldest
    first: the original, then its reversal (and so on, were reversals ever reversed).

    Empty when there is no such entry. A correction on the ledger is a reversing entry
    (``reverses_id`` points at the original), so this is the story of one correction.
    """
    entry = session.get(LedgerEntry, entry_id)
    if entry is None:
        return []
    seen = {entry.id}
    while entry.reverses_id is not None and entry.reverses_id not in seen:
        original = session.get(LedgerEntry, entry.reverses_id)
        if original is None:
            break
        entry = original
        seen.add(entry.id)
    chain = [entry]
    while True:
        following = session.exec(
            select(LedgerEntry).where(LedgerEntry.reverses_id == chain[-1].id)
        ).first()
        if following is None or following.id in {e.id for e in chain}:
            break
        chain.append(following)
    return [LedgerEntryPublic.model_validate(e) for e in chain]
