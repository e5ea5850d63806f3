"""Whole-column checks of a bulk ledger load: the rules of ``fund.ledger``, one column at a time.

``check_ledger`` takes the rows to load (a DataFrame, one row per entry) and the facts of the
store they go into (``StoreFacts``: funds, LP commitments, companies, FX rates, and the stored
entries summed by day), and returns the columns to write with every problem found, by row and
column. The rules are those of the ``record_*`` functions: a known entry type and category;
amounts positive with at most 2 decimals (a write-off moves 0); an ISO 4217 currency with a rate
to the fund's currency as of the entry's date (the ``RateTable`` rule: the latest rate on or
before the day, at most 31 days old, as a vectorized as-of join); dates neither before the
fund's vintage nor in the future; an LP with a commitment to the fund for calls and
distributions; a known company for investments, proceeds and write-offs; investments made
"initial" or "follow_on" by what the fund already holds; exits, partial exits and write-offs
stating the cost they release, never more than the cost held; dividends and interest only from
a company the fund invested in; and no distribution above the cash held. The books' checks are
made on end-of-day balances: all of a day's entries, stored and new, count on that day.
Reversals are not loaded in bulk (``fund.ledger.reverse_entry`` records them).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from fund.bulk_books import books
from fund.bulk_columns import (
    MAX_MINOR,
    RELEASING,
    REQUIRED,
    Problem,
    StoreFacts,
    fx_join,
    ids,
    isin,
    minor_units,
    note,
    text,
)
from models.fx import MAX_RATE_AGE
from models.hub import STAGES
from models.ledger import CATEGORIES, INSTRUMENTS
from models.money import iso_currencies

__all__ = ["StoreFacts", "check_ledger", "text"]


def check_ledger(frame: pd.DataFrame, facts: StoreFacts, *, today: date) -> tuple[dict, list]:
    """The columns to write (fund-currency amounts, rates, categories) and the problems."""
    problems: list[Problem] = []
    n = len(frame)
    missing = [c for c in REQUIRED if c not in frame] + (
        [] if "amount" in frame or "amount_minor" in frame else ["amount"]
    )
    if missing:
        return {}, [(0, name, "the column is missing") for name in missing]
    frame = frame.assign(**{c: None for c in ("category", "lp_id", "firm_id") if c not in frame})
    kind = text(frame["entry_type"])
    known_kind = isin(kind, list(CATEGORIES))
    note(
        problems,
        frame,
        ~known_kind,
        "entry_type",
        "{value!r} is not a bulk entry type (" + ", ".join(CATEGORIES) + ")",
    )
    fund_ids = ids(frame, "fund_id")
    known_fund = np.isin(fund_ids, list(facts.funds))
    note(problems, frame, ~known_fund, "fund_id", "{value!r} is not a known fund")
    known_ids = np.array(sorted(facts.funds), dtype=np.int64)
    at = np.searchsorted(known_ids, fund_ids).clip(0, max(0, len(known_ids) - 1))
    fund_ccy = np.array([facts.funds[int(f)][0] for f in known_ids], dtype=object)[at]
    vintage = np.array([facts.funds[int(f)][1] for f in known_ids], dtype="M8[D]")[at]
    days = pd.to_datetime(frame["entry_date"], errors="coerce").to_numpy(dtype="M8[D]")
    bad_day = np.isnat(days)
    note(problems, frame, bad_day, "entry_date", "{value!r} is not a date")
    days = np.where(bad_day, np.datetime64(today), days)
    note(
        problems,
        frame,
        days > np.datetime64(today),
        "entry_date",
        f"{{value}} is in the future (today is {today.isoformat()})",
    )
    note(
        problems,
        frame,
        known_fund & (days < vintage),
        "entry_date",
        "{value} is before the fund's vintage",
    )
    if "amount_minor" in frame:
        amount = frame["amount_minor"].to_numpy(dtype=np.int64)
    else:
        amount = minor_units(frame["amount"], "amount", problems)
    write_off = kind == "write_off"
    amount_col = "amount_minor" if "amount_minor" in frame else "amount"
    note(
        problems,
        frame,
        ~write_off & (amount <= 0),
        amount_col,
        "{value} is zero or negative: give the amount as a positive figure",
    )
    note(
        problems,
        frame,
        write_off & (amount != 0),
        amount_col,
        "{value}: a write-off moves no money (amount 0)",
    )
    note(problems, frame, np.abs(amount) >= MAX_MINOR, amount_col, "{value} is too large")
    currency = text(frame["currency"].fillna(""))
    iso = isin(currency, iso_currencies())
    note(problems, frame, ~iso, "currency", "{value!r} is not an ISO 4217 currency code")
    note(
        problems,
        frame,
        write_off & iso & (currency != fund_ccy),
        "currency",
        "{value!r}: a write-off is in the fund's currency",
    )
    category = text(frame["category"]) if "category" in frame else None
    if category is None:
        category = np.full(n, None, dtype=object)
    fits = np.zeros(n, dtype=bool)
    for name, allowed in CATEGORIES.items():
        mine = kind == name
        fits[mine] = isin(category[mine], allowed)
    open_kind = (kind == "investment") & pd.isna(category)
    note(
        problems,
        frame,
        known_kind & ~fits & ~open_kind,
        "category",
        "{value!r} is not a category of its entry type",
    )
    lp = ids(frame, "lp_id")
    needs_lp = isin(kind, ["capital_call", "distribution"])
    committed = np.isin(fund_ids * 2**32 + lp, [f * 2**32 + p for f, p in facts.commitments])
    note(
        problems,
        frame,
        needs_lp & ~committed,
        "lp_id",
        "{value!r}: the LP has no commitment to the fund",
    )
    note(
        problems,
        frame,
        ~needs_lp & (lp >= 0),
        "lp_id",
        "{value!r}: only calls and distributions name an LP",
    )
    firm = ids(frame, "firm_id")
    needs_firm = isin(kind, ["investment", "proceeds", "write_off"])
    note(
        problems,
        frame,
        needs_firm & ~np.isin(firm, list(facts.firms)),
        "firm_id",
        "{value!r} is not a known company",
    )
    note(
        problems,
        frame,
        ~needs_firm & (firm >= 0),
        "firm_id",
        "{value!r}: only investments, proceeds and write-offs name a company",
    )
    if "cost_released_minor" in frame:
        released = frame["cost_released_minor"].fillna(0).to_numpy(dtype=np.int64)
    elif "cost_released" in frame:
        given = frame["cost_released"].dropna()
        released = np.zeros(n, dtype=np.int64)
        released[frame.index.get_indexer(given.index)] = minor_units(
            given, "cost_released", problems
        )
    else:
        released = np.zeros(n, dtype=np.int64)
    releasing = isin(category, RELEASING) & isin(kind, ["proceeds", "write_off"])
    note(
        problems,
        frame,
        releasing & (released <= 0),
        "category",
        "{value!r} states the cost it releases (cost_released, positive)",
    )
    note(
        problems,
        frame,
        ~releasing & (released != 0),
        "category",
        "{value!r} releases no cost (leave cost_released empty)",
    )
    rates = fx_join(facts, currency, fund_ccy, days)
    missing = iso & known_fund & pd.isna(rates)
    for label, ccy, quote, day in zip(
        frame.index[missing], currency[missing], fund_ccy[missing], days[missing], strict=True
    ):
        first = pd.Timestamp(day).date() - timedelta(days=MAX_RATE_AGE.days)
        problems.append(
            (
                int(label),
                "currency",
                f"{ccy!r}: no {ccy}/{quote} rate between "
                f"{first.isoformat()} and {pd.Timestamp(day).date().isoformat()}",
            )
        )
    amount_fund = amount.copy()
    foreign = (currency != fund_ccy) & ~pd.isna(rates)
    amount_fund[foreign] = [
        int((Decimal(int(a)) * r).to_integral_value())
        for a, r in zip(amount[foreign], rates[foreign], strict=True)
    ]
    if "instrument" in frame:
        inst = frame["instrument"].astype(object).to_numpy()
        bad = (kind == "investment") & ~isin(inst, list(INSTRUMENTS)) & ~pd.isna(inst)
        note(problems, frame, bad, "instrument", "{value!r} is not an instrument")
    if "round_stage" in frame:
        stage = text(frame["round_stage"])
        bad = ~pd.isna(stage) & ~isin(stage, list(STAGES))
        note(problems, frame, bad, "round_stage", "{value!r} is not a round stage")
    if "external_ref" in frame:
        refs = frame["external_ref"].astype(object)
        given = refs.notna().to_numpy()
        twice = given & pd.DataFrame({"f": fund_ids, "r": refs}).duplicated(keep="first").to_numpy()
        note(problems, frame, twice, "external_ref", "{value!r} is given twice")
        stored = np.array([(f, r) in facts.refs for f, r in zip(fund_ids, refs, strict=True)])
        note(problems, frame, given & stored, "external_ref", "{value!r} is already stored")
    follow = np.zeros(n, dtype=bool)
    if not problems:
        frame = frame.assign(entry_date=days)
        follow = books(frame, facts, amount_fund, released, problems)
        made = np.where(follow, "follow_on", "initial")
        given_cat = (kind == "investment") & ~pd.isna(category)
        note(
            problems,
            frame,
            given_cat & (category != made),
            "category",
            "{value!r}, but the fund's holdings make this investment the other kind",
        )
        category = np.where(kind == "investment", made, category)
    columns = {
        "entry_date": days,
        "amount_minor": amount,
        "amount_fund_minor": amount_fund,
        "fx_rate": rates,
        "category": category,
        "cost_released_minor": released,
        "currency": currency,
        "fund_id": fund_ids,
        "lp_id": lp,
        "firm_id": firm,
        "entry_type": kind,
    }
    problems.sort(key=lambda p: (p[0], p[1]))
    return columns, problems
