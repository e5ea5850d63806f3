"""Parks and clusters: where they are, and their count and occupancy by district and focus."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import cached, common, display
from app_pages.charts import horizontal_bar
from app_pages.i18n import N_, t
from app_pages.metric_help import help_for
from fund.ecosystem import parks_frame
from fund.indicators import parks_summary
from models.db import database_url

GROUPS = {"district": N_("district"), "focus": N_("focus")}


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _parks(url: str, version: tuple[int, int]) -> pd.DataFrame:
    return common.read(parks_frame)


st.title(t("Parks & clusters"))
common.guard("parks")
hubs = common.hubs()
if not hubs:
    common.no_hubs_message()
    st.stop()

parks = _parks(database_url(), cached.data_version())
chosen = st.multiselect(
    t("Hubs"), [h[1] for h in hubs], default=[h[1] for h in hubs], format_func=display.hub
)
parks = parks[parks["hub"].isin(chosen)]
if parks.empty:
    st.info(
        t(
            "No parks or clusters for these hubs yet: choose more hubs above, or load them with "
            "the hub data (`hubfund demo`)."
        )
    )
    st.stop()

cols = st.columns(4)
cols[0].metric(t("Parks & clusters"), len(parks), help=help_for("parks"))
cols[1].metric(
    t("Capacity (firms)"), common.fmt_number(parks["capacity"].sum()), help=help_for("capacity")
)
cols[2].metric(
    t("Occupancy (firms)"),
    common.fmt_number(parks["occupancy"].sum()),
    help=help_for("occupancy"),
)
rate = parks["occupancy"].sum() / parks["capacity"].sum() if parks["capacity"].sum() else None
cols[3].metric(t("Occupancy rate"), common.fmt_pct(rate), help=help_for("occupancy_rate"))

located = parks.dropna(subset=["latitude", "longitude"])
st.map(located, latitude="latitude", longitude="longitude", size=600, zoom=3)
if len(located) < len(parks):
    st.caption(
        t(
            "{count} park(s) without coordinates are not on the map.",
            count=len(parks) - len(located),
        )
    )

by = st.radio(t("Group by"), list(GROUPS), horizontal=True, format_func=lambda g: t(GROUPS[g]))
summary = display.localize(parks_summary(parks, by=by), hub="hub")
st.altair_chart(
    horizontal_bar(
        summary,
        y=by,
        x="parks",
        color="hub",
        title=t("parks & clusters"),
        words={by: t(GROUPS[by]), "hub": t("Hub")},
    ),
    width="stretch",
)
occupancy = st.column_config.NumberColumn(t("occupancy rate"), format="percent")
st.dataframe(
    summary,
    hide_index=True,
    width="stretch",
    column_config=display.headers(summary, occupancy_rate=occupancy),
)
st.subheader(t("All parks and clusters"))
every = display.terms(
    display.localize(parks.drop(columns=["park_id", "hub_id"]), hub="hub", name="park"), "kind"
)
st.dataframe(
    every,
    hide_index=True,
    width="stretch",
    column_config=display.headers(every, occupancy_rate=occupancy),
)
