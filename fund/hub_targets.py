"""Hub targets and KPI observations in the store: progress against targets, and their writes.

A target's progress at an as-of date is its KPI's latest actual, the attainment, the share of
the plan period elapsed, the schedule gap, the trend forecast at the deadline and the status
that follows (``fund.hub_kpis``). The series and actuals come from ``fund.hub_series``; the
writes (observations and targets) live in ``fund.kpi_records`` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from fund.hub_kpis import (
    Forecast,
    attainment,
    forecast_at,
    format_number,
    schedule_gap,
    target_status,
    time_elapsed,
)
from fund.hub_series import (
    Rows,
    actual_at,
    kpi_series,
    latest_actual,
    load_rows,
    plain,
    series_for,
)
from fund.kpi_records import add_observation, create_target, observations, update_target
from fund.results import Undefined
from models.fx import MissingFxRate
from models.hub import Hub
from models.kpi import Kpi, Target
from models.queries import hub_by_id

__all__ = [
    "FRAME_COLUMNS",
    "TargetProgress",
    "actual_at",
    "add_observation",
    "create_target",
    "hub_targets",
    "kpi_series",
    "observations",
    "targets_frame",
    "update_target",
]

FORECAST_LEVEL = 0.8
FRAME_COLUMNS = [
    "target_id", "hub", "kpi", "kpi_name", "unit", "target", "target_text", "actual",
    "actual_on", "attainment", "elapsed", "gap", "forecast", "forecast_low", "forecast_high",
    "deadline", "status", "status_reason", "source",
]  # fmt: skip


@dataclass(frozen=True)
class TargetProgress:
    """One target of a hub at an as-of date, with everything the bureau reads about it.

    ``unit`` is the hub's currency for money KPIs, else "count" or "rank". ``actual`` is the
    KPI's latest value on or before the as-of date (``actual_note`` says why when there is
    none); ``series`` is the KPI from the plan start to the as-of date, for charts.
    """

    target_id: int
    hub_id: int
    hub: str
    hub_currency: str
    kpi_code: str
    kpi_name: str
    kind: str
    direction: str
    unit: str
    target_low: Decimal
    target_high: Decimal | None
    target_text: str | None
    baseline: Decimal | None
    plan_start: date
    deadline: date
    source: str | None
    actual: Decimal | None
    actual_on: date | None
    actual_note: str | None
    attainment: Decimal | Undefined
    elapsed: Decimal
    gap: Decimal | Undefined
    forecast: Forecast | Undefined
    status: str
    status_reason: str
    series: tuple[tuple[date, Decimal], ...]


def _progress(
    session: Session, target: Target, hub: Hub, kpi: Kpi, as_of: date, rows: Rows | Undefined
) -> TargetProgress:
    judged_on = min(as_of, target.deadline)  # after the deadline, the result is fixed
    if isinstance(rows, Undefined):
        series: list[tuple[date, Decimal]] = []
        found: tuple[date, Decimal] | Undefined = rows
    else:
        loaded = None if kpi.measure == "observed" else rows
        series = series_for(
            session=session,
            hub_id=target.hub_id,
            kpi=kpi,
            start=target.plan_start,
            end=as_of,
            rows=loaded,
        )
        found = latest_actual(
            session=session,
            hub=hub,
            kpi=kpi,
            as_of=judged_on,
            since=target.plan_start,
            rows=loaded,
        )
    if isinstance(found, Undefined):
        actual, actual_on, note = None, None, found.reason
        attained: Decimal | Undefined = Undefined(f"no actual: {found.reason}")
    else:
        (actual_on, actual), note = found, None
        attained = attainment(actual=actual, target=target.target_low, direction=kpi.direction)
    elapsed = time_elapsed(as_of=as_of, plan_start=target.plan_start, deadline=target.deadline)
    gap = schedule_gap(attainment=attained, elapsed=elapsed)
    floor = Decimal(1) if kpi.kind == "rank" else Decimal(0)
    if as_of >= target.deadline:
        forecast: Forecast | Undefined = Undefined(
            f"the deadline {target.deadline.isoformat()} has passed: the value at the deadline "
            "is the result"
        )
    else:
        forecast = forecast_at(series, at=target.deadline, level=FORECAST_LEVEL, floor=floor)
    status, reason = target_status(
        actual=actual,
        target_low=target.target_low,
        direction=kpi.direction,
        deadline=target.deadline,
        as_of=as_of,
        forecast=forecast,
        gap=gap,
    )
    return TargetProgress(
        target_id=target.id or 0,
        hub_id=target.hub_id,
        hub=hub.name,
        hub_currency=hub.currency,
        kpi_code=kpi.code,
        kpi_name=kpi.name,
        kind=kpi.kind,
        direction=kpi.direction,
        unit=hub.currency if kpi.kind == "money" else kpi.kind,
        target_low=plain(target.target_low),
        target_high=None if target.target_high is None else plain(target.target_high),
        target_text=target.target_text,
        baseline=None if target.baseline is None else plain(target.baseline),
        plan_start=target.plan_start,
        deadline=target.deadline,
        source=target.source,
        actual=actual,
        actual_on=actual_on,
        actual_note=note,
        attainment=attained,
        elapsed=elapsed,
        gap=gap,
        forecast=forecast,
        status=status,
        status_reason=reason,
        series=tuple(series),
    )


def hub_targets(
    *, session: Session, as_of: date, hub_id: int | None = None
) -> list[TargetProgress]:
    """Every target's progress at ``as_of`` (one hub's, or all hubs'), by hub name and KPI.

    The forecast is the trend of the KPI's values in [plan start, as_of], at the deadline.
    Once the deadline has passed, the target is judged on the value at the deadline (a
    target reached later was missed), and there is no forecast.
    """
    query = (
        select(Target, Hub, Kpi)
        .join(Hub, col(Hub.id) == Target.hub_id)
        .join(Kpi, col(Kpi.code) == Target.kpi_code)
        .order_by(col(Hub.name), col(Target.kpi_code), col(Target.deadline), col(Target.id))
    )
    if hub_id is not None:
        hub_by_id(session=session, hub_id=hub_id)
        query = query.where(Target.hub_id == hub_id)
    loaded: dict[tuple[int, str], Rows | Undefined] = {}
    progress = []
    for target, hub, kpi in session.exec(query).all():
        key = (target.hub_id, kpi.measure)
        if kpi.measure != "observed" and key not in loaded:
            try:
                loaded[key] = load_rows(session=session, hub_id=target.hub_id, measure=kpi.measure)
            except MissingFxRate as exc:
                loaded[key] = Undefined(str(exc))
        progress.append(_progress(session, target, hub, kpi, as_of, loaded.get(key, [])))
    return progress


def _display(value: Decimal | Undefined) -> float | None:
    return None if isinstance(value, Undefined) else float(value)


def target_label(low: Decimal, high: Decimal | None) -> str:
    """A target as text: "5-10" for a range, "10,000,000,000" for a single figure."""
    if high is None or high == low:
        return format_number(low)
    return f"{format_number(low)}-{format_number(high)}"


def targets_frame(rows: Iterable[TargetProgress]) -> pd.DataFrame:
    """One row per target, plain columns (``FRAME_COLUMNS``) for tables and exports.

    Figures stay ``Decimal`` (None where there is none); attainment, elapsed and gap are
    floats, for display only, with None (not NaN) where undefined.
    """
    records: list[dict[str, Any]] = []
    for row in rows:
        forecast = row.forecast if isinstance(row.forecast, Forecast) else None
        records.append(
            {
                "target_id": row.target_id,
                "hub": row.hub,
                "kpi": row.kpi_code,
                "kpi_name": row.kpi_name,
                "unit": row.unit,
                "target": target_label(row.target_low, row.target_high),
                "target_text": row.target_text,
                "actual": row.actual,
                "actual_on": row.actual_on,
                "attainment": _display(row.attainment),
                "elapsed": float(row.elapsed),
                "gap": _display(row.gap),
                "forecast": forecast.central if forecast else None,
                "forecast_low": forecast.low if forecast else None,
                "forecast_high": forecast.high if forecast else None,
                "deadline": row.deadline,
                "status": row.status,
                "status_reason": row.status_reason,
                "source": row.source,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=FRAME_COLUMNS)
    for column in ("attainment", "gap"):  # keep None (undefined), not NaN
        frame[column] = pd.Series([r[column] for r in records], index=frame.index, dtype=object)
    return frame
