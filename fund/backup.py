"""Back up the store to a file and restore it, on SQLite and on Postgres.

SQLite: the backup is a consistent copy taken with SQLite's online backup API while the app
keeps reading and writing (WAL), made self-contained (rollback journal) and checked with
``PRAGMA integrity_check``. A restore checks the file the same way and copies it into the live
database with the backup API too (page by page under SQLite's locks, never a file copy, so open
connections stay safe). Postgres: ``pg_dump -Fc --no-owner`` and ``pg_restore --clean
--if-exists --no-owner --single-transaction`` (all or nothing), the connection passed through
libpq's environment variables, never on the command line.

A backup made by a newer Hubfund (a schema revision this code does not know) is refused; an
older one is restored, then migrated to the newest schema. Append-only guards are part of the
schema and come back with it.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import make_url

from models import migrate
from models.db import make_engine, normalize_url
from models.validation import InputError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


class BackupRefused(InputError):
    """The backup or restore was refused before anything was written (a reason is given)."""


class BackupFailed(RuntimeError):
    """A backup tool failed (its message is given); a restore left the store as it was."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """A backup written: where, of which backend, at which schema revision, how large."""

    path: Path
    backend: str
    revision: str | None
    size_bytes: int


@dataclass(frozen=True, slots=True)
class RestoreInfo:
    """A restore done: from where, the backup's schema revision and the store's now."""

    path: Path
    backend: str
    backup_revision: str
    revision: str | None

    @property
    def migrated(self) -> bool:
        """Whether the restored store had to be migrated to the newest schema."""
        return self.revision != self.backup_revision


def _backend(url: str) -> str:
    name = make_url(normalize_url(url)).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupRefused(f"url: {name!r} databases cannot be backed up (SQLite or Postgres)")
    return name


def _magic(path: Path) -> bytes:
    if not path.is_file():
        raise BackupRefused(f"source: {str(path)!r} is not a file")
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC))


def _fresh(dest: Path) -> Path:
    if dest.exists():
        raise BackupRefused(f"dest: {str(dest)!r} already exists (choose a new file name)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    return dest.with_name(dest.name + ".partial")


def _restorable(revision: str | None, source: Path) -> str:
    """``revision`` if this code can restore a store at it; refused otherwise."""
    if revision is None:
        raise BackupRefused(f"source: {str(source)!r} has no schema revision: not a Hubfund store")
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    if revision not in {s.revision for s in script.walk_revisions()}:
        raise BackupRefused(
            f"source: {str(source)!r} is at schema revision {revision!r}, which this Hubfund "
            f"does not know (its newest is {migrate.head_revision()!r}): the backup was made by "
            "a newer Hubfund; upgrade Hubfund, then restore. Nothing was restored."
        )
    return revision


def backup(*, url: str, dest: Path) -> BackupInfo:
    """Write a consistent backup of the store at ``url`` to the new file ``dest``."""
    if _backend(url) == "sqlite":
        return _sqlite_backup(_sqlite_path(url), dest)
    return _pg_backup(url, dest)


def restore(*, url: str, source: Path) -> RestoreInfo:
    """Replace everything in the store at ``url`` with the backup ``source``, then migrate
    it to the newest schema if the backup is older; refused (nothing written) when the
    backup is damaged, of the other backend, or from a newer Hubfund."""
    if _backend(url) == "sqlite":
        return _sqlite_restore(url, source)
    return _pg_restore(url, source)


# SQLite ----------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupRefused(f"url: {url!r} is not a SQLite file")
    return Path(database)


def _sqlite_check(connection: sqlite3.Connection, path: Path) -> str | None:
    """The schema revision of a sound SQLite store; refused when damaged."""
    try:
        found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if found != ["ok"]:
            raise BackupRefused(f"{path}: integrity check failed: {'; '.join(found[:5])}")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"{path}: not a sound Hubfund store ({exc})") from None
    return None if row is None else str(row[0])


def _sqlite_backup(live: Path, dest: Path) -> BackupInfo:
    if not live.is_file():
        raise BackupRefused(f"url: there is no database at {str(live)!r}")
    partial = _fresh(dest)
    try:
        with closing(sqlite3.connect(live, timeout=30)) as source:
            with closing(sqlite3.connect(partial)) as copy:
                source.backup(copy)  # in one step: a snapshot, while others keep writing
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                revision = _sqlite_check(copy, dest)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(dest, "sqlite", revision, dest.stat().st_size)


def _sqlite_restore(url: str, source: Path) -> RestoreInfo:
    magic = _magic(source)
    if magic.startswith(PG_DUMP_MAGIC):
        raise BackupRefused(f"source: {str(source)!r} is a Postgres dump; the store is SQLite")
    if magic != SQLITE_MAGIC:
        raise BackupRefused(f"source: {str(source)!r} is not a SQLite database")
    live = _sqlite_path(url)
    read_only = f"{source.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(read_only, uri=True)) as backup_db:
        revision = _restorable(_sqlite_check(backup_db, source), source)
        live.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(live, timeout=30)) as target:
            try:
                backup_db.backup(target)  # waits for writers, then replaces every page at once
            except sqlite3.Error as exc:
                raise BackupFailed(f"restore into {live}: {exc}; nothing was restored") from exc
    return RestoreInfo(source, "sqlite", revision, _migrated(url, revision))


def _migrated(url: str, revision: str) -> str | None:
    engine = make_engine(url)
    try:
        if revision != migrate.head_revision():
            migrate.upgrade(engine)
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


# Postgres --------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of the PostgreSQL client program ``name`` (PATH first, then the newest of
    ``/usr/lib/postgresql/*/bin``); refused with advice when it is not installed."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"{PG_BIN_GLOB}/{name}"), key=_version_key, reverse=True)
    if versions:
        return versions[0]
    raise BackupRefused(
        f"{name}: not found on PATH nor in {PG_BIN_GLOB}: install the PostgreSQL client "
        "programs (e.g. apt install postgresql-client) in the server's version or newer"
    )


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.parent.name))


def pg_environment(url: str) -> dict[str, str]:
    """The process environment plus libpq's PG* variables for the connection in ``url``."""
    parsed = make_url(normalize_url(url))
    values = {
        "PGHOST": parsed.host or parsed.query.get("host"),
        "PGPORT": parsed.port,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGDATABASE": parsed.database,
        "PGSSLMODE": parsed.query.get("sslmode"),
    }
    return dict(os.environ) | {k: str(v) for k, v in values.items() if v not in (None, "")}


