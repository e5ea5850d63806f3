"""Demo valuation marks: what a fund's stake in a company is worth on a half-year end.

A stake is worth ``ownership x the latest post-money`` (in the fund's currency at the month's
rate): at the round's price for a year ("cost" while only the fund's own round has priced it,
else "last round"), then moved by a random walk on listed peers ("comparables") with a
half-yearly ``drift``; a company heading for closure is written down, then off; a company
being acquired is marked at the offer, less 10% for completion risk.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from fund.demo_facts import DEMO_END
from fund.demo_fund_portfolio import Holding, Rates, rate

LAST_ROUND_FOR = timedelta(days=365)  # a round sets the price for a year, then comparables
WRITE_DOWN_FOR = timedelta(days=540)  # before a write-off, marks fall
OFFER_FOR = timedelta(days=183)  # before an acquisition, the offer sets the mark
HALF_YEARS = ((6, 30), (12, 31))


def half_year_ends(start: date) -> list[date]:
    """June and December ends from ``start`` to the demo's end."""
    return [
        date(y, m, d)
        for y in range(start.year, DEMO_END.year + 1)
        for m, d in HALF_YEARS
        if start <= date(y, m, d) <= DEMO_END
    ]


def stake_value(holding: Holding, on: date, rates: Rates) -> Decimal:
    """The stake at the latest round's price, in the fund's currency."""
    latest = holding.latest_round(on)
    return Decimal(str(holding.ownership)) * latest.post * rate(rates, latest.currency, on)


def mark_value(
    holding: Holding, on: date, rates: Rates, rng: random.Random, drift: float
) -> tuple[Decimal, str, str]:
    """(fair value, method, note) of the stake on ``on``; moves the holding's comparables
    factor (one draw per comparables mark, whatever ``drift``)."""
    latest = holding.latest_round(on)
    stake = stake_value(holding, on, rates)
    if holding.fate == "write_off" and holding.fate_on and on >= holding.fate_on - WRITE_DOWN_FOR:
        holding.factor *= 0.45
        value = stake * Decimal(str(round(holding.factor, 4)))
        return value, "write-down", "demo: revenue falling and cash running out"
    if holding.fate == "exit" and holding.fate_on and on >= holding.fate_on - OFFER_FOR:
        offered = stake * Decimal(str(round(holding.premium * 0.9, 4)))
        return offered, "offer", "demo: an acquirer's offer, less 10% for completion risk"
    if on - latest.on <= LAST_ROUND_FOR:
        holding.factor = 1.0
        if latest is holding.cheques[0].round and len(holding.cheques) == 1:
            return holding.cost, "cost", "demo: held at cost until a new round"
        return stake, "last round", f"demo: {latest.stage} round of {latest.on.isoformat()}"
    holding.factor = min(1.8, max(0.35, holding.factor * math.exp(rng.gauss(drift, 0.14))))
    value = stake * Decimal(str(round(holding.factor, 4)))
    note = f"demo: listed fintech peers, x{holding.factor:.2f} the last round's price"
    return value, "comparables", note
