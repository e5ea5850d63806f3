"""Bulk ingest of ledger rows: hubfund's checked bulk path against the bare insert it uses.

    .venv/bin/python bench/ingest.py [--rows N] [--seed S] [--postgres-url URL]

The rows are the national demo's ledger (``fund.national_plan``) for N entries, over the
funds, LPs, commitments and firms of that size, already in the store (untimed). Each method
runs in a fresh Python process on a fresh copy of that store (SQLite: a file copy; Postgres:
``CREATE DATABASE ... TEMPLATE``), so each starts cold and its peak memory is its own:

- bare Core executemany (SQLite): the same rows, already checked and prepared as parameter
  sets (untimed), written with SQLAlchemy Core ``insert()`` executemany in chunks, one commit
- bare COPY (Postgres): the same rows, already rendered as CSV (untimed), ``COPY FROM STDIN``
- hubfund bulk: ``fund.bulk_ledger.load_ledger`` from the DataFrame of entries: every check of
  ``fund.ledger`` on whole columns, the FX as-of join, the conversion, the rows rendered and
  hashed, the same inserts (or COPY), the audit row, one commit

Goals: the bulk path within 1.5x of the bare insert of the same backend, and its process's
peak resident memory (reading the input file included) at most 1 GB.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    CACHE,
    Row,
    all_pass,
    ceiling,
    child,
    judged,
    limit_row,
    peak_mb,
    render,
    sqlite_copy,
)
from common import postgres_url as pg_url

from fund.access import Actor
from fund.bulk import arrow_rows, csv_bytes, first_id, raw_insert, sqlite_params
from fund.bulk_ledger import load_ledger, prepare_ledger
from fund.demo_national import check_plan, ledger_rows, write_references
from fund.national_plan import NATIONAL_SEED, plan_national, size_at
from models import migrate
from models.db import make_engine, session_scope
from models.ledger import LedgerEntry

GOAL = 1.5
MEMORY_MB = 1024
ACTOR = Actor(name="bench", role="admin")
CHUNK = 50_000


def _reference_store(url: str, rows: int, seed: int, frame_path: Path) -> None:
    """Migrate ``url``, write the national references for ``rows`` and save the ledger rows."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    plan = plan_national(size_at(rows / 1_000_000), seed)
    check_plan(plan)
    with session_scope(engine, actor=ACTOR.audit_name) as session:
        ids = write_references(session=session, actor=ACTOR, plan=plan)
    frame = ledger_rows(
        plan,
        fund_first=ids["fund"].first_id or 0,
        lp_first=ids["lp"].first_id or 0,
        firm_first=ids["firm"].first_id or 0,
    )
    frame.to_parquet(frame_path)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def _postgres_admin(url: str) -> sa.Engine:
    return make_engine(sa.make_url(url).set(database="postgres").render_as_string(False))


