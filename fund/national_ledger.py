"""One national demo fund's books: LPs' commitments, quarterly calls and fees, holdings with
follow-ons, exits, partial exits, write-offs and dividends, distributions, and marks.

The books hold together the way ``fund.ledger`` demands: each quarter's capital call (at the
quarter's start, itemized by investment, management fee and fund expense, split over the LPs
by commitment and rounded up) covers every payment of that quarter, so cash never goes
negative; proceeds come after the investments they return and release the cost still held;
distributions pay 90 % of a quarter's proceeds on the quarter's last day. ``plan_fund`` makes
exactly ``budget`` ledger rows: the number of LPs is chosen for it, and the rows left over
are small fund expenses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from fund.national_facts import MARK_METHODS, NATIONAL_END
from models.hub import STAGES

END = np.datetime64(NATIONAL_END)
LIFE_QUARTERS = 48
INVESTING_QUARTERS = 20
MIN_BUDGET = 500  # ledger rows per fund that always fit
YUAN_10K = 1_000_000  # 10,000 yuan in minor units
RANK = {
    "capital_call": 0,
    "fund_payment": 1,
    "investment": 2,
    "proceeds": 3,
    "write_off": 4,
    "distribution": 5,
}


@dataclass
class FundLedger:
    """A fund's planned rows: ledger columns (lists), commitments, holdings and marks."""

    rows: dict[str, list] = field(default_factory=lambda: {k: [] for k in COLUMNS})
    commitments: list[tuple[int, int]] = field(default_factory=list)  # (lp index, minor)
    holdings: list[tuple[int, np.datetime64, int]] = field(default_factory=list)
    marks: list[tuple[int, np.datetime64, int, str]] = field(default_factory=list)

    def add(
        self,
        kind: str,
        category: str,
        day: np.datetime64,
        amount: int,
        *,
        currency: str = "CNY",
        lp: int = -1,
        firm: int = -1,
        released: int = 0,
        stage: str | None = None,
        post: int = 0,
        initial: int = -1,
    ) -> None:
        for name, value in zip(
            COLUMNS,
            (kind, category, day, amount, currency, lp, firm, released, stage, post, initial),
            strict=True,
        ):
            self.rows[name].append(value)


COLUMNS = (
    "entry_type",
    "category",
    "entry_date",
    "amount_minor",
    "currency",
    "lp",
    "firm",
    "cost_released_minor",
    "round_stage",
    "post_money_minor",
    "initial",
)


def quarters(vintage: date) -> tuple[np.ndarray, np.ndarray]:
    """The fund's quarters: (starts, ends); the first starts on the vintage."""
    starts = [np.datetime64(vintage)]
    month = (vintage.month - 1) // 3 * 3 + 4
    year = vintage.year + (month > 12)
    month = month - 12 if month > 12 else month
    while len(starts) < LIFE_QUARTERS and np.datetime64(date(year, month, 1)) <= END:
        starts.append(np.datetime64(date(year, month, 1)))
        year, month = (year + 1, 1) if month == 10 else (year, month + 3)
    begins = np.array(starts, dtype="M8[D]")
    nexts = np.append(begins[1:], np.datetime64(date(year, month, 1)))
    return begins, np.minimum(nexts - np.timedelta64(1, "D"), END)


def _day(rng: np.random.Generator, start: np.datetime64, end: np.datetime64) -> np.datetime64:
    """A day after ``start`` and on or before ``end`` (``end`` when the quarter is one day)."""
    span = int((end - start).astype(int))
    return start + np.timedelta64(int(rng.integers(1, span + 1)) if span >= 1 else 0, "D")


def _fund_rate(usd: Decimal, amount: int) -> int:
    """A USD amount (minor) in CNY minor units at ``usd``, rounded half-even to the fen."""
    return int((Decimal(amount) * usd).to_integral_value())


