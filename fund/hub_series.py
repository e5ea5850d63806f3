"""A hub KPI's values over time: observed figures as recorded, computed ones from hub tables.

Computed KPIs (``models.kpi.COMPUTED_MEASURES``), the value on date d:

- parks_clusters: the hub's parks and clusters with ``opened <= d`` (no opened date: not counted);
- fintech_firms: the hub's firms with ``founded <= d`` (or no founded date) and not
  ``closed_on <= d``;
- renowned_firms: the hub's firms flagged ``renowned`` with ``renowned_since <= d``;
- funding_raised: the sum of the hub's firms' rounds announced in [since, d], each in the hub's
  currency at its date's rate (``fund.funding.rounds_frame``);
- trial_projects: the hub's trial projects with ``approved <= d``;
- trial_entities: the sum of those projects' participating ``entities``.

Observed KPIs: the recorded observation of the date; where several share a date, the one
recorded last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from fund.funding import rounds_frame
from fund.results import Undefined
from models.fx import MissingFxRate
from models.hub import Firm, Hub, Park, TrialProject
from models.kpi import COMPUTED_MEASURES, Kpi, KpiObservation
from models.queries import hub_by_id, kpi_by_code

Rows = list[tuple[Any, ...]]
QUARTER_ENDS: tuple[tuple[int, int], ...] = ((3, 31), (6, 30), (9, 30), (12, 31))


def plain(value: Decimal) -> Decimal:
    """``value`` written without exponent or trailing zeros: 10, not 1E+1; 5.5, not 5.50000000."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def quarter_ends(start: date, end: date) -> list[date]:
    """Calendar quarter ends d with start < d <= end, ascending."""
    return [
        day
        for year in range(start.year, end.year + 1)
        for month, last in QUARTER_ENDS
        if start < (day := date(year, month, last)) <= end
    ]


def load_rows(*, session: Session, hub_id: int, measure: str) -> Rows:
    """The hub's rows that a computed ``measure`` counts, as tuples of their dated fields.

    Raises ``MissingFxRate`` (naming the round) for funding_raised when a round has no rate.
    """
    if measure == "parks_clusters":
        query: Any = select(Park.opened).where(Park.hub_id == hub_id)
    elif measure == "fintech_firms":
        query = select(Firm.founded, Firm.closed_on).where(Firm.hub_id == hub_id)
    elif measure == "renowned_firms":
        query = select(Firm.renowned_since).where(
            Firm.hub_id == hub_id, col(Firm.renowned).is_(True)
        )
    elif measure in ("trial_projects", "trial_entities"):
        query = select(TrialProject.approved, TrialProject.entities).where(
            TrialProject.hub_id == hub_id
        )
    elif measure == "funding_raised":
        frame = rounds_frame(session=session, hub_ids=[hub_id])
        return list(zip(frame["announced"], frame["amount_hub"], strict=True))
    else:
        raise ValueError(f"measure {measure!r} is not one of: {', '.join(COMPUTED_MEASURES)}")
    found = session.exec(query).all()
    single = measure in ("parks_clusters", "renowned_firms")
    return [(row,) if single else tuple(row) for row in found]


def _on(day: date | None, d: date) -> bool:
    return day is not None and day <= d


def _active(founded: date | None, closed_on: date | None, d: date) -> bool:
    return (founded is None or founded <= d) and not _on(closed_on, d)


def values_at(
    rows: Rows, *, measure: str, dates: Sequence[date], since: date | None = None
) -> list[Decimal]:
    """The computed ``measure`` on each of ``dates`` from ``load_rows``' rows (module rules).

    ``since`` is where funding_raised starts counting (None: from the first round).
    """
    rules: dict[str, Callable[[date], Decimal]] = {
        "parks_clusters": lambda d: Decimal(sum(_on(r[0], d) for r in rows)),
        "fintech_firms": lambda d: Decimal(sum(_active(r[0], r[1], d) for r in rows)),
        "renowned_firms": lambda d: Decimal(sum(_on(r[0], d) for r in rows)),
        "trial_projects": lambda d: Decimal(sum(_on(r[0], d) for r in rows)),
        "trial_entities": lambda d: Decimal(sum(r[1] for r in rows if _on(r[0], d))),
        "funding_raised": lambda d: sum(
            (r[1] for r in rows if (since is None or since <= r[0]) and r[0] <= d),
            Decimal("0.00"),
        ),
    }
    if measure not in rules:
        raise ValueError(f"measure {measure!r} is not one of: {', '.join(COMPUTED_MEASURES)}")
    return [rules[measure](d) for d in dates]


