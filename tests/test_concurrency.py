"""Concurrent writers: 8 threads x 500 audited domain writes each, on SQLite (WAL) and
Postgres; none lost, every one audited, no "database is locked"."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, func, select

from fund.access import Actor
from fund.firms import add_firm
from models import migrate
from models.audit import AuditLog
from models.db import BUSY_TIMEOUT_MS, make_engine, session_scope
from models.hub import Firm, FirmCreate, Hub

THREADS, WRITES = 8, 500


def _writer(engine, hub_id: int, thread: int) -> list[str]:
    """``WRITES`` firm inserts, one transaction each (the duplicate check reads first, so a
    deferred transaction would have to upgrade its read lock to a write lock)."""
    actor = Actor(name=f"writer{thread}", role="fund_manager")
    errors = []
    for n in range(WRITES):
        firm_in = FirmCreate(name_en=f"Firm {thread}-{n}", sector="payments", hub_id=hub_id)
        try:
            with session_scope(engine, actor=actor.audit_name) as session:
                add_firm(session=session, actor=actor, firm_in=firm_in)
        except Exception as exc:  # collected, so that one failure does not hide the others
            errors.append(f"{thread}-{n}: {type(exc).__name__}: {exc}")
    return errors


def test_eight_threads_writing_at_once_lose_nothing_and_audit_everything(empty_db, backend):
    with session_scope(empty_db, actor="seed") as session:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        session.add(hub)
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda t: _writer(empty_db, hub.id, t), range(THREADS)))
    elapsed = time.perf_counter() - started
    errors = [e for errors in results for e in errors]
    assert errors == [], f"{len(errors)} failed writes, e.g. {errors[:3]}"
    with Session(empty_db) as session:
        firms = session.exec(select(func.count()).select_from(Firm)).one()
        audited = session.exec(
            select(AuditLog.actor, func.count())
            .where(AuditLog.table_name == "firm", AuditLog.action == "insert")
            .group_by(AuditLog.actor)
        ).all()
    assert firms == THREADS * WRITES
    assert dict(audited) == {f"fund_manager:writer{t}": WRITES for t in range(THREADS)}
    print(f"{backend}: {THREADS * WRITES} audited writes in {elapsed:.1f} s")


def _locked_for_writing(path) -> bool:
    """Whether another connection holds the write lock on the SQLite file at ``path``."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        other.close()


def test_sqlite_units_of_work_take_the_write_lock_at_begin_and_reads_do_not(tmp_path):
    path = tmp_path / "locks.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        session.exec(select(func.count()).select_from(Hub)).one()
        assert _locked_for_writing(path)
    with Session(engine) as session:
        session.exec(select(func.count()).select_from(Hub)).one()
        assert not _locked_for_writing(path)
    assert not _locked_for_writing(path)
    engine.dispose()


def test_a_sqlite_writer_waits_longer_than_the_busy_timeout_for_the_write_lock(tmp_path):
    path = tmp_path / "wait.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(BUSY_TIMEOUT_MS / 1000 + 1, holder.execute, ["COMMIT"])
    release.start()
    started = time.perf_counter()
    with session_scope(engine, actor="admin:patient") as session:
        session.add(Hub(name="Waited", city="Dalian", province="Liaoning"))
        session.flush()
        timeout = session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar()
    waited = time.perf_counter() - started
    release.join()
    holder.close()
    assert waited > BUSY_TIMEOUT_MS / 1000 and timeout == BUSY_TIMEOUT_MS
    with Session(engine) as session:
        assert session.exec(select(Hub.name)).all() == ["Waited"]
    engine.dispose()
