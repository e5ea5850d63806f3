"""Saved queries: an analyst's read-only SQL kept under a name, with a note.

Analysts and administrators save, list and delete them. A query is checked by
``fund.sql_guard`` before it is saved (one statement that reads), so a saved query never holds a
write. Saving under a name the owner already uses replaces that query. Analysts see and delete
their own queries; an administrator sees and may delete everyone's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from fund.access import Actor, PermissionDenied, require
from fund.sql_guard import QueryRefused, check_sql
from models.types import utcnow
from models.users import SavedQuery
from models.validation import InputError

ROLES = ("analyst",)  # and admin, who always may
MAX_NAME, MAX_NOTE, MAX_SQL = 120, 500, 20_000


@dataclass(frozen=True)
class Saved:
    """A saved query as the page shows it."""

    id: int
    owner: str
    name: str
    sql: str
    note: str | None
    created_at: datetime


def _saved(row: SavedQuery) -> Saved:
    return Saved(row.id or 0, row.owner, row.name, row.sql, row.note, row.created_at)


def _text(value: str | None, *, field: str, limit: int, required: bool) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise InputError(f"{field}: give a {field}")
    if len(text) > limit:
        raise InputError(f"{field}: {len(text):,} characters, more than {limit:,}")
    return text or None


def save_query(
    *, session: Session, actor: Actor, name: str, sql: str, note: str | None = None
) -> Saved:
    """Keep ``sql`` as the actor's query ``name`` (replacing one of the same name).

    ``InputError`` for an empty or too long name, note or query, or a query that is not one
    reading statement (the reason from ``fund.sql_guard``); nothing is written then.
    """
    require(actor, *ROLES, action="save SQL queries")
    title = _text(name, field="name", limit=MAX_NAME, required=True) or ""
    text = _text(sql, field="sql", limit=MAX_SQL, required=True) or ""
    remark = _text(note, field="note", limit=MAX_NOTE, required=False)
    try:
        check_sql(text, dialect=session.get_bind().dialect.name)
    except QueryRefused as exc:
        raise InputError(f"sql: {exc}") from None
    row = session.exec(
        select(SavedQuery).where(SavedQuery.owner == actor.name, SavedQuery.name == title)
    ).first()
    if row is None:
        row = SavedQuery(owner=actor.name, name=title, sql=text, note=remark)
    else:
        row.sql, row.note, row.created_at = text, remark, utcnow()
    session.add(row)
    session.flush()
    return _saved(row)


def list_queries(*, session: Session, actor: Actor) -> list[Saved]:
    """The actor's saved queries by name (an administrator's list: everyone's, by owner)."""
    require(actor, *ROLES, action="read saved SQL queries")
    query = select(SavedQuery).order_by(col(SavedQuery.owner), col(SavedQuery.name))
    if actor.role != "admin":
        query = query.where(SavedQuery.owner == actor.name)
    return [_saved(row) for row in session.exec(query).all()]


def delete_query(*, session: Session, actor: Actor, query_id: int) -> Saved:
    """Delete saved query ``query_id``: its owner or an administrator only."""
    require(actor, *ROLES, action="delete saved SQL queries")
    row = session.get(SavedQuery, query_id)
    if row is None:
        raise InputError(f"query_id: {query_id!r} is not a saved query")
    if row.owner != actor.name and actor.role != "admin":
        raise PermissionDenied(
            f"{actor.name!r} may not delete {row.owner!r}'s query {row.name!r}: only its owner "
            "or an administrator may"
        )
    gone = _saved(row)
    session.delete(row)
    session.flush()
    return gone
