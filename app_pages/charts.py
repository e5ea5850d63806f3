"""Altair charts the pages draw; built from plain DataFrames, no Streamlit, no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def _status_scale(words: Mapping[str, str]) -> alt.Scale:
    return alt.Scale(
        domain=[words.get(s, s) for s in STATUS_COLORS], range=list(STATUS_COLORS.values())
    )


def _word(words: Mapping[str, str] | None, text: str) -> str:
    """``text`` as the page words it (its language), else as it is."""
    return (words or {}).get(text, text)


def bullet_chart(frame: pd.DataFrame, *, words: Mapping[str, str] | None = None) -> alt.LayerChart:
    """One bullet per target: attainment as a bar (shown up to 150 %), the target at 100 %,
    and a tick at the share of the plan period elapsed. Needs columns label, attainment,
    elapsed, status (attainment and elapsed as fractions). ``words``: the axis, legend and
    tooltip titles and the statuses in the page's language (English -> shown)."""
    data = frame.assign(
        shown=frame["attainment"].fillna(0).clip(upper=1.5).astype(float),
        elapsed=frame["elapsed"].astype(float),
        target=1.0,
        status=[_word(words, s) for s in frame["status"]],
    )
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320))
    )
    bars = base.mark_bar(height=14).encode(
        x=alt.X(
            "shown:Q",
            title=_word(words, "attainment (target = 100 %)"),
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1.5]),
        ),
        color=alt.Color(
            "status:N",
            scale=_status_scale(words or {}),
            legend=alt.Legend(title=_word(words, "status")),
        ),
        tooltip=[
            alt.Tooltip("label:N", title=_word(words, "target")),
            alt.Tooltip("attainment:Q", title=_word(words, "attainment"), format=".1%"),
            alt.Tooltip("elapsed:Q", title=_word(words, "time elapsed"), format=".1%"),
            alt.Tooltip("status:N", title=_word(words, "status")),
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
    words: Mapping[str, str] | None = None,
) -> alt.LayerChart:
    """The KPI's values over time, the target (band for a range), the deadline, and the
    forecast at the deadline with its range (central, low, high). ``words``: tooltip titles
    ("date", "value") in the page's language."""
    points = pd.DataFrame(
        {"date": [pd.Timestamp(d) for d, _ in series], "value": [float(v) for _, v in series]}
    )
    layers: list[alt.Chart] = [
        alt.Chart(points)
        .mark_line(point=True)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("value:Q", title=title),
            tooltip=[
                alt.Tooltip("date:T", title=_word(words, "date")),
                alt.Tooltip("value:Q", format=",.0f", title=_word(words, "value")),
            ],
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
WAN_YI_AXIS = (  # 1.5亿, 3,500万: money in Chinese units
    "abs(datum.value) >= 1e8 ? format(datum.value / 1e8, ',.2~f') + '亿' : "
    "abs(datum.value) >= 1e4 ? format(datum.value / 1e4, ',.2~f') + '万' : "
    "format(datum.value, ',~g')"
)


def money_axis(chinese: bool) -> str:
    """The axis label expression for money: SI units (350M, 12B), or 万/亿 in Chinese."""
    return WAN_YI_AXIS if chinese else BILLIONS_AXIS


def grouped_bar(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    title: str,
    color_order: Sequence[str] | None = None,
    words: Mapping[str, str] | None = None,
    axis: str = BILLIONS_AXIS,
) -> alt.Chart:
    """A stacked bar chart of ``y`` by ``x`` and ``color`` (e.g. funding by year and stage);
    ``words``: the tooltip and legend titles (column names -> shown); ``axis``: the money
    axis's label expression (``money_axis``)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=None),
            y=alt.Y(f"{y}:Q", title=title, axis=alt.Axis(labelExpr=axis)),
            color=alt.Color(
                f"{color}:N",
                sort=list(color_order) if color_order else "ascending",
                title=_word(words, color),
            ),
            order=alt.Order(f"{color}_rank:Q") if color_order else alt.Undefined,
            tooltip=[
                alt.Tooltip(f"{x}:O", title=_word(words, x)),
                alt.Tooltip(f"{color}:N", title=_word(words, color)),
                alt.Tooltip(f"{y}:Q", format=",.0f", title=title),
            ],
        )
        .properties(height=300)
    )


def horizontal_bar(
    frame: pd.DataFrame,
    *,
    y: str,
    x: str,
    color: str,
    title: str,
    words: Mapping[str, str] | None = None,
) -> alt.Chart:
    """Horizontal bars of ``x`` per ``y`` (labels stay readable), coloured by ``color``;
    ``words``: the tooltip and legend titles (column names -> shown)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{y}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"sum({x}):Q", title=title, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(f"{color}:N", title=_word(words, color)),
            tooltip=[
                alt.Tooltip(f"{y}:N", title=_word(words, y)),
                alt.Tooltip(f"{color}:N", title=_word(words, color)),
                alt.Tooltip(f"sum({x}):Q", title=title),
            ],
        )
        .properties(height=max(120, 24 * frame[y].nunique()))
    )
