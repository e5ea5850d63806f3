"""Altair charts the pages draw; built from plain DataFrames, no Streamlit, no database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import altair as alt
import pandas as pd

STATUS_COLORS = {
    "met": "#1a7f37",
    "on track": "#2f81f7",
    "at risk": "#d29922",
    "off track": "#cf222e",
}


def _status_scale() -> alt.Scale:
    return alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values()))


def bullet_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """One bullet per target: attainment as a bar (shown up to 150 %), the target at 100 %,
    and a tick at the share of the plan period elapsed. Needs columns label, attainment,
    elapsed, status (attainment and elapsed as fractions)."""
    data = frame.assign(
        shown=frame["attainment"].fillna(0).clip(upper=1.5).astype(float),
        elapsed=frame["elapsed"].astype(float),
        target=1.0,
    )
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320))
    )
    bars = base.mark_bar(height=14).encode(
        x=alt.X(
            "shown:Q",
            title="attainment (target = 100 %)",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1.5]),
        ),
        color=alt.Color("status:N", scale=_status_scale(), legend=alt.Legend(title="status")),
        tooltip=[
            alt.Tooltip("label:N", title="target"),
            alt.Tooltip("attainment:Q", title="attainment", format=".1%"),
            alt.Tooltip("elapsed:Q", title="time elapsed", format=".1%"),
            alt.Tooltip("status:N"),
        ],
    )
    target = base.mark_tick(color="black", thickness=2, size=22).encode(x="target:Q")
    elapsed = base.mark_tick(color="#6e7781", thickness=2, size=12).encode(x="elapsed:Q")
    return alt.layer(bars, target, elapsed).properties(height=max(60, 34 * len(data)))


def trend_chart(
    series: Sequence[tuple[date, Decimal]],
    *,
    target_low: Decimal,
    target_high: Decimal | None,
    deadline: date,
    forecast: tuple[Decimal, Decimal, Decimal] | None,
    title: str,
) -> alt.LayerChart:
    """The KPI's values over time, the target (band for a range), the deadline, and the
    forecast at the deadline with its range (central, low, high)."""
    points = pd.DataFrame(
        {"date": [pd.Timestamp(d) for d, _ in series], "value": [float(v) for _, v in series]}
    )
    layers: list[alt.Chart] = [
        alt.Chart(points)
        .mark_line(point=True)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("value:Q", title=title),
            tooltip=[alt.Tooltip("date:T"), alt.Tooltip("value:Q", format=",.0f")],
        )
    ]
    goal = pd.DataFrame({"value": [float(target_low)], "label": ["target"]})
    layers.append(alt.Chart(goal).mark_rule(color="black", strokeDash=[6, 3]).encode(y="value:Q"))
    if target_high is not None:
        top = pd.DataFrame({"value": [float(target_high)]})
        layers.append(
            alt.Chart(top).mark_rule(color="#6e7781", strokeDash=[2, 2]).encode(y="value:Q")
        )
    due = pd.DataFrame({"date": [pd.Timestamp(deadline)]})
    layers.append(alt.Chart(due).mark_rule(color="#cf222e").encode(x="date:T"))
    if forecast is not None and len(points):
        central, low, high = (float(v) for v in forecast)
        path = pd.DataFrame(
            {
                "date": [points["date"].iloc[-1], pd.Timestamp(deadline)],
                "value": [points["value"].iloc[-1], central],
            }
        )
        band = pd.DataFrame({"date": [pd.Timestamp(deadline)], "low": [low], "high": [high]})
        layers.append(
            alt.Chart(path)
            .mark_line(strokeDash=[4, 4], color="#2f81f7")
            .encode(x="date:T", y="value:Q")
        )
        layers.append(
            alt.Chart(band)
            .mark_errorbar(color="#2f81f7", thickness=2)
            .encode(x="date:T", y=alt.Y("low:Q", title=title), y2="high:Q")
        )
    return alt.layer(*layers).properties(height=260)


BILLIONS_AXIS = "replace(format(datum.value, '~s'), 'G', 'B')"  # 12G -> 12B


def grouped_bar(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    color_order: Sequence[str] | None = None,
) -> alt.Chart:
    """A stacked bar chart of ``y`` by ``x`` and ``color`` (e.g. funding by year and stage)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=None),
            y=alt.Y(f"{y}:Q", title=title, axis=alt.Axis(labelExpr=BILLIONS_AXIS)),
            color=alt.Color(f"{color}:N", sort=list(color_order) if color_order else "ascending"),
            order=alt.Order(f"{color}_rank:Q") if color_order else alt.Undefined,
            tooltip=[f"{x}:O", f"{color}:N", alt.Tooltip(f"{y}:Q", format=",.0f")],
        )
        .properties(height=300)
    )


def horizontal_bar(frame: pd.DataFrame, *, y: str, x: str, color: str, title: str) -> alt.Chart:
    """Horizontal bars of ``x`` per ``y`` (labels stay readable), coloured by ``color``."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{y}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"sum({x}):Q", title=title, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(f"{color}:N"),
            tooltip=[f"{y}:N", f"{color}:N", alt.Tooltip(f"sum({x}):Q", title=title)],
        )
        .properties(height=max(120, 24 * frame[y].nunique()))
    )