def _holding(
    rng: np.random.Generator,
    book: FundLedger,
    q: tuple[np.ndarray, np.ndarray],
    firm: int,
    size: int,
    count: int,
    rate_of: Callable[[object], Decimal],
) -> None:
    """One company: initial cheque, follow-ons, then an exit, partial exit, write-off,
    dividends or nothing (events that would fall after the last quarter are left out)."""
    starts, ends = q
    n = len(starts)
    k = int(rng.integers(0, min(INVESTING_QUARTERS, n)))
    cheque = max(10, int(size * 0.6 / count * rng.lognormal(0, 0.5) / YUAN_10K)) * YUAN_10K
    usd = rng.random() < 0.05
    stage = STAGES[int(rng.integers(0, 5))]
    invested, last = 0, k
    plan = [(k, cheque)] + [
        (k + int(rng.integers(2, 9)), int(cheque * rng.uniform(0.3, 1.0)) // YUAN_10K * YUAN_10K)
        for _ in range(int(rng.choice(3, p=[0.5, 0.35, 0.15])))
    ]
    for index, (quarter, amount) in enumerate(sorted(plan)):
        if quarter >= n or amount <= 0:
            continue
        day = _day(rng, starts[quarter], ends[quarter])
        currency, fund_amount = "CNY", amount
        if usd:
            rate = rate_of(day)
            amount = max(YUAN_10K, int(Decimal(amount) / rate) // YUAN_10K * YUAN_10K)
            currency, fund_amount = "USD", _fund_rate(rate, amount)
        ownership = rng.uniform(0.05, 0.25)
        book.add(
            "investment",
            "initial" if index == 0 else "follow_on",
            day,
            amount,
            currency=currency,
            firm=firm,
            stage=stage,
            post=int(amount / ownership),
            initial=firm if index == 0 else -1,
        )
        if index == 0:
            book.holdings.append((firm, day, fund_amount))
        invested, last = invested + fund_amount, quarter
    fate = rng.random()
    at = last + int(rng.integers(4, 25))
    if at >= n or fate >= 0.55:
        return
    day = _day(rng, starts[at], ends[at])
    multiple = rng.lognormal(np.log(2.0), 0.7)
    if fate < 0.22:
        book.add(
            "proceeds", "exit", day, int(invested * multiple) + 1, firm=firm, released=invested
        )
    elif fate < 0.32:
        part = invested * 2 // 5
        book.add(
            "proceeds", "partial_exit", day, int(part * multiple) + 1, firm=firm, released=part
        )
        later = at + int(rng.integers(2, 13))
        if later < n:
            book.add(
                "proceeds",
                "exit",
                _day(rng, starts[later], ends[later]),
                int((invested - part) * multiple) + 1,
                firm=firm,
                released=invested - part,
            )
    elif fate < 0.45:
        book.add("write_off", "write_off", day, 0, firm=firm, released=invested)
    else:
        for quarter in sorted({at + int(rng.integers(0, 8)) for _ in range(3)}):
            if quarter < n:
                paid = max(1, int(invested * rng.uniform(0.01, 0.05)))
                book.add(
                    "proceeds",
                    "dividend",
                    _day(rng, starts[quarter], ends[quarter]),
                    paid,
                    firm=firm,
                )


def _split(total: int, shares: np.ndarray, up: bool) -> np.ndarray:
    """``total`` over the LPs by share: rounded up (calls, +1 fen) or down (distributions)."""
    parts = np.floor(total * shares).astype(np.int64)
    return parts + 1 if up else np.maximum(parts - 1, 2)


def plan_fund(
    rng: np.random.Generator,
    *,
    vintage: date,
    size: int,
    budget: int,
    firms: np.ndarray,
    lp_pool: np.ndarray,
    marks: int,
    rate_of: Callable[[object], Decimal],
) -> FundLedger:
    """A fund of ``size`` (minor) from ``vintage``: ``budget`` ledger rows, ``marks`` marks."""
    book = FundLedger()
    q = quarters(vintage)
    starts, ends = q
    n = len(starts)
    count = max(2, min(250, budget // 60, len(firms)))
    for firm in rng.choice(firms, size=count, replace=False):
        _holding(rng, book, q, int(firm), size, count, rate_of)
    which = np.searchsorted(starts, np.array(book.rows["entry_date"], dtype="M8[D]"), "right") - 1
    kinds = np.array(book.rows["entry_type"], dtype=object)
    fund_amounts = [
        _fund_rate(rate_of(d), a) if c == "USD" else a
        for d, a, c in zip(
            book.rows["entry_date"], book.rows["amount_minor"], book.rows["currency"], strict=True
        )
    ]
    invest = np.bincount(
        which, weights=np.where(kinds == "investment", fund_amounts, 0), minlength=n
    ).astype(np.int64)
    proceeds = np.bincount(
        which, weights=np.where(kinds == "proceeds", fund_amounts, 0), minlength=n
    ).astype(np.int64)
    fees = np.full(n, size // 200, dtype=np.int64)
    expenses = (size * rng.uniform(0.0002, 0.001, size=n) / 4).astype(np.int64) + 1
    per_lp = 2 * n + int((invest > 0).sum()) + 2 * int((proceeds > 0).sum())
    fixed = len(kinds) + 2 * n
    lps = max(1, min(len(lp_pool), (budget - fixed) // per_lp))
    extra = budget - fixed - lps * per_lp
    if extra < 0:
        raise ValueError(f"a fund from {vintage} needs more than {budget} ledger rows")
    for k in range(n):
        book.add("fund_payment", "management_fee", min(starts[k] + 3, ends[k]), int(fees[k]))
        book.add("fund_payment", "fund_expense", min(starts[k] + 10, ends[k]), int(expenses[k]))
    for k in rng.integers(0, n, size=extra):
        cost = int(size * 0.00005) + 1
        book.add("fund_payment", "fund_expense", _day(rng, starts[k], ends[k]), cost)
        expenses[k] += cost
    weights = rng.dirichlet(np.r_[8.0, 6.0, np.ones(max(0, lps - 2))][:lps])
    amounts = np.maximum(1, np.floor(weights * size).astype(np.int64))
    amounts[0] += size - amounts.sum()
    book.commitments = list(zip(lp_pool[:lps].tolist(), amounts.tolist(), strict=True))
    shares = amounts / size
    for k in range(n):
        for category, total in (
            ("investment", invest[k]),
            ("management_fee", fees[k]),
            ("fund_expense", expenses[k]),
        ):
            if total > 0:
                for lp, part in zip(lp_pool[:lps], _split(int(total), shares, True), strict=True):
                    book.add("capital_call", category, starts[k], int(part), lp=int(lp))
        if proceeds[k] > 0:
            for lp, part in zip(
                lp_pool[:lps], _split(int(proceeds[k]) * 9 // 10, shares, False), strict=True
            ):
                back = int(part) * 6 // 10
                book.add("distribution", "return_of_capital", ends[k], back, lp=int(lp))
                book.add("distribution", "gain", ends[k], int(part) - back, lp=int(lp))
    for index in rng.integers(0, len(book.holdings), size=marks) if book.holdings else ():
        firm, first, cost = book.holdings[int(index)]
        year = int(str(first)[:4])
        year = int(rng.integers(year, max(year, NATIONAL_END.year - 1) + 1))
        day = np.datetime64(date(year, 12, 31))
        if day < first or day > END:
            day = END
        value = int(cost * rng.lognormal(0.1, 0.5)) // YUAN_10K * YUAN_10K
        method = MARK_METHODS[int(rng.integers(0, len(MARK_METHODS)))]
        book.marks.append((firm, day, value, method))
    return book


def rate_lookup(rates: dict[tuple[int, int], Decimal]) -> Callable[[object], Decimal]:
    """A function: day -> the USD/CNY rate as of that day (monthly rates on the 1st)."""

    def rate_of(day: object) -> Decimal:
        on = day.astype(object) if isinstance(day, np.datetime64) else day
        on = on if isinstance(on, date) else date.fromisoformat(str(on))
        return rates[(on.year, on.month)]

    return rate_of
