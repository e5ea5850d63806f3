"""The books' checks of a bulk ledger load, on end-of-day balances of stored and new entries:
no distribution above the cash held, no cost released above the cost held, no dividend or
interest from a company never invested in; and whether each investment is a follow-on."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fund.bulk_columns import RELEASING, Problem, StoreFacts, ids, isin, note, text
from models.ledger import CASH_IN, CASH_OUT

DAY_KEY = 1_000_000  # keys: (group) * DAY_KEY + days since 1970


def _running(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct sorted keys and the running sum of the values within each key // DAY_KEY."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    if not len(keys):
        return keys, values
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    keys, sums = keys[starts], np.add.reduceat(values, starts)
    total = np.cumsum(sums)
    group = keys // DAY_KEY
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    before = np.repeat(total[first] - sums[first], np.diff(np.r_[first, len(keys)]))
    return keys, total - before


def _as_of(keys: np.ndarray, running: np.ndarray, probe: np.ndarray) -> np.ndarray:
    """The running sum at the last key on or before each probe key of the same group (0)."""
    at = np.searchsorted(keys, probe, side="right") - 1
    ok = at >= 0
    ok[ok] = keys[at[ok]] // DAY_KEY == probe[ok] // DAY_KEY
    return np.where(ok, running[np.maximum(at, 0)] if len(keys) else 0, 0)


def books(
    frame: pd.DataFrame,
    facts: StoreFacts,
    amount_fund: np.ndarray,
    released: np.ndarray,
    problems: list[Problem],
) -> np.ndarray:
    """Cash and cost on each day's end; returns whether each investment is a follow-on."""
    kind = text(frame["entry_type"])
    fund = frame["fund_id"].to_numpy(dtype=np.int64)
    firm = ids(frame, "firm_id")
    day = frame["entry_date"].to_numpy().astype("M8[D]").astype(np.int64)
    old = facts.stored
    old_kind = old["entry_type"].to_numpy(dtype=object)
    old_fund = old["fund_id"].to_numpy(dtype=np.int64)
    old_firm = pd.to_numeric(old["firm_id"]).fillna(-1).to_numpy(dtype=np.int64)
    old_day = old["entry_date"].to_numpy().astype("M8[D]").astype(np.int64)
    old_amount = pd.to_numeric(old["amount_fund_minor"]).fillna(0).to_numpy(dtype=np.int64)
    old_released = pd.to_numeric(old["cost_released_minor"]).fillna(0).to_numpy(dtype=np.int64)

    def signed(kinds: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        return np.where(isin(kinds, CASH_IN), amounts, np.where(isin(kinds, CASH_OUT), -amounts, 0))

    cash_key = fund * DAY_KEY + day
    keys, cash = _running(
        np.r_[old_fund * DAY_KEY + old_day, cash_key],
        np.r_[signed(old_kind, old_amount), signed(kind, amount_fund)],
    )
    short = (kind == "distribution") & (_as_of(keys, cash, cash_key) < 0)
    width = int(max(firm.max(initial=0), old_firm.max(initial=0))) + 1
    hold_key = (fund * width + firm) * DAY_KEY + day
    old_hold = (old_fund * width + old_firm) * DAY_KEY + old_day
    on, old_on = firm >= 0, old_firm >= 0
    buy, old_buy = kind == "investment", old_kind == "investment"
    both = np.r_[old_hold[old_on], hold_key[on]]
    keys, invested = _running(
        both, np.r_[np.where(old_buy, old_amount, 0)[old_on], np.where(buy, amount_fund, 0)[on]]
    )
    _, out = _running(both, np.r_[old_released[old_on], released[on]])
    invested_by = _as_of(keys, invested, hold_key)
    remaining = invested_by - _as_of(keys, out, hold_key)
    over = (released > 0) & (remaining < 0)
    category = text(frame["category"])
    never = (kind == "proceeds") & ~isin(category, RELEASING) & ~(invested_by > 0)
    amount_col = "amount_minor" if "amount_minor" in frame else "amount"
    note(
        problems,
        frame,
        short,
        amount_col,
        "{value}: more than the cash the fund holds at the end of the day",
    )
    note(
        problems,
        frame,
        over,
        "cost_released",
        "{value}: more than the cost the fund holds in the company",
    )
    note(problems, frame, never, "firm_id", "the fund never invested in company {value}")
    # follow-on: invested before this row (stored: by its date; new: earlier by date and row)
    stored_keys, stored_in = _running(
        old_hold[old_on & old_buy], np.where(old_buy, old_amount, 0)[old_on & old_buy]
    )
    rows = np.flatnonzero(buy)
    order = rows[np.lexsort((rows, hold_key[rows]))]
    group = hold_key[order] // DAY_KEY
    paid = amount_fund[order]
    total = np.cumsum(paid) - paid
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(order) else order
    before = total - np.repeat(total[first], np.diff(np.r_[first, len(order)]))
    follow = np.zeros(len(frame), dtype=bool)
    follow[order] = (before + _as_of(stored_keys, stored_in, hold_key[order])) > 0
    return follow
