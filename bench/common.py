"""What the benchmarks share: the table they print, national stores to measure on, children.

Each benchmark compares a hubfund path with the limit measured in the same run (ratio = time /
the limit's time) and prints one table: method, measure, ratio, goal, PASS/FAIL. A benchmark's
``main`` returns 0 when every goal holds, else 1.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = Path(tempfile.gettempdir()) / "hubfund-bench"


@dataclass(frozen=True)
class Row:
    """One line of a benchmark table: ``value`` in ``unit`` ("s" or "MB"); ``ratio`` to the
    limit (None for the limit itself and for absolute goals); ``goal`` text; ``verdict``
    PASS, FAIL or "-" (no goal)."""

    method: str
    value: float
    unit: str
    ratio: float | None
    goal: str
    verdict: str


def judged(
    method: str, value: float, limit: float, goal: float, unit: str = "s", against: str = "limit"
) -> Row:
    """A row for ``value`` against ``limit`` with the goal ratio <= ``goal``."""
    ratio = value / limit if limit > 0 else float("inf")
    verdict = "PASS" if ratio <= goal else "FAIL"
    return Row(method, value, unit, ratio, f"<= {goal:g}x {against}", verdict)


def limit_row(method: str, value: float, unit: str = "s") -> Row:
    """The row of the limit itself (ratio 1.00, no goal)."""
    return Row(method, value, unit, 1.0, "-", "-")


def ceiling(method: str, value: float, most: float, unit: str) -> Row:
    """A row with an absolute goal: ``value`` <= ``most`` (``unit``)."""
    return Row(
        method, value, unit, None, f"<= {most:g} {unit}", "PASS" if value <= most else "FAIL"
    )


HEAD = ("method", "measure", "x limit", "goal", "")


def render(title: str, table: Sequence[Row]) -> str:
    """The table under its title, one row per method."""
    cells = [HEAD] + [
        (
            r.method,
            f"{r.value:.3f} s" if r.unit == "s" else f"{r.value:,.0f} {r.unit}",
            "-" if r.ratio is None else f"{r.ratio:.2f}",
            r.goal,
            r.verdict,
        )
        for r in table
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEAD))]
    lines = [title, ""]
    for k, line in enumerate(cells):
        lines.append(
            "  ".join(
                c.rjust(w) if i in (1, 2) else c.ljust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=False))
            ).rstrip()
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def all_pass(table: Sequence[Row]) -> bool:
    """Whether no row FAILed."""
    return all(r.verdict != "FAIL" for r in table)


def timed(run: Callable[[], object]) -> float:
    """Seconds ``run`` takes."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def peak_mb() -> float:
    """This process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(script: Path, args: list[str]) -> dict:
    """Run ``script`` with ``args`` in a fresh Python process; the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{script.name} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def sqlite_copy(source: Path, target: Path) -> str:
    """A copy of a SQLite store (WAL checkpointed first); its URL."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, target)
    return f"sqlite:///{target}"


def national_sqlite(rows: int, seed: int) -> Path:
    """A SQLite national store with ``rows`` ledger entries (scale rows / 1,000,000), built
    once per schema revision and kept in the temp folder for the next run."""
    from fund.demo_national import load_national
    from models import migrate
    from models.db import make_engine, session_scope

    CACHE.mkdir(exist_ok=True)
    # keyed by the schema: a store kept from another revision is never reused
    path = CACHE / f"national-{rows}-{seed}-{migrate.head_revision()}.db"
    if path.exists() and Path(f"{path}.done").exists():
        return path
    for suffix in ("", "-wal", "-shm", ".done"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with session_scope(engine, actor="admin:bench") as session:
        load_national(session=session, scale=rows / 1_000_000, seed=seed)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    Path(f"{path}.done").touch()
    return path


def postgres_url(given: str | None) -> str | None:
    """The Postgres database a benchmark may wipe: ``--postgres-url`` or BENCH_POSTGRES_URL."""
    return given or os.environ.get("BENCH_POSTGRES_URL") or None
