"""XIRR over every holding of the national store: ``fund.returns.xirr`` against raw pyxirr.

    .venv/bin/python bench/xirr_holdings.py [--rows N] [--seed S] [--repeat R]

The flows are the holdings' gross flows as ``fund.recompute`` builds them on the national demo
store of N ledger entries (investments negative, proceeds positive, netted by date, the fair
value on the last day), Decimal amounts; the same lists go to both methods, best of R passes:

- raw pyxirr: ``pyxirr.xirr(dates, amounts)`` per holding (the limit)
- hubfund xirr: ``fund.returns.xirr`` per holding (a certified unique root, or IrrUndefined)

Goal: hubfund within 1.25x of raw pyxirr.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import pyxirr
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, all_pass, judged, limit_row, national_sqlite, render, timed

from fund.national_facts import NATIONAL_END
from fund.national_plan import NATIONAL_SEED
from fund.recompute import compute
from fund.returns import IrrUndefined, xirr
from models.db import make_engine

GOAL = 1.25
Series = tuple[list, list]


def holding_flows(n: int, seed: int, url: str | None = None) -> list[Series]:
    """(dates, amounts) of every holding of the national store of ``n`` entries (or ``url``)."""
    engine = make_engine(url or f"sqlite:///{national_sqlite(n, seed)}")
    with Session(engine) as session:
        figures = compute(session=session, as_of=NATIONAL_END)
    engine.dispose()
    series = []
    for fund in figures:
        for holding in fund.holdings:
            kept = [(d, a) for d, a in holding.flows if a != 0]
            series.append(([d for d, _ in kept], [a for _, a in kept]))
    return series


def run_hubfund(series: Sequence[Series]) -> int:
    unsolved = 0
    for dates, amounts in series:
        try:
            xirr(dates, amounts)
        except IrrUndefined:
            unsolved += 1
    return unsolved


def run_pyxirr(series: Sequence[Series]) -> int:
    unsolved = 0
    for dates, amounts in series:
        try:
            rate = pyxirr.xirr(dates, amounts)
        except pyxirr.InvalidPaymentsError:
            rate = None
        if rate is None or not math.isfinite(rate):
            unsolved += 1
    return unsolved


def rows(
    n: int = 1_000_000, *, seed: int = NATIONAL_SEED, repeat: int = 3, url: str | None = None
) -> list[Row]:
    """Time both methods on the holdings' flows, interleaved, best of ``repeat``."""
    series = holding_flows(n, seed, url)
    run_hubfund(series[:50])
    run_pyxirr(series[:50])
    hub, raw = float("inf"), float("inf")
    for _ in range(repeat):
        hub = min(hub, timed(lambda: run_hubfund(series)))
        raw = min(raw, timed(lambda: run_pyxirr(series)))
    return [
        limit_row(f"raw pyxirr loop ({len(series):,} holdings)", raw),
        judged("hubfund fund.returns.xirr", hub, raw, GOAL, against="pyxirr"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; 0 when the goal holds, 1 when it does not."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="ledger entries of the store")
    parser.add_argument("--seed", type=int, default=NATIONAL_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="passes (best kept)")
    parser.add_argument("--database-url", help="measure on this store instead")
    args = parser.parse_args(argv)
    table = rows(args.rows, seed=args.seed, repeat=args.repeat, url=args.database_url)
    print(
        render(
            f"XIRR of every holding's gross flows, national demo store of {args.rows:,} "
            f"entries; best of {args.repeat}",
            table,
        )
    )
    return 0 if all_pass(table) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
