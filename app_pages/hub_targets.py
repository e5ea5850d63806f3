"""Hub targets: target vs actual vs deadline for each hub and KPI, with the bureau's forms."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import cached, common, display, target_forms
from app_pages.charts import STATUS_COLORS, bullet_chart, trend_chart
from app_pages.i18n import lang, t, term
from app_pages.locale_zh import STATUS_RULES_ZH
from app_pages.metric_help import help_for
from app_pages.text import md_text
from fund.hub_kpis import STATUS_RULES, STATUSES
from fund.hub_targets import (
    FORECAST_LEVEL,
    hub_targets,
    targets_frame,
)
from models.db import database_url


@st.cache_data(ttl=60, max_entries=32, show_spinner=False)
def _progress(url: str, version: tuple[int, int], as_of: date, hub_id: int | None) -> list:
    return common.read(hub_targets, as_of=as_of, hub_id=hub_id)


def _words() -> dict[str, str]:
    """The bullet and trend charts' titles and the statuses in the chosen language."""
    return {
        "attainment (target = 100 %)": t("attainment (target = 100 %)"),
        "status": t("status"),
        "target": t("target"),
        "attainment": t("attainment"),
        "time elapsed": t("time elapsed"),
        "date": t("date"),
        "value": t("value"),
    } | {status: term(status) for status in STATUSES}


st.title(t("Hub targets"))
common.guard("hub_targets")
common.show_flash()
hubs = common.hubs()
if not hubs:
    common.no_hubs_message()
    st.stop()

controls = st.columns([2, 1])
hub_choice = controls[0].selectbox(
    t("Hub"), [None, *hubs], format_func=lambda h: t("All hubs") if h is None else display.hub(h[1])
)
as_of = common.as_of_picker()
with st.spinner(t("Computing targets...")):
    rows = _progress(
        database_url(), cached.data_version(), as_of, None if hub_choice is None else hub_choice[0]
    )

if not rows:
    st.info(
        t(
            "No targets for this hub yet. A target needs a KPI, a value or range, a plan start, "
            "a deadline and the document that sets it: add one with `hubfund target`."
        )
    )
    st.stop()

counts = {status: sum(r.status == status for r in rows) for status in STATUSES}
for column, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    column.metric(term(status).capitalize(), counts[status], help=help_for(status))

frame = targets_frame(rows)
labels = [
    f"{display.hub(h)} · {display.kpi(k)}"
    for h, k in zip(frame["hub"], frame["kpi_name"], strict=True)
]
st.altair_chart(bullet_chart(frame.assign(label=labels), words=_words()), width="stretch")
st.caption(
    t(
        "Bar: attainment (actual / target; for a rank, target / actual). Black tick: the target. "
        "Grey tick: share of the plan period elapsed. Colours: {colours}",
        colours=", ".join(f"{term(s)} ({c})" for s, c in STATUS_COLORS.items()),
    )
)
shown = frame.assign(
    actual=[common.fmt_number(v, decimals=0) for v in frame["actual"]],
    forecast=[common.fmt_number(v) if v is not None else common.na() for v in frame["forecast"]],
    forecast_range=[
        "-"
        if lo is None
        else t("{low} to {high}", low=common.fmt_number(lo), high=common.fmt_number(hi))
        for lo, hi in zip(frame["forecast_low"], frame["forecast_high"], strict=True)
    ],
)
shown = display.terms(display.localize(shown, hub="hub", kpi_name="kpi"), "status", "unit")
st.dataframe(
    shown[
        [
            "hub",
            "kpi_name",
            "unit",
            "target",
            "actual",
            "actual_on",
            "attainment",
            "elapsed",
            "gap",
            "forecast",
            "forecast_range",
            "deadline",
            "status",
            "status_reason",
            "source",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config=display.headers(
        shown,
        kpi_name=t("KPI"),
        actual_on=st.column_config.DateColumn(t("actual as of")),
        attainment=st.column_config.ProgressColumn(
            t("attainment"), format="percent", min_value=0.0, max_value=1.0
        ),
        elapsed=st.column_config.NumberColumn(t("time elapsed"), format="percent"),
        gap=st.column_config.NumberColumn(t("schedule gap"), format="percent"),
        forecast=t("forecast at deadline"),
        forecast_range=t("forecast range ({level})", level=f"{FORECAST_LEVEL:.0%}"),
        status_reason=st.column_config.TextColumn(t("why"), width="large"),
    ),
)
with st.expander(t("How the status is set"), expanded=False):
    st.markdown(STATUS_RULES_ZH if lang() == "zh" else STATUS_RULES)

st.subheader(t("Trend and forecast"))
pick = st.selectbox(t("Target"), rows, format_func=target_forms.label)
forecast = pick.forecast
bounds = None if not forecast else (forecast.central, forecast.low, forecast.high)
if pick.series:
    st.altair_chart(
        trend_chart(
            pick.series,
            target_low=pick.target_low,
            target_high=pick.target_high,
            deadline=pick.deadline,
            forecast=bounds,
            title=f"{display.kpi(pick.kpi_name)} ({term(pick.unit)})",
            words=_words(),
        ),
        width="stretch",
    )
else:
    st.info(
        t(
            "No values of {kpi} for {hub} yet: {note}",
            kpi=md_text(display.kpi(pick.kpi_name)),
            hub=md_text(display.hub(pick.hub)),
            note=md_text(pick.actual_note or ""),
        )
    )
cols = st.columns(4)
unit = pick.hub_currency if pick.kind == "money" else None
show = (lambda v: common.fmt_money(v, unit)) if unit else common.fmt_number
cols[0].metric(
    t("Actual"),
    show(pick.actual),
    help=help_for(
        "actual",
        detail=md_text(pick.actual_note)
        if pick.actual_note
        else t("As of {day}.", day=common.fmt_date(pick.actual_on)),
    ),
)
cols[1].metric(
    t("Target"),
    show(pick.target_low)
    if pick.target_high is None
    else t("{low} to {high}", low=show(pick.target_low), high=show(pick.target_high)),
    help=help_for(
        "target",
        detail=t("As the plan states it: {text}", text=md_text(pick.target_text))
        if pick.target_text
        else None,
    ),
)
cols[2].metric(
    t("Attainment"),
    common.fmt_pct(pick.attainment),
    help=help_for("attainment", reason=common.explain(pick.attainment)),
)
cols[3].metric(
    t("Forecast at deadline"),
    show(forecast.central) if forecast else common.na(),
    help=help_for(
        "forecast",
        detail=t(
            "{level} range {low} to {high}.",
            level=f"{forecast.level:.0%}",
            low=show(forecast.low),
            high=show(forecast.high),
        )
        if forecast
        else None,
        reason=common.explain(forecast),
    ),
)
st.caption(
    t(
        "{status}: {reason}. Source: {source}.",
        status=term(pick.status).capitalize(),
        reason=md_text(pick.status_reason),
        source=md_text(pick.source),
    )
)

actor = common.current_actor()
if common.can_edit_hub_data(actor):
    st.subheader(t("Record and edit"))
    target_forms.forms(rows, hubs, on_written=_progress.clear)
else:
    st.caption(
        t("Read-only for your role; the development bureau records observations and targets.")
    )
