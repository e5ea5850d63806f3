"""A demo fund's portfolio, planned in memory: the companies, the cheques, their fates.

``plan_portfolio`` picks a fund's companies from the hub demo rows (firms and funding rounds by
list index): companies of its hub first, a few from other hubs, the closed ones it will write
off and the acquired ones it will sell; the round it enters (the larger rounds more often),
the follow-ons it takes in later rounds, partial exits alongside a later round and dividends.

The valuation model: a round of ``amount`` sells a share ``d`` drawn for its stage, so its
post-money is ``amount / d``, and a later round is mostly an up round (at least x1.3-2.0 the
last post-money; one in ten a down round); every earlier holder is diluted by
``amount / post-money``. Nothing here touches a database or the clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from fund.demo_facts import DEMO_END, Fact

CENT = Decimal("0.01")
STEP = Decimal(10_000)
SHARE = {"angel": (0.4, 0.7), "seed": (0.3, 0.6), "A": (0.25, 0.45), "B": (0.2, 0.35),
         "C": (0.12, 0.25), "D+": (0.04, 0.08), "strategic": (0.1, 0.25)}  # fmt: skip
DILUTION = {"angel": (0.15, 0.25), "seed": (0.15, 0.25), "A": (0.2, 0.3), "B": (0.2, 0.3),
            "C": (0.2, 0.3), "D+": (0.2, 0.3), "strategic": (0.1, 0.2)}  # fmt: skip
FOLLOW_ON = {"seed": 0.8, "A": 0.8, "B": 0.6, "C": 0.4, "D+": 0.3, "strategic": 0.3}


@dataclass(frozen=True)
class FundSpec:
    """What the planner needs to know about a demo fund."""

    name: str
    hub: str
    vintage: date
    size: Decimal
    fee_rate: Decimal
    invest_end: date  # last initial investment (end of the investment period)
    follow_on_end: date  # last follow-on
    companies: int  # portfolio companies from the fund's hub
    others: int  # portfolio companies from other hubs
    other_hubs: tuple[str, ...]
    write_offs: int
    acquisitions: int  # at most this many exits to acquirers (firms the hub data has acquired)
    partial_exits: int  # secondary sales alongside a later round
    dividends: int  # holdings that pay a yearly dividend once the fund may exit
    exits_from: date  # no exit before this day
    lps: tuple[tuple[str, Decimal], ...]  # (LP name, share of the commitments)
    reversals: tuple[str, ...]  # "call_amount", "investment_currency", "call_lp"
    cap: Decimal  # most cost in one company (fund currency)
    min_round: Decimal  # the smallest round the fund enters (fund currency)
    tvpi: tuple[float, float] | None = None  # the band the marks are calibrated to at the end


@dataclass
class Round:
    index: int  # list index in the hub demo's funding rounds
    on: date
    stage: str
    amount: Decimal
    currency: str
    post: Decimal


@dataclass
class Cheque:
    round: Round
    on: date
    amount: Decimal  # in the round's currency


@dataclass
class Holding:
    firm: int  # list index in the hub demo's firms
    name: str
    sector: str
    employees: int
    rounds: list[Round]
    cheques: list[Cheque] = field(default_factory=list)
    fate: str = "hold"  # hold | exit | partial_exit | write_off
    fate_on: date | None = None
    fate_round: Round | None = None
    fraction: float = 1.0  # of the stake sold in a partial exit
    dividend: float = 0.0  # yearly dividend, as a share of the cost
    premium: float = 1.0  # acquisition price over the latest post-money
    ownership: float = 0.0
    cost: Decimal = Decimal("0.00")  # remaining cost, fund currency
    factor: float = 1.0  # comparables factor on the latest post-money
    closed: bool = False

    @property
    def entry_on(self) -> date:
        return self.cheques[0].on

    def latest_round(self, on: date) -> Round:
        return [r for r in self.rounds if r.on <= on][-1]

    def ours(self, rnd: Round) -> bool:
        return any(c.round is rnd for c in self.cheques)


Rates = dict[tuple[int, int], Decimal]


def rate(rates: Rates, currency: str, on: date) -> Decimal:
    """The fund-currency (CNY) value of 1 ``currency`` on ``on``: the month's demo rate."""
    return Decimal(1) if currency == "CNY" else rates[(on.year, on.month)]


