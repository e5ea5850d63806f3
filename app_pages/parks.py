"""Parks and clusters: where they are, and their count and occupancy by district and focus."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.charts import horizontal_bar
from fund.ecosystem import parks_frame
from fund.indicators import parks_summary
from models.db import database_url


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _parks(url: str) -> pd.DataFrame:
    return common.read(parks_frame)


st.title("Parks & clusters")
common.guard("parks")
hubs = common.hubs()
if not hubs:
    common.no_hubs_message()
    st.stop()

parks = _parks(database_url())
chosen = st.multiselect("Hubs", [h[1] for h in hubs], default=[h[1] for h in hubs])
parks = parks[parks["hub"].isin(chosen)]
if parks.empty:
    st.info(
        "No parks or clusters for these hubs yet. Parks come with the hub data (`hubfund demo`)."
    )
    st.stop()

cols = st.columns(4)
cols[0].metric("Parks & clusters", len(parks))
cols[1].metric("Capacity (firms)", common.fmt_number(parks["capacity"].sum()))
cols[2].metric("Occupancy (firms)", common.fmt_number(parks["occupancy"].sum()))
rate = parks["occupancy"].sum() / parks["capacity"].sum() if parks["capacity"].sum() else None
cols[3].metric("Occupancy rate", common.fmt_pct(rate))

located = parks.dropna(subset=["latitude", "longitude"])
st.map(located, latitude="latitude", longitude="longitude", size=600, zoom=3)
if len(located) < len(parks):
    st.caption(f"{len(parks) - len(located)} park(s) without coordinates are not on the map.")

by = st.radio("Group by", ["district", "focus"], horizontal=True)
summary = parks_summary(parks, by=by)
st.altair_chart(
    horizontal_bar(summary, y=by, x="parks", color="hub", title="parks & clusters"),
    width="stretch",
)
st.dataframe(
    summary,
    hide_index=True,
    width="stretch",
    column_config={"occupancy_rate": st.column_config.NumberColumn("occupancy", format="percent")},
)
st.subheader("All parks and clusters")
st.dataframe(
    parks.drop(columns=["park_id", "hub_id"]),
    hide_index=True,
    width="stretch",
    column_config={"occupancy_rate": st.column_config.NumberColumn("occupancy", format="percent")},
)
