"""Every benchmark in one go (``make bench``): each prints its table; exit 1 if a goal fails.

    .venv/bin/python bench/run_all.py [--rows N] [--series N] [--postgres-url URL]
                                      [--ingest-repeat R]

``--rows`` sizes the national store for the ingest, recompute, holdings-XIRR and pages
benchmarks (default 1,000,000 ledger entries; the store is built once in the temp folder and
kept); ``--series`` sizes the XIRR benchmark of ``bench/returns.py`` (default 10,000). Postgres rows
of the ingest benchmark run when ``--postgres-url`` or BENCH_POSTGRES_URL names a database
that may be wiped.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest
import pages
import recompute
import returns
import xirr_holdings


def main(argv: Sequence[str] | None = None) -> int:
    """Run each benchmark's ``main``; 0 when every goal holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--postgres-url")
    parser.add_argument("--ingest-repeat", type=int, default=1, help="runs of each ingest method")
    args = parser.parse_args(argv)
    rows = ["--rows", str(args.rows)]
    pg = ["--postgres-url", args.postgres_url] if args.postgres_url else []
    runs = (
        ("bench/returns.py", returns.main, ["--n", str(args.series)]),
        ("bench/ingest.py", ingest.main, [*rows, *pg, "--repeat", str(args.ingest_repeat)]),
        ("bench/recompute.py", recompute.main, rows),
        ("bench/xirr_holdings.py", xirr_holdings.main, rows),
        ("bench/pages.py", pages.main, rows),
    )
    codes = []
    for name, run, options in runs:
        start = time.perf_counter()
        print(f"== {name} {' '.join(options)}", flush=True)
        codes.append(run(options))
        print(f"({time.perf_counter() - start:.0f} s)\n", flush=True)
    failed = [name for (name, _, _), code in zip(runs, codes, strict=True) if code]
    print("every goal holds" if not failed else f"goals not met in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
