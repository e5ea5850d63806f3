"""A demo fund's history, planned in memory: its ledger operations and valuation marks.

``run_history`` walks a planned portfolio (``fund.demo_fund_portfolio``) through its events in
date order: quarterly capital calls pro rata to commitments (investments, management fee,
fund expenses), fee and expense payments, cheques into rounds, other investors' rounds that
dilute the stake, exits, partial exits, dividends and write-offs, distributions of what came
back (return of capital up to the cost released, the rest as gain; dividends as income), and
half-yearly marks (``fund.demo_fund_marks``). Calls cover the quarter's cheques beyond the
cash the fund holds for itself, so cash never goes below zero, and proceeds are distributed
in full (to CNY 10,000) three to six weeks after they come in. The result is the list of
ledger operations in date order, plus the marks.
"""

from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, ClassVar

from fund.demo_facts import DEMO_END, Fact
from fund.demo_fund_marks import half_year_ends, mark_value, stake_value
from fund.demo_fund_portfolio import (
    CENT,
    STEP,
    Cheque,
    FundSpec,
    Holding,
    Rates,
    Round,
    rate,
    steps,
)


@dataclass
class LedgerOp:
    """One ledger write: ``kind`` names the ``fund.ledger`` function, ``fields`` its input
    (``lp`` an LP name, ``firm`` and ``round`` hub demo list indexes, not ids yet)."""

    kind: str  # call | distribution | payment | investment | proceeds | write_off | reversal
    entry_date: date
    fields: dict[str, Any]
    key: str | None = None  # how a reversal names the entry it reverses
    reverses: str | None = None


@dataclass
class History:
    """A planned fund history: ledger operations in the order they are keyed in, marks."""

    holdings: list[Holding]
    ops: list[LedgerOp]
    marks: list[Fact]


def _quarter_label(on: date) -> str:
    return f"Q{(on.month - 1) // 3 + 1} {on.year}"


def _pro_rata(total: Decimal, lps: tuple[tuple[str, Decimal], ...]) -> list[tuple[str, Decimal]]:
    """``total`` split by commitment share, to the cent; the last LP takes the remainder."""
    parts = [(name, (total * share).quantize(CENT, rounding=ROUND_FLOOR)) for name, share in lps]
    rest = total - sum(amount for _, amount in parts)
    parts[-1] = (parts[-1][0], parts[-1][1] + rest)
    return [(name, amount) for name, amount in parts if amount > 0]


# --- the calendar ---------------------------------------------------------------------------


