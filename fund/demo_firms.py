"""Generated demo firms, their funding rounds, and the USD/CNY rates the rounds need.

Everything here is fictitious and marked ``is_demo``: names are built from syllable lists,
unified social credit codes are generated with valid check characters (GB 11714 for the
organisation code, GB 32100-2015 for the whole code), investors are invented names. The
"renowned" flag follows one stored criterion: cumulative disclosed funding of at least
CNY 1 billion (each round at its month's USD/CNY rate), flagged on the round that crosses it.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from fund.demo_facts import DEMO_END, Fact
from models.hub import SECTORS

FIRM_SOURCE = "demo: generated firm (fictitious name and code)"
ROUND_SOURCE = "demo: generated funding round"
FX_SOURCE = "demo: approximate monthly USD/CNY"
RENOWNED_CRITERION = "cumulative disclosed funding >= CNY 1 billion (demo criterion)"
RENOWNED_AT = Decimal(1_000_000_000)
NON_STAR_CAP = Decimal(900_000_000)  # other firms stay below the criterion

FIRMS_PER_HUB = {"Shenzhen": 130, "Beijing": 140, "Hangzhou": 80, "Dalian": 50}
CITY_ZH = {"Shenzhen": "深圳", "Beijing": "北京", "Hangzhou": "杭州", "Dalian": "大连"}
REGION_CODES = {
    "Shenzhen": ("440300", "440304", "440305", "440303", "440311"),
    "Beijing": ("110000", "110102", "110108", "110107", "110111", "110112", "110105"),
    "Hangzhou": ("330100", "330102", "330106", "330108", "330110"),
    "Dalian": ("210200", "210204", "210211"),
}
FAVOURED = {
    "Shenzhen": ("payments", "digital banking", "blockchain"),
    "Beijing": ("regtech", "data & AI", "wealthtech"),
    "Hangzhou": ("payments", "wealthtech", "data & AI"),
    "Dalian": ("supply-chain finance", "lending", "infrastructure"),
}
# When generated firms cross the renowned criterion (jittered by up to 30 days).
STAR_CROSSINGS = {
    "Beijing": ("2018-05-15", "2019-03-20", "2019-11-12", "2020-08-18", "2021-04-22",
                "2021-12-09", "2022-07-14", "2023-09-19", "2025-02-25"),
    "Shenzhen": ("2020-06-16", "2021-01-19", "2021-09-08", "2022-05-24", "2023-03-14",
                 "2023-11-21", "2024-07-09", "2025-05-20"),
    "Hangzhou": ("2021-07-13", "2023-10-17"),
    "Dalian": ("2024-06-18",),
}  # fmt: skip
SYLLABLES = (
    ("云", "yun"),
    ("链", "lian"),
    ("融", "rong"),
    ("信", "xin"),
    ("汇", "hui"),
    ("智", "zhi"),
    ("数", "shu"),
    ("金", "jin"),
    ("宝", "bao"),
    ("安", "an"),
    ("通", "tong"),
    ("达", "da"),
    ("盈", "ying"),
    ("易", "yi"),
    ("创", "chuang"),
    ("腾", "teng"),
    ("银", "yin"),
    ("华", "hua"),
    ("恒", "heng"),
    ("泰", "tai"),
    ("和", "he"),
    ("睿", "rui"),
    ("丰", "feng"),
    ("捷", "jie"),
    ("博", "bo"),
    ("兴", "xing"),
    ("远", "yuan"),
    ("乐", "le"),
    ("富", "fu"),
    ("诚", "cheng"),
    ("鼎", "ding"),
    ("明", "ming"),
    ("众", "zhong"),
)
SUFFIXES = (
    ("科技有限公司", "Technology Co., Ltd."),
    ("金融信息服务有限公司", "Financial Information Services Co., Ltd."),
    ("数据科技有限公司", "Data Technology Co., Ltd."),
    ("网络科技有限公司", "Network Technology Co., Ltd."),
    ("信息技术有限公司", "Information Technology Co., Ltd."),
)
INVESTORS = (
    "Azure Pine Capital", "Copper Kite Ventures", "Granite Lotus Partners", "Misty Ridge Capital",
    "Golden Egret Fund", "Ninefold Bridge Ventures", "Pearl Delta Angels", "Silk Lantern Capital",
    "Tidewater Orchid Partners", "Cedar Harbor Growth", "Jade Compass Ventures",
    "Ironwood Bay Capital", "Lotus Gate Investment", "Crimson Peak Angels", "Amber River Partners",
    "Summit Tea Capital", "Bamboo Grove Ventures", "North Star Dragon Fund",
)  # fmt: skip
# CNY ranges (millions) by stage; stars draw their own (STAR_RANGES).
RANGES = {"angel": (1, 5), "seed": (3, 15), "A": (20, 100), "B": (80, 300), "C": (100, 500),
          "strategic": (30, 200)}  # fmt: skip
STAR_RANGES = {"seed": (5, 15), "A": (40, 120), "B": (120, 300), "C": (200, 450)}
NEXT_STAGE = {"angel": "seed", "seed": "A", "A": "B", "B": "C"}
# Approximate USD/CNY (month, rate) anchors; months between are interpolated.
FX_ANCHORS = (
    ("2010-01", 6.83), ("2010-06", 6.83), ("2010-12", 6.65), ("2011-06", 6.48),
    ("2011-12", 6.33), ("2012-12", 6.29), ("2013-06", 6.17), ("2013-12", 6.11),
    ("2014-06", 6.16), ("2014-12", 6.14), ("2015-07", 6.12), ("2015-09", 6.37),
    ("2015-12", 6.45), ("2016-06", 6.58), ("2016-12", 6.93), ("2017-06", 6.80),
    ("2017-12", 6.55), ("2018-03", 6.30), ("2018-06", 6.47), ("2018-10", 6.93),
    ("2019-06", 6.87), ("2019-09", 7.12), ("2019-12", 6.99), ("2020-05", 7.10),
    ("2020-12", 6.53), ("2021-06", 6.45), ("2021-12", 6.37), ("2022-03", 6.34),
    ("2022-06", 6.70), ("2022-10", 7.20), ("2022-12", 6.95), ("2023-06", 7.20),
    ("2023-09", 7.29), ("2023-12", 7.10), ("2024-06", 7.12), ("2024-12", 7.20),
    ("2025-03", 7.25), ("2025-06", 7.17), ("2025-12", 7.05), ("2026-06", 7.00),
)  # fmt: skip
FIRST_YEAR, YEAR_WEIGHTS = 2010, (3, 4, 5, 6, 7, 9, 9, 9, 8, 8, 7, 7, 6, 5, 5, 4)
_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _month(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def fx_rates(rng: random.Random) -> dict[tuple[int, int], Decimal]:
    """USD/CNY on the first of every month from 2010-01 to the demo's last month."""
    anchors = [(_month(m), rate) for m, rate in FX_ANCHORS]
    rates = {}
    for index in range(anchors[0][0], DEMO_END.year * 12 + DEMO_END.month):
        (m0, r0), (m1, r1) = next(
            (a, b) for a, b in itertools.pairwise(anchors) if a[0] <= index <= b[0]
        )
        rate = r0 + (r1 - r0) * (index - m0) / (m1 - m0) + rng.uniform(-0.012, 0.012)
        rates[(index // 12, index % 12 + 1)] = Decimal(f"{min(7.3, max(6.1, rate)):.4f}")
    return rates


def fx_rows(rates: dict[tuple[int, int], Decimal]) -> list[Fact]:
    return [
        {"on": date(y, m, 1), "base": "USD", "quote": "CNY", "rate": rate, "source": FX_SOURCE,
         "is_demo": True}
        for (y, m), rate in sorted(rates.items())
    ]  # fmt: skip


def org_code(rng: random.Random, founded: date) -> str:
    """A 9-character organisation code (GB 11714) with its check character."""
    if founded.year >= 2016:  # codes issued with the unified code since 2015 start "MA"
        body = "MA" + "".join(rng.choice(_ORG_CHARS) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(rng: random.Random, hub: str, founded: date) -> str:
    """ "91" (SAIC, enterprise) + region code + organisation code + check character."""
    prefix = "91" + rng.choice(REGION_CODES[hub]) + org_code(rng, founded)
    return prefix + stdnum_uscc.calc_check_digit(prefix)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _name(rng: random.Random, hub: str, taken: set[str]) -> tuple[str, str]:
    while True:
        (z1, p1), (z2, p2) = rng.sample(SYLLABLES, 2)
        zh_suffix, en_suffix = rng.choice(SUFFIXES)
        zh = f"{CITY_ZH[hub]}{z1}{z2}{zh_suffix}"
        en = f"{hub} {p1.capitalize()}{p2} {en_suffix}"
        if zh not in taken and en not in taken:
            taken.update((zh, en))
            return zh, en


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    """CNY millions in [low, high], to the nearest 10,000 yuan."""
    return Decimal(rng.randint(low * 100, high * 100) * 10_000)


def _round(rng: random.Random, rates: dict[tuple[int, int], Decimal], firm: int, on: date,
           stage: str, cny: Decimal, usd_share: float = 0.15) -> tuple[Fact, Decimal]:  # fmt: skip
    """A round worth about ``cny``, in USD with ``usd_share``; returns it and its CNY value."""
    rate = rates[(on.year, on.month)]
    currency, amount = "CNY", cny
    if rng.random() < usd_share:
        currency = "USD"
        amount = max(Decimal(10_000), (cny / rate / 10_000).to_integral_value() * 10_000)
    value = amount if currency == "CNY" else (amount * rate).quantize(Decimal("0.01"))
    investors = "; ".join(rng.sample(INVESTORS, rng.randint(1, 3)))
    row = {"firm": firm, "announced": on, "stage": stage, "amount": amount,
           "currency": currency, "investors": investors, "source": ROUND_SOURCE,
           "is_demo": True}  # fmt: skip
    return row, value


def _sector(rng: random.Random, hub: str) -> str:
    weights = [3 if s in FAVOURED[hub] else 1 for s in SECTORS]
    return rng.choices(SECTORS, weights=weights)[0]


def _star(rng: random.Random, rates: dict[tuple[int, int], Decimal], hub: str, index: int,
          crossing: date, taken: set[str]) -> tuple[Fact, list[Fact]]:  # fmt: skip
    founded = max(date(2010, 1, 4), crossing - timedelta(days=rng.randint(3 * 365, 7 * 365)))
    zh, en = _name(rng, hub, taken)
    stages = ["seed", "A", "B"] + (["C"] if rng.random() < 0.6 else [])
    span = (crossing - founded).days - 180
    rounds, total = [], Decimal(0)
    for k, stage in enumerate(stages):
        on = founded + timedelta(days=90 + span * k // len(stages) + rng.randint(0, 60))
        row, value = _round(rng, rates, index, on, stage, _amount(rng, *STAR_RANGES[stage]))
        rounds.append(row)
        total += value
    final = RENOWNED_AT - total + _amount(rng, 200, 800)
    rounds.append(_round(rng, rates, index, crossing, "D+", final, usd_share=0)[0])
    firm = {"hub": hub, "name_zh": zh, "name_en": en, "sector": _sector(rng, hub),
            "founded": founded, "employees": rng.randint(300, 3000), "status": "active",
            "renowned": True, "renowned_since": crossing,
            "renowned_criterion": RENOWNED_CRITERION}  # fmt: skip
    return firm, rounds


def _ordinary(rng: random.Random, rates: dict[tuple[int, int], Decimal], hub: str, index: int,
              taken: set[str]) -> tuple[Fact, list[Fact]]:  # fmt: skip
    year = rng.choices(range(FIRST_YEAR, FIRST_YEAR + len(YEAR_WEIGHTS)), YEAR_WEIGHTS)[0]
    founded = _day(rng, date(year, 1, 1), date(year, 12, 31))
    zh, en = _name(rng, hub, taken)
    closed_on = founded + timedelta(days=max(180, int(rng.expovariate(0.06) * 365)))
    status = "active"
    if closed_on <= DEMO_END:
        status = "acquired" if rng.random() < 0.2 else "closed"
    last = min(DEMO_END, closed_on - timedelta(days=30))
    rounds, total = [], Decimal(0)
    ladder = rng.choice(["angel", "seed"])  # angel -> seed -> A -> B -> C, strategic between
    stage = ladder
    on = founded + timedelta(days=rng.randint(60, 420))
    keep_going = rng.random() < 0.9
    while keep_going and on <= last:
        cny = _amount(rng, *RANGES[stage])
        if total + cny * Decimal("1.1") >= NON_STAR_CAP:
            break
        row, value = _round(rng, rates, index, on, stage, cny)
        rounds.append(row)
        total += value
        if stage == "C":
            break
        if stage != "strategic":
            ladder = NEXT_STAGE[ladder]
        stage = "strategic" if ladder in ("B", "C") and rng.random() < 0.1 else ladder
        on += timedelta(days=rng.randint(270, 900))
        keep_going = rng.random() < 0.72
    firm = {"hub": hub, "name_zh": zh, "name_en": en, "sector": _sector(rng, hub),
            "founded": founded, "employees": min(5000, max(3, int(math.exp(rng.gauss(3.3, 1.1))))),
            "status": status, "closed_on": None if status == "active" else closed_on}  # fmt: skip
    return firm, rounds


def generate_firms(
    rng: random.Random, rates: dict[tuple[int, int], Decimal]
) -> tuple[list[Fact], list[Fact]]:
    """About 400 firms over the four hubs and their rounds (``firm``: the firm's list index)."""
    firms: list[Fact] = []
    rounds: list[Fact] = []
    taken: set[str] = set()
    codes: set[str] = set()
    for hub, count in FIRMS_PER_HUB.items():
        crossings = [date.fromisoformat(d) for d in STAR_CROSSINGS[hub]]
        for k in range(count):
            if k < len(crossings):
                crossing = crossings[k] + timedelta(days=rng.randint(-30, 30))
                firm, firm_rounds = _star(rng, rates, hub, len(firms), crossing, taken)
            else:
                firm, firm_rounds = _ordinary(rng, rates, hub, len(firms), taken)
            while (code := make_uscc(rng, hub, firm["founded"])) in codes:
                pass
            codes.add(code)
            firm.update(uscc=code, source=FIRM_SOURCE, is_demo=True)
            firms.append(firm)
            rounds.extend(firm_rounds)
    return firms, rounds


def cny_value(row: dict[str, Any], rates: dict[tuple[int, int], Decimal]) -> Decimal:
    """A round's amount in CNY at its month's rate (as ``fund.funding`` converts it)."""
    if row["currency"] == "CNY":
        return Decimal(row["amount"])
    on: date = row["announced"]
    return (Decimal(row["amount"]) * rates[(on.year, on.month)]).quantize(Decimal("0.01"))
