"""``hubfund demo --scale national`` and ``hubfund recompute``: the store at national scale.

``demo --scale national`` loads the national-scale demo (``fund.demo_national``: 10 hubs, 100
funds, 50,000 firms, 1,000,000 ledger entries, 20,000 marks, 5,000 deals) into an empty store
through the bulk paths, printing a progress line. ``recompute`` fills ``performance_snapshot``
with every fund's and holding's figures as of a date (``fund.recompute``)::

    hubfund demo --scale national [--seed N] [--if-empty]
    hubfund recompute [--as-of YYYY-MM-DD] [--currency CNY] [--fund ID ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, MutableMapping
from datetime import date

from sqlalchemy import Engine

from fund.demo import has_hub_data
from fund.demo_national import load_national
from fund.recompute import recompute
from models.db import session_scope
from models.money import validate_currency
from models.validation import InputError

Handler = Callable[[argparse.Namespace], int]


class ProgressLine:
    """A progress callback that rewrites one line on stderr: step, rows done, elapsed time."""

    def __init__(self, stream: object = None) -> None:
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()

    def __call__(self, what: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.start
        end = "\n" if done >= total else ""
        print(
            f"\r{elapsed:7.1f}s  {what}: {done:,}/{total:,}".ljust(60),
            end=end,
            file=self.stream,
            flush=True,
        )


def national_demo(args: argparse.Namespace, engine: Engine, audit_name: str) -> int:
    """Load the national-scale demo (``--if-empty``: not when the store holds data)."""
    started = time.perf_counter()
    with session_scope(engine, actor=audit_name) as session:
        if args.if_empty and has_hub_data(session=session):
            print("hub data already present: national demo not loaded (--if-empty)")
            return 0
        summary = load_national(session=session, seed=args.seed, progress=ProgressLine())
    seconds = time.perf_counter() - started
    print(f"national demo loaded (seed {args.seed}) in {seconds:.0f} s: {summary}")
    return 0


def register(
    sub: argparse._SubParsersAction,
    commands: MutableMapping[str, Handler],
    engine: Callable[[], Engine],
    audit_name: Callable[[argparse.Namespace], str],
) -> None:
    """Add ``recompute`` to the ``hubfund`` parser and command table."""
    parser = sub.add_parser("recompute", help="recompute the performance snapshots as of a date")
    parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    parser.add_argument("--currency", help="reporting currency (default: each fund's own)")
    parser.add_argument(
        "--fund",
        type=int,
        action="append",
        metavar="ID",
        help="only this fund (repeatable; default: every fund)",
    )

    def run(args: argparse.Namespace) -> int:
        try:
            as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
        except ValueError:
            raise InputError(f"--as-of: {args.as_of!r} is not a date (YYYY-MM-DD)") from None
        currency = validate_currency(args.currency, field="--currency") if args.currency else None
        started = time.perf_counter()
        with session_scope(engine(), actor=audit_name(args)) as session:
            done = recompute(
                session=session,
                as_of=as_of,
                currency=currency,
                fund_ids=args.fund,
                progress=ProgressLine(),
            )
        print(
            f"recomputed {done.funds} funds and {done.holdings} holdings as of "
            f"{as_of.isoformat()} in {done.currency or 'each fund currency'}: "
            f"{done.rows_written} snapshot rows written, {done.rows_replaced} replaced "
            f"({time.perf_counter() - started:.1f} s)"
        )
        return 0

    commands["recompute"] = run
