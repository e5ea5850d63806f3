"""Cached reads that never outlive a write: keyed by the store and its data version.

Every write through a Session adds ``audit_log`` rows (the ORM hook), and every bulk load adds
one, so the audit log's newest id moves with each write; a row committed late with a lower id
(concurrent Postgres writers) still changes the count of recent rows. ``data_version`` reads
both, and ``cached_read`` keys on (URL, version, function, arguments, scope): the first run
after a write misses the cache and reads the store again. ``scope`` is the actor's fund set for
reads restricted to a fund manager's funds, so one user's data is never served to another.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import sqlalchemy as sa
import streamlit as st
from sqlmodel import Session

from app_pages import common
from fund.access import Actor
from models.db import database_url

RECENT = 1000  # how far below the newest audit id a late commit is still seen


def data_version() -> tuple[int, int]:
    """The store's version: (newest audit_log id, rows among the last ``RECENT`` ids).

    Any committed write changes it; reading it is one index lookup and a short range scan."""
    with common.engine().connect() as connection:
        newest = connection.execute(sa.text("SELECT max(id) FROM audit_log")).scalar() or 0
        recent = connection.execute(
            sa.text("SELECT count(*) FROM audit_log WHERE id > :low"), {"low": newest - RECENT}
        ).scalar()
    return int(newest), int(recent or 0)


def scope_of(actor: Actor) -> tuple[str, tuple[int, ...] | None]:
    """The part of a cache key that an actor's restrictions change: role and fund set."""
    return actor.role, None if actor.funds is None else tuple(sorted(actor.funds))


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _cached(
    url: str,
    version: tuple[int, int],
    name: str,
    arguments: tuple[tuple[str, Hashable], ...],
    scope: Hashable,
    _fn: Callable[..., Any],
) -> Any:
    with Session(common.engine()) as session:
        return _fn(session=session, **dict(arguments))


def cached_read(fn: Callable[..., Any], *, scope: Hashable = None, **kwargs: Any) -> Any:
    """``common.read(fn, **kwargs)``, kept until the store changes (or 10 minutes pass).

    ``kwargs`` must be hashable values (ids, dates, text); pass ``scope=scope_of(actor)``
    when what ``fn`` returns depends on who asks."""
    url = database_url()
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _cached(url, data_version(), name, tuple(sorted(kwargs.items())), scope, fn)


def clear() -> None:
    """Forget every cached read (a write does this implicitly through the version)."""
    _cached.clear()
