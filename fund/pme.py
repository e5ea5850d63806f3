"""Public market equivalents (dated): KS-PME, Long-Nickels, PME+, Direct Alpha.

A fund's flows against a total-return index I (ARCHITECTURE.md, "Fund metrics"). C are the
contributions (capital called) and D the distributions, both dated and as positive magnitudes;
NAV is the fund's value on the as-of date T. Each flow is future-valued to T with the index:

    FV(x_t) = x_t * I_T / I_t      (I_t: the latest level on or before t)

- KS-PME = (sum FV(D) + NAV) / sum FV(C)                  Kaplan & Schoar (2005)
- Long-Nickels = XIRR of (-C, D, NAV_LN at T), NAV_LN = sum FV(C) - sum FV(D): the IRR of
  investing the same money in the index; Long & Nickels (1996). Undefined when NAV_LN < 0:
  the index investor would have paid out more than it held (a short position), the known
  breakdown of the method.
- PME+ = XIRR of (-C, s * D, NAV at T), s = (sum FV(C) - NAV) / sum FV(D): distributions
  scaled so that the index investor ends with the fund's NAV; Rouvinez (2003). Undefined when
  there are no distributions, and when s < 0 (the NAV alone exceeds the compounded
  contributions: the scaled "distributions" would be contributions).
- Direct Alpha: a = XIRR of (-FV(C), FV(D), NAV at T); continuous alpha ln(1 + a);
  Gredil, Griffiths & Stucke (2014).

The XIRRs are ``fund.returns.xirr`` (ACT/365F, a single root or a reason). Amounts are exact
(Decimal or int), future values computed in a 28-digit decimal context. A metric without a
value (no contributions, a missing index level, no rate) is ``Undefined(reason)``; flows after
the as-of date are a ValueError. (pyxirr's own PME functions are periodic, without dates.)
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fund.multiples import CONTEXT
from fund.results import Undefined
from fund.returns import IrrUndefined, xirr

Flow = tuple[date, Decimal]


@dataclass(frozen=True)
class IndexSeries:
    """A total-return index: levels by date (sorted on construction), and its name.

    ``levels`` may be given as pairs, a mapping or a pandas Series (date -> level); levels
    must be positive. ``level_on(day)`` is the latest level on or before ``day``.
    """

    levels: tuple[tuple[date, Decimal], ...]
    name: str = "index"
    _days: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        raw: Any = self.levels
        pairs = raw.items() if isinstance(raw, Mapping) or hasattr(raw, "items") else raw
        levels: dict[date, Decimal] = {}
        for day, value in pairs:
            d, level = _day(day), _level(value)
            if level <= 0:
                raise ValueError(f"{self.name}: level on {d.isoformat()} is not positive: {level}")
            if levels.get(d, level) != level:
                raise ValueError(f"{self.name}: two levels on {d.isoformat()}")
            levels[d] = level
        ordered = tuple(sorted(levels.items()))
        object.__setattr__(self, "levels", ordered)
        object.__setattr__(self, "_days", tuple(d for d, _ in ordered))

    def level_on(self, day: date | datetime) -> Decimal:
        """The latest level on or before ``day``; ValueError naming the day when there is none."""
        d = _day(day)
        i = bisect_right(self._days, d)
        if i == 0:
            raise ValueError(f"{self.name}: no level on or before {d.isoformat()}")
        return self.levels[i - 1][1]


def ks_pme(
    *,
    contributions: Iterable[Flow],
    distributions: Iterable[Flow],
    nav: Decimal,
    as_of: date,
    index: IndexSeries,
) -> Decimal | Undefined:
    """Kaplan-Schoar PME: (sum FV(D) + NAV) / sum FV(C); above 1: the fund beat the index."""
    flows = _Flows.of(contributions, distributions, nav, as_of, index)
    if isinstance(flows, Undefined):
        return flows
    return CONTEXT.divide(CONTEXT.add(flows.fv_distributed, flows.nav), flows.fv_paid_in)


def long_nickels_pme(
    *,
    contributions: Iterable[Flow],
    distributions: Iterable[Flow],
    nav: Decimal,
    as_of: date,
    index: IndexSeries,
) -> float | Undefined:
    """Long-Nickels PME: XIRR of (-C, D, NAV_LN), NAV_LN = sum FV(C) - sum FV(D)."""
    flows = _Flows.of(contributions, distributions, nav, as_of, index)
    if isinstance(flows, Undefined):
        return flows
    ln_nav = CONTEXT.subtract(flows.fv_paid_in, flows.fv_distributed)
    if ln_nav < 0:
        return Undefined(
            f"Long-Nickels NAV is negative ({ln_nav:.2f}): the index investor would be short"
        )
    return flows.irr(flows.calls, flows.dists, ln_nav)


def pme_plus(
    *,
    contributions: Iterable[Flow],
    distributions: Iterable[Flow],
    nav: Decimal,
    as_of: date,
    index: IndexSeries,
) -> float | Undefined:
    """PME+: XIRR of (-C, s * D, NAV), s = (sum FV(C) - NAV) / sum FV(D)."""
    flows = _Flows.of(contributions, distributions, nav, as_of, index)
    if isinstance(flows, Undefined):
        return flows
    if flows.fv_distributed == 0:
        return Undefined("no distributions")
    s = CONTEXT.divide(CONTEXT.subtract(flows.fv_paid_in, flows.nav), flows.fv_distributed)
    if s < 0:
        return Undefined(f"PME+ scale is negative ({s:.4f}): NAV exceeds the indexed contributions")
    scaled = [(d, CONTEXT.multiply(s, a)) for d, a in flows.dists]
    return flows.irr(flows.calls, scaled, flows.nav)


def direct_alpha(
    *,
    contributions: Iterable[Flow],
    distributions: Iterable[Flow],
    nav: Decimal,
    as_of: date,
    index: IndexSeries,
) -> tuple[float, float] | Undefined:
    """Direct Alpha (a, ln(1 + a)): a = XIRR of (-FV(C), FV(D), NAV), all at the as-of date."""
    flows = _Flows.of(contributions, distributions, nav, as_of, index)
    if isinstance(flows, Undefined):
        return flows
    alpha = flows.irr(flows.fv_calls, flows.fv_dists, flows.nav)
    if isinstance(alpha, Undefined):
        return alpha
    if alpha <= -1.0:
        return Undefined("Direct Alpha is -100%: no continuous rate")
    return alpha, math.log1p(alpha)


def index_irr(*, index: IndexSeries, start: date, end: date) -> float | Undefined:
    """The index's annual return, start to end: (I_end / I_start) ** (365 / days) - 1."""
    days = (_day(end) - _day(start)).days
    if days <= 0:
        return Undefined("the period has no length")
    try:
        growth = index.level_on(end) / index.level_on(start)
    except ValueError as exc:
        return Undefined(str(exc))
    return float(growth) ** (365.0 / days) - 1.0