def _observed(session: Session, hub_id: int, code: str, start: date | None, end: date) -> Rows:
    query = select(KpiObservation.observed_on, KpiObservation.value).where(
        KpiObservation.hub_id == hub_id,
        KpiObservation.kpi_code == code,
        col(KpiObservation.observed_on) <= end,
    )
    if start is not None:
        query = query.where(col(KpiObservation.observed_on) >= start)
    query = query.order_by(
        col(KpiObservation.observed_on), col(KpiObservation.recorded_at), col(KpiObservation.id)
    )
    latest: dict[date, Decimal] = {}
    for day, value in session.exec(query).all():
        latest[day] = plain(value)  # ascending recorded_at: the last recorded wins
    return sorted(latest.items())


def kpi_series(
    *, session: Session, hub_id: int, kpi_code: str, start: date, end: date
) -> list[tuple[date, Decimal]]:
    """The KPI's values for the hub from ``start`` to ``end``, ascending by date.

    Observed KPIs: one value per observation date in [start, end]. Computed KPIs: the value on
    ``start``, on every quarter end in (start, end], and on ``end`` (funding_raised counting
    from ``start``). Empty when start is after end. Raises ``InputError`` for an unknown hub
    or KPI, ``MissingFxRate`` for a round without a rate.
    """
    hub_by_id(session=session, hub_id=hub_id)
    kpi = kpi_by_code(session=session, code=kpi_code)
    return series_for(session=session, hub_id=hub_id, kpi=kpi, start=start, end=end, rows=None)


def series_for(
    *, session: Session, hub_id: int, kpi: Kpi, start: date, end: date, rows: Rows | None
) -> list[tuple[date, Decimal]]:
    """``kpi_series`` for a loaded ``kpi`` (``rows``: the computed measure's, if loaded)."""
    if start > end:
        return []
    if kpi.measure == "observed":
        return _observed(session, hub_id, kpi.code, start, end)
    dates = sorted({start, *quarter_ends(start, end), end})
    if rows is None:
        rows = load_rows(session=session, hub_id=hub_id, measure=kpi.measure)
    values = values_at(rows, measure=kpi.measure, dates=dates, since=start)
    return list(zip(dates, values, strict=True))


def latest_actual(
    *, session: Session, hub: Hub, kpi: Kpi, as_of: date, since: date | None, rows: Rows | None
) -> tuple[date, Decimal] | Undefined:
    """``actual_at`` for a loaded ``hub`` and ``kpi`` (``rows``: the measure's, if loaded)."""
    if kpi.measure == "observed":
        found = _observed(session, hub.id or 0, kpi.code, None, as_of)
        if not found:
            return Undefined(
                f"no observation of {kpi.code} for {hub.name} on or before {as_of.isoformat()}"
            )
        return found[-1]
    try:
        if rows is None:
            rows = load_rows(session=session, hub_id=hub.id or 0, measure=kpi.measure)
    except MissingFxRate as exc:
        return Undefined(str(exc))
    return as_of, values_at(rows, measure=kpi.measure, dates=[as_of], since=since)[0]


def actual_at(
    *, session: Session, hub_id: int, kpi_code: str, as_of: date, since: date | None = None
) -> tuple[date, Decimal] | Undefined:
    """The KPI's latest value for the hub on or before ``as_of``, with its date.

    Observed KPIs: the last observation dated on or before ``as_of``. Computed KPIs: the value
    on ``as_of`` itself (funding_raised: rounds announced from ``since``, the target's plan
    start; None counts every round). Undefined, with the reason, when there is no observation
    or a round has no FX rate.
    """
    hub = hub_by_id(session=session, hub_id=hub_id)
    kpi = kpi_by_code(session=session, code=kpi_code)
    return latest_actual(session=session, hub=hub, kpi=kpi, as_of=as_of, since=since, rows=None)
