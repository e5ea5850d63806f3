"""Hub ecosystem views from the store: firms, funding, parks, trials, and indicators as of a date.

Each function loads plain frames (never ORM objects) and calls ``fund.indicators``; the
definitions live there. Money is ``Decimal`` in each hub's own currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from fund import indicators as ind
from fund.funding import rounds_frame
from fund.results import Undefined
from models.hub import Firm, Hub, Park, TrialApproval, TrialProject
from models.kpi import KpiObservation
from models.queries import hub_by_id
from models.validation import InputError

GFCI_KPI = "gfci_rank"
FIRM_COLUMNS = [
    "firm_id", "name", "name_en", "name_zh", "uscc", "hub_id", "hub", "park", "district",
    "sector", "founded", "founded_year", "employees", "status", "closed_on", "renowned",
    "renowned_since", "renowned_criterion", "is_demo",
]  # fmt: skip
PARK_COLUMNS = [
    "park_id", "hub_id", "hub", "name", "name_zh", "kind", "district", "focus", "opened",
    "latitude", "longitude", "capacity", "occupancy", "occupancy_rate", "is_demo", "source",
]  # fmt: skip
PROJECT_COLUMNS = [
    "project_id", "hub_id", "hub", "name", "name_zh", "entities", "entity_names",
    "technologies", "approved", "status", "is_demo", "source",
]  # fmt: skip
TRIAL_HUB_COLUMNS = [
    "hub", "projects", "entities", "first_approved", "latest_approved", "technologies",
]  # fmt: skip
PROVINCE_COLUMNS = ["province", "province_zh", "approved_by", "hub", "source"]


def _frame(records: list[dict[str, Any]], columns: list[str], **dtypes: str) -> pd.DataFrame:
    """Object columns (None stays None, dates stay ``date``), then the given dtypes."""
    return pd.DataFrame(records, columns=columns, dtype=object).astype(dtypes)


def _attrs(row: Any, names: Iterable[str]) -> dict[str, Any]:
    """The row's attributes among ``names`` (the others are filled in by the caller)."""
    return {name: getattr(row, name) for name in names if hasattr(row, name)}


def _hubs(session: Session, hub_ids: Iterable[int] | None) -> list[Hub]:
    query = select(Hub).order_by(col(Hub.name))
    if hub_ids is not None:
        query = query.where(col(Hub.id).in_(list(hub_ids)))
    return list(session.exec(query).all())


