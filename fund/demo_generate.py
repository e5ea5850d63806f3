"""The demo data set as plain rows: the seeds' facts plus deterministic generated rows.

``generate(seed)`` touches no database and no clock: the same seed gives the same rows, and
nothing is dated after ``DEMO_END``. Rows reference each other by name or list index (``hub``,
``park``, ``firm``); ``fund.demo`` resolves them to ids, validates and writes.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from fund import demo_facts as facts
from fund.demo_facts import DEMO_END, Fact
from fund.demo_firms import fx_rates, fx_rows, generate_firms

PARK_OPENING = {  # the years a hub's parks opened (demo assumption)
    "Beijing": (2018, 2021),
    "Shenzhen": (2020, 2024),
    "Dalian": (2018, 2020),
    "Hangzhou": (2016, 2022),
}
DEMO_PARK_SOURCE = "demo assumption: generated park (plausible district and coordinates)"
GFCI_SOURCE = (
    f"demo: generated GFCI rank (not the published figure); the published March 2020 ranks "
    f"are in {facts.SEED_SHENZHEN}"
)
DISBURSED_SOURCE = f"demo: generated disbursement path; the target is set by {facts.SEED_SHENZHEN}"
PLATFORMS_SOURCE = f"demo: generated delivery dates; the platforms are named in {facts.SEED_DALIAN}"
TRIAL_SOURCE = "demo: generated trial project (name and entities); the count is from {}"
AREA_ZH = {"finance": "金融", "healthcare": "医疗", "aged care": "养老", "agriculture": "农业"}
TECH_ZH = {
    "facial payments": "刷脸支付", "electronic welfare": "电子社保", "big data": "大数据",
    "electronic medicare cards": "医保电子凭证", "artificial intelligence": "人工智能",
    "regtech": "监管科技", "blockchain": "区块链", "cloud computing": "云计算",
}  # fmt: skip
REGTECH_USES = ("money-laundering detection", "fraudulent fund-raising detection",
                "late loan payment monitoring", "misappropriation of funds monitoring")  # fmt: skip


@dataclass
class DemoData:
    """Every row of the demo, by table, in the order they are written."""

    hubs: list[Fact] = field(default_factory=list)
    parks: list[Fact] = field(default_factory=list)
    firms: list[Fact] = field(default_factory=list)
    funding_rounds: list[Fact] = field(default_factory=list)
    trial_approvals: list[Fact] = field(default_factory=list)
    trial_projects: list[Fact] = field(default_factory=list)
    targets: list[Fact] = field(default_factory=list)
    observations: list[Fact] = field(default_factory=list)
    fx_rates: list[Fact] = field(default_factory=list)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _parks(rng: random.Random) -> list[Fact]:
    parks = copy.deepcopy(facts.PARKS)
    parks += [dict(p, source=DEMO_PARK_SOURCE, is_demo=True) for p in facts.DEMO_PARKS]
    by_hub: dict[str, list[Fact]] = {}
    for park in parks:
        by_hub.setdefault(park["hub"], []).append(park)
    for hub, rows in by_hub.items():
        first, last = PARK_OPENING[hub]
        days = sorted(_day(rng, date(first, 1, 1), date(last, 12, 31)) for _ in rows)
        for park, opened in zip(rows, days, strict=True):
            park["opened"] = opened
    return parks


def _place_firms(rng: random.Random, firms: list[Fact], parks: list[Fact]) -> None:
    """Put about a third of the generated firms in a park, then size the parks."""
    tenants = {p["name"]: 0 for p in parks}
    for firm in firms:
        if not firm.get("is_demo") or rng.random() >= 0.35:
            continue
        until = firm.get("closed_on") or DEMO_END
        choices = [p for p in parks if p["hub"] == firm["hub"] and p["opened"] <= until]
        if choices:
            park = rng.choice(choices)
            firm["park"] = park["name"]
            tenants[park["name"]] += firm["status"] == "active"
    for park in parks:
        park["occupancy"] = tenants[park["name"]] + rng.randint(0, 15)
        park["capacity"] = park["occupancy"] + rng.randint(10, 60)


def _projects(rng: random.Random, hub: str, count: int, entities: int | None,
              days: tuple[date, date], spec: Fact, firms: list[Fact],
              source: str) -> list[Fact]:  # fmt: skip
    """``count`` trial projects for ``hub`` whose entities sum to ``entities`` (or 1-3 each)."""
    sizes = [1] * count
    if entities is None:
        sizes = [rng.randint(1, 3) for _ in range(count)]
    else:
        while sum(sizes) < entities:
            k = rng.randrange(count)
            sizes[k] += sizes[k] < 4
    rows = []
    for i, size in enumerate(sizes, start=1):
        approved = days[1] if i == 1 else _day(rng, *days)
        tech = rng.sample(spec["technologies"], rng.choice((1, 1, 2)))
        area = rng.choice(spec.get("areas", ["finance"]))
        if tech[0] == "regtech":
            area = rng.choice(REGTECH_USES)
        local = [f["name_en"] for f in firms if f["hub"] == hub and f.get("is_demo")
                 and f["founded"] < approved
                 and not (f.get("closed_on") or DEMO_END) < approved]  # fmt: skip
        names = [f"{hub} demo bank {chr(65 + rng.randrange(8))}", *rng.sample(local, size - 1)]
        rows.append({
            "hub": hub, "entities": size, "approved": approved, "entity_names": "; ".join(names),
            "name": f"{hub} {area} {' and '.join(tech)} application (demo project {i})",
            "name_zh": f"{facts.HUBS_ZH[hub]}{AREA_ZH.get(area, '')}"
                       f"{''.join(TECH_ZH[t] for t in tech)}应用试点（演示项目{i}）",
            "technologies": ", ".join(tech),
            "status": "completed" if rng.random() < 0.5 else "testing",
            "source": TRIAL_SOURCE.format(source), "is_demo": True,
        })  # fmt: skip
    return rows


def _trials(rng: random.Random, firms: list[Fact]) -> list[Fact]:
    bj, sz, hz = facts.BEIJING_TRIAL, facts.SHENZHEN_TRIAL, facts.HANGZHOU_TRIAL
    rows = _projects(rng, "Beijing", bj["projects"], bj["entities"],
                     (date(2019, 6, 1), bj["revealed"]), bj, firms, bj["source"])  # fmt: skip
    rows += _projects(rng, "Shenzhen", sz["projects"], None,
                      (sz["started"], date(2020, 10, 31)), sz, firms, sz["source"])  # fmt: skip
    rows += _projects(rng, "Hangzhou", hz["projects"], None,
                      (date(2020, 3, 1), date(2021, 12, 31)), hz, firms, hz["source"])  # fmt: skip
    return rows


def _gfci(rng: random.Random) -> list[Fact]:
    """Demo GFCI ranks, March and September editions 2018-2026 (the seed's edition excepted)."""
    paths = {"Shenzhen": (14.0, 9.0), "Beijing": (10.0, 6.0)}  # rank in 2018 -> in 2026
    rows = []
    for year in range(2018, DEMO_END.year + 1):
        for month in (3, 9):
            on = date(year, month, 20)
            if on > DEMO_END or (year, month) == (2020, 3):
                continue
            for hub, (start, end) in paths.items():
                trend = start + (end - start) * (year - 2018 + (month - 3) / 12) / 8.5
                rank = max(1, round(trend + rng.gauss(0, 0.8)))
                rows.append({"hub": hub, "kpi_code": "gfci_rank", "observed_on": on,
                             "value": Decimal(rank), "note": "demo GFCI edition",
                             "source": GFCI_SOURCE, "is_demo": True})  # fmt: skip
    return rows


def _disbursed(rng: random.Random) -> list[Fact]:
    """Cumulative CDB financing disbursed in Shenzhen: quarter ends, fully drawn by 2025-09-30."""
    quarters = [date(y, m, d) for y in range(2020, 2027)
                for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))
                if date(2020, 12, 31) <= date(y, m, d) <= DEMO_END]  # fmt: skip
    drawing = [q for q in quarters if q <= date(2025, 9, 30)]
    weights = [rng.uniform(0.6, 1.4) * (1 + i * (len(drawing) - i)) for i in range(len(drawing))]
    total, running, rows = Decimal(10_000_000_000), 0.0, []
    for i, quarter in enumerate(quarters):
        running += weights[i] if i < len(weights) else 0
        share = min(1.0, running / sum(weights))
        value = (total * Decimal(f"{share:.4f}")).quantize(Decimal(1_000_000))
        rows.append({"hub": "Shenzhen", "kpi_code": "financing_disbursed", "observed_on": quarter,
                     "value": value, "note": "CDB - Guangming District agreement, cumulative",
                     "source": DISBURSED_SOURCE, "is_demo": True})  # fmt: skip
    return rows


