"""Load the demo data set: the seed articles' facts plus deterministic generated rows.

Every row goes through its ``...Create`` model before anything is written, so a bad fact is
refused with a message naming the row, the field and the value, and the database is left as
it was. Writes go through the caller's session (one transaction; the audit log records them).
The hub side is written first, then the fund side (``fund.demo_funds``: funds, LPs, ledger
through ``fund.ledger``, marks, reports, a synthetic benchmark), then the deal pipeline
(``fund.demo_pipeline``: deals, due diligence and the investment committee, through the domain
functions). The ledger and the deal history are append-only, so a database holding ledger
entries or stage changes is never reloaded: load the demo into a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session, SQLModel, func, select

from fund.demo_funds import FUND_TABLES, plan_demo_funds, write_demo_funds
from fund.demo_generate import DemoData, generate
from fund.demo_pipeline import PIPELINE_TABLES, clear_pipeline, load_demo_pipeline
from models.fx import FxRate, FxRateCreate
from models.hub import (
    Firm,
    FirmCreate,
    FundingRound,
    FundingRoundCreate,
    Hub,
    HubCreate,
    Park,
    ParkCreate,
    TrialApproval,
    TrialApprovalCreate,
    TrialProject,
    TrialProjectCreate,
)
from models.kpi import KpiObservation, KpiObservationCreate, Target, TargetCreate
from models.queries import kpi_by_code
from models.validation import InputError, check

DEMO_SEED = 20191207  # the day the Beijing trial's 46 projects were revealed (seed 002)


@dataclass(frozen=True)
class DemoSummary:
    """How many rows each demo table holds (hub side, fund side, then the deal pipeline)."""

    hubs: int = 0
    parks: int = 0
    firms: int = 0
    funding_rounds: int = 0
    trial_approvals: int = 0
    trial_projects: int = 0
    targets: int = 0
    observations: int = 0
    fx_rates: int = 0
    funds: int = 0
    lps: int = 0
    commitments: int = 0
    ledger_entries: int = 0
    valuation_marks: int = 0
    benchmark_indexes: int = 0
    index_levels: int = 0
    metric_definitions: int = 0
    company_reports: int = 0
    deals: int = 0
    deal_stage_changes: int = 0
    dd_items: int = 0
    ic_meetings: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def __str__(self) -> str:
        return ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.as_dict().items())


# summary field -> (Create model, table), in the order rows are written
MODELS: dict[str, tuple[type[SQLModel], type[SQLModel]]] = {
    "hubs": (HubCreate, Hub),
    "parks": (ParkCreate, Park),
    "firms": (FirmCreate, Firm),
    "funding_rounds": (FundingRoundCreate, FundingRound),
    "trial_approvals": (TrialApprovalCreate, TrialApproval),
    "trial_projects": (TrialProjectCreate, TrialProject),
    "targets": (TargetCreate, Target),
    "observations": (KpiObservationCreate, KpiObservation),
    "fx_rates": (FxRateCreate, FxRate),
}
CLEAR_ORDER: tuple[str, ...] = (
    "observations", "targets", "funding_rounds", "firms", "parks", "trial_projects",
    "trial_approvals", "hubs", "fx_rates",
)  # fmt: skip
REFERENCES = {"hub": "hub_id", "park": "park_id", "firm": "firm_id"}
LABEL_FIELDS = ("hub", "name_en", "name", "province", "kpi_code", "stage", "announced",
                "observed_on", "deadline", "on")  # fmt: skip
PLACEHOLDER_ID = 1  # foreign keys while validating, before the referenced rows have ids

Staged = dict[str, list[tuple[SQLModel, dict[str, Any]]]]

LEDGER_REFUSAL = (
    "demo: the database holds {n} ledger entries and the ledger is append-only (they cannot be "
    "deleted): reload the demo into a fresh database, e.g. delete data/hubfund.db and run "
    "hubfund demo"
)

# What ``load_demo()`` writes with the default seed (the rounds and the fund side depend on it).
DEMO_COUNTS = DemoSummary(
    hubs=4, parks=15, firms=407, funding_rounds=830, trial_approvals=10, trial_projects=60,
    targets=8, observations=63, fx_rates=198, funds=2, lps=9, commitments=10,
    ledger_entries=724, valuation_marks=255, benchmark_indexes=1, index_levels=102,
    metric_definitions=5, company_reports=472, deals=61, deal_stage_changes=290,
    dd_items=1872, ic_meetings=34,
)  # fmt: skip


def count_rows(*, session: Session) -> DemoSummary:
    """The number of rows in each demo table (hub side and fund side)."""
    tables = {name: table for name, (_, table) in MODELS.items()} | FUND_TABLES | PIPELINE_TABLES
    counts = {
        name: int(session.exec(select(func.count()).select_from(table)).one())
        for name, table in tables.items()
    }
    return DemoSummary(**counts)


def has_hub_data(*, session: Session) -> bool:
    """Whether any hub-side table (hubs, parks, firms, ..., FX rates) holds a row."""
    return any(
        session.exec(select(func.count()).select_from(table)).one() for _, table in MODELS.values()
    )


def clear_demo(*, session: Session) -> None:
    """Delete every pipeline, fund-side, then hub-side row through ``session`` (so the audit
    log records each one). Refused (``InputError``) when the ledger holds entries or deals have
    a stage history: neither can be deleted.
    """
    entries = session.exec(select(func.count()).select_from(FUND_TABLES["ledger_entries"])).one()
    if entries:
        raise InputError(LEDGER_REFUSAL.format(n=entries))
    clear_pipeline(session=session)
    for table in FUND_TABLES.values():
        for row in session.exec(select(table)).all():
            session.delete(row)
        session.flush()
    for name in CLEAR_ORDER:
        table = MODELS[name][1]
        for row in session.exec(select(table)).all():
            session.delete(row)
        session.flush()


def _label(kind: str, row: dict[str, Any]) -> str:
    parts = [str(row[f]) for f in LABEL_FIELDS if row.get(f) is not None]
    return f"{kind.rstrip('s').replace('_', ' ')} {' '.join(parts[:3])}".strip()


def _stage(data: DemoData, session: Session) -> Staged:
    """Every row validated through its Create model (placeholder ids), or ``InputError``."""
    hubs = {row["name"] for row in data.hubs}
    parks = {(row["hub"], row["name"]) for row in data.parks}
    for code in sorted({row["kpi_code"] for row in data.targets + data.observations}):
        kpi_by_code(session=session, code=code)
    staged: Staged = {}
    for name, (create, _) in MODELS.items():
        staged[name] = []
        for row in getattr(data, name):
            refs = {key: row[key] for key in REFERENCES if key in row}
            fields = {k: v for k, v in row.items() if k not in REFERENCES}
            label = _label(name, row)
            if refs.get("hub") is not None and refs["hub"] not in hubs:
                raise InputError(f"demo {label}: hub: {refs['hub']!r} is not a demo hub")
            if refs.get("park") is not None and (row["hub"], refs["park"]) not in parks:
                raise InputError(f"demo {label}: park: {refs['park']!r} is not a demo park")
            for key, ref in refs.items():
                fields[REFERENCES[key]] = None if ref is None else PLACEHOLDER_ID
            try:
                staged[name].append((check(create, fields), refs))
            except InputError as exc:
                raise InputError(f"demo {label}: {exc}") from None
    return staged


def _write(session: Session, staged: Staged) -> None:
    """Add the staged rows table by table, resolving names and indexes to the new ids."""
    ids: dict[str, dict[Any, int]] = {"hub": {}, "park": {}, "firm": {}}
    keys = {
        "hubs": ("hub", lambda index, obj, refs: obj.name),
        "parks": ("park", lambda index, obj, refs: (refs["hub"], obj.name)),
        "firms": ("firm", lambda index, obj, refs: index),
    }
    for name, rows in staged.items():
        table = MODELS[name][1]
        added = []
        for created, refs in rows:
            values = created.model_dump()
            for key, ref in refs.items():
                lookup = (refs["hub"], ref) if key == "park" else ref
                values[REFERENCES[key]] = None if ref is None else ids[key][lookup]
            added.append((table.model_validate(values), refs))
        session.add_all([obj for obj, _ in added])
        session.flush()
        if name in keys:
            kind, key_of = keys[name]
            for index, (obj, refs) in enumerate(added):
                ids[kind][key_of(index, obj, refs)] = obj.id  # type: ignore[attr-defined]


DEMO_STEPS = (
    "generate the hub data",
    "check every row",
    "plan the funds",
    "clear the old demo",
    "write hubs, parks, firms, rounds and targets",
    "write the funds, LPs and ledgers",
    "write the deal pipeline",
)


def load_demo(
    *,
    session: Session,
    seed: int = DEMO_SEED,
    replace: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoSummary:
    """Load the demo data set into ``session`` and return the row counts.

    Refuses (``InputError``) when the database already holds demo-table data, unless
    ``replace``: then every fund-side and hub-side row is deleted first, which is refused when
    the ledger holds entries (append-only: load into a fresh database instead). Every row is
    validated before anything is written; a bad fact raises ``InputError`` naming the row, the
    field and the value. ``progress(step, done, total)`` is told as each of ``DEMO_STEPS``
    starts (done = the steps finished before it).
    """
    steps = iter(enumerate(DEMO_STEPS))

    def step() -> None:
        if progress is not None:
            done, what = next(steps)
            progress(what, done, len(DEMO_STEPS))

    present = count_rows(session=session)
    if any(present.as_dict().values()) and not replace:
        raise InputError(
            f"demo: the database already holds hub data ({present}); "
            "load with replace=True (hubfund demo) to replace it"
        )
    step()
    data = generate(seed)
    step()
    staged = _stage(data, session)
    step()
    funds = plan_demo_funds(data, seed)
    step()
    if replace:
        clear_demo(session=session)
    step()
    _write(session, staged)
    step()
    write_demo_funds(session=session, plan=funds, data=data)
    step()
    load_demo_pipeline(session=session, seed=seed)
    if progress is not None:
        progress("done", len(DEMO_STEPS), len(DEMO_STEPS))
    return count_rows(session=session)
