"""Pipeline analytics: funnel and conversion, time in stage, hit rate by source and sector,
and why deals were passed."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import cached, common, display
from app_pages.i18n import t
from app_pages.text import md_text
from fund import pipeline_analytics as pa
from models.db import database_url


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _history(url: str, version: tuple[int, int], fund_id: int) -> pd.DataFrame:
    return common.read(pa.history_frame, fund_id=fund_id)


st.title(t("Pipeline analytics"))
common.guard("pipeline_analytics")
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, _ = fund
history = _history(database_url(), cached.data_version(), fund_id)
if history.empty:
    st.info(
        t(
            "{fund} has no deals yet: open one on the Pipeline page; the analytics start with "
            "the first deal.",
            fund=md_text(display.fund(fund_name)),
        )
    )
    st.stop()
cols = st.columns([2, 3])
period = cols[0].date_input(
    t("Deals opened between"),
    value=(min(history["opened_on"]), date.today()),
    format="YYYY/MM/DD",
)
owners = cols[1].multiselect(t("Owners"), sorted(history["owner"].unique()), placeholder=t("all"))
start, end = (period[0], period[-1]) if isinstance(period, tuple) else (period, period)
chosen = pa.filter_history(history, start=start, end=end, owners=owners or None)
if chosen.empty:
    st.info(t("No deals were opened in this period by these owners: widen the period."))
    st.stop()

funnel = pa.funnel(chosen)
st.subheader(t("Funnel"))
shown = display.terms(funnel, "stage")
st.altair_chart(
    alt.Chart(shown)
    .mark_bar()
    .encode(
        y=alt.Y("stage:N", sort=None, title=None),
        x=alt.X("deals:Q", title=t("deals reaching it")),
        tooltip=[
            alt.Tooltip("stage", title=t("Stage")),
            alt.Tooltip("deals", title=t("Number of deals")),
            alt.Tooltip("conversion:Q", format=".0%", title=t("conversion")),
        ],
    ),
    width="stretch",
)
st.dataframe(
    funnel,
    hide_index=True,
    width="stretch",
    column_config=display.headers(
        funnel,
        conversion=st.column_config.NumberColumn(
            t("conversion from the stage before"), format="percent"
        ),
    ),
)
left, right = st.columns(2)
with left:
    st.subheader(t("Time in stage (days)"))
    stages = display.terms(pa.time_in_stage(chosen, as_of=date.today()), "stage")
    st.dataframe(stages, hide_index=True, column_config=display.headers(stages))
    st.markdown(t("**Slowest deals in their current stage**"))
    slowest = display.terms(
        display.localize(pa.slowest(chosen, as_of=date.today(), n=10), company="firm"), "stage"
    )
    st.dataframe(slowest, hide_index=True, column_config=display.headers(slowest))
with right:
    st.subheader(t("Hit rate"))
    by = st.radio(
        t("By"),
        ["source_channel", "sector"],
        horizontal=True,
        format_func=lambda b: display.label(b),
    )
    hits = display.terms(pa.hit_rate(chosen, by=by), by)
    st.dataframe(
        hits,
        hide_index=True,
        column_config=display.headers(
            hits, hit_rate=st.column_config.NumberColumn(t("hit rate"), format="percent")
        ),
    )
    st.subheader(t("Pass reasons"))
    reasons = pa.pass_reasons(chosen)
    if reasons.empty:
        st.info(t("No deal was passed in this selection."))
    else:
        st.altair_chart(
            alt.Chart(display.terms(reasons, "reason"))
            .mark_arc()
            .encode(
                theta="count:Q",
                color=alt.Color("reason:N", title=t("Reason")),
                tooltip=[
                    alt.Tooltip("reason", title=t("Reason")),
                    alt.Tooltip("count", title=t("Number of deals")),
                ],
            ),
            width="stretch",
        )