def _platforms() -> list[Fact]:
    rows = []
    for year in range(2018, 2021):
        for on in (date(year, 6, 30), date(year, 12, 31)):
            live = [what for day, what in facts.DALIAN_PLATFORMS if day <= on]
            rows.append({"hub": "Dalian", "kpi_code": "platforms_delivered", "observed_on": on,
                         "value": Decimal(len(live)), "note": "; ".join(live) or "none live yet",
                         "source": PLATFORMS_SOURCE, "is_demo": True})  # fmt: skip
    return rows


def generate(seed: int) -> DemoData:
    """The whole demo data set for ``seed`` (facts first, then generated rows)."""
    rng = random.Random(seed)
    rates = fx_rates(rng)
    parks = _parks(rng)
    firms, rounds = generate_firms(rng, rates)
    firms = copy.deepcopy(facts.FIRMS) + firms
    offset = len(facts.FIRMS)
    for row in rounds:
        row["firm"] += offset
    _place_firms(rng, firms, parks)
    observations = copy.deepcopy(facts.OBSERVATIONS) + _gfci(rng) + _disbursed(rng)
    return DemoData(
        hubs=copy.deepcopy(facts.HUBS),
        parks=parks,
        firms=firms,
        funding_rounds=rounds,
        trial_approvals=copy.deepcopy(facts.TRIAL_APPROVALS),
        trial_projects=_trials(rng, firms),
        targets=copy.deepcopy(facts.TARGETS),
        observations=observations + _platforms(),
        fx_rates=fx_rows(rates),
    )
