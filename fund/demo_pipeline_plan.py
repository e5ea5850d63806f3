"""Plan the demo pipeline in memory: every deal, its dated steps, due diligence and committee.

``plan_pipeline`` takes plain facts read from the loaded demo (funds, firms, funding rounds and
each fund's first unreversed investment entry per company) and a seeded ``random.Random``, and
returns deals whose steps ``fund.demo_pipeline`` replays through the domain functions. No
database, no clock: the same facts and seed give the same plan on every backend.

Dates are drawn backwards from a deal's last step (an invested deal's is its investment entry's
date), one gap per step (``GAPS``); committee meetings fall on a fund's IC days (the second and
fourth Thursday of a month), so deals of the same weeks share a meeting.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from fund.demo_facts import DEMO_END
from fund.demo_pipeline_dd import dd_steps, projection, proposed_terms
from fund.demo_pipeline_facts import (
    ACCELERATORS,
    BEFORE_VINTAGE,
    CHANNEL_WEIGHTS,
    CONDITIONS,
    EVENTS,
    GAPS,
    HOLD_NOTES,
    HOME_SHARE,
    INBOUND,
    MOVE_NOTES,
    NEXT_STEPS,
    OPEN_SPAN,
    OTHER_HUBS,
    OWNERS,
    PASS_NOTES,
    REFERRERS,
    REGISTRY,
    REOPEN_NOTE,
    RESUME_NOTE,
    SCENARIOS,
    VOTE_NOTES,
)  # fmt: skip
from fund.demo_pipeline_model import (
    DealPlan,
    EntryFact,
    FirmFact,
    FundFact,
    PipelinePlan,
    RoundFact,
    Step,
)  # fmt: skip
from models.pipeline import STAGES

TRIES = 60
MIN_AGE = 180  # days a company exists before a deal opens
ROUND_SIZES = {"seed": (3, 10), "A": (20, 60)}  # CNY millions
LADDER = ("angel", "seed", "A", "B", "C", "D+")


def ic_day_before(day: date) -> date:
    """The latest second or fourth Thursday of a month on or before ``day``."""
    while not (day.weekday() == 3 and (day.day - 1) // 7 in (1, 3)):
        day -= timedelta(days=1)
    return day


def chain(outcome: str) -> list[str]:
    """The steps from opening to ``outcome`` (stages, "meeting", "resume", "reopen")."""
    if outcome == "reopen":
        return ["sourced", "screening", "passed", "reopen", "due_diligence"]
    if outcome == "hold-resume-pass":
        return ["sourced", "screening", "on_hold", "resume", "due_diligence", "passed"]
    if outcome == "decline":
        return [*chain("investment_committee"), "passed"]
    side, _, stage = outcome.partition("@")
    if stage:
        return [*chain(stage), "passed" if side == "pass" else "on_hold"]
    steps = list(STAGES[: STAGES.index(outcome) + 1])
    if outcome in STAGES[3:]:
        steps.insert(4, "meeting")
    return steps


def _dates(rng: random.Random, steps: list[str], last: date, lo: date, span: bool) -> list[date]:
    """Dates for ``steps`` ending on ``last``, drawn backwards; the first on or after ``lo``
    (and 3-9 months before ``last`` when ``span``), else spread evenly over the 90 days
    before ``last`` (or from ``lo`` when that is later)."""
    if steps[-1] == "meeting":
        last = ic_day_before(last)
    for _ in range(TRIES):
        days = [last]
        for later, earlier in zip(reversed(steps[1:]), reversed(steps[:-1]), strict=True):
            day = days[0] - timedelta(days=rng.randint(*GAPS[later]))
            days.insert(0, ic_day_before(day) if earlier == "meeting" else day)
        length = (last - days[0]).days
        if days[0] >= lo and (not span or OPEN_SPAN[0] <= length <= OPEN_SPAN[1]):
            return days
    first = min(max(lo, last - timedelta(days=OPEN_SPAN[0])), last)
    width = (last - first).days
    return [first + timedelta(days=width * n // (len(steps) - 1 or 1)) for n in range(len(steps))]


def _source(rng: random.Random, fund: str, hub: str, sector: str, year: int) -> tuple[str, str]:
    channels, weights = zip(*CHANNEL_WEIGHTS.items(), strict=True)
    channel = rng.choices(channels, weights)[0]
    detail = {
        "referral": lambda: f"referred by {rng.choice(REFERRERS[fund])}",
        "event": lambda: EVENTS[fund].format(year=year),
        "accelerator": lambda: rng.choice(ACCELERATORS[fund]).format(year=year),
        "registry search": lambda: REGISTRY.format(sector=sector, city=hub, year=year),
        "inbound": lambda: rng.choice(INBOUND),
    }[channel]()
    return channel, detail


def _round(rng: random.Random, firm: FirmFact, rounds: list[RoundFact], opened: date
           ) -> tuple[str, Decimal, str]:  # fmt: skip
    """The round the company raised within 9 months of the opening, else the step after its
    last round (2-3 times its size), else a seed or A round by the company's age."""
    for r in rounds:
        if opened - timedelta(days=30) <= r.announced <= opened + timedelta(days=270):
            return r.stage, r.amount, r.currency
    before = [r for r in rounds if r.announced < opened and r.stage in LADDER[:-1]]
    if before:
        last = before[-1]
        amount = last.amount * Decimal(str(round(rng.uniform(1.8, 3.0), 1)))
        stage = LADDER[LADDER.index(last.stage) + 1]
        return stage, (amount / 100_000).quantize(Decimal(1)) * 100_000, last.currency
    age = (opened - (firm.founded or opened)).days / 365
    stage = "seed" if age < 2 else "A"
    return stage, Decimal(rng.randint(*ROUND_SIZES[stage]) * 1_000_000), "CNY"


