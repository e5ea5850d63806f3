"""``fund.recompute``'s arithmetic over every fund at once: sums per fund and holding in exact
integer minor units (numpy), flows netted by date per holding and fund, then the multiples
(``fund.multiples``) and IRRs (``fund.performance.irr``) per holding and fund. The rules are
``fund.book``'s and ``fund.performance``'s (see ``fund.recompute_figures``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from fund.multiples import dpi, moic, rvpi, tvpi
from fund.performance import irr
from fund.recompute_figures import FundFigures, HoldingFigures, converted, major
from fund.results import Undefined
from models.fx import RateTable
from models.ledger import CASH_IN, CASH_OUT


def _restated(entries: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each entry's date with reversals moved to the entry they reverse, and ``cancelled``."""
    days = entries["entry_date"].to_numpy().astype("M8[D]")
    ids = entries["id"].to_numpy(dtype=np.int64)
    reverses = pd.to_numeric(entries["reverses_id"])
    is_reversal = reverses.notna().to_numpy()
    if not is_reversal.any():
        return days, np.zeros(len(days), dtype=bool)
    originals = reverses[is_reversal].to_numpy(dtype=np.int64)
    days = days.copy()
    days[is_reversal] = pd.Series(days, index=ids).reindex(originals).to_numpy()
    return days, is_reversal | np.isin(ids, originals)


