"""Import runs and feeds: one row per long import (a file, a feed, a registry search), so that it
can be resumed where it stopped (``ImportRun.processed``) and a person can see what each run
did; and the stored JSON feeds (``FeedConfig``) that ``sourcing.feed`` reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlmodel import Session, col, select

from fund.access import Actor, require
from models.hub import SECTORS
from models.queries import hub_by_id
from models.sourcing import FeedConfig, ImportRun
from models.types import utcnow
from models.validation import InputError
from sourcing.feed import check_mapping as check_feed_mapping
from sourcing.store import IMPORTERS


@dataclass(frozen=True)
class RunView:
    """An import run as the page lists it."""

    id: int
    source: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    total: int | None
    processed: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    actor: str
    error: str | None
    parameters: dict[str, Any]


def start_run(
    *, session: Session, actor: Actor, source: str, parameters: dict[str, Any], total: int
) -> int:
    """A new ``running`` import of ``total`` records from ``source``; its id."""
    require(actor, *IMPORTERS, action="import companies")
    if not source.strip():
        raise InputError("source: an import run needs a source name")
    run = ImportRun(source=source[:80], parameters=parameters, total=total,
                    actor=actor.audit_name)  # fmt: skip
    session.add(run)
    session.flush()
    return run.id or 0


def fail_run(*, session: Session, actor: Actor, run_id: int, error: str) -> None:
    """Mark run ``run_id`` failed with ``error`` (it can still be resumed)."""
    require(actor, *IMPORTERS, action="import companies")
    run = session.get(ImportRun, run_id)
    if run is None:
        raise InputError(f"run_id: {run_id!r} is not an import run")
    run.status, run.error, run.finished_at = "failed", error[:5000], utcnow()
    session.add(run)
    session.flush()


def _view(run: ImportRun) -> RunView:
    return RunView(run.id or 0, run.source, run.status, run.started_at, run.finished_at,
                   run.total, run.processed, run.created, run.updated, run.unchanged,
                   run.rejected, run.actor, run.error, dict(run.parameters or {}))  # fmt: skip


def import_runs(*, session: Session, source: str | None = None, limit: int = 50) -> list[RunView]:
    """The latest import runs (of ``source`` when given), newest first."""
    query = select(ImportRun).order_by(col(ImportRun.id).desc()).limit(limit)
    if source is not None:
        query = query.where(ImportRun.source == source)
    return [_view(run) for run in session.exec(query).all()]


def resumable_run(*, session: Session, source: str, parameters: dict[str, Any]) -> RunView | None:
    """The latest run of ``source`` with the same ``parameters`` that did not finish, if any:
    resuming it skips the records it already committed."""
    for run in import_runs(session=session, source=source):
        if run.status != "done" and run.parameters == parameters:
            return run
    return None


@dataclass(frozen=True)
class FeedView:
    """A stored feed configuration."""

    id: int
    name: str
    url: str
    items_path: str
    id_field: str
    mapping: dict[str, str]
    hub_id: int
    default_sector: str
    note: str | None


def feed_configs(*, session: Session) -> list[FeedView]:
    """Every stored JSON feed, by name."""
    rows = session.exec(select(FeedConfig).order_by(col(FeedConfig.name))).all()
    return [FeedView(f.id or 0, f.name, f.url, f.items_path, f.id_field, dict(f.mapping),
                     f.hub_id, f.default_sector, f.note) for f in rows]  # fmt: skip


def add_feed(
    *,
    session: Session,
    actor: Actor,
    name: str,
    url: str,
    id_field: str,
    mapping: dict[str, str],
    hub_id: int,
    default_sector: str,
    items_path: str = "",
    note: str | None = None,
) -> FeedView:
    """Store a JSON feed: its http(s) URL, where its items and their ids are, which firm field
    comes from which path, and where new firms from it belong."""
    require(actor, *IMPORTERS, action="add a feed")
    name = name.strip()
    if not 1 <= len(name) <= 75:
        raise InputError(f"name: {name!r} must be 1-75 characters")
    if session.exec(select(FeedConfig.id).where(FeedConfig.name == name)).first() is not None:
        raise InputError(f"name: {name!r} is already a feed")
    parsed = httpx.URL(url.strip()) if url.strip() else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise InputError(f"url: {url!r} is not an http(s) URL")
    if not id_field.strip():
        raise InputError("id_field: give the path to each item's stable id (e.g. id)")
    try:
        paths = check_feed_mapping(mapping)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    hub_by_id(session=session, hub_id=hub_id)
    if default_sector not in SECTORS:
        raise InputError(f"default_sector: {default_sector!r} is not one of: {', '.join(SECTORS)}")
    feed = FeedConfig(name=name, url=str(parsed), items_path=items_path.strip(),
                      id_field=id_field.strip(), mapping=paths, hub_id=hub_id,
                      default_sector=default_sector, note=(note or "").strip() or None)  # fmt: skip
    session.add(feed)
    session.flush()
    return next(f for f in feed_configs(session=session) if f.id == feed.id)
