"""One engine per process, built from ``DATABASE_URL`` (SQLite by default, or Postgres)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

DEFAULT_SQLITE_PATH = Path("data") / "hubfund.db"
BUSY_TIMEOUT_MS = 5000  # how long a SQLite statement waits for a lock
WRITE_LOCK_WAIT_MS = 30000  # how long a SQLite unit of work waits for the write lock
WRITE_OPTION = "hubfund_writes"  # execution option: this session will write


def database_url() -> str:
    """The configured database URL: ``DATABASE_URL`` or ``sqlite:///./data/hubfund.db``."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalize_url(url: str) -> str:
    """Use psycopg 3 for bare ``postgres://``/``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL for concurrent readers, a 5 s busy timeout, and enforced foreign keys.

    pysqlite's own transaction handling is switched off (``isolation_level = None``) and
    SQLAlchemy emits BEGIN itself (``_sqlite_begin``): otherwise a SAVEPOINT opened first
    would start the transaction and its RELEASE would commit (SQLAlchemy's pysqlite recipe).
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    """BEGIN; BEGIN IMMEDIATE for a unit of work that will write (``session_scope``).

    A deferred transaction that reads first and then writes must upgrade its lock; in WAL
    mode, if another connection committed in between, SQLite refuses at once with "database
    is locked" (the busy timeout does not apply). BEGIN IMMEDIATE takes the write lock up
    front, waiting for it up to ``WRITE_LOCK_WAIT_MS`` (SQLite's wait is not first come, first
    served: under many writers a short wait can run out); read-only sessions keep the
    deferred BEGIN and the 5 s busy timeout.
    """
    if not connection.get_execution_options().get(WRITE_OPTION, False):
        connection.exec_driver_sql("BEGIN")
        return
    raw = connection.connection.driver_connection
    raw.execute(f"PRAGMA busy_timeout={WRITE_LOCK_WAIT_MS}")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def make_engine(url: str | None = None) -> Engine:
    """A new engine for ``url`` (default: ``database_url()``); SQLite files get their folder."""
    url = normalize_url(url or database_url())
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


@cache
def get_engine(url: str | None = None) -> Engine:
    """The process's engine for ``url``: built once, then shared."""
    return make_engine(url)


@contextmanager
def session_scope(engine: Engine, *, actor: str = "system") -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on error; ``actor`` is audited.

    On SQLite the transaction takes the write lock when it starts (see ``_sqlite_begin``).
    """
    writer = engine.execution_options(**{WRITE_OPTION: True})
    with Session(writer, expire_on_commit=False) as session:
        session.info["actor"] = actor
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
