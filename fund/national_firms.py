"""The national demo's firms: fictitious fintech companies over the ten hubs, with valid codes.

Names are built like the demo's (``fund.demo_firms``: a city, syllables, a company suffix;
three syllables here, so that 50,000 names stay distinct); unified social credit codes carry
valid check characters (``fund.demo_firms.org_code`` and python-stdnum) and are unique.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
from stdnum.cn import uscc as stdnum_uscc

from fund.demo_firms import SUFFIXES, SYLLABLES, org_code
from fund.national_facts import CITY_ZH, HUB_WEIGHTS, NATIONAL_END, NATIONAL_SOURCE, REGION_CODES
from models.hub import SECTORS

FOUNDED_FROM, FOUNDED_TO = np.datetime64("2005-01-01"), np.datetime64("2024-06-30")


def _names(rng: np.random.Generator, hubs: np.ndarray) -> tuple[list[str], list[str]]:
    """Distinct (Chinese, English) names: per hub, distinct syllable triples and suffixes."""
    s, k = len(SYLLABLES), len(SUFFIXES)
    codes = np.empty(len(hubs), dtype=np.int64)
    for hub in np.unique(hubs):
        where = np.flatnonzero(hubs == hub)
        codes[where] = rng.choice(s * s * s * k, size=len(where), replace=False)
    zh, en = [], []
    for hub, code in zip(hubs.tolist(), codes.tolist(), strict=True):
        code, suffix = divmod(code, k)
        code, c = divmod(code, s)
        a, b = divmod(code, s)
        (za, pa), (zb, pb), (zc, pc) = SYLLABLES[a], SYLLABLES[b], SYLLABLES[c]
        zh.append(f"{CITY_ZH[hub]}{za}{zb}{zc}{SUFFIXES[suffix][0]}")
        en.append(f"{hub} {pa.capitalize()}{pb}{pc} {SUFFIXES[suffix][1]}")
    return zh, en


def _codes(seed: int, hubs: np.ndarray, founded: np.ndarray) -> list[str]:
    """A unique, valid unified social credit code per firm ("91" + region + org code + check)."""
    rng = random.Random(f"hubfund national codes {seed}")
    taken: set[str] = set()
    out = []
    for hub, day in zip(hubs.tolist(), founded.astype(object).tolist(), strict=True):
        while True:
            prefix = "91" + rng.choice(REGION_CODES[hub]) + org_code(rng, day)
            code = prefix + stdnum_uscc.calc_check_digit(prefix)
            if code not in taken:
                break
        taken.add(code)
        out.append(code)
    return out


def plan_firms(rng: np.random.Generator, seed: int, count: int) -> pd.DataFrame:
    """``count`` firms: hub, names, code, sector, founded, employees, status, closed_on."""
    names = list(HUB_WEIGHTS)
    weights = np.array([HUB_WEIGHTS[h] for h in names], dtype=float)
    hubs = np.array(names, dtype=object)[
        np.sort(rng.choice(len(names), size=count, p=weights / weights.sum()))
    ]
    span = int((FOUNDED_TO - FOUNDED_FROM).astype(int))
    founded = FOUNDED_FROM + rng.integers(0, span, size=count).astype("m8[D]")
    zh, en = _names(rng, hubs)
    fate = rng.random(count)
    closed_on = founded + rng.integers(365, 8 * 365, size=count).astype("m8[D]")
    gone = (fate < 0.15) & (closed_on <= np.datetime64(NATIONAL_END))
    status = np.where(gone, np.where(fate < 0.04, "acquired", "closed"), "active")
    return pd.DataFrame(
        {
            "hub": hubs,
            "name_zh": zh,
            "name_en": en,
            "uscc": _codes(seed, hubs, founded),
            "sector": np.array(SECTORS, dtype=object)[rng.integers(0, len(SECTORS), size=count)],
            "founded": founded,
            "employees": np.clip(np.exp(rng.normal(3.3, 1.1, size=count)), 3, 5000).astype(
                np.int64
            ),
            "status": status,
            "closed_on": np.where(gone, closed_on, np.datetime64("NaT")),
            "source": NATIONAL_SOURCE,
        }
    )