def _fresh_postgres(url: str, template: str | None) -> None:
    """Drop and create the database of ``url`` (from ``template`` when given)."""
    name = sa.make_url(url).database
    admin = _postgres_admin(url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        extra = f' TEMPLATE "{template}"' if template else ""
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{extra}'))
    admin.dispose()


def run_child(mode: str, url: str, frame_path: Path) -> dict:
    """In this (fresh) process: load the rows by ``mode``; seconds, rows and peak memory."""
    frame = pd.read_parquet(frame_path)
    engine = make_engine(url)
    seconds = 0.0
    if mode == "bulk":
        start = time.perf_counter()
        with session_scope(engine, actor=ACTOR.audit_name) as session:
            done = load_ledger(session=session, actor=ACTOR, rows=frame)
        seconds = time.perf_counter() - start
        count = done.count
    else:
        with session_scope(engine, actor=ACTOR.audit_name) as session:
            columns = prepare_ledger(session=session, actor=ACTOR, rows=frame)
            connection = session.connection()
            first = first_id(session, LedgerEntry.__table__)  # type: ignore[attr-defined]
            count = len(columns["fund_id"])
            insert = raw_insert(LedgerEntry, ["id", *columns])
            names = ", ".join(["id", *columns])
            for start_at in range(0, count, CHUNK):
                part = arrow_rows(
                    LedgerEntry, columns, first, connection.dialect, start_at, start_at + CHUNK
                )
                if mode == "copy":
                    text = csv_bytes(part)
                    raw = connection.connection.dbapi_connection
                    start = time.perf_counter()
                    with raw.cursor() as cursor:  # type: ignore[union-attr]
                        sql = f"COPY ledger_entry ({names}) FROM STDIN (FORMAT csv)"
                        with cursor.copy(sql) as copy:
                            copy.write(text)
                else:
                    params = sqlite_params(part, LedgerEntry)
                    start = time.perf_counter()
                    connection.execute(insert, params)
                seconds += time.perf_counter() - start
            start = time.perf_counter()
        seconds += time.perf_counter() - start  # the commit
    engine.dispose()
    return {"seconds": seconds, "rows": count, "peak_mb": peak_mb()}


def _best(runs: list[dict]) -> dict:
    """The fastest run; peak memory the highest of the runs."""
    best = min(runs, key=lambda r: r["seconds"])
    return best | {"peak_mb": max(r["peak_mb"] for r in runs)}


def rows(
    n: int = 1_000_000,
    *,
    seed: int = NATIONAL_SEED,
    postgres: str | None = None,
    repeat: int = 1,
) -> list[Row]:
    """Run the methods for ``n`` rows on SQLite (and Postgres at ``postgres``), each
    ``repeat`` times in turn (limit, bulk, limit, bulk, ...), best time kept."""
    work = CACHE / f"ingest-{n}-{seed}"
    work.mkdir(parents=True, exist_ok=True)
    script = Path(__file__).resolve()
    backends = [("SQLite", "core", "Core executemany", "Core", None)]
    if postgres:
        backends.append(("Postgres", "copy", "COPY", "COPY", postgres))
    out: list[Row] = []
    for backend, limit_mode, limit_name, against, url in backends:
        frame_path = work / f"ledger-{backend}.parquet"
        if url is None:
            base = work / "base.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{base}{suffix}").unlink(missing_ok=True)
            _reference_store(f"sqlite:///{base}", n, seed, frame_path)
        else:
            base_db = f"{sa.make_url(url).database}_base"
            _fresh_postgres(sa.make_url(url).set(database=base_db).render_as_string(False), None)
            _reference_store(
                sa.make_url(url).set(database=base_db).render_as_string(False),
                n,
                seed,
                frame_path,
            )
        runs: dict[str, list[dict]] = {limit_mode: [], "bulk": []}
        for _ in range(repeat):
            for mode in (limit_mode, "bulk"):
                if url is None:
                    target = sqlite_copy(base, work / "run.db")
                else:
                    _fresh_postgres(url, base_db)
                    target = url
                runs[mode].append(
                    child(script, ["--child", mode, "--url", target, "--input", str(frame_path)])
                )
        limit, bulk = _best(runs[limit_mode]), _best(runs["bulk"])
        out += [
            limit_row(f"bare {limit_name}, {backend} ({bulk['rows']:,} rows)", limit["seconds"]),
            judged(
                f"hubfund bulk load_ledger, {backend}",
                bulk["seconds"],
                limit["seconds"],
                GOAL,
                against=against,
            ),
            ceiling(f"peak memory, bulk load process, {backend}", bulk["peak_mb"], MEMORY_MB, "MB"),
        ]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; 0 when every goal holds, 1 when one does not."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="ledger entries to load")
    parser.add_argument("--seed", type=int, default=NATIONAL_SEED)
    parser.add_argument(
        "--postgres-url",
        help="a Postgres database to wipe (or BENCH_POSTGRES_URL); without it, SQLite only",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each method (best kept)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.url, Path(args.input))))
        return 0
    table = rows(args.rows, seed=args.seed, postgres=pg_url(args.postgres_url), repeat=args.repeat)
    title = (
        f"Bulk ingest of {args.rows:,} ledger rows (national demo ledger), each method in "
        "its own process on a fresh copy of the store"
    )
    print(render(title, table))
    return 0 if all_pass(table) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
