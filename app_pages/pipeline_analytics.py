"""Pipeline analytics: funnel and conversion, time in stage, hit rate by source and sector,
and why deals were passed."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.text import md_text
from fund import pipeline_analytics as pa
from models.db import database_url


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _history(url: str, fund_id: int) -> pd.DataFrame:
    return common.read(pa.history_frame, fund_id=fund_id)


st.title("Pipeline analytics")
common.guard("pipeline_analytics")
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, _ = fund
history = _history(database_url(), fund_id)
if history.empty:
    st.info(f"{md_text(fund_name)} has no deals yet: the analytics start with the first deal.")
    st.stop()
cols = st.columns([2, 3])
period = cols[0].date_input("Deals opened between", value=(min(history["opened_on"]), date.today()))
owners = cols[1].multiselect("Owners", sorted(history["owner"].unique()), placeholder="all")
start, end = (period[0], period[-1]) if isinstance(period, tuple) else (period, period)
chosen = pa.filter_history(history, start=start, end=end, owners=owners or None)
if chosen.empty:
    st.info("No deals were opened in this period by these owners.")
    st.stop()

funnel = pa.funnel(chosen)
st.subheader("Funnel")
st.altair_chart(
    alt.Chart(funnel)
    .mark_bar()
    .encode(
        y=alt.Y("stage:N", sort=None, title=None),
        x=alt.X("deals:Q", title="deals reaching it"),
        tooltip=["stage", "deals", alt.Tooltip("conversion:Q", format=".0%")],
    ),
    width="stretch",
)
st.dataframe(
    funnel,
    hide_index=True,
    width="stretch",
    column_config={
        "conversion": st.column_config.NumberColumn(
            "conversion from the stage before", format="percent"
        )
    },
)
left, right = st.columns(2)
with left:
    st.subheader("Time in stage (days)")
    st.dataframe(pa.time_in_stage(chosen, as_of=date.today()), hide_index=True)
    st.markdown("**Slowest deals in their current stage**")
    st.dataframe(pa.slowest(chosen, as_of=date.today(), n=10), hide_index=True)
with right:
    st.subheader("Hit rate")
    by = st.radio(
        "By",
        ["source_channel", "sector"],
        horizontal=True,
        format_func=lambda b: b.replace("_", " "),
    )
    st.dataframe(
        pa.hit_rate(chosen, by=by),
        hide_index=True,
        column_config={"hit_rate": st.column_config.NumberColumn("hit rate", format="percent")},
    )
    st.subheader("Pass reasons")
    reasons = pa.pass_reasons(chosen)
    if reasons.empty:
        st.info("No deal was passed in this selection.")
    else:
        st.altair_chart(
            alt.Chart(reasons)
            .mark_arc()
            .encode(theta="count:Q", color="reason:N", tooltip=["reason", "count"]),
            width="stretch",
        )
