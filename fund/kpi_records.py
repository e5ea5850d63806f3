"""Recording hub KPI observations and targets: each write checks the role and the input first.

Every refusal raises before anything is added to the session, so nothing is written; accepted
rows are flushed through the caller's session (the audit log records them on commit).
"""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, col, select

from fund.access import Actor, require
from fund.hub_series import plain
from models.hub import Hub
from models.kpi import (
    Kpi,
    KpiObservation,
    KpiObservationCreate,
    KpiObservationPublic,
    Target,
    TargetCreate,
    TargetPublic,
    TargetUpdate,
)
from models.queries import hub_by_id, kpi_by_code
from models.validation import InputError, check

# What a computed KPI is computed from: (the rows in words, the table, what to record instead).
COMPUTED_FROM: dict[str, tuple[str, str, str]] = {
    "parks_clusters": ("parks", "park", "the park"),
    "fintech_firms": ("firms", "firm", "the firm"),
    "renowned_firms": ("firms", "firm", "the firm's renowned_since"),
    "funding_raised": ("firms' funding rounds", "funding_round", "the funding round"),
    "trial_projects": ("trial projects", "trial_project", "the trial project"),
    "trial_entities": ("trial projects", "trial_project", "the trial project"),
}


def observations(
    *, session: Session, hub_id: int, kpi_code: str | None = None
) -> list[KpiObservationPublic]:
    """The hub's recorded KPI observations (one KPI's, or all), by KPI, date and recording."""
    hub_by_id(session=session, hub_id=hub_id)
    query = select(KpiObservation).where(KpiObservation.hub_id == hub_id)
    if kpi_code is not None:
        query = query.where(
            KpiObservation.kpi_code == kpi_by_code(session=session, code=kpi_code).code
        )
    query = query.order_by(
        col(KpiObservation.kpi_code),
        col(KpiObservation.observed_on),
        col(KpiObservation.recorded_at),
        col(KpiObservation.id),
    )
    return [KpiObservationPublic.model_validate(o) for o in session.exec(query).all()]


def _known_hub_and_kpi(session: Session, hub_id: int, kpi_code: str) -> tuple[Hub, Kpi]:
    return hub_by_id(session=session, hub_id=hub_id), kpi_by_code(session=session, code=kpi_code)


def add_observation(
    *, session: Session, actor: Actor, observation_in: KpiObservationCreate
) -> KpiObservationPublic:
    """Record an observed KPI's figure for a hub (with its source); bureau only.

    Refused, with nothing written: an unknown hub or KPI, a computed KPI (record the rows it
    is computed from instead), a future date, a negative figure or a rank below 1, a figure
    without a source.
    """
    require(actor, "bureau", action="add a KPI observation")
    data = check(KpiObservationCreate, observation_in.model_dump())
    _hub, kpi = _known_hub_and_kpi(session, data.hub_id, data.kpi_code)
    if kpi.measure != "observed":
        rows, table, instead = COMPUTED_FROM[kpi.measure]
        raise InputError(
            f"kpi: {kpi.code!r} is computed from the hub's {rows} (table {table}); "
            f"record {instead} instead"
        )
    if kpi.kind == "rank" and data.value < 1:
        raise InputError(f"value: {data.value} is not a {kpi.code} (ranks start at 1)")
    if data.value < 0:
        raise InputError(f"value: {data.value} is negative; a {kpi.code} is never below 0")
    row = KpiObservation.model_validate(data.model_dump() | {"kpi_code": kpi.code})
    session.add(row)
    session.flush()
    return KpiObservationPublic.model_validate(row)


def _refuse_duplicate(session: Session, data: TargetCreate, hub: Hub, own_id: int | None) -> None:
    query = select(Target).where(
        Target.hub_id == data.hub_id,
        Target.kpi_code == data.kpi_code,
        Target.deadline == data.deadline,
    )
    for other in session.exec(query).all():
        if other.id != own_id:
            raise InputError(
                f"deadline: {hub.name} already has a {data.kpi_code} target with deadline "
                f"{data.deadline.isoformat()} (target id {other.id})"
            )


def create_target(*, session: Session, actor: Actor, target_in: TargetCreate) -> TargetPublic:
    """Record a plan's target for a hub KPI (with the document that sets it); bureau only.

    Refused, with nothing written: an unknown hub or KPI, a second target of the same hub,
    KPI and deadline, and anything ``TargetCreate`` refuses.
    """
    require(actor, "bureau", action="create a hub target")
    data = check(TargetCreate, target_in.model_dump())
    hub, kpi = _known_hub_and_kpi(session, data.hub_id, data.kpi_code)
    data = data.model_copy(update={"kpi_code": kpi.code})
    _refuse_duplicate(session, data, hub, None)
    row = Target.model_validate(data.model_dump())
    session.add(row)
    session.flush()
    return TargetPublic.model_validate(row)


def update_target(
    *, session: Session, actor: Actor, target_id: int, target_in: TargetUpdate
) -> TargetPublic:
    """Change a target: the given fields replace the current ones; bureau only.

    The result is checked as a whole (``TargetCreate``): a deadline not after the start, a
    range min above its max, a negative figure or a missing source is refused, and nothing is
    written.
    """
    require(actor, "bureau", action="update a hub target")
    row = session.get(Target, target_id)
    if row is None:
        raise InputError(f"target_id: {target_id!r} is not a known target")
    current = {
        field: plain(value) if isinstance(value, Decimal) else value
        for field, value in TargetPublic.model_validate(row).model_dump(exclude={"id"}).items()
    }
    data = check(TargetCreate, current | target_in.model_dump(exclude_unset=True))
    _refuse_duplicate(session, data, hub_by_id(session=session, hub_id=data.hub_id), row.id)
    for field, value in data.model_dump().items():
        if getattr(row, field) != value:
            setattr(row, field, value)
    session.flush()
    return TargetPublic.model_validate(row)