def _run(command: list[str], url: str) -> str:
    done = subprocess.run(command, env=pg_environment(url), capture_output=True, text=True)
    if done.returncode != 0:
        tool = Path(command[0]).name
        raise BackupFailed(f"{tool} failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def _dump_revision(dump: Path, url: str) -> str | None:
    """The schema revision stored in a custom-format dump (its alembic_version row)."""
    script = _run([pg_tool("pg_restore"), "--data-only", "--table=alembic_version",
                   "--file=-", str(dump)], url)  # fmt: skip
    lines = script.splitlines()
    starts = [n for n, line in enumerate(lines) if line.startswith("COPY public.alembic_version")]
    rows = lines[starts[0] + 1 :] if starts else []
    return rows[0].strip() if rows and rows[0] != "\\." else None


def _pg_backup(url: str, dest: Path) -> BackupInfo:
    partial = _fresh(dest)
    try:
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"], url)
        revision = _dump_revision(partial, url)  # also reads the whole table of contents
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(dest, "postgresql", revision, dest.stat().st_size)


def _pg_restore(url: str, source: Path) -> RestoreInfo:
    magic = _magic(source)
    if magic == SQLITE_MAGIC:
        raise BackupRefused(f"source: {str(source)!r} is a SQLite backup; the store is Postgres")
    if not magic.startswith(PG_DUMP_MAGIC):
        raise BackupRefused(f"source: {str(source)!r} is not a pg_dump custom-format file")
    try:
        _run([pg_tool("pg_restore"), f"--file={os.devnull}", str(source)], url)  # reads it all
        revision = _restorable(_dump_revision(source, url), source)
    except BackupFailed as exc:
        raise BackupRefused(f"source: {str(source)!r} cannot be read: {exc}") from None
    lowered = _down_to(url, revision)
    command = [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
               "--single-transaction", "--dbname=", str(source)]  # fmt: skip
    try:
        _run(command, url)  # an empty --dbname: libpq takes PGDATABASE
    except BackupFailed as exc:
        _migrated(url, revision)
        lost = f" (tables added after revision {revision} were emptied)" if lowered else ""
        raise BackupFailed(f"{exc}; nothing was restored{lost}") from None
    return RestoreInfo(source, "postgresql", revision, _migrated(url, revision))


def _down_to(url: str, revision: str) -> bool:
    """Take the store down to ``revision`` if it is at a later one (tables of later
    migrations would keep pg_restore from dropping the tables they refer to); whether it was."""
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    engine = make_engine(url)
    try:
        current = migrate.current_revision(engine)
        if current is None or current == revision:
            return False
        below = {s.revision for s in script.walk_revisions(base="base", head=current)}
        if revision not in below:
            return False
        migrate.downgrade(engine, revision)
        return True
    finally:
        engine.dispose()
