"""The demo pipeline's due diligence: checklist progress, findings, red flags, scores and the
projection of a planned deal (``fund.demo_pipeline_plan``), as steps to replay.

A deal that goes on to the investment committee gets a complete due diligence: every template
item done (or not applicable), a finding with an evidence link per area, sometimes a red flag
raised then resolved or waived, every scored area scored, and a projection. A deal that stops
in due diligence gets part of it: the first items done, a few in progress, some areas scored,
and sometimes an open red flag (always for a deal passed for regulatory risk).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from fund.dd_templates import CHECKLIST_TEMPLATES
from fund.demo_facts import DEMO_END
from fund.demo_pipeline_facts import FINDINGS, RED_FLAGS
from fund.demo_pipeline_model import DealPlan, EntryFact, Step
from fund.diligence import SCORED_AREAS
from fund.projection import ProjectionInput, YearLine

MOIC = {"invested": (2.5, 6.0), "term_sheet": (2.5, 5.0), "investment_committee": (2.0, 5.0),
        "pass@term_sheet": (2.5, 4.5), "decline": (0.8, 1.8)}  # fmt: skip
CHEQUE = Decimal(100_000)  # a planned cheque is rounded to this
MAX_CHEQUE = Decimal(100_000_000)
LICENSED = ("lending", "supply-chain finance", "digital banking")
REASON_AREA = {"team": "team", "regulatory risk": "regulatory", "traction": "market",
               "market too small": "market", "valuation": "financials"}  # fmt: skip
QUALITY = {"invested": (3.4, 4.5), "term_sheet": (3.3, 4.3), "investment_committee": (3.3, 4.2),
           "pass@term_sheet": (3.4, 4.2), "decline": (2.3, 3.0)}  # fmt: skip
EVIDENCE = "https://dataroom.example.com/{fund}/company-{firm}/{area}"


def _step(kind: str, on: date | None = None, **data: object) -> Step:
    return Step(kind, on, dict(data))


def _status(rng: random.Random, title: str, sector: str) -> str:
    skip = title.startswith("Cross-border") and rng.random() < 0.6
    skip |= title.startswith("Work with licensed institutions") and sector not in LICENSED
    return "not applicable" if skip else "done"


def _scores(rng: random.Random, deal: DealPlan, areas: tuple[str, ...]) -> list[Step]:
    low, high = QUALITY.get(deal.outcome, (2.6, 4.0))
    quality, weak = rng.uniform(low, high), REASON_AREA.get(deal.reason or "")
    steps = []
    for area in areas:
        value = 2 if area == weak else max(1, min(5, round(rng.gauss(quality, 0.6))))
        steps.append(_step("score", area=area, value=value))
    return steps


def dd_steps(rng: random.Random, deal: DealPlan, start: date, until: date, *, complete: bool,
             reason: str | None, projection: ProjectionInput) -> list[Step]:  # fmt: skip
    """The due-diligence writes of a deal that entered due diligence on ``start`` and left it
    (or is still in it) on ``until``."""
    items = [(area, title) for area, titles in CHECKLIST_TEMPLATES.items() for title in titles]
    steps = [_step("dd_start", start)]
    fund = "dalian" if "Dalian" in deal.fund else "shenzhen"
    span = max(1, (min(until, DEMO_END) - start).days)
    if complete:
        noted = {area: rng.choice(titles) for area, titles in CHECKLIST_TEMPLATES.items()}
        for area, title in items:
            status = _status(rng, title, deal.sector)
            found = noted[area] == title and status == "done"
            steps.append(_step(
                "item", area=area, title=title, status=status,
                due_on=start + timedelta(days=rng.randint(1, span)),
                finding=rng.choice(FINDINGS[area]) if found else None,
                evidence_url=EVIDENCE.format(fund=fund, firm=deal.firm_id, area=area)
                if found else None,
            ))  # fmt: skip
        if deal.outcome == "decline" or rng.random() < 0.35:
            prefix, finding, how, waive = rng.choice(RED_FLAGS)
            steps += [_step("flag", prefix=prefix, finding=finding),
                      _step("resolve", prefix=prefix, how=how, waive=waive)]  # fmt: skip
        return [*steps, *_scores(rng, deal, SCORED_AREAS), _step("projection", input=projection)]
    done = round(len(items) * rng.uniform(0.3, 0.85))
    busy = rng.randint(2, 4)
    for n, (area, title) in enumerate(items[: done + busy]):
        status = _status(rng, title, deal.sector) if n < done else "in progress"
        due = start + timedelta(days=rng.randint(1, span))
        steps.append(_step("item", area=area, title=title, status=status, due_on=due,
                           finding=None, evidence_url=None))  # fmt: skip
    scored = [a for a in SCORED_AREAS if all(i < done for i, (b, _) in enumerate(items) if b == a)]
    steps += _scores(rng, deal, tuple(scored))
    if reason == "regulatory risk" or (deal.outcome != "reopen" and rng.random() < 0.4):
        prefix, finding, _, _ = RED_FLAGS[0 if reason == "regulatory risk" else 4]
        steps.append(_step("flag", prefix=prefix, finding=finding))
    return steps


def projection(rng: random.Random, deal: DealPlan, entry: EntryFact | None) -> ProjectionInput:
    """Five years of revenue and costs from the year after the opening, the fund's cheque and
    stake (the investment entry's, else 15-35 % of the round sought at a post-money of 4-8
    times the round) and an exit multiple; revenue is scaled so that the exit is worth
    ``MOIC`` times the post-money (less for a deal the committee declines)."""
    if entry is not None:
        cheque, ownership = entry.amount, entry.ownership
        post = entry.post_money or (cheque / ownership if ownership else cheque * 10)
    else:
        sought = deal.amount_sought or Decimal(10_000_000)
        cheque = (sought * Decimal(str(round(rng.uniform(0.15, 0.35), 2))) / CHEQUE).quantize(
            Decimal(1)
        ) * CHEQUE
        cheque = min(cheque, MAX_CHEQUE)
        post = sought / Decimal(str(round(rng.uniform(0.12, 0.25), 2)))
        ownership = None
    if ownership is None or ownership <= 0:
        ownership = (cheque / post).quantize(Decimal("0.0001"))
    multiple = rng.choice((3, 4, 5, 6, 8))
    revenue = float(post) * rng.uniform(*MOIC.get(deal.outcome, (1.5, 4.0))) / multiple
    growth, cost, target = rng.uniform(0.3, 0.7), rng.uniform(1.1, 1.5), rng.uniform(0.72, 0.88)
    rates = [growth * 0.8**n for n in range(4)]
    lines: list[YearLine] = []
    for n in range(4, -1, -1):  # backwards from the exit year
        costs = revenue * (cost + (target - cost) * n / 4)
        lines.insert(
            0, YearLine(deal.opened_on.year + 1 + n, _thousands(revenue), _thousands(costs))
        )
        revenue /= 1 + rates[n - 1] if n else 1
    return ProjectionInput(
        currency=deal.currency,
        discount_rate=Decimal(rng.choice(("0.15", "0.18", "0.20", "0.25"))),
        exit_multiple=Decimal(multiple), years=tuple(lines), investment=cheque,
        ownership=ownership,
    )  # fmt: skip


def _thousands(value: float) -> Decimal:
    return Decimal(round(value / 1000) * 1000)


def proposed_terms(deal: DealPlan, p: ProjectionInput) -> str:
    """The terms put to the committee, from the cheque and stake of the projection."""
    millions = f"{p.currency} {p.investment / 1_000_000:,.2f}M"
    stake = f"{float(p.ownership) * 100:.1f} %"
    return (
        f"{millions} for {stake} in the {deal.round_sought or '?'} round, ordinary preferred "
        "shares with a 1x non-participating liquidation preference; one board seat, "
        "information and pro-rata rights."
    )
