"""The national demo's deal pipeline: deals with their stage history, planned as columns.

Each holding of a fund may have a deal that went sourced -> screening -> due diligence ->
investment committee -> term sheet -> invested, the last move on the day of the fund's first
investment in the company (the deal names that ledger entry). The other deals were passed
at some stage with a reason, or are still open (at a stage, or on hold): at most one open
deal per company and fund, as the database requires. Moves are dated in order, never before
the deal was opened nor after ``NATIONAL_END``. Due diligence, scores and the committee's
papers are not generated at this scale (the demo's own pipeline has them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fund.national_facts import NATIONAL_END, OWNER_NAMES
from models.hub import STAGES as ROUND_STAGES
from models.pipeline import PASS_REASONS, SOURCE_CHANNELS, STAGES

END = np.datetime64(NATIONAL_END)
GAP_DAYS = (7, 60)  # between two moves


@dataclass(frozen=True)
class DealsPlan:
    """Deals (``fund``, ``firm``: list indexes; ``entry``: the ledger row position of the
    investment an invested deal names, or -1) and their moves (``deal``: a deals index)."""

    deals: pd.DataFrame
    moves: pd.DataFrame


def _path(rng: np.random.Generator, opened: np.datetime64, end_stage: int) -> list:
    """Days of the moves sourced .. STAGES[end_stage], from ``opened``, in order."""
    days, day = [opened], opened
    for _ in range(end_stage):
        day = day + np.timedelta64(int(rng.integers(*GAP_DAYS)), "D")
        days.append(min(day, END))
    return days


def plan_deals(
    rng: np.random.Generator,
    *,
    count: int,
    holdings: pd.DataFrame,
    vintages: np.ndarray,
    sectors: np.ndarray,
) -> DealsPlan:
    """``count`` deals: up to 40 % invested (from ``holdings``: fund, firm, day, entry), the
    rest passed (60 %) or open. ``vintages``: per fund; ``sectors``: per firm."""
    deals: list[dict] = []
    moves: list[tuple[int, str | None, str, np.datetime64, str | None]] = []
    invested = holdings.sample(n=min(len(holdings), count * 2 // 5), random_state=rng)
    held = set(zip(holdings["fund"], holdings["firm"], strict=True))
    taken_open: set[tuple[int, int]] = set()
    for fund, firm, day, entry in invested[["fund", "firm", "day", "entry"]].itertuples(False):
        span = (len(STAGES) - 1) * GAP_DAYS[1]
        opened = day - np.timedelta64(int(rng.integers(span, span + 120)), "D")
        days = [*_path(rng, opened, len(STAGES) - 2), day]
        days = [min(d, day) for d in days]
        deals.append(
            {
                "fund": fund,
                "firm": firm,
                "stage": "invested",
                "entry": entry,
                "opened_on": days[0],
                "pass_reason": None,
            }
        )
        stages = [None, *STAGES]
        moves += [(len(deals) - 1, stages[i], stages[i + 1], d, None) for i, d in enumerate(days)]
    funds = len(vintages)
    while len(deals) < count:
        fund = int(rng.integers(0, funds))
        firm = int(rng.integers(0, len(sectors)))
        if (fund, firm) in held:
            continue
        start = vintages[fund]
        span = int((END - start).astype(int)) - 30
        opened = start + np.timedelta64(int(rng.integers(0, max(1, span))), "D")
        reached = int(rng.integers(0, len(STAGES) - 1))
        days = _path(rng, opened, reached)
        passed = rng.random() < 0.6 or (fund, firm) in taken_open
        stages = [None, *STAGES[: reached + 1]]
        path = [(len(deals), stages[i], stages[i + 1], d, None) for i, d in enumerate(days)]
        stage, reason = STAGES[reached], None
        if passed or rng.random() < 0.25:
            stage = "passed" if passed else "on_hold"
            reason = PASS_REASONS[int(rng.integers(0, len(PASS_REASONS)))] if passed else None
            last = min(days[-1] + np.timedelta64(int(rng.integers(*GAP_DAYS)), "D"), END)
            path.append((len(deals), STAGES[reached], stage, last, reason))
        if stage != "passed":
            taken_open.add((fund, firm))
        moves += path
        deals.append(
            {
                "fund": fund,
                "firm": firm,
                "stage": stage,
                "entry": -1,
                "opened_on": days[0],
                "pass_reason": reason,
            }
        )
    frame = pd.DataFrame(deals)
    n = len(frame)
    owners = np.array(OWNER_NAMES, dtype=object)[
        (frame["fund"].to_numpy() * 3 + rng.integers(0, 3, size=n)) % len(OWNER_NAMES)
    ]
    frame["owner"] = owners
    frame["source_channel"] = np.array(SOURCE_CHANNELS, dtype=object)[
        rng.integers(0, len(SOURCE_CHANNELS), size=n)
    ]
    frame["sector"] = sectors[frame["firm"].to_numpy()]
    frame["round_sought"] = np.array(ROUND_STAGES[:5], dtype=object)[rng.integers(0, 5, size=n)]
    frame["amount_sought_minor"] = rng.integers(5, 500, size=n) * 100_000_000
    move_frame = pd.DataFrame(
        moves, columns=["deal", "from_stage", "to_stage", "moved_on", "reason"]
    )
    move_frame["moved_by"] = "fund_manager:" + owners[move_frame["deal"].to_numpy()]
    return DealsPlan(frame, move_frame)
