"""Recompute of every fund's and holding's figures against reading the same rows.

    .venv/bin/python bench/recompute.py [--rows N] [--seed S] [--repeat R] [--database-url URL]

On the national demo store with N ledger entries (built once in the temp folder; or the
store at ``--database-url``), as of the store's last day, timed in this run, best of R:

- read: ``fund.recompute.read_rows``, the ledger entries and the marks the figures need, one
  ``pd.read_sql`` each (the limit: recompute cannot do without reading them)
- hubfund recompute: ``fund.recompute.recompute``: the same read, every fund's and
  holding's figures (multiples exact, IRRs through ``fund.returns``), and the snapshot rows
  replaced (a delete and one bulk write), committed

Goal: recompute within 1.5x of the read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, all_pass, judged, limit_row, national_sqlite, render, timed

from fund.national_facts import NATIONAL_END
from fund.national_plan import NATIONAL_SEED
from fund.recompute import read_rows, recompute
from models.db import make_engine, session_scope
from models.fund import Fund

GOAL = 1.5


def rows(
    n: int = 1_000_000,
    *,
    seed: int = NATIONAL_SEED,
    repeat: int = 2,
    url: str | None = None,
    as_of: date = NATIONAL_END,
) -> list[Row]:
    """Time the read and the recompute on the national store of ``n`` entries (or ``url``)."""
    engine = make_engine(url or f"sqlite:///{national_sqlite(n, seed)}")
    with Session(engine) as session:
        ids = list(session.exec(select(Fund.id).where(col(Fund.vintage) <= as_of)).all())
    read_s, full_s, entries = float("inf"), float("inf"), 0

    def read() -> None:
        nonlocal entries
        with engine.connect() as connection:
            found, _ = read_rows(connection, fund_ids=[int(i) for i in ids if i], as_of=as_of)
            entries = len(found)

    def full() -> None:
        with session_scope(engine, actor="admin:bench") as session:
            recompute(session=session, as_of=as_of)

    read()  # warm the file cache and the imports, as a page would find them
    for _ in range(repeat):
        read_s = min(read_s, timed(read))
        full_s = min(full_s, timed(full))
    engine.dispose()
    return [
        limit_row(f"read ledger + marks, pd.read_sql ({entries:,} entries)", read_s),
        judged(f"hubfund recompute ({len(ids)} funds)", full_s, read_s, GOAL, against="read"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; 0 when the goal holds, 1 when it does not."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="ledger entries")
    parser.add_argument("--seed", type=int, default=NATIONAL_SEED)
    parser.add_argument("--repeat", type=int, default=2, help="passes (best kept)")
    parser.add_argument("--database-url", help="measure on this store instead")
    args = parser.parse_args(argv)
    table = rows(args.rows, seed=args.seed, repeat=args.repeat, url=args.database_url)
    where = args.database_url or f"national demo store, {args.rows:,} entries, SQLite"
    print(
        render(
            f"Recompute of every fund and holding as of {NATIONAL_END} ({where}); "
            f"best of {args.repeat}",
            table,
        )
    )
    return 0 if all_pass(table) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