def _decision(rng: random.Random, outcome: str, nth: int) -> str | None:
    """The committee's decision on the ``nth`` deal (from 0) with this outcome."""
    if outcome == "investment_committee":
        return None
    if outcome == "decline":
        return "decline"
    if outcome == "term_sheet":  # one of each, then alternating
        return ("approve", "approve with conditions")[nth % 2]
    return "approve with conditions" if rng.random() < 0.4 else "approve"


def _votes(rng: random.Random, members: int, decision: str) -> list[tuple[int, str, str | None]]:
    """(member index, vote, note): approvals carry at most one dissent, a decline a majority."""
    votes = ["approve"] * members
    if decision == "decline":
        votes = ["decline"] * (members // 2 + 1) + ["approve"] * (members - members // 2 - 1)
    elif rng.random() < 0.35:
        votes[-1] = "decline" if decision == "approve with conditions" else "abstain"
    order = rng.sample(range(members), members)
    return [(order[i], v, VOTE_NOTES.get(v)) for i, v in enumerate(votes)]


def _meeting_steps(rng: random.Random, deal: DealPlan, day: date, members: int, nth: int,
                   terms: str, after: date) -> list[Step]:  # fmt: skip
    steps = [Step("agenda", day, {"terms": terms})]
    decision = _decision(rng, deal.outcome, nth)
    if decision is None:
        return steps
    conditions = (
        rng.sample(CONDITIONS, rng.randint(1, 2)) if decision == "approve with conditions" else []
    )
    steps += [Step("vote", day, {"member": m, "vote": v, "note": n})
              for m, v, n in _votes(rng, members, decision)]  # fmt: skip
    steps.append(Step("decide", day, {"decision": decision, "conditions": conditions}))
    for i in range(len(conditions)):
        if rng.random() < 0.8:
            done = day + timedelta(days=rng.randint(7, 90))
            steps.append(Step("condition", min(done, after), {"index": i}))
    return steps


def _deal_steps(rng: random.Random, deal: DealPlan, kinds: list[str], days: list[date],
                members: int, nth: int, entry: EntryFact | None) -> list[Step]:  # fmt: skip
    """The deal's writes, in order (the opening itself is the deal's ``opened_on``)."""
    steps: list[Step] = []
    later: list[Step] = []  # conditions completed, written after the deal's last move
    reason = deal.reason
    invest = projection(rng, deal, entry)
    for i, (kind, day) in enumerate(zip(kinds, days, strict=True)):
        rest = kinds[i + 1 :]
        if kind in STAGES[1:]:
            note = MOVE_NOTES.get(kind) if rng.random() < 0.6 or kind == "invested" else None
            data = {"to": kind, "note": note, "entry_id": entry.id if entry and kind == "invested"
                    else None}  # fmt: skip
            steps.append(Step("move", day, data))
        if kind == "due_diligence":
            until = days[i + 1] if rest else DEMO_END
            steps += dd_steps(rng, deal, day, until, complete="investment_committee" in rest,
                              reason=reason, projection=invest)  # fmt: skip
        elif kind == "meeting":
            after = min(days[-1] + timedelta(days=60), DEMO_END)
            for step in _meeting_steps(rng, deal, day, members, nth,
                                       proposed_terms(deal, invest), after):  # fmt: skip
                (later if step.kind == "condition" else steps).append(step)
        elif kind == "passed":
            note = rng.choice(PASS_NOTES[reason or "other"])
            steps.append(Step("pass", day, {"reason": reason, "note": note}))
        elif kind == "on_hold":
            steps.append(Step("hold", day, {"note": rng.choice(HOLD_NOTES)}))
        elif kind in ("resume", "reopen"):
            note = RESUME_NOTE if kind == "resume" else REOPEN_NOTE
            steps.append(Step(kind, day, {"note": note}))
    return steps + later


def _deal(rng: random.Random, fund: FundFact, firm: FirmFact, rounds: list[RoundFact],
          outcome: str, days: list[date], entry: EntryFact | None) -> DealPlan:  # fmt: skip
    opened = days[0]
    channel, detail = _source(rng, fund.name, firm.hub, firm.sector, opened.year)
    if entry is not None:
        found = [r for r in rounds if r.id == entry.funding_round_id]
        stage, amount, currency = (
            (found[0].stage, found[0].amount, found[0].currency) if found
            else (entry.round_stage or "A", entry.amount, entry.currency)
        )  # fmt: skip
    else:
        stage, amount, currency = _round(rng, firm, rounds, opened)
    current = "on_hold" if outcome.startswith("hold@") else outcome
    step = NEXT_STEPS.get("due_diligence" if outcome == "reopen" else current)
    return DealPlan(
        fund=fund.name, firm_id=firm.id, owner=rng.choice(OWNERS[fund.name]), channel=channel,
        detail=detail, round_sought=stage, amount_sought=amount, currency=currency,
        opened_on=opened, next_step=step,
        next_step_on=min(days[-1] + timedelta(days=rng.randint(5, 21)), DEMO_END) if step else None,
        outcome=outcome, sector=firm.sector,
    )  # fmt: skip


def _pick_firm(rng: random.Random, fund: FundFact, firms: list[FirmFact], used: set[int],
               opened: date, last: date) -> FirmFact | None:  # fmt: skip
    def fits(f: FirmFact) -> bool:
        alive = f.closed_on is None or f.closed_on > last + timedelta(days=30)
        old = f.founded is not None and f.founded <= opened - timedelta(days=MIN_AGE)
        return f.id not in used and alive and old

    home = [f for f in firms if f.hub == fund.hub and fits(f)]
    away = [f for f in firms if f.hub in OTHER_HUBS[fund.name] and fits(f)]
    first, second = (home, away) if rng.random() < HOME_SHARE else (away, home)
    pool = first or second
    return rng.choice(pool) if pool else None


def plan_pipeline(rng: random.Random, funds: list[FundFact], firms: list[FirmFact],
                  rounds: list[RoundFact], entries: list[EntryFact],
                  members: dict[str, int]) -> PipelinePlan:  # fmt: skip
    """The demo deals: one invested deal per entry in ``entries``, then ``SCENARIOS``."""
    by_name = {f.name: f for f in funds}
    by_id = {f.id: f for f in firms}
    rounds_of: dict[int, list[RoundFact]] = {}
    for r in sorted(rounds, key=lambda r: (r.announced, r.id)):
        rounds_of.setdefault(r.firm_id, []).append(r)
    used = {e.firm_id for e in entries}
    todo: list[tuple[FundFact, str, str | None, EntryFact | None, tuple[date, date] | None]] = [
        (by_name[e.fund], "invested", None, e, None) for e in entries if e.fund in by_name
    ]
    todo += [(by_name[f], o, r, None, w) for f, o, w, r in SCENARIOS if f in by_name]
    deals: list[DealPlan] = []
    for fund, outcome, reason, entry, window in todo:
        nth = sum(1 for d in deals if d.outcome == outcome)
        kinds = chain(outcome)
        lo = fund.vintage - timedelta(days=BEFORE_VINTAGE)
        if entry is not None:
            firm = by_id[entry.firm_id]
            start = max(lo, (firm.founded or lo) + timedelta(days=30))
            days = _dates(rng, kinds, entry.entry_date, start, span=True)
        else:
            assert window is not None
            for _ in range(TRIES):
                last = window[0] + timedelta(days=rng.randint(0, (window[1] - window[0]).days))
                days = _dates(rng, kinds, last, lo, span=False)
                if (found := _pick_firm(rng, fund, firms, used, days[0], last)) is not None:
                    break
            else:
                raise ValueError(f"no company fits a {outcome} deal of {fund.name}")
            firm = found
            used.add(firm.id)
        deal = _deal(rng, fund, firm, rounds_of.get(firm.id, []), outcome, days, entry)
        deal.reason = reason
        deal.steps = _deal_steps(rng, deal, kinds, days, members[fund.name], nth, entry)
        deals.append(deal)
    meetings: dict[str, list[date]] = {}
    for deal in deals:
        for step in deal.steps:
            if step.kind == "agenda" and step.on is not None:
                meetings.setdefault(deal.fund, []).append(step.on)
    deals.sort(key=lambda d: (d.opened_on, d.fund, d.firm_id))
    return PipelinePlan(deals, {f: sorted(set(days)) for f, days in meetings.items()})