def steps(
    value: float | Decimal, step: Decimal = STEP, rounding: str = "ROUND_HALF_EVEN"
) -> Decimal:
    units = (Decimal(str(value)) / step).quantize(Decimal(1), rounding=rounding)
    return (units * step).quantize(CENT)


# --- the portfolio --------------------------------------------------------------------------


def rounds_by_firm(rng: random.Random, rounds: list[Fact], rates: Rates) -> dict[int, list[Round]]:
    """Every firm's rounds (IPOs aside), by date, each with a post-money: the round sells a
    share drawn for its stage, and a later round is mostly an up round (x1.3-2.0 the last
    post-money, one in ten down to x0.6-0.9), whichever is higher."""
    found: dict[int, list[Round]] = {}
    for index, row in enumerate(rounds):
        if row["stage"] != "IPO":
            amount, currency = Decimal(row["amount"]), row["currency"]
            rnd = Round(index, row["announced"], row["stage"], amount, currency, Decimal(0))
            found.setdefault(row["firm"], []).append(rnd)
    for firm_rounds in found.values():
        firm_rounds.sort(key=lambda r: (r.on, r.index))
        before: Round | None = None
        for rnd in firm_rounds:
            low, high = DILUTION[rnd.stage]
            post = float(rnd.amount) / rng.uniform(low, high)
            if before is not None:
                step = rng.uniform(0.6, 0.9) if rng.random() < 0.1 else rng.uniform(1.3, 2.0)
                then = before.post * rate(rates, before.currency, rnd.on)
                post = max(
                    post, float(then / rate(rates, rnd.currency, rnd.on)) * step + float(rnd.amount)
                )
            rnd.post, before = steps(post), rnd
    return found


def _entry_rounds(spec: FundSpec, firm: Fact, rounds: list[Round], rates: Rates) -> list[Round]:
    start = spec.vintage + timedelta(days=15)
    last = spec.invest_end
    if firm.get("closed_on"):
        last = min(last, firm["closed_on"] - timedelta(days=400))
    return [
        r
        for r in rounds
        if start <= r.on <= last
        and r.stage != "D+"
        and r.amount * rate(rates, r.currency, r.on) >= spec.min_round
    ]


def _pick(
    rng: random.Random, spec: FundSpec, firms: list[Fact], by_firm: dict[int, list[Round]],
    rates: Rates,
) -> list[tuple[int, Round, str]]:  # fmt: skip
    """(firm index, entry round, fate) for each company the fund backs."""

    def candidates(hubs: tuple[str, ...], status: str) -> list[int]:
        return [
            i
            for i, f in enumerate(firms)
            if f["hub"] in hubs
            and f.get("status", "active") == status
            and _entry_rounds(spec, f, by_firm.get(i, []), rates)
            and (status == "active" or f["closed_on"] <= DEMO_END - timedelta(days=10))
        ]

    def sample(pool: list[int], k: int) -> list[int]:
        return rng.sample(pool, max(0, min(k, len(pool))))

    home = (spec.hub,)
    fates = [(i, "write_off") for i in sample(candidates(home, "closed"), spec.write_offs)]
    acquired = [i for i in candidates(home, "acquired") if firms[i]["closed_on"] >= spec.exits_from]
    fates += [(i, "exit") for i in sample(acquired, spec.acquisitions)]
    fates += [(i, "hold") for i in sample(candidates(home, "active"), spec.companies - len(fates))]
    fates += [(i, "hold") for i in sample(candidates(spec.other_hubs, "active"), spec.others)]
    picks = []
    for index, fate in sorted(fates):
        eligible = _entry_rounds(spec, firms[index], by_firm[index], rates)
        sizes = [float(r.amount * rate(rates, r.currency, r.on)) ** 0.7 for r in eligible]
        entry = rng.choices(eligible, weights=sizes)[0]  # the larger rounds, more often
        picks.append((index, entry, fate))
    return picks


