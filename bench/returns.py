"""XIRR engines side by side on deterministic fund-like series (not part of the test run).

    .venv/bin/python bench/returns.py [--n N] [--seed S] [--repeat R]

Series: N seeded random LP cash-flow series, 5-40 flows over 2-12 years: a first capital call,
calls mostly early and distributions mostly late (they interleave), a final NAV, amounts in
Decimal yuan (cents) from commitments of 10 million to 2 billion, fund multiples around 1.35x
(about a quarter lose money). Methods, timed in this one run (best of R passes each):

- hubfund xirr: ``fund.returns.xirr`` (a certified, unique root or IrrUndefined)
- raw pyxirr: ``pyxirr.xirr`` per series, the same inputs (dates, Decimal amounts)
- numpy-financial irr: flows summed into monthly buckets, ``npf.irr``, annualised

The goal is hubfund xirr within 1.25x of raw pyxirr's total time.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy_financial as npf
import pyxirr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fund.returns import IrrUndefined, xirr

GOAL = 1.25
CENT = Decimal("0.01")
Series = tuple[list[date], list[Decimal]]


@dataclass(frozen=True)
class Row:
    """One method's line of the table."""

    method: str
    total_s: float
    per_series_us: float
    ratio: float  # total time / raw pyxirr's
    goal: str
    verdict: str
    unsolved: int


def fund_series(rng: random.Random) -> Series:
    """One LP's flows: calls negative, distributions and the final NAV positive."""
    n = rng.randint(5, 40)
    span = int(rng.uniform(2.0, 12.0) * 365)
    start = date(2005, 1, 1) + timedelta(days=rng.randint(0, 6000))
    commitment = 10 ** rng.uniform(7.0, 9.3)
    multiple = math.exp(rng.gauss(math.log(1.35), 0.45))
    days = sorted(rng.sample(range(1, span), n - 2))
    is_call = [rng.random() < max(0.05, 1.0 - d / (0.55 * span)) for d in days]
    calls = [commitment * rng.uniform(0.02, 0.2) for _ in range(n - 1)]
    weights = [rng.uniform(0.2, 1.0) * d / span for d in days]
    paid_weight = sum(w for w, c in zip(weights, is_call, strict=True) if not c) or 1.0
    called = calls[0] + sum(c for c, k in zip(calls[1:], is_call, strict=False) if k)
    value = called * multiple
    nav_share = rng.uniform(0.05, 0.7) if not all(is_call) else 1.0
    dates, amounts = [start], [-calls[0]]
    for i, (d, k) in enumerate(zip(days, is_call, strict=True)):
        dates.append(start + timedelta(days=d))
        share = weights[i] / paid_weight
        amounts.append(-calls[i + 1] if k else value * (1.0 - nav_share) * share)
    dates.append(start + timedelta(days=span))
    amounts.append(value * nav_share)
    return dates, [Decimal(repr(a)).quantize(CENT) for a in amounts]


def make_series(n: int, seed: int = 20261122) -> list[Series]:
    rng = random.Random(seed)
    return [fund_series(rng) for _ in range(n)]


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


def run_npf_monthly(series: Sequence[Series]) -> int:
    unsolved = 0
    for dates, amounts in series:
        y0, m0 = dates[0].year, dates[0].month
        buckets = [0.0] * ((dates[-1].year - y0) * 12 + dates[-1].month - m0 + 1)
        for d, a in zip(dates, amounts, strict=True):
            buckets[(d.year - y0) * 12 + d.month - m0] += float(a)
        monthly = float(npf.irr(buckets))
        annual = (1.0 + monthly) ** 12 - 1.0 if monthly > -1.0 else math.nan
        if not math.isfinite(annual):
            unsolved += 1
    return unsolved


def _best(
    run: Callable[[Sequence[Series]], int], series: Sequence[Series], repeat: int
) -> tuple[float, int]:
    best, unsolved = math.inf, 0
    for _ in range(repeat):
        start = time.perf_counter()
        unsolved = run(series)
        best = min(best, time.perf_counter() - start)
    return best, unsolved


def rows(n: int = 10_000, *, seed: int = 20261122, repeat: int = 3) -> list[Row]:
    """Time the three methods on ``n`` series; raw pyxirr and hubfund interleaved, best of R."""
    series = make_series(n, seed)
    run_hubfund(series[:50])  # warm imports and caches
    run_pyxirr(series[:50])
    raw, hub = (math.inf, 0), (math.inf, 0)
    for _ in range(repeat):
        hub = min(hub, _best(run_hubfund, series, 1), key=lambda r: r[0])
        raw = min(raw, _best(run_pyxirr, series, 1), key=lambda r: r[0])
    monthly = _best(run_npf_monthly, series, 1)
    out = []
    for method, (total, unsolved) in (
        ("hubfund xirr", hub),
        ("raw pyxirr", raw),
        ("numpy-financial irr (monthly)", monthly),
    ):
        ratio = total / raw[0]
        goal = f"<= {GOAL:g}x raw pyxirr" if method == "hubfund xirr" else "-"
        verdict = ("PASS" if ratio <= GOAL else "FAIL") if goal != "-" else "-"
        out.append(Row(method, total, total / n * 1e6, ratio, goal, verdict, unsolved))
    return out


def details(series: Sequence[Series]) -> list[str]:
    """Why series are unsolved, and how far the two XIRRs are apart where both give a rate."""
    reasons: dict[str, int] = {}
    gap, both = 0.0, 0
    for dates, amounts in series:
        try:
            mine: float | None = xirr(dates, amounts)
        except IrrUndefined as exc:
            mine = None
            key = exc.reason.split(" (")[0].split(":")[0]
            reasons[key] = reasons.get(key, 0) + 1
        try:
            raw = pyxirr.xirr(dates, amounts)
        except pyxirr.InvalidPaymentsError:
            raw = None
        if mine is not None and raw is not None and math.isfinite(raw):
            both += 1
            gap = max(gap, abs(mine - raw) / max(1.0, abs(raw)))
    why = ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())) or "none"
    return [
        f"hubfund xirr, unsolved: {why}",
        f"both give a rate on {both} series; largest difference {gap:.1e} (relative)",
    ]


def render(table: Sequence[Row], n: int) -> str:
    head = ("method", "total s", "per series us", "x raw pyxirr", "goal", "", "unsolved")
    lines = [f"{n} series, 5-40 flows over 2-12 years, Decimal amounts; best of the passes", ""]
    fmt = "{:<30} {:>9} {:>14} {:>13}  {:<21} {:<4} {:>8}"
    lines.append(fmt.format(*head))
    for r in table:
        lines.append(
            fmt.format(
                r.method,
                f"{r.total_s:.3f}",
                f"{r.per_series_us:.1f}",
                f"{r.ratio:.2f}",
                r.goal,
                r.verdict,
                r.unsolved,
            )
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; 0 when the goal holds, 1 when it does not."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of series")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--repeat", type=int, default=3, help="passes per method (best kept)")
    args = parser.parse_args(argv)
    table = rows(args.n, seed=args.seed, repeat=args.repeat)
    print(render(table, args.n))
    print()
    print("\n".join(details(make_series(args.n, args.seed))))
    return 0 if all(r.verdict != "FAIL" for r in table) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
