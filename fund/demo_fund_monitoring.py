"""Demo portfolio monitoring and benchmark rows: company reports and a synthetic index.

Reports are quarterly, from the first quarter end after the fund's first cheque until the
company leaves the portfolio (or the demo ends), with revenue, monthly burn, cash, headcount
and the fund's custom metrics (decimal text). A few holdings stop reporting a year before the
demo ends, so the overdue list has something to show. The benchmark is a seeded random walk,
named and sourced as synthetic: it is not a real index.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from fund.demo_facts import DEMO_END, Fact
from fund.demo_fund_history import Holding

CENT = Decimal("0.01")
LAGGING_SINCE = date(2025, 6, 30)  # the laggards' last report (a year before the demo ends)
LENDERS = ("lending", "supply-chain finance", "digital banking")
PAYMENTS = ("payments", "digital banking", "blockchain", "wealthtech")

BENCHMARK: Fact = {
    "code": "DEMO-CN-TR",
    "name": "Synthetic China equity total-return index (demo, not real data)",
    "currency": "CNY",
    "source": "demo: generated, not a real index",
    "is_demo": True,
}
INDEX_FROM = date(2018, 1, 31)


def _money(value: float, step: int = 1000) -> Decimal:
    return (Decimal(round(value / step)) * step).quantize(CENT)


def quarter_ends(start: date, end: date) -> list[date]:
    """The calendar quarter ends in (start, end]."""
    found = []
    for year in range(start.year, end.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            if start < date(year, month, day) <= end:
                found.append(date(year, month, day))
    return found


def _last_period(holding: Holding, lagging: bool) -> date:
    end = DEMO_END
    if holding.fate in ("exit", "write_off") and holding.fate_on is not None:
        end = holding.fate_on - timedelta(days=1)
    return min(end, LAGGING_SINCE) if lagging else end


def _metrics(
    rng: random.Random,
    codes: tuple[str, ...],
    holding: Holding,
    revenue: Decimal,
    users: int,
) -> dict[str, str]:
    found = {"active_users": str(users)} if "active_users" in codes else {}
    if "loan_book" in codes and holding.sector in LENDERS:
        found["loan_book"] = str(_money(float(revenue) * rng.uniform(12, 30), 10_000))
        found["npl_ratio"] = f"{rng.uniform(0.9, 4.5):.2f}"
    if "transaction_volume" in codes and holding.sector in PAYMENTS:
        found["transaction_volume"] = str(_money(float(revenue) * rng.uniform(60, 250), 10_000))
    return {code: value for code, value in found.items() if code in codes}


def company_reports(
    rng: random.Random, fund: str, holdings: list[Holding], laggards: int, codes: tuple[str, ...]
) -> list[Fact]:
    """Quarterly reports of the fund's holdings; ``laggards`` of them stop in mid-2025."""
    held = [
        h
        for h in holdings
        if h.fate in ("hold", "partial_exit") and h.entry_on <= LAGGING_SINCE - timedelta(days=365)
    ]
    behind = {h.firm for h in rng.sample(held, min(laggards, len(held)))}
    rows = []
    for holding in holdings:
        periods = quarter_ends(holding.entry_on, _last_period(holding, holding.firm in behind))
        size, per_head = max(5, holding.employees), rng.uniform(25_000, 90_000)
        growth, cost = rng.uniform(0.01, 0.05), rng.uniform(22_000, 35_000)
        runway, reach = rng.uniform(9, 30), rng.uniform(200, 2000)
        for i, period in enumerate(periods):
            progress = i / max(1, len(periods) - 1)
            fading = 1.0
            if holding.fate == "write_off":
                fading = 0.7 ** max(0, i - (len(periods) - 5))
            headcount = max(3, round(size * (0.45 + 0.55 * progress) * rng.uniform(0.95, 1.05)))
            revenue = headcount * per_head * (1 + growth) ** i * fading
            burn = max(0.0, headcount * cost - revenue / 3)
            cash = burn * runway * fading if burn else revenue * rng.uniform(0.5, 2)
            users = round(headcount * reach * math.sqrt(1 + i) * fading)
            rows.append(
                {
                    "fund": fund,
                    "firm": holding.firm,
                    "period_end": period,
                    "currency": "CNY",
                    "revenue": _money(revenue),
                    "burn": _money(burn),
                    "cash": _money(cash, 10_000),
                    "headcount": headcount,
                    "metrics": _metrics(rng, codes, holding, _money(revenue), users),
                    "is_demo": True,
                }
            )
    return rows


def index_levels(rng: random.Random) -> list[Fact]:
    """Month-end levels of the synthetic index, 2018-01 to the demo's last month (base 1000)."""
    rows, level, year, month = [], 1000.0, INDEX_FROM.year, INDEX_FROM.month
    while (on := date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)) <= DEMO_END:
        if rows:
            level *= math.exp(rng.gauss(0.006, 0.055))
        rows.append({"index_code": BENCHMARK["code"], "on": on, "level": Decimal(f"{level:.4f}")})
        year, month = year + month // 12, month % 12 + 1
    return rows
