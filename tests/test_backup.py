"""Backup and restore on SQLite and Postgres: every row comes back as it was at the backup,
append-only guards included; older backups are migrated, newer ones and bad files refused."""

from __future__ import annotations

import io
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

import fund.backup as backup_module
from fund.backup import BackupRefused, backup, pg_environment, restore
from fund.cli import main
from models import migrate
from models.appendonly import APPEND_ONLY_TABLES
from models.db import make_engine, session_scope
from models.hub import Firm, Hub

from .conftest import LOCAL_PG, POSTGRES

HEAD = migrate.head_revision()
PREVIOUS = (
    ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    .get_revision(HEAD)
    .down_revision
)


def _admin(statement: str) -> None:
    admin = make_engine(LOCAL_PG.format(db="postgres"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(statement))
    admin.dispose()


def _pg_database(name: str, *, template: str | None = None) -> str:
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return LOCAL_PG.format(db=name)


@pytest.fixture(scope="module")
def _pg_demo_template() -> Iterator[str]:
    """A Postgres database holding the demo, copied (as a template) for each test."""
    if not POSTGRES:
        pytest.skip("no Postgres server")
    from fund.demo import load_demo

    engine = make_engine(_pg_database("hubfund_e_scratch_tpl"))
    migrate.upgrade(engine)
    with session_scope(engine, actor="demo") as session:
        load_demo(session=session)
    engine.dispose()
    yield "hubfund_e_scratch_tpl"
    _admin("DROP DATABASE IF EXISTS hubfund_e_scratch_tpl WITH (FORCE)")


@pytest.fixture
def demo_store(backend, request) -> Iterator[str]:
    """The URL of a private, writable store holding the demo."""
    if backend == "sqlite":
        yield request.getfixturevalue("demo_sqlite_url")
        return
    template = request.getfixturevalue("_pg_demo_template")
    yield _pg_database("hubfund_e_scratch", template=template)
    _admin("DROP DATABASE IF EXISTS hubfund_e_scratch WITH (FORCE)")


@pytest.fixture
def other_store(backend, tmp_path) -> Iterator[str]:
    """The URL of a second private store, not yet migrated."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    yield _pg_database("hubfund_e_scratch2")
    _admin("DROP DATABASE IF EXISTS hubfund_e_scratch2 WITH (FORCE)")


def _dump(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, ordered by primary key (all columns where there is none)."""
    engine = make_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        dump = {
            name: [tuple(row) for row in conn.execute(
                sa.select(table).order_by(*(table.primary_key.columns or table.columns)))]
            for name, table in meta.tables.items()
        }  # fmt: skip
    engine.dispose()
    return dump


def _write_more(url: str) -> None:
    """An insert, an update, and their audit rows."""
    engine = make_engine(url)
    with session_scope(engine, actor="admin:late") as session:
        session.add(Hub(name="Late hub", city="Nowhere", province="Nowhere"))
        firm = session.exec(sa.select(Firm).order_by(Firm.id)).scalars().first()
        firm.employees = (firm.employees or 0) + 1
    engine.dispose()


def _refuses_ledger_update(url: str) -> None:
    engine = make_engine(url)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text("UPDATE ledger_entry SET memo = 'edited'"))
    engine.dispose()


def _guarded_tables(url: str) -> set[str]:
    """The tables that carry an append-only guard (trigger) in the store at ``url``."""
    if url.startswith("sqlite"):
        sql = "SELECT tbl_name FROM sqlite_master WHERE name LIKE '%_no_update'"
    else:
        sql = "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE '%_append_only'"
    engine = make_engine(url)
    with engine.connect() as conn:
        found = set(conn.execute(sa.text(sql)).scalars())
    engine.dispose()
    return found