def firms_frame(*, session: Session, hub_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per firm with its hub, park and the park's district (None outside a park)."""
    query = (
        select(Firm, Hub, Park)
        .join(Hub, col(Hub.id) == Firm.hub_id)
        .outerjoin(Park, col(Park.id) == Firm.park_id)
        .order_by(col(Hub.name), col(Firm.id))
    )
    if hub_ids is not None:
        query = query.where(col(Firm.hub_id).in_(list(hub_ids)))
    records = [
        {
            **_attrs(firm, FIRM_COLUMNS),
            "firm_id": firm.id,
            "name": firm.name_en or firm.name_zh,
            "hub": hub.name,
            "park": park.name if park else None,
            "district": park.district if park else None,
            "founded_year": firm.founded.year if firm.founded else None,
        }
        for firm, hub, park in session.exec(query).all()
    ]
    return _frame(
        records, FIRM_COLUMNS, founded_year="Int64", employees="Int64", renowned=bool, is_demo=bool
    )


@dataclass(frozen=True)
class FundingView:
    """Funding rounds under a filter, by period, with growth, totals and concentration.

    ``totals``, ``currencies``, ``hhi_sector`` and ``hhi_stage`` are keyed by hub name and
    hold every selected hub (0.00 and Undefined for a hub without rounds in the filter).
    """

    rounds: pd.DataFrame
    by_period: pd.DataFrame
    growth: pd.DataFrame
    totals: dict[str, Decimal]
    currencies: dict[str, str]
    hhi_sector: dict[str, Decimal | Undefined]
    hhi_stage: dict[str, Decimal | Undefined]


def _hhi_by(frame: pd.DataFrame, by: str, empty: str, *, amount: bool) -> Decimal | Undefined:
    """HHI of ``frame``'s rows grouped by ``by``: shares of ``amount_hub``, or of row counts."""
    if frame.empty:
        return Undefined(empty)
    groups = frame.groupby(by, sort=True)
    return ind.hhi(
        {str(k): ind.decimal_sum(g["amount_hub"]) if amount else len(g) for k, g in groups}
    )


def explore_funding(
    *,
    session: Session,
    hub_ids: Iterable[int] | None = None,
    sectors: Iterable[str] | None = None,
    stages: Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
) -> FundingView:
    """Rounds of the selected hubs, sectors, stages and years (inclusive range), summarised.

    HHI by sector and by stage are over each hub's funding amounts (``fund.indicators.hhi``).
    """
    hubs = _hubs(session, hub_ids)
    rounds = rounds_frame(session=session, hub_ids=[h.id for h in hubs if h.id is not None])
    if sectors is not None:
        rounds = rounds[rounds["sector"].isin(list(sectors))]
    if stages is not None:
        rounds = rounds[rounds["stage"].isin(list(stages))]
    if years is not None:
        first, last = years
        if first > last:
            raise InputError(f"years: {first} is after {last}")
        rounds = rounds[rounds["year"].between(first, last)]
    rounds = rounds.reset_index(drop=True)
    per_hub = {h.name: rounds[rounds["hub_id"] == h.id] for h in hubs}
    none = "no funding rounds in the selection"
    return FundingView(
        rounds=rounds,
        by_period=ind.funding_by_period(rounds),
        growth=ind.funding_growth(rounds),
        totals={hub: ind.decimal_sum(r["amount_hub"]) for hub, r in per_hub.items()},
        currencies={h.name: h.currency for h in hubs},
        hhi_sector={hub: _hhi_by(r, "sector", none, amount=True) for hub, r in per_hub.items()},
        hhi_stage={hub: _hhi_by(r, "stage", none, amount=True) for hub, r in per_hub.items()},
    )


def parks_frame(*, session: Session, hub_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per park or cluster; ``occupancy_rate`` = occupancy / capacity (float, or None)."""
    query = select(Park, Hub).join(Hub, col(Hub.id) == Park.hub_id)
    if hub_ids is not None:
        query = query.where(col(Park.hub_id).in_(list(hub_ids)))
    records = []
    for park, hub in session.exec(query.order_by(col(Hub.name), col(Park.name))).all():
        known = park.capacity and park.occupancy is not None
        records.append(
            {
                **_attrs(park, PARK_COLUMNS),
                "park_id": park.id,
                "hub": hub.name,
                "occupancy_rate": park.occupancy / park.capacity if known else None,
            }
        )
    return _frame(records, PARK_COLUMNS, capacity="Int64", occupancy="Int64", is_demo=bool)


@dataclass(frozen=True)
class TrialsView:
    """Regulatory trials: per hub, every project, and the provinces approved to run trials."""

    by_hub: pd.DataFrame
    projects: pd.DataFrame
    provinces: pd.DataFrame


def _projects(session: Session) -> pd.DataFrame:
    query = select(TrialProject, Hub).join(Hub, col(Hub.id) == TrialProject.hub_id)
    query = query.order_by(col(Hub.name), col(TrialProject.approved), col(TrialProject.id))
    records = [
        {**_attrs(p, PROJECT_COLUMNS), "project_id": p.id, "hub": hub.name}
        for p, hub in session.exec(query).all()
    ]
    return _frame(records, PROJECT_COLUMNS, entities="int64", is_demo=bool)


def _technologies(values: Iterable[Any]) -> str:
    names = {
        part.strip()
        for value in values
        if not ind.missing(value)
        for part in str(value).replace(";", ",").split(",")
        if part.strip()
    }
    return ", ".join(sorted(names, key=str.casefold))


def trials_summary(*, session: Session) -> TrialsView:
    """Trial projects and entities per hub (every hub, zero when none), projects, provinces.

    ``projects`` counts every project with an approval date, whatever its later status;
    ``technologies`` is the distinct list over the hub's projects (comma or ";" separated).
    """
    projects = _projects(session)
    rows = []
    for hub in _hubs(session, None):
        mine = projects[projects["hub_id"] == hub.id]
        rows.append(
            {
                "hub": hub.name,
                "projects": len(mine),
                "entities": int(mine["entities"].sum()),
                "first_approved": min(mine["approved"]) if len(mine) else None,
                "latest_approved": max(mine["approved"]) if len(mine) else None,
                "technologies": _technologies(mine["technologies"]),
            }
        )
    by_hub = _frame(rows, TRIAL_HUB_COLUMNS, projects="int64", entities="int64")
    query = select(TrialApproval, Hub).outerjoin(Hub, col(Hub.id) == TrialApproval.hub_id)
    query = query.order_by(col(TrialApproval.approved_by), col(TrialApproval.province))
    approvals = [
        {**_attrs(a, PROVINCE_COLUMNS), "hub": hub.name if hub else None}
        for a, hub in session.exec(query).all()
    ]
    provinces = _frame(approvals, PROVINCE_COLUMNS)
    return TrialsView(by_hub=by_hub, projects=projects, provinces=provinces)


# --- indicators as of a date -------------------------------------------------------------


@dataclass(frozen=True)
class EcosystemIndicators:
    """A hub's ecosystem as of ``as_of``, from rows dated on or before it.

    Firms: ``active_firms`` are founded on or before ``as_of`` and not closed by it
    (``fund.indicators.active_on``); ``undated_firms`` have no founding date and are left out
    of every firm indicator. ``renowned_firms`` are active firms renowned since a date on or
    before ``as_of``. Parks are counted from their opening date (``undated_parks`` have none
    and are left out); occupancy is the parks' current figure. Funding windows are the 12
    months (as_of - 1 year, as_of] and the 12 months before, in the hub's ``currency``.
    Survival is pooled over all cohorts (``pooled_survival``); ``birth_rate`` is for
    ``birth_rate_year``, the last complete calendar year. HHI: active firms by sector and by
    park district (firms outside a park left out), funding of the last 12 months by stage.
    Trials count projects approved on or before ``as_of``; the GFCI rank is the latest
    observation of KPI ``gfci_rank`` dated on or before ``as_of``.
    """

    hub_id: int
    hub: str
    currency: str
    as_of: date
    active_firms: int
    undated_firms: int
    renowned_firms: int
    parks: int
    undated_parks: int
    park_occupancy_rate: float | None
    funding_last_12m: Decimal
    funding_prev_12m: Decimal
    funding_growth_12m: Decimal | Undefined
    survival_3y: Decimal | Undefined
    survival_5y: Decimal | Undefined
    birth_rate: Decimal | Undefined
    birth_rate_year: int
    hhi_sector_firms: Decimal | Undefined
    hhi_district_firms: Decimal | Undefined
    hhi_stage_funding: Decimal | Undefined
    trial_projects: int
    trial_entities: int
    latest_gfci_rank: Decimal | None
    gfci_rank_on: date | None


@dataclass(frozen=True)
class _Store:
    firms: pd.DataFrame
    parks: pd.DataFrame
    rounds: pd.DataFrame
    projects: pd.DataFrame
    gfci: list[tuple[int, date, Decimal]]  # (hub_id, observed_on, value), latest last


def _load(session: Session, hub_ids: list[int]) -> _Store:
    query = (
        select(KpiObservation)
        .where(KpiObservation.kpi_code == GFCI_KPI, col(KpiObservation.hub_id).in_(hub_ids))
        .order_by(col(KpiObservation.observed_on), col(KpiObservation.recorded_at))
    )
    return _Store(
        firms=firms_frame(session=session, hub_ids=hub_ids),
        parks=parks_frame(session=session, hub_ids=hub_ids),
        rounds=rounds_frame(session=session, hub_ids=hub_ids),
        projects=_projects(session),
        gfci=[(o.hub_id, o.observed_on, o.value) for o in session.exec(query).all()],
    )


def _indicators(hub: Hub, store: _Store, as_of: date) -> EcosystemIndicators:
    assert hub.id is not None
    firms = store.firms[store.firms["hub_id"] == hub.id]
    active = firms[ind.active_on(firms, as_of)]
    renowned = active["renowned"].astype(bool) & ind.on_or_before(active["renowned_since"], as_of)
    parks = store.parks[store.parks["hub_id"] == hub.id]
    opened = parks[ind.on_or_before(parks["opened"], as_of)]
    rounds = store.rounds[store.rounds["hub_id"] == hub.id]
    last_after, last_until = ind.trailing_year(as_of)
    prev_after, prev_until = ind.trailing_year(as_of, back=1)
    last = rounds[ind.in_window(rounds["announced"], after=last_after, until=last_until)]
    prev = rounds[ind.in_window(rounds["announced"], after=prev_after, until=prev_until)]
    funding_last = ind.decimal_sum(last["amount_hub"])
    funding_prev = ind.decimal_sum(prev["amount_hub"])
    projects = store.projects[store.projects["hub_id"] == hub.id]
    projects = projects[ind.on_or_before(projects["approved"], as_of)]
    gfci = [(on, value) for hub_id, on, value in store.gfci if hub_id == hub.id and on <= as_of]
    year = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
    in_parks = active[~ind.flags(active["district"], ind.missing)]
    window = f"the 12 months to {as_of.isoformat()}"
    return EcosystemIndicators(
        hub_id=hub.id,
        hub=hub.name,
        currency=hub.currency,
        as_of=as_of,
        active_firms=len(active),
        undated_firms=int(ind.flags(firms["founded"], ind.missing).sum()),
        renowned_firms=int(renowned.sum()),
        parks=len(opened),
        undated_parks=int(ind.flags(parks["opened"], ind.missing).sum()),
        park_occupancy_rate=ind.occupancy_rate(opened),
        funding_last_12m=funding_last,
        funding_prev_12m=funding_prev,
        funding_growth_12m=ind.change(
            funding_last, funding_prev, previous_label=f"the 12 months to {prev_until.isoformat()}"
        ),
        survival_3y=ind.pooled_survival(firms, as_of=as_of, horizon=3),
        survival_5y=ind.pooled_survival(firms, as_of=as_of, horizon=5),
        birth_rate=ind.birth_rate(firms, year=year),
        birth_rate_year=year,
        hhi_sector_firms=_hhi_by(active, "sector", "no active firm", amount=False),
        hhi_district_firms=_hhi_by(in_parks, "district", "no active firm in a park", amount=False),
        hhi_stage_funding=_hhi_by(last, "stage", f"no funding rounds in {window}", amount=True),
        trial_projects=len(projects),
        trial_entities=int(projects["entities"].sum()),
        latest_gfci_rank=gfci[-1][1] if gfci else None,
        gfci_rank_on=gfci[-1][0] if gfci else None,
    )


def ecosystem_indicators(*, session: Session, hub_id: int, as_of: date) -> EcosystemIndicators:
    """The ecosystem indicators of hub ``hub_id`` as of ``as_of`` (see ``EcosystemIndicators``)."""
    hub = hub_by_id(session=session, hub_id=hub_id)
    return _indicators(hub, _load(session, [hub_id]), as_of)


NOTED = (
    "funding_growth_12m", "survival_3y", "survival_5y", "birth_rate", "hhi_sector_firms",
    "hhi_district_firms", "hhi_stage_funding",
)  # fmt: skip


def hub_comparison(*, session: Session, as_of: date) -> pd.DataFrame:
    """One row per hub (by name) with the ``EcosystemIndicators`` fields as columns.

    An undefined value is None, with the reason in ``<field>_note`` (None when defined).
    Money columns are in each hub's own ``currency``: compare them within a currency.
    """
    hubs = _hubs(session, None)
    store = _load(session, [h.id for h in hubs if h.id is not None])
    columns: list[str] = []
    for f in fields(EcosystemIndicators):
        columns += [f.name, f"{f.name}_note"] if f.name in NOTED else [f.name]
    rows = []
    for hub in hubs:
        result = _indicators(hub, store, as_of)
        row: dict[str, Any] = {}
        for f in fields(result):
            value = getattr(result, f.name)
            row[f.name] = None if isinstance(value, Undefined) else value
            if f.name in NOTED:
                row[f"{f.name}_note"] = value.reason if isinstance(value, Undefined) else None
        rows.append(row)
    ints = {f.name: "int64" for f in fields(EcosystemIndicators) if f.type == "int"}
    return _frame(rows, columns, **ints)
