"""The demo funds: plan every fund-side row in memory, validate it, then write it.

``plan_demo_funds`` builds, from the hub demo rows of a seed (no database, no clock), the two
demo funds (``fund.demo_fund_facts``: the Dalian internet finance development fund of seed
000 and a younger Shenzhen fund), their LPs and commitments, their histories
(``fund.demo_fund_portfolio``, ``fund.demo_fund_history``, ``fund.demo_fund_marks``,
``fund.demo_fund_corrections``), company reports and a synthetic benchmark
(``fund.demo_fund_monitoring``), and validates each row through its ``...Create`` model.
``write_demo_funds`` then writes the funds, the ledger through ``fund.ledger`` (every check
applies, the audit log records each entry, ``recorded_by`` is ``admin:demo``), the marks and
the reports. Ledger rows keep ``is_demo`` False: the ``record_*`` functions do not take it;
every demo ledger memo starts with "demo:".
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel, select

from fund import ledger
from fund.access import Actor
from fund.demo_facts import DEMO_END, Fact
from fund.demo_fund_corrections import with_reversals
from fund.demo_fund_facts import COMMITMENT_SOURCE, FUNDS, LAGGARDS, LPS, METRICS, SHARES, fund_spec
from fund.demo_fund_history import History, LedgerOp, run_history
from fund.demo_fund_monitoring import BENCHMARK, company_reports, index_levels
from fund.demo_fund_portfolio import FundSpec, Rates, Round, plan_portfolio, rounds_by_firm
from fund.demo_generate import DemoData
from models.fund import Commitment, CommitmentCreate, Fund, FundCreate, Lp, LpCreate
from models.hub import Firm, FundingRound, Hub
from models.ledger import LedgerEntry
from models.ledger_inputs import (
    CapitalCallCreate,
    DistributionCreate,
    FundPaymentCreate,
    InvestmentCreate,
    ProceedsCreate,
    ReversalCreate,
    WriteOffCreate,
)
from models.monitoring import CompanyReport, CompanyReportBase, MetricDefinition
from models.validation import InputError, check
from models.valuation import BenchmarkIndex, IndexLevel, ValuationMark, ValuationMarkCreate

DEMO_ACTOR = Actor(name="demo", role="admin")

# summary field -> table, in the order ``fund.demo.clear_demo`` deletes them (the ledger is
# append-only: it is never deleted, a database holding entries is not reloaded).
FUND_TABLES: dict[str, type[SQLModel]] = {
    "company_reports": CompanyReport,
    "metric_definitions": MetricDefinition,
    "valuation_marks": ValuationMark,
    "index_levels": IndexLevel,
    "benchmark_indexes": BenchmarkIndex,
    "ledger_entries": LedgerEntry,
    "commitments": Commitment,
    "lps": Lp,
    "funds": Fund,
}
INPUTS: dict[str, tuple[type[SQLModel], Any, str]] = {
    "call": (CapitalCallCreate, ledger.record_call, "call_in"),
    "distribution": (DistributionCreate, ledger.record_distribution, "distribution_in"),
    "payment": (FundPaymentCreate, ledger.record_fund_payment, "payment_in"),
    "investment": (InvestmentCreate, ledger.record_investment, "investment_in"),
    "proceeds": (ProceedsCreate, ledger.record_proceeds, "proceeds_in"),
    "write_off": (WriteOffCreate, ledger.record_write_off, "write_off_in"),
    "reversal": (ReversalCreate, ledger.reverse_entry, "reversal_in"),
}
PLACEHOLDER_ID = 1  # ids while validating, before the rows they name exist
METRIC_CODE = re.compile(r"[a-z0-9_]{1,40}")
# Ledger entries ``load_demo()`` writes with the default seed, by type (mistakes and their
# reversals included: 2 capital calls and 1 investment, each reversed and re-recorded).
DEMO_LEDGER_COUNTS: dict[str, int] = {
    "capital_call": 534, "fund_payment": 81, "distribution": 55, "investment": 43,
    "proceeds": 8, "write_off": 3,
}  # fmt: skip
DEMO_REVERSALS = 3
# The comparables' half-yearly drift, tried in turn (``plan_history``).
DRIFTS = (-0.03, -0.06, -0.09, -0.12, -0.16, -0.2, -0.25, -0.3)


@dataclass
class FundsPlan:
    """Every fund-side row of the demo, validated, with names and list indexes for ids."""

    funds: list[Fact] = field(default_factory=list)
    lps: list[Fact] = field(default_factory=list)
    commitments: list[Fact] = field(default_factory=list)
    metrics: list[Fact] = field(default_factory=list)
    index_levels: list[Fact] = field(default_factory=list)
    ops: list[tuple[str, LedgerOp]] = field(default_factory=list)  # (fund name, operation)
    marks: list[Fact] = field(default_factory=list)
    reports: list[Fact] = field(default_factory=list)


def _rates(data: DemoData) -> dict[tuple[int, int], Decimal]:
    return {
        (r["on"].year, r["on"].month): Decimal(r["rate"])
        for r in data.fx_rates
        if (r["base"], r["quote"]) == ("USD", "CNY")
    }


def tvpi(history: History) -> float:
    """(distributions + the marks at the demo's end) / capital called, as planned."""
    called = sum(op.fields["amount"] for op in history.ops if op.kind == "call")
    paid = sum(op.fields["amount"] for op in history.ops if op.kind == "distribution")
    nav = sum(m["fair_value"] for m in history.marks if m["valued_on"] == DEMO_END)
    return float((paid + nav) / called) if called else 0.0


def plan_history(
    rng: random.Random, spec: FundSpec, firms: list[Fact], by_firm: dict[int, list[Round]],
    rates: Rates,
) -> History:  # fmt: skip
    """A fund's history: its portfolio, its ledger operations in the order they are keyed in
    (mistakes and their reversals included) and its marks. The comparables' drift is the
    first of ``DRIFTS`` that brings the fund's TVPI at the demo's end into the spec's band
    (the drift moves marks only: the cash flows are the same for every drift).
    """
    state = rng.getstate()
    for drift in DRIFTS:
        rng.setstate(state)
        holdings = plan_portfolio(rng, spec, firms, by_firm, rates)
        history = run_history(rng, spec, holdings, rates, drift)
        if spec.tvpi is None or spec.tvpi[0] <= tvpi(history) <= spec.tvpi[1]:
            break
    history.ops = with_reversals(rng, spec, history.ops)
    return history


def plan_demo_funds(data: DemoData, seed: int) -> FundsPlan:
    """The fund-side demo rows for the hub demo ``data`` of ``seed``, each validated."""
    rng = random.Random(f"hubfund demo funds {seed}")
    sizes = {fund["name"]: fund["size"] for fund in FUNDS}
    vintages = {fund["name"]: fund["vintage"] for fund in FUNDS}
    plan = FundsPlan(
        funds=[dict(f) for f in FUNDS],
        lps=[dict(lp) for lp in LPS],
        commitments=[
            {
                "fund": fund,
                "lp": lp,
                "amount": sizes[fund] * share,
                "committed_on": vintages[fund],
                "source": COMMITMENT_SOURCE,
                "is_demo": True,
            }
            for fund, lp, share in SHARES
        ],
        metrics=[dict(m) for m in METRICS],
        index_levels=index_levels(rng),
    )
    rates = _rates(data)
    by_firm = rounds_by_firm(rng, data.funding_rounds, rates)
    for spec in [fund_spec(fund) for fund in plan.funds]:
        history = plan_history(rng, spec, data.firms, by_firm, rates)
        plan.ops += [(spec.name, op) for op in history.ops]
        plan.marks += history.marks
        codes = tuple(m["code"] for m in METRICS if m["fund"] == spec.name)
        plan.reports += company_reports(
            rng, spec.name, history.holdings, LAGGARDS[spec.name], codes
        )
    check_plan(plan, data)
    return plan


def _op_input(op: LedgerOp, fund_id: int, ids: dict[str, Any]) -> SQLModel:
    create = INPUTS[op.kind][0]
    if op.kind == "reversal":
        entry_id = ids["entries"].get(op.reverses, PLACEHOLDER_ID)
        return check(create, {"entry_id": entry_id, "entry_date": op.entry_date, **op.fields})
    values = {k: v for k, v in op.fields.items() if k not in ("lp", "firm", "round")}
    if "lp" in op.fields:
        values["lp_id"] = ids["lps"].get(op.fields["lp"], PLACEHOLDER_ID)
    if "firm" in op.fields:
        values["firm_id"] = ids["firms"].get(op.fields["firm"], PLACEHOLDER_ID)
    if "round" in op.fields:
        values["funding_round_id"] = ids["rounds"].get(op.fields["round"], PLACEHOLDER_ID)
    return check(create, {"fund_id": fund_id, "entry_date": op.entry_date, **values})


def _checked(label: str, create: type[SQLModel], row: Fact) -> SQLModel:
    try:
        return check(create, row)
    except InputError as exc:
        raise InputError(f"demo {label}: {exc}") from None


def check_plan(plan: FundsPlan, data: DemoData) -> None:
    """Validate every planned row through its ``...Create`` model, or raise ``InputError``
    naming the row, the field and the value."""
    hubs = {hub["name"] for hub in data.hubs}
    for fund in plan.funds:
        if fund["hub"] not in hubs:
            raise InputError(f"demo fund {fund['name']}: hub: {fund['hub']!r} is not a demo hub")
        _checked(f"fund {fund['name']}", FundCreate, _without(fund, hub_id=PLACEHOLDER_ID))
    for lp in plan.lps:
        _checked(f"LP {lp['name']}", LpCreate, lp)
    for fund in plan.funds:
        promised = [c["amount"] for c in plan.commitments if c["fund"] == fund["name"]]
        if sum(promised) != fund["size"]:
            raise InputError(
                f"demo fund {fund['name']}: commitments {sum(promised):,} are not "
                f"its size {fund['size']:,}"
            )
    for c in plan.commitments:
        row = _without(c, fund_id=PLACEHOLDER_ID, lp_id=PLACEHOLDER_ID)
        _checked(f"commitment {c['lp']} to {c['fund']}", CommitmentCreate, row)
    no_ids: dict[str, Any] = {"entries": {}, "lps": {}, "firms": {}, "rounds": {}}
    for fund, op in plan.ops:
        try:
            _op_input(op, PLACEHOLDER_ID, no_ids)
        except InputError as exc:
            raise InputError(f"demo {fund} {op.kind} of {op.entry_date}: {exc}") from None
    for mark in plan.marks:
        row = _without(mark, fund_id=PLACEHOLDER_ID, firm_id=PLACEHOLDER_ID)
        _checked(f"mark of {mark['valued_on']}", ValuationMarkCreate, row)
    for report in plan.reports:
        row = _without(report, fund_id=PLACEHOLDER_ID, firm_id=PLACEHOLDER_ID)
        _checked(f"report of {report['period_end']}", CompanyReportBase, row)
        if unknown := set(report["metrics"]) - {m["code"] for m in plan.metrics}:
            raise InputError(f"demo report of {report['period_end']}: metrics: {unknown}")
    for metric in plan.metrics:
        if not METRIC_CODE.fullmatch(metric["code"]):
            raise InputError(f"demo metric: code: {metric['code']!r} is not a-z, 0-9 and _")
    for level in plan.index_levels:
        if not level["level"] > 0:
            raise InputError(f"demo index level of {level['on']}: level: {level['level']}")


def _without(row: Fact, **ids: int) -> Fact:
    """``row`` with its names (``fund``, ``lp``, ``firm``, ``hub``) replaced by ``ids``."""
    return {k: v for k, v in row.items() if k not in ("fund", "lp", "firm", "hub")} | ids


def _ids(session: Session, data: DemoData) -> dict[str, Any]:
    """Hub names, firm and round list indexes of ``data`` -> the ids they were written with."""
    hubs = {h.name: h.id for h in session.exec(select(Hub)).all()}
    by_name = {(f.name_en, f.name_zh): f.id for f in session.exec(select(Firm)).all()}
    firms = {i: by_name[(f.get("name_en"), f.get("name_zh"))] for i, f in enumerate(data.firms)}
    by_key = {
        (r.firm_id, r.announced, r.stage, r.amount, r.currency): r.id
        for r in session.exec(select(FundingRound)).all()
    }
    rounds = {
        i: by_key[
            (firms[r["firm"]], r["announced"], r["stage"], Decimal(r["amount"]), r["currency"])
        ]
        for i, r in enumerate(data.funding_rounds)
    }
    return {"hubs": hubs, "firms": firms, "rounds": rounds, "lps": {}, "funds": {}, "entries": {}}


def write_demo_funds(
    *, session: Session, plan: FundsPlan, data: DemoData, actor: Actor = DEMO_ACTOR
) -> None:
    """Write the planned rows (the hub demo ``data`` already written) through ``session``."""
    ids = _ids(session, data)
    lps = [Lp.model_validate(lp) for lp in plan.lps]
    funds = [Fund.model_validate(_without(f, hub_id=ids["hubs"][f["hub"]])) for f in plan.funds]
    session.add_all([*lps, *funds])
    session.flush()
    ids["lps"] = {lp.name: lp.id for lp in lps}
    ids["funds"] = {fund.name: fund.id for fund in funds}
    session.add_all(
        [
            Commitment.model_validate(
                _without(c, fund_id=ids["funds"][c["fund"]], lp_id=ids["lps"][c["lp"]])
            )
            for c in plan.commitments
        ]
        + [
            MetricDefinition.model_validate(_without(m, fund_id=ids["funds"][m["fund"]]))
            for m in plan.metrics
        ]
        + [BenchmarkIndex.model_validate(BENCHMARK)]
    )
    session.flush()
    session.add_all([IndexLevel.model_validate(level) for level in plan.index_levels])
    for fund, op in plan.ops:
        _, record, keyword = INPUTS[op.kind]
        entry = record(
            session=session, actor=actor, **{keyword: _op_input(op, ids["funds"][fund], ids)}
        )
        if op.key:
            ids["entries"][op.key] = entry.id
    rows = [(ValuationMark, m) for m in plan.marks] + [(CompanyReport, r) for r in plan.reports]
    session.add_all(
        [
            table.model_validate(
                _without(row, fund_id=ids["funds"][row["fund"]], firm_id=ids["firms"][row["firm"]])
            )
            for table, row in rows
        ]
    )
    session.flush()
