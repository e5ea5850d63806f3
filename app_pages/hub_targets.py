"""Hub targets: target vs actual vs deadline for each hub and KPI, with the bureau's forms."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import common
from app_pages.charts import STATUS_COLORS, bullet_chart, trend_chart
from app_pages.text import md_text
from fund.hub_kpis import STATUS_RULES, STATUSES
from fund.hub_targets import (
    FORECAST_LEVEL,
    add_observation,
    hub_targets,
    targets_frame,
    update_target,
)
from models.db import database_url
from models.kpi import KpiObservationCreate, TargetUpdate
from models.queries import all_kpis
from models.validation import InputError, check


@st.cache_data(ttl=60, max_entries=32, show_spinner="Computing targets...")
def _progress(url: str, as_of: date, hub_id: int | None) -> list:
    return common.read(hub_targets, as_of=as_of, hub_id=hub_id)


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def _kpis(url: str) -> list[tuple[str, str, str]]:
    return [(k.code, k.name, k.measure) for k in common.read(all_kpis)]


def _forms(rows: list, hubs: list[tuple[int, str, str]]) -> None:
    kpis = _kpis(database_url())
    observed = {code: name for code, name, measure in kpis if measure == "observed"}
    hub_name = {hub_id: name for hub_id, name, _ in hubs}
    by_id = {row.target_id: row for row in rows}
    left, right = st.columns(2)
    with left, st.form("add_observation", clear_on_submit=True):
        st.markdown("**Add an observation**")
        hub_id = st.selectbox("Hub", list(hub_name), format_func=hub_name.get, key="obs_hub")
        kpi = st.selectbox("KPI", list(observed), format_func=observed.get, key="obs_kpi")
        observed_on = st.date_input("Observed on", value=date.today(), key="obs_date")
        value = st.text_input("Value", key="obs_value", placeholder="e.g. 9 or 2500000000")
        source = st.text_input("Source", key="obs_source", placeholder="document or URL")
        note = st.text_input("Note (optional)", key="obs_note")
        if st.form_submit_button("Record observation"):
            try:
                created = common.write(
                    add_observation,
                    observation_in=check(
                        KpiObservationCreate,
                        dict(
                            hub_id=hub_id,
                            kpi_code=kpi,
                            observed_on=observed_on,
                            value=value,
                            source=source,
                            note=note or None,
                        ),
                    ),
                )
            except (InputError, PermissionError) as exc:
                st.error(str(exc))
            else:
                _progress.clear()
                common.flash(
                    f"Recorded {observed[kpi]} = {created.value} for {hub_name[hub_id]} on "
                    f"{created.observed_on.isoformat()} (observation #{created.id})."
                )
    with right, st.form("edit_target"):
        st.markdown("**Edit a target**")
        picked = st.selectbox(
            "Target",
            list(by_id),
            format_func=lambda i: f"{by_id[i].hub}: {by_id[i].kpi_name} by {by_id[i].deadline}",
            key="tgt_pick",
        )
        choice = by_id[picked]
        low = st.text_input("Target (min)", value=str(choice.target_low), key="tgt_low")
        high = st.text_input(
            "Target (max, for a range)",
            value="" if choice.target_high is None else str(choice.target_high),
            key="tgt_high",
        )
        text = st.text_input(
            "As the plan states it", value=choice.target_text or "", key="tgt_text"
        )
        start = st.date_input("Plan start", value=choice.plan_start, key="tgt_start")
        deadline = st.date_input("Deadline", value=choice.deadline, key="tgt_deadline")
        source = st.text_input("Source", value=choice.source or "", key="tgt_source")
        if st.form_submit_button("Save target"):
            try:
                update = check(
                    TargetUpdate,
                    dict(
                        target_low=low,
                        target_high=high or None,
                        target_text=text or None,
                        plan_start=start,
                        deadline=deadline,
                        source=source or None,
                    ),
                )
                saved = common.write(update_target, target_id=choice.target_id, target_in=update)
            except (InputError, PermissionError) as exc:
                st.error(str(exc))
            else:
                _progress.clear()
                stated = f"{saved.target_low}" + (
                    "" if saved.target_high is None else f"-{saved.target_high}"
                )
                common.flash(
                    f"Saved target #{saved.id}: {md_text(choice.hub)} "
                    f"{md_text(choice.kpi_name)} {stated} by {saved.deadline.isoformat()}."
                )


st.title("Hub targets")
common.guard("hub_targets")
common.show_flash()
hubs = common.hubs()
if not hubs:
    common.no_hubs_message()
    st.stop()

controls = st.columns([2, 1])
hub_choice = controls[0].selectbox(
    "Hub", [None, *hubs], format_func=lambda h: "All hubs" if h is None else h[1]
)
as_of = common.as_of_picker()
rows = _progress(database_url(), as_of, None if hub_choice is None else hub_choice[0])

if not rows:
    st.info(
        "No targets for this hub yet. A target needs a KPI, a value or range, a plan start, a "
        "deadline and the document that sets it: add one with `hubfund target`."
    )
    st.stop()

counts = {status: sum(r.status == status for r in rows) for status in STATUSES}
for column, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    column.metric(status.capitalize(), counts[status])

frame = targets_frame(rows)
st.altair_chart(
    bullet_chart(frame.assign(label=frame["hub"] + " · " + frame["kpi_name"])), width="stretch"
)
st.caption(
    "Bar: attainment (actual / target; for a rank, target / actual). Black tick: the target. "
    "Grey tick: share of the plan period elapsed. Colours: "
    + ", ".join(f"{s} ({c})" for s, c in STATUS_COLORS.items())
)
shown = frame.assign(
    actual=[common.fmt_number(v, decimals=0) for v in frame["actual"]],
    forecast=[common.fmt_number(v) if v is not None else "n/a" for v in frame["forecast"]],
    forecast_range=[
        "-" if lo is None else f"{common.fmt_number(lo)} to {common.fmt_number(hi)}"
        for lo, hi in zip(frame["forecast_low"], frame["forecast_high"], strict=True)
    ],
)
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
    column_config={
        "kpi_name": "KPI",
        "actual_on": st.column_config.DateColumn("actual as of"),
        "attainment": st.column_config.ProgressColumn(
            "attainment", format="percent", min_value=0.0, max_value=1.0
        ),
        "elapsed": st.column_config.NumberColumn("time elapsed", format="percent"),
        "gap": st.column_config.NumberColumn("schedule gap", format="percent"),
        "forecast": "forecast at deadline",
        "forecast_range": f"forecast range ({FORECAST_LEVEL:.0%})",
        "status_reason": st.column_config.TextColumn("why", width="large"),
    },
)
with st.expander("How the status is set", expanded=False):
    st.markdown(STATUS_RULES)

st.subheader("Trend and forecast")
pick = st.selectbox(
    "Target", rows, format_func=lambda r: f"{r.hub}: {r.kpi_name} by {r.deadline.isoformat()}"
)
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
            title=f"{pick.kpi_name} ({pick.unit})",
        ),
        width="stretch",
    )
else:
    st.info(md_text(f"No values of {pick.kpi_name} for {pick.hub} yet: {pick.actual_note or ''}"))
cols = st.columns(4)
unit = pick.hub_currency if pick.kind == "money" else None
show = (lambda v: common.fmt_money(v, unit)) if unit else common.fmt_number
cols[0].metric(
    "Actual", show(pick.actual), help=md_text(pick.actual_note or f"as of {pick.actual_on}")
)
cols[1].metric(
    "Target",
    show(pick.target_low)
    if pick.target_high is None
    else f"{show(pick.target_low)} to {show(pick.target_high)}",
    help=f"As the plan states it: {md_text(pick.target_text)}" if pick.target_text else None,
)
cols[2].metric("Attainment", common.fmt_pct(pick.attainment), help=common.explain(pick.attainment))
cols[3].metric(
    "Forecast at deadline",
    show(forecast.central) if forecast else "n/a",
    help=(
        f"{forecast.level:.0%} range {show(forecast.low)} to {show(forecast.high)}"
        if forecast
        else common.explain(forecast)
    ),
)
st.caption(md_text(f"{pick.status.capitalize()}: {pick.status_reason}. Source: {pick.source}."))

actor = common.current_actor()
if common.can_edit_hub_data(actor):
    st.subheader("Record and edit")
    _forms(rows, hubs)
else:
    st.caption("Read-only for your role; the development bureau records observations and targets.")