@dataclass(frozen=True)
class _Flows:
    """The validated flows, each one's future value at the as-of date, and their totals."""

    calls: list[Flow]
    dists: list[Flow]
    nav: Decimal
    as_of: date
    fv_calls: list[Flow]  # FV(C) by date
    fv_dists: list[Flow]  # FV(D) by date

    @property
    def fv_paid_in(self) -> Decimal:
        return _sum(a for _, a in self.fv_calls)

    @property
    def fv_distributed(self) -> Decimal:
        return _sum(a for _, a in self.fv_dists)

    @classmethod
    def of(
        cls,
        contributions: Iterable[Flow],
        distributions: Iterable[Flow],
        nav: Decimal,
        as_of: date,
        index: IndexSeries,
    ) -> _Flows | Undefined:
        as_of = _day(as_of)
        calls = [_flow(f, as_of, "contribution") for f in contributions]
        dists = [_flow(f, as_of, "distribution") for f in distributions]
        value = _money(nav, "nav")
        try:
            final = index.level_on(as_of)
            fv_calls, fv_dists = (
                [(d, CONTEXT.divide(CONTEXT.multiply(a, final), index.level_on(d))) for d, a in fl]
                for fl in (calls, dists)
            )
        except ValueError as exc:
            return Undefined(str(exc))
        flows = cls(calls, dists, value, as_of, fv_calls, fv_dists)
        return Undefined("no contributions") if flows.fv_paid_in <= 0 else flows

    def irr(self, calls: list[Flow], dists: list[Flow], nav: Decimal) -> float | Undefined:
        """XIRR of the calls (out), the distributions and ``nav`` at the as-of date (in)."""
        dated = [(d, -a) for d, a in calls] + list(dists) + [(self.as_of, nav)]
        try:
            return xirr([d for d, _ in dated], [a for _, a in dated])
        except IrrUndefined as exc:
            return Undefined(exc.reason)


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    total = Decimal(0)
    for a in amounts:
        total = CONTEXT.add(total, a)
    return total


def _flow(flow: Any, as_of: date, kind: str) -> Flow:
    day, amount = flow
    d = _day(day)
    if d > as_of:
        raise ValueError(f"{kind} on {d.isoformat()} is after the as-of date {as_of.isoformat()}")
    return d, _money(amount, kind)


def _money(amount: Any, name: str) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"{name}: money must be Decimal (or int), not {type(amount).__name__}")
    return Decimal(amount)


def _level(value: Any) -> Decimal:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if math.isfinite(value):
            return Decimal(repr(float(value)))  # levels are not money: the float as written
    raise TypeError(f"index level must be a finite number, not {value!r}")


def _day(value: Any) -> date:
    if isinstance(value, datetime):  # also pandas.Timestamp
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date: {value!r}")