def quarter_starts(vintage: date) -> list[date]:
    first = date(vintage.year, 3 * ((vintage.month - 1) // 3) + 1, 1)
    if first <= vintage:
        first = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    found = []
    while first <= DEMO_END:
        found.append(first)
        first = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return found


class _Planner:
    """Walks a fund's events in date order, keeping its cash, costs and stakes."""

    ORDER: ClassVar[dict[str, int]] = {
        "quarter": 0, "payment": 1, "round": 2, "invest": 2, "proceeds": 3, "dividend": 3,
        "write_off": 3, "distribute": 4, "mark": 5,
    }  # fmt: skip

    def __init__(
        self, rng: random.Random, spec: FundSpec, holdings: list[Holding], rates: Rates,
        drift: float,
    ) -> None:  # fmt: skip
        self.rng, self.spec, self.holdings, self.rates = rng, spec, holdings, rates
        self.drift = drift
        self.cash = Decimal("0.00")
        self.pending = Decimal("0.00")  # proceeds received, not yet distributed
        self.ops: list[LedgerOp] = []
        self.marks: list[Fact] = []
        self.events: list[tuple[date, int, int, str, Any]] = []
        self.seq = itertools.count()

    def push(self, on: date, kind: str, payload: Any = None) -> None:
        heapq.heappush(self.events, (on, self.ORDER[kind], next(self.seq), kind, payload))

    def emit(self, kind: str, on: date, memo: str, **fields: Any) -> None:
        """Add a ledger operation (amounts in CNY unless ``currency`` says otherwise)."""
        if "amount" in fields:
            fields.setdefault("currency", "CNY")
        self.ops.append(LedgerOp(kind, on, fields | {"memo": memo}))

    def fund_value(self, cheque: Cheque) -> Decimal:
        return (cheque.amount * rate(self.rates, cheque.round.currency, cheque.on)).quantize(CENT)

    def run(self) -> History:
        for start in quarter_starts(self.spec.vintage):
            self.push(start, "quarter")
        for holding in self.holdings:
            for cheque in holding.cheques:
                self.push(cheque.on, "invest", (holding, cheque))
            for rnd in holding.rounds:
                if rnd.on > holding.entry_on and not holding.ours(rnd):
                    self.push(rnd.on, "round", (holding, rnd))
            if holding.fate in ("exit", "partial_exit"):
                self.push(holding.fate_on, "proceeds", holding)
            elif holding.fate == "write_off":
                self.push(holding.fate_on, "write_off", holding)
            for year in range(self.spec.exits_from.year, DEMO_END.year + 1):
                if holding.dividend and date(year, 6, 15) >= holding.entry_on.replace(
                    year=holding.entry_on.year + 2
                ):
                    self.push(date(year, 6, 15), "dividend", holding)
        for end in half_year_ends(self.spec.vintage):
            self.push(end, "mark", end)
        while self.events:
            on, _, _, kind, payload = heapq.heappop(self.events)
            getattr(self, f"_{kind}")(on, payload)
        return History(self.holdings, self.ops, self.marks)

    # each event ----------------------------------------------------------------------------

    def _quarter(self, start: date, _: Any) -> None:
        end = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        due = sum(
            (self.fund_value(c) for h in self.holdings for c in h.cheques if start <= c.on < end),
            Decimal(0),
        )
        if start <= self.spec.invest_end:
            fee = self.spec.size * self.spec.fee_rate / 4
        else:
            held = sum((h.cost for h in self.holdings if not h.closed), Decimal(0))
            fee = steps(held * self.spec.fee_rate / 4, Decimal(1000))
        expense = Decimal(self.rng.randint(30, 90) * 10_000) if start.month in (1, 7) else 0
        free = self.cash - self.pending
        invest = max(Decimal(0), steps(due - free, Decimal(100_000), ROUND_CEILING))
        label = _quarter_label(start)
        for category, total in (("investment", invest), ("management_fee", fee),
                                ("fund_expense", expense)):  # fmt: skip
            if total <= 0:
                continue
            for lp, amount in _pro_rata(Decimal(total).quantize(CENT), self.spec.lps):
                memo = f"demo: {label} capital call ({category.replace('_', ' ')})"
                self.emit("call", start, memo, lp=lp, amount=amount, category=category)
            self.cash += Decimal(total)
        if fee > 0:
            self.push(start + timedelta(days=9), "payment", ("management_fee", fee, label))
        if expense:
            self.push(start + timedelta(days=20), "payment", ("fund_expense", expense, label))

    def _payment(self, on: date, payload: tuple[str, Decimal, str]) -> None:
        category, amount, label = payload
        what = "management fee" if category == "management_fee" else "fund expenses"
        memo = f"demo: {what}, {label}"
        self.emit("payment", on, memo, amount=Decimal(amount).quantize(CENT), category=category)
        self.cash -= Decimal(amount)

    def _round(self, on: date, payload: tuple[Holding, Round]) -> None:
        holding, rnd = payload
        if not holding.closed:
            holding.ownership *= 1 - float(rnd.amount / rnd.post)

    def _invest(self, on: date, payload: tuple[Holding, Cheque]) -> None:
        holding, cheque = payload
        rnd = cheque.round
        holding.ownership = holding.ownership * (1 - float(rnd.amount / rnd.post)) + float(
            cheque.amount / rnd.post
        )
        value = self.fund_value(cheque)
        holding.cost += value
        self.cash -= value
        if self.cash < 0:
            raise AssertionError(f"demo plan: {self.spec.name} short of cash on {on}")
        self.emit(
            "investment", on, f"demo: {rnd.stage} round of {holding.name}", firm=holding.firm,
            round=rnd.index, round_stage=rnd.stage, amount=cheque.amount, currency=rnd.currency,
            instrument="equity", pre_money=rnd.post - rnd.amount, post_money=rnd.post,
        )  # fmt: skip

    def _proceeds(self, on: date, holding: Holding) -> None:
        if holding.fate == "exit":
            amount = steps(stake_value(holding, on, self.rates) * Decimal(str(holding.premium)))
            released, memo = holding.cost, "demo: trade sale, the company was acquired"
            category, cost_released = "exit", None
        else:
            rnd = holding.fate_round
            assert rnd is not None
            discount = Decimal(str(round(self.rng.uniform(0.0, 0.15), 3)))
            amount = steps(
                stake_value(holding, on, self.rates)
                * Decimal(str(holding.fraction))
                * (1 - discount)
            )
            released = (holding.cost * Decimal(str(holding.fraction))).quantize(CENT)
            category, cost_released = "partial_exit", released
            memo = (
                f"demo: sold {holding.fraction:.0%} of the stake alongside the {rnd.stage} "
                f"round, {discount:.1%} below its price"
            )
            holding.ownership *= 1 - holding.fraction
        self.emit(
            "proceeds", on, memo, firm=holding.firm, amount=amount, category=category,
            cost_released=cost_released,
        )  # fmt: skip
        holding.cost -= released
        holding.closed = holding.cost <= 0
        self._received(on, holding, amount, released)

    def _dividend(self, on: date, holding: Holding) -> None:
        amount = steps(holding.cost * Decimal(str(holding.dividend)))
        memo = f"demo: {on.year} dividend"
        self.emit("proceeds", on, memo, firm=holding.firm, amount=amount, category="dividend")
        self._received(on, holding, amount, None)

    def _received(
        self, on: date, holding: Holding, amount: Decimal, released: Decimal | None
    ) -> None:
        self.cash += amount
        self.pending += amount
        paid_on = min(DEMO_END, on + timedelta(days=self.rng.randint(21, 45)))
        self.push(paid_on, "distribute", (holding, amount, released))

    def _distribute(self, on: date, payload: tuple[Holding, Decimal, Decimal | None]) -> None:
        """Proceeds to the LPs: the cost they release as return of capital, the rest as gain
        (a dividend: all income)."""
        holding, proceeds, released = payload
        total = steps(proceeds, STEP, ROUND_FLOOR)
        returned = min(total, steps(released, STEP, ROUND_FLOOR)) if released else Decimal(0)
        parts = [("return_of_capital", returned), ("gain", total - returned)]
        if released is None:
            parts = [("income", total)]
        for category, part in parts:
            if part <= 0:
                continue
            for lp, amount in _pro_rata(part, self.spec.lps):
                memo = f"demo: {category.replace('_', ' ')} from {holding.name}"
                self.emit("distribution", on, memo, lp=lp, amount=amount, category=category)
        self.cash -= total
        self.pending -= proceeds

    def _write_off(self, on: date, holding: Holding) -> None:
        memo = "demo: the company is closing; its cost is written off"
        self.emit("write_off", on, memo, firm=holding.firm)
        self._mark(on, None, only=holding, value=Decimal("0.00"), method="write-off")
        holding.cost, holding.closed = Decimal("0.00"), True

    def _mark(self, on: date, _: Any, *, only: Holding | None = None,
              value: Decimal | None = None, method: str = "") -> None:  # fmt: skip
        for holding in [only] if only else self.holdings:
            if holding.closed or holding.entry_on > on:
                continue
            if value is None:
                found, how, note = mark_value(holding, on, self.rates, self.rng, self.drift)
            else:
                found, how, note = value, method, "demo: written off"
            self.marks.append({
                "fund": self.spec.name, "firm": holding.firm, "valued_on": on,
                "fair_value": found.quantize(CENT), "currency": "CNY", "method": how,
                "note": note, "is_demo": True,
            })  # fmt: skip


def run_history(
    rng: random.Random, spec: FundSpec, holdings: list[Holding], rates: Rates, drift: float
) -> History:
    """The ledger operations and marks of ``holdings`` (comparables drift ``drift``)."""
    return _Planner(rng, spec, holdings, rates, drift).run()
