"""Hub comparison: the same ecosystem indicators side by side for every hub, and the trials."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import common
from fund.contribution import contribution_frame, hub_contribution
from fund.ecosystem import trials_summary
from fund.hub_indicators import hub_comparison
from models.db import database_url

INDICATORS = {
    "active_firms": "Active fintech firms",
    "renowned_firms": "Renowned firms",
    "parks": "Parks & clusters",
    "funding_last_12m": "Funding, last 12 months",
    "trial_projects": "Trial projects",
    "trial_entities": "Trial entities",
    "latest_gfci_rank": "GFCI rank (lower is better)",
}


@st.cache_data(ttl=60, max_entries=16, show_spinner="Comparing hubs...")
def _comparison(url: str, as_of: date) -> pd.DataFrame:
    return common.read(hub_comparison, as_of=as_of)


@st.cache_data(ttl=60, max_entries=4, show_spinner=False)
def _trials(url: str) -> object:
    return common.read(trials_summary)


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _contributions(url: str, as_of: date) -> pd.DataFrame:
    rows = [
        row
        for hub_id, _, _ in common.hubs()
        for row in common.read(hub_contribution, hub_id=hub_id, as_of=as_of)
    ]
    return contribution_frame(rows).astype(
        {
            c: float
            for c in ("fund_invested", "co_investment", "public_contribution", "follow_on_raised")
        }
    )


st.title("Hub comparison")
common.guard("hub_comparison")
if not common.hubs():
    common.no_hubs_message()
    st.stop()
as_of = common.as_of_picker()
frame = _comparison(database_url(), as_of)

st.dataframe(
    frame.drop(columns=["hub_id", "as_of"]),
    hide_index=True,
    width="stretch",
    column_config={
        "funding_last_12m": st.column_config.NumberColumn(
            "funding, last 12 months", format="localized"
        ),
        "funding_prev_12m": st.column_config.NumberColumn(
            "funding, 12 months before", format="localized"
        ),
        "funding_growth_12m": st.column_config.NumberColumn("funding growth", format="percent"),
        "survival_3y": st.column_config.NumberColumn("3-year survival", format="percent"),
        "survival_5y": st.column_config.NumberColumn("5-year survival", format="percent"),
        "birth_rate": st.column_config.NumberColumn("birth rate", format="percent"),
        "park_occupancy_rate": st.column_config.NumberColumn("park occupancy", format="percent"),
    },
)
st.caption(
    "Funding in each hub's currency at the rate as of each round's date. HHI: sum of squared "
    "percentage shares (0-10,000; above 2,500 is highly concentrated). Survival: share of firms "
    "still open 3 / 5 years after founding, among firms old enough. Birth rate: firms founded "
    "in the last complete year / firms active at its start."
)

indicator = st.selectbox("Compare on", list(INDICATORS), format_func=INDICATORS.get)
chart_data = frame[["hub", indicator]].dropna().assign(value=lambda f: f[indicator].astype(float))
if chart_data.empty:
    st.info(f"No hub has a value for {INDICATORS[indicator]} as of {as_of.isoformat()}.")
else:
    st.altair_chart(
        alt.Chart(chart_data)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=INDICATORS[indicator], axis=alt.Axis(format="~s")),
            y=alt.Y("hub:N", sort="-x" if indicator != "latest_gfci_rank" else "x", title=None),
            tooltip=["hub", alt.Tooltip("value:Q", format=",.0f")],
        )
        .properties(height=40 * len(chart_data) + 40),
        width="stretch",
    )

st.subheader("Fintech regulatory trials")
trials = _trials(database_url())
left, right = st.columns(2)
with left:
    st.markdown("**Trial projects by hub**")
    if trials.by_hub.empty:
        st.info("No trial projects recorded yet.")
    else:
        st.dataframe(trials.by_hub, hide_index=True, width="stretch")
with right:
    st.markdown(f"**Provinces with approved fintech trials** ({len(trials.provinces)})")
    if trials.provinces.empty:
        st.info("No province-level trial approvals recorded yet.")
    else:
        st.dataframe(trials.provinces, hide_index=True, width="stretch")

st.subheader("What the development funds contribute")
contributions = _contributions(database_url(), as_of)
if contributions.empty:
    st.info("No fund is attached to a hub yet: a fund's contribution shows here once it invests.")
else:
    st.dataframe(
        contributions[
            [
                "fund",
                "hub",
                "currency",
                "fund_invested",
                "crowd_in",
                "co_investment",
                "rounds_counted",
                "local_reinvestment",
                "public_contribution",
                "follow_on_raised",
                "follow_on_rounds",
                "portfolio_companies",
                "portfolio_jobs",
                "portfolio_jobs_in_hub",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "crowd_in": st.column_config.NumberColumn("crowd-in multiple", format="%.2fx"),
            "local_reinvestment": st.column_config.NumberColumn(
                "local reinvestment", format="%.2fx"
            ),
            "fund_invested": st.column_config.NumberColumn("invested", format="localized"),
            "co_investment": st.column_config.NumberColumn("co-investment", format="localized"),
            "public_contribution": st.column_config.NumberColumn(
                "public money called", format="localized"
            ),
            "follow_on_raised": st.column_config.NumberColumn(
                "follow-on raised", format="localized"
            ),
        },
    )
    st.caption(
        "Crowd-in: (fund + co-investors in the same rounds) / fund, disbursed amounts, each "
        "round once. Local reinvestment: invested in firms of the fund's hub / capital called "
        "from public LPs. Follow-on: portfolio companies' later rounds after the fund's first "
        "cheque. Jobs: employees of companies still held."
    )