def _cheque(rng: random.Random, rnd: Round, start: date, until: date) -> Cheque | None:
    on = rnd.on + timedelta(days=rng.randint(0, 20))
    if on < start or on > until:
        return None
    low, high = SHARE[rnd.stage]
    amount = max(STEP, steps(rnd.amount * Decimal(str(round(rng.uniform(low, high), 4)))))
    return Cheque(rnd, on, amount)


def _holding(
    rng: random.Random, spec: FundSpec, rates: Rates, firm_index: int, firm: Fact,
    rounds: list[Round], entry: Round, fate: str,
) -> Holding | None:  # fmt: skip
    closed_on = firm.get("closed_on")
    name = firm.get("name_en") or firm["name_zh"]
    holding = Holding(firm_index, name, firm["sector"], firm.get("employees") or 20, rounds)
    first = _cheque(rng, entry, spec.vintage + timedelta(days=15), spec.invest_end)
    if first is None:
        return None
    holding.cheques.append(first)
    if fate in ("exit", "write_off"):
        holding.fate = fate
        holding.fate_on = closed_on - timedelta(days=rng.randint(5, 40 if fate == "exit" else 90))
        holding.premium = rng.uniform(1.3, 2.2) if fate == "exit" else 1.0
    until = min(spec.follow_on_end, (holding.fate_on or DEMO_END) - timedelta(days=120))
    cost = first.amount * rate(rates, entry.currency, first.on)
    for rnd in rounds:
        if rnd.on <= first.on or rnd.stage not in FOLLOW_ON or rng.random() > FOLLOW_ON[rnd.stage]:
            continue
        cheque = _cheque(rng, rnd, first.on + timedelta(days=1), until)
        if cheque is None:
            continue
        value = cheque.amount * rate(rates, rnd.currency, cheque.on)
        if cost + value > spec.cap:
            break
        holding.cheques.append(cheque)
        cost += value
    return holding


def _partial_exits(rng: random.Random, spec: FundSpec, holdings: list[Holding]) -> None:
    """Secondary sales of part of a stake alongside another investor's later round."""
    options = []
    for holding in holdings:
        if holding.fate != "hold":
            continue
        earliest = max(spec.exits_from, holding.entry_on + timedelta(days=730))
        later = [
            r
            for r in holding.rounds
            if earliest <= r.on <= DEMO_END - timedelta(days=75)
            and not holding.ours(r)
            and r.stage in ("B", "C", "D+", "strategic")
        ]
        if later:
            options.append((holding, later[0]))  # the first good chance to sell
    for holding, rnd in rng.sample(options, min(spec.partial_exits, len(options))):
        holding.fate, holding.fate_round = "partial_exit", rnd
        holding.fate_on = rnd.on + timedelta(days=rng.randint(15, 45))
        holding.fraction = round(rng.uniform(0.3, 0.5), 2)


def _dividends(rng: random.Random, spec: FundSpec, holdings: list[Holding], rates: Rates) -> None:
    """The largest profitable holdings pay a yearly dividend (a share of the fund's cost)."""
    payers = [
        h
        for h in holdings
        if h.fate == "hold"
        and h.sector in ("lending", "supply-chain finance", "infrastructure", "payments")
        and h.entry_on <= spec.exits_from - timedelta(days=365)
    ]
    payers.sort(
        key=lambda h: -sum(c.amount * rate(rates, c.round.currency, c.on) for c in h.cheques)
    )
    for holding in payers[: spec.dividends]:
        holding.dividend = round(rng.uniform(0.05, 0.09), 3)


def plan_portfolio(
    rng: random.Random, spec: FundSpec, firms: list[Fact], by_firm: dict[int, list[Round]],
    rates: Rates,
) -> list[Holding]:  # fmt: skip
    """The fund's companies, its cheques into their rounds and what becomes of each."""
    holdings = []
    for index, entry, fate in _pick(rng, spec, firms, by_firm, rates):
        found = _holding(rng, spec, rates, index, firms[index], by_firm[index], entry, fate)
        if found is not None:
            holdings.append(found)
    _partial_exits(rng, spec, holdings)
    _dividends(rng, spec, holdings, rates)
    return holdings