def test_restore_gives_back_every_row_as_it_was_at_the_backup(demo_store, tmp_path, monkeypatch):
    commands: list[list[str]] = []
    real_run = subprocess.run

    def run(argv, **kwargs):
        commands.append(argv)
        return real_run(argv, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", run)
    at_backup = _dump(demo_store)
    info = backup(url=demo_store, dest=tmp_path / "store.backup")
    assert (info.revision, info.size_bytes > 0) == (HEAD, True)
    _write_more(demo_store)
    assert _dump(demo_store) != at_backup
    restored = restore(url=demo_store, source=info.path)
    assert (restored.backup_revision, restored.revision, restored.migrated) == (HEAD, HEAD, False)
    after = _dump(demo_store)
    assert after.keys() == at_backup.keys()
    for table, rows in at_backup.items():
        assert after[table] == rows, table
    assert len(after["ledger_entry"]) > 100 and len(after["audit_log"]) > 1000
    _refuses_ledger_update(demo_store)
    assert all("127.0.0.1" not in arg and "postgres@" not in arg for c in commands for arg in c)


def _scalar(url: str, sql: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = conn.execute(sa.text(sql)).scalar_one()
    engine.dispose()
    return value


def test_a_sqlite_backup_taken_while_the_app_writes_is_a_consistent_snapshot(
    demo_sqlite_url, sqlite_url, tmp_path
):
    engine, stop = make_engine(demo_sqlite_url), threading.Event()
    hub_id = _scalar(demo_sqlite_url, "SELECT min(id) FROM hub")

    def write() -> None:
        n = 0
        while not stop.is_set():
            with session_scope(engine, actor="admin:busy") as session:
                session.add(Firm(name_en=f"Busy {n}", sector="payments", hub_id=hub_id))
            n += 1

    writer = threading.Thread(target=write)
    count = "SELECT count(*) FROM firm"
    before = _scalar(demo_sqlite_url, count)
    writer.start()
    try:
        time.sleep(0.2)
        info = backup(url=demo_sqlite_url, dest=tmp_path / "busy.backup")
        time.sleep(0.2)
    finally:
        stop.set()
        writer.join()
    engine.dispose()
    restore(url=sqlite_url, source=info.path)
    restored = _scalar(sqlite_url, count)
    assert before < restored < _scalar(demo_sqlite_url, count)
    audited = "SELECT count(*) FROM audit_log WHERE actor = 'admin:busy'"
    assert _scalar(sqlite_url, audited) == restored - before


def test_an_older_backup_is_restored_then_migrated(other_store, demo_store, tmp_path):
    engine = make_engine(other_store)
    migrate.upgrade(engine, PREVIOUS)
    with session_scope(engine, actor="admin:old") as session:
        session.add(Hub(name="Old hub", city="Dalian", province="Liaoning"))
    engine.dispose()
    info = backup(url=other_store, dest=tmp_path / "old.backup")
    assert info.revision == PREVIOUS
    restored = restore(url=demo_store, source=info.path)
    assert (restored.backup_revision, restored.revision, restored.migrated) == (
        PREVIOUS,
        HEAD,
        True,
    )
    engine = make_engine(demo_store)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM hub")).scalars().all() == ["Old hub"]
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [(HEAD,)]
    engine.dispose()
    assert _guarded_tables(demo_store) == set(APPEND_ONLY_TABLES)


def _set_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_a_backup_from_a_newer_hubfund_is_refused_and_nothing_restored(demo_store, tmp_path):
    _set_revision(demo_store, "9999_future")
    info = backup(url=demo_store, dest=tmp_path / "future.backup")
    _set_revision(demo_store, HEAD)
    _write_more(demo_store)
    before = _dump(demo_store)
    with pytest.raises(BackupRefused, match=r"'9999_future'.*newer Hubfund; upgrade Hubfund"):
        restore(url=demo_store, source=info.path)
    assert _dump(demo_store) == before


def _damaged(tmp_path: Path, demo_store: str, kind: str) -> Path:
    path = tmp_path / f"{kind}.backup"
    if kind == "text file":
        path.write_text("not a backup\n")
    elif kind == "truncated":
        good = backup(url=demo_store, dest=tmp_path / "good.backup").path
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif kind == "other backend":
        other = b"PGDMP" if demo_store.startswith("sqlite") else b"SQLite format 3\x00"
        path.write_bytes(other + b"\x00" * 4096)
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("text file", "is not a"),
        ("truncated", "integrity check failed|not a sound|cannot be read"),
        ("other backend", "is a (Postgres dump|SQLite backup)"),
        ("missing", "is not a file"),
    ],
)
def test_bad_backup_files_are_refused_and_nothing_restored(demo_store, tmp_path, kind, message):
    source = _damaged(tmp_path, demo_store, kind)
    before = _dump(demo_store)
    with pytest.raises(BackupRefused, match=message):
        restore(url=demo_store, source=source)
    assert _dump(demo_store) == before


def test_a_backup_never_overwrites_a_file(demo_store, tmp_path):
    (tmp_path / "taken").write_text("keep me")
    with pytest.raises(BackupRefused, match="already exists"):
        backup(url=demo_store, dest=tmp_path / "taken")
    assert (tmp_path / "taken").read_text() == "keep me"


def test_missing_postgres_tools_are_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup_module, "PG_BIN_GLOB", str(tmp_path / "none" / "*"))
    with pytest.raises(BackupRefused, match=r"pg_dump: not found on PATH.*postgresql-client"):
        backup(url="postgresql://u:secret@db.example:5433/fund", dest=tmp_path / "x.dump")


def test_the_postgres_connection_goes_to_libpq_variables():
    env = pg_environment("postgresql://fund:s%40cret@db.example:5433/hubfund?sslmode=require")
    assert {k: env[k] for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")} == {
        "PGHOST": "db.example",
        "PGPORT": "5433",
        "PGUSER": "fund",
        "PGPASSWORD": "s@cret",
        "PGDATABASE": "hubfund",
    }
    assert env["PGSSLMODE"] == "require"


def test_cli_backup_and_restore_with_confirmation(demo_sqlite_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    path = tmp_path / "cli.backup"
    assert main(["backup", str(path)]) == 0
    assert f"to {path}" in capsys.readouterr().out
    at_backup = _dump(demo_sqlite_url)
    _write_more(demo_sqlite_url)
    changed = _dump(demo_sqlite_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["restore", str(path)]) == 1
    assert "nothing restored" in capsys.readouterr().out
    assert _dump(demo_sqlite_url) == changed
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(["restore", str(path)]) == 0
    assert _dump(demo_sqlite_url) == at_backup
    _write_more(demo_sqlite_url)
    assert main(["restore", "--yes", str(path)]) == 0
    assert _dump(demo_sqlite_url) == at_backup


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["restore", "--yes", "{tmp}/missing.backup"], "is not a file"),
        (["backup", "{tmp}/taken"], "already exists"),
    ],
)
def test_cli_refusals_exit_2(demo_sqlite_url, tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    (tmp_path / "taken").write_text("keep me")
    before = _dump(demo_sqlite_url)
    assert main([a.format(tmp=tmp_path) for a in argv]) == 2
    assert message in capsys.readouterr().err
    assert _dump(demo_sqlite_url) == before
