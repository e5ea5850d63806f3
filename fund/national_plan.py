"""The national-scale demo as columns in memory: no database, no clock, the same for a seed.

``plan_national(size, seed)`` plans the ten hubs, the firms (``fund.national_firms``), the
funds with their LPs and commitments, every fund's ledger and marks (``fund.national_ledger``)
and the deals (``fund.national_deals``). Rows name each other by list index (``fund``,
``lp``, ``firm``; ``entry``: a position in ``ledger``); ``fund.demo_national`` turns indexes
into ids, checks and writes. The full size is ``NATIONAL``; ``size_at(scale)`` shrinks it
(tests use 1/1000).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fund.demo_facts import Fact
from fund.demo_firms import fx_rates, fx_rows
from fund.national_deals import DealsPlan, plan_deals
from fund.national_facts import (
    ALL_HUBS,
    FIRST_VINTAGE,
    FUND_KINDS,
    FUND_SIZES_M,
    GPS,
    GUIDANCE_FUND,
    LAST_VINTAGE,
    LP_KINDS,
    LP_NOUNS,
    LP_WORDS,
    NATIONAL_SOURCE,
)
from fund.national_firms import plan_firms
from fund.national_ledger import MIN_BUDGET, RANK, plan_fund, rate_lookup

NATIONAL_SEED = 20191207  # the demo's seed (fund.demo.DEMO_SEED): one --seed for both
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass(frozen=True)
class NationalSize:
    """How many rows of each kind the national store holds."""

    hubs: int
    funds: int
    firms: int
    ledger_entries: int
    valuation_marks: int
    deals: int


NATIONAL = NationalSize(10, 100, 50_000, 1_000_000, 20_000, 5_000)


def size_at(scale: float) -> NationalSize:
    """``NATIONAL`` times ``scale`` (at least 2 funds and the rows they need; always 10 hubs)."""
    funds = max(2, round(NATIONAL.funds * scale))
    return NationalSize(
        hubs=NATIONAL.hubs,
        funds=funds,
        firms=max(10 * funds, round(NATIONAL.firms * scale)),
        ledger_entries=max(MIN_BUDGET * funds, round(NATIONAL.ledger_entries * scale)),
        valuation_marks=round(NATIONAL.valuation_marks * scale),
        deals=round(NATIONAL.deals * scale),
    )


@dataclass(frozen=True)
class NationalPlan:
    """Every row of the national store, as frames (see the module docstring)."""

    hubs: list[Fact]
    fx_rates: list[Fact]
    firms: pd.DataFrame
    funds: pd.DataFrame
    lps: pd.DataFrame
    commitments: pd.DataFrame
    ledger: pd.DataFrame
    marks: pd.DataFrame
    deals: DealsPlan


def _lps(rng: np.random.Generator, private: int) -> pd.DataFrame:
    """One city investment group per hub, the national guidance fund, ``private`` others."""
    rows = [
        (
            f"{h['name']} Financial Investment Group (demo)",
            f"{h['name_zh']}金融投资集团（演示）",
            "city investment group",
        )
        for h in ALL_HUBS
    ]
    rows.append((*GUIDANCE_FUND, "government guidance fund"))
    space = len(LP_WORDS) * len(LP_NOUNS) * len(LP_KINDS)
    for code in rng.choice(space, size=min(private, space), replace=False).tolist():
        code, kind = divmod(code, len(LP_KINDS))
        word, noun = divmod(code, len(LP_NOUNS))
        name, lp_kind = LP_KINDS[kind]
        rows.append((f"{LP_WORDS[word]} {LP_NOUNS[noun]} {name} (demo)", None, lp_kind))
    frame = pd.DataFrame(rows, columns=["name", "name_zh", "kind"])
    return frame.assign(source=NATIONAL_SOURCE)


def _funds(rng: np.random.Generator, count: int) -> pd.DataFrame:
    span = (LAST_VINTAGE - FIRST_VINTAGE).days
    rows = []
    for f in range(count):
        hub = ALL_HUBS[f % len(ALL_HUBS)]
        kind_en, kind_zh = FUND_KINDS[(f // len(ALL_HUBS)) % len(FUND_KINDS)]
        series = ROMAN[(f // (len(ALL_HUBS) * len(FUND_KINDS))) % len(ROMAN)]
        vintage = np.datetime64(FIRST_VINTAGE) + np.timedelta64(int(rng.integers(0, span)), "D")
        rows.append(
            {
                "name": f"{hub['name']} {kind_en} {series}",
                "name_zh": f"{hub['name_zh']}{kind_zh}{series}",
                "currency": "CNY",
                "vintage": vintage,
                "size_minor": int(rng.choice(FUND_SIZES_M)) * 100_000_000,
                "gp": GPS[f % len(GPS)].format(city=hub["name"]),
                "hub": hub["name"],
                "source": NATIONAL_SOURCE,
            }
        )
    return pd.DataFrame(rows)


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def plan_national(size: NationalSize = NATIONAL, seed: int = NATIONAL_SEED) -> NationalPlan:
    """The national store for ``size`` and ``seed`` (deterministic: no clock, no database)."""
    rng = np.random.default_rng(seed)
    rates = fx_rates(random.Random(f"hubfund national fx {seed}"))
    rate_of = rate_lookup(rates)
    firms = plan_firms(rng, seed, size.firms)
    funds = _funds(rng, size.funds)
    lps = _lps(rng, max(100, 20 * size.funds))
    hub_names = [h["name"] for h in ALL_HUBS]
    city_lp = {name: i for i, name in enumerate(hub_names)}
    private = np.arange(len(hub_names) + 1, len(lps))
    ledgers, commitments, marks, holdings = [], [], [], []
    budgets = _split(size.ledger_entries, size.funds)
    mark_counts = _split(size.valuation_marks, size.funds)
    firm_hubs = firms["hub"].to_numpy()
    for f, fund in funds.iterrows():
        weights = np.where(firm_hubs == fund["hub"], 5.0, 1.0)
        pool = rng.choice(
            len(firms), size=min(len(firms), 600), replace=False, p=weights / weights.sum()
        )
        lp_pool = np.r_[city_lp[fund["hub"]], len(hub_names), rng.permutation(private)]
        book = plan_fund(
            rng,
            vintage=pd.Timestamp(fund["vintage"]).date(),
            size=int(fund["size_minor"]),
            budget=budgets[f],
            firms=pool,
            lp_pool=lp_pool,
            marks=mark_counts[f],
            rate_of=rate_of,
        )
        frame = pd.DataFrame(book.rows)
        frame["fund"] = f
        ledgers.append(frame)
        commitments += [(f, lp, amount, fund["vintage"]) for lp, amount in book.commitments]
        marks += [(f, *mark) for mark in book.marks]
    ledger = pd.concat(ledgers, ignore_index=True)
    ledger["entry_date"] = ledger["entry_date"].astype("M8[s]")
    ledger["rank"] = ledger["entry_type"].map(RANK)
    ledger = ledger.sort_values(["fund", "entry_date", "rank"], kind="stable", ignore_index=True)
    firsts = ledger[ledger["initial"] >= 0]
    holdings = pd.DataFrame(
        {
            "fund": firsts["fund"].to_numpy(),
            "firm": firsts["firm"].to_numpy(),
            "day": firsts["entry_date"].to_numpy().astype("M8[D]"),
            "entry": firsts.index.to_numpy(),
        }
    )
    deals = plan_deals(
        rng,
        count=size.deals,
        holdings=holdings,
        vintages=funds["vintage"].to_numpy().astype("M8[D]"),
        sectors=firms["sector"].to_numpy(),
    )
    return NationalPlan(
        hubs=[dict(h) for h in ALL_HUBS],
        fx_rates=fx_rows(rates),
        firms=firms,
        funds=funds,
        lps=lps,
        commitments=pd.DataFrame(
            commitments, columns=["fund", "lp", "amount_minor", "committed_on"]
        ),
        ledger=ledger.drop(columns=["rank", "initial"]),
        marks=pd.DataFrame(
            marks, columns=["fund", "firm", "valued_on", "fair_value_minor", "method"]
        ).assign(currency="CNY"),
        deals=deals,
    )