def _sums(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (sorted) and the exact int64 sum of the values of each."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.array([], int)
    return keys[starts], np.add.reduceat(values, starts) if len(keys) else values


def _segments(owner: np.ndarray, count: int) -> np.ndarray:
    """Bounds of each owner's run in a sorted ``owner`` array: owner i is [b[i], b[i+1])."""
    return np.searchsorted(owner, np.arange(count + 1))


class _Report:
    """Fund-currency minor amounts in each fund's reporting currency at the as-of rate."""

    def __init__(self, currencies: list[tuple[str, str]], rates: RateTable, as_of: date) -> None:
        self.rates = [
            None if f == r else rates.rate(base=f, quote=r, on=as_of) for f, r in currencies
        ]

    def __call__(self, fund: int, minor: int) -> int:
        rate = self.rates[fund]
        return int(minor) if rate is None else converted(minor, rate)


def _values(
    entries: pd.DataFrame,
    fund: np.ndarray,
    days: np.ndarray,
    currencies: list[tuple[str, str]],
    rates: RateTable,
) -> np.ndarray:
    """Each entry's value in its fund's reporting currency (see the module docstring)."""
    value = entries["amount_fund_minor"].to_numpy(dtype=np.int64).copy()
    other = np.array([f != r for f, r in currencies], dtype=bool)[fund]
    if other.any():
        amounts = entries["amount_minor"].to_numpy(dtype=np.int64)[other].tolist()
        quotes = [currencies[i][1] for i in fund[other].tolist()]
        value[other] = [
            0 if a == 0 else converted(a, rates.rate(base=c, quote=q, on=d))
            for a, c, q, d in zip(
                amounts,
                entries["currency"].to_numpy()[other].tolist(),
                quotes,
                days[other].astype(object).tolist(),
                strict=True,
            )
        ]
    return value


def _irrs(
    owner: np.ndarray,
    days: np.ndarray,
    amounts: np.ndarray,
    count: int,
    last: list[tuple[date, Decimal]],
) -> list[tuple[list, float | Undefined]]:
    """Per owner (0..count-1): its flows netted by date plus ``last[owner]``, and their IRR."""
    key = owner.astype(np.int64) * 1_000_000 + days.astype(np.int64)
    keys, sums = _sums(key, amounts)
    owners = keys // 1_000_000
    dates = (keys % 1_000_000).astype("M8[D]").astype(object).tolist()
    money = [major(v) for v in sums.tolist()]
    bounds = _segments(owners, count)
    out = []
    for i in range(count):
        a, b = int(bounds[i]), int(bounds[i + 1])
        flows = [*zip(dates[a:b], money[a:b], strict=False), last[i]]
        out.append((flows, irr(flows)))
    return out


def all_figures(
    *,
    funds: list[tuple[int, str]],
    currency: str | None,
    as_of: date,
    entries: pd.DataFrame,
    marks: pd.DataFrame,
    rates: RateTable,
) -> list[FundFigures]:
    """The figures of every fund in ``funds`` ((id, currency), by id) from their entries
    (booked by ``as_of``) and marks (dated by it; sorted by fund, firm, date, recording)."""
    ids = np.array([f for f, _ in funds], dtype=np.int64)
    pairs = [(c, currency or c) for _, c in funds]
    n = len(funds)
    fund = np.searchsorted(ids, entries["fund_id"].to_numpy(dtype=np.int64))
    days, cancelled = _restated(entries)
    kind = entries["entry_type"].to_numpy(dtype=object)
    amount_fund = entries["amount_fund_minor"].to_numpy(dtype=np.int64)
    value = _values(entries, fund, days, pairs, rates)
    report = _Report(pairs, rates, as_of)

    def per_fund(mask: np.ndarray, values: np.ndarray) -> list[int]:
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, fund[mask], values[mask])
        return out.tolist()

    is_ = {
        k: kind == k
        for k in ("capital_call", "distribution", "investment", "proceeds", "write_off")
    }
    sign = np.where(np.isin(kind, CASH_IN), 1, np.where(np.isin(kind, CASH_OUT), -1, 0))
    cash = per_fund(sign != 0, sign * amount_fund)
    totals = {
        k: per_fund(is_[k], value)
        for k in ("capital_call", "distribution", "investment", "proceeds")
    }
    firm = pd.to_numeric(entries["firm_id"]).fillna(-1).to_numpy(dtype=np.int64)
    released = pd.to_numeric(entries["cost_released_minor"])
    closing = released.notna().to_numpy() & ~cancelled
    released = released.fillna(0).to_numpy(dtype=np.int64)
    on = firm >= 0
    width = int(firm.max()) + 1 if len(firm) else 1
    hold_keys, hold = np.unique(fund[on] * width + firm[on], return_inverse=True)
    m = len(hold_keys)

    def per_holding(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = np.zeros(m, dtype=np.int64)
        np.add.at(out, hold[mask[on]], values[on][mask[on]])
        return out

    invested_f = per_holding(is_["investment"], amount_fund)
    release = per_holding(is_["proceeds"] | is_["write_off"], released)
    invested_r = per_holding(is_["investment"], value)
    realized_r = per_holding(is_["proceeds"], value)
    closed_on = np.full(m, np.iinfo(np.int64).min)
    np.maximum.at(closed_on, hold[closing[on]], days[on][closing[on]].astype(np.int64))
    remaining = invested_f - release
    closed = remaining <= 0
    fair = np.where(closed, 0, remaining)
    mfund = np.searchsorted(ids, marks["fund_id"].to_numpy(dtype=np.int64))
    mkey = mfund * width + marks["firm_id"].to_numpy(dtype=np.int64)
    last = np.flatnonzero(np.r_[mkey[1:] != mkey[:-1], True]) if len(mkey) else np.array([], int)
    at = np.searchsorted(mkey[last], hold_keys)
    found = at < len(last)
    found[found] = mkey[last][at[found]] == hold_keys[found]
    mark_days = marks["valued_on"].to_numpy().astype("M8[D]").astype(np.int64)
    mark_values = marks["fair_value_minor"].to_numpy(dtype=np.int64)
    mark_currencies = marks["currency"].to_numpy(dtype=object)
    never = np.iinfo(np.int64).min
    for i in np.flatnonzero(found).tolist():
        row = int(last[at[i]])
        if closed[i] and (closed_on[i] == never or mark_days[row] <= closed_on[i]):
            continue
        fair[i] = int(mark_values[row])
        mark_ccy, fund_ccy = mark_currencies[row], pairs[hold_keys[i] // width][0]
        if mark_ccy != fund_ccy:
            fair[i] = converted(fair[i], rates.rate(base=mark_ccy, quote=fund_ccy, on=as_of))
    owner = hold_keys // width
    fair_r = np.array([report(int(f), int(v)) for f, v in zip(owner, fair, strict=True)], np.int64)
    held = np.flatnonzero(invested_f > 0)
    remap = np.full(m, -1)
    remap[held] = np.arange(len(held))
    flow_rows = on & (is_["investment"] | is_["proceeds"])
    flow_owner = remap[hold[flow_rows[on]]]
    keep = flow_owner >= 0
    signed = np.where(is_["investment"], -value, value)[flow_rows][keep]
    end = [(as_of, major(v)) for v in fair_r[held].tolist()]
    by_holding = _irrs(flow_owner[keep], days[flow_rows][keep], signed, len(held), end)
    out = []
    gross_owner = np.r_[owner[held][flow_owner[keep]], owner[held]]
    gross_days = np.r_[days[flow_rows][keep], np.full(len(held), np.datetime64(as_of), "M8[D]")]
    gross_amounts = np.r_[signed, fair_r[held]]
    fair_fund = per_fund_sum = np.zeros(n, dtype=np.int64)
    np.add.at(per_fund_sum, owner[held], fair_r[held])
    navs = [report(i, cash[i]) + int(fair_fund[i]) for i in range(n)]
    gross = _irrs(gross_owner, gross_days, gross_amounts, n, [(as_of, Decimal(0))] * n)
    lp = is_["capital_call"] | is_["distribution"]
    lp_amounts = np.where(is_["capital_call"], -value, value)[lp]
    net = _irrs(fund[lp], days[lp], lp_amounts, n, [(as_of, major(v)) for v in navs])
    bounds = _segments(owner[held], n)
    for i, (fund_id, _) in enumerate(funds):
        holdings = []
        for j in range(int(bounds[i]), int(bounds[i + 1])):
            h = held[j]
            invested, realized = major(invested_r[h]), major(realized_r[h])
            holdings.append(
                HoldingFigures(
                    firm_id=int(hold_keys[h] % width),
                    invested=invested,
                    realized=realized,
                    fair_value=major(fair_r[h]),
                    moic=moic(realized=realized, unrealized=major(fair_r[h]), invested=invested),
                    irr=by_holding[j][1],
                    flows=tuple(by_holding[j][0]),
                )
            )
        called, paid = major(totals["capital_call"][i]), major(totals["distribution"][i])
        invested, realized = major(totals["investment"][i]), major(totals["proceeds"][i])
        fair_total, nav = major(fair_fund[i]), major(navs[i])
        out.append(
            FundFigures(
                fund_id=fund_id,
                currency=pairs[i][1],
                as_of=as_of,
                invested=invested,
                realized=realized,
                fair_value=fair_total,
                called=called,
                distributed=paid,
                nav=nav,
                cash=major(report(i, cash[i])),
                dpi=dpi(distributions=paid, paid_in=called),
                rvpi=rvpi(nav=nav, paid_in=called),
                tvpi=tvpi(distributions=paid, nav=nav, paid_in=called),
                moic=moic(realized=realized, unrealized=fair_total, invested=invested),
                gross_irr=gross[i][1],
                net_irr=net[i][1],
                holdings=holdings,
            )
        )
    return out
