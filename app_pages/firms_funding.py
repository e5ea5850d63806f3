"""Firms and funding: filter firms and rounds; funding by period, growth, HHI, survival."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.charts import grouped_bar
from fund.ecosystem import explore_funding, firms_frame
from fund.indicators import birth_rate, survival_by_cohort
from models.db import database_url
from models.hub import SECTORS, STAGES


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _firms(url: str) -> pd.DataFrame:
    return common.read(firms_frame)


@st.cache_data(ttl=60, max_entries=32, show_spinner="Adding up rounds...")
def _funding(
    url: str,
    hub_ids: tuple[int, ...],
    sectors: tuple[str, ...],
    stages: tuple[str, ...],
    years: tuple[int, int],
) -> object:
    return common.read(
        explore_funding,
        hub_ids=hub_ids,
        sectors=sectors or None,
        stages=stages or None,
        years=years,
    )


st.title("Firms & funding")
common.guard("firms_funding")
hubs = common.hubs()
if not hubs:
    common.no_hubs_message()
    st.stop()

with st.container(border=True):
    cols = st.columns([2, 2, 2, 3])
    chosen = cols[0].multiselect("Hubs", hubs, default=hubs, format_func=lambda h: h[1])
    sectors = cols[1].multiselect("Sectors", SECTORS, placeholder="all sectors")
    stages = cols[2].multiselect("Stages", STAGES, placeholder="all stages")
    this_year = date.today().year
    years = cols[3].slider("Years", 2010, this_year, (2015, this_year))

hub_ids = tuple(h[0] for h in chosen)
currencies = {h[2] for h in chosen}
view = _funding(database_url(), hub_ids, tuple(sectors), tuple(stages), tuple(years))

st.subheader("Funding")
if view.rounds.empty:
    st.info("No funding rounds match these filters. Widen the years, sectors or stages.")
else:
    currency = next(iter(currencies)) if len(currencies) == 1 else None
    total = sum(view.totals.values())
    metric_cols = st.columns(4)
    metric_cols[0].metric(
        "Total raised",
        common.fmt_compact(total, currency) if currency else "mixed currencies",
        help=(
            f"{common.fmt_money(total, currency or '')}: rounds converted to each hub's "
            "currency at the rate as of the round's date."
        ),
    )
    metric_cols[1].metric("Rounds", f"{len(view.rounds):,}")
    metric_cols[2].metric("Firms funded", f"{view.rounds['firm_id'].nunique():,}")
    complete = view.growth[view.growth["year"] < date.today().year]  # a part year misleads
    latest = complete.dropna(subset=["yoy"]).sort_values("year").tail(1)
    metric_cols[3].metric(
        "Latest year-on-year growth",
        common.fmt_pct(latest["yoy"].iloc[0], signed=True) if len(latest) else "n/a",
        help=(
            f"{int(latest['year'].iloc[0])} against the year before: (funding in year t / "
            "funding in year t-1) - 1, for the last complete year"
            if len(latest)
            else "needs two complete years of funding"
        ),
    )
    rank = {stage: i for i, stage in enumerate(STAGES)}
    by_period = view.by_period.assign(
        amount=lambda f: f["amount"].astype(float), stage_rank=lambda f: f["stage"].map(rank)
    )
    st.altair_chart(
        grouped_bar(
            by_period,
            x="period",
            y="amount",
            color="stage",
            title=f"raised ({currency or 'hub currency'})",
            color_order=STAGES,
        ),
        width="stretch",
    )
    hhi = pd.DataFrame(
        {
            "hub": list(view.totals),
            "total": [common.fmt_money(v, currency or "") for v in view.totals.values()],
            "HHI by sector": [common.fmt_number(view.hhi_sector.get(h)) for h in view.totals],
            "HHI by stage": [common.fmt_number(view.hhi_stage.get(h)) for h in view.totals],
        }
    )
    st.dataframe(hhi, hide_index=True, width="stretch")
    st.caption(
        "HHI: sum of squared percentage shares of the funding amount (0-10,000); above 2,500 "
        "is highly concentrated (US DoJ/FTC guidelines)."
    )
    with st.expander("Year-on-year growth by hub"):
        st.dataframe(view.growth, hide_index=True, width="stretch")
    with st.expander(f"The {len(view.rounds):,} rounds"):
        st.dataframe(view.rounds, hide_index=True, width="stretch")

st.subheader("Firms")
firms = _firms(database_url())
firms = firms[firms["hub_id"].isin(hub_ids)]
if sectors:
    firms = firms[firms["sector"].isin(sectors)]
if firms.empty:
    st.info("No firms match these filters.")
    st.stop()
as_of = date.today()
cols = st.columns(4)
cols[0].metric("Firms", f"{len(firms):,}")
cols[1].metric("Active", f"{int((firms['status'] == 'active').sum()):,}")
cols[2].metric("Renowned", f"{int(firms['renowned'].sum()):,}")
rate = birth_rate(firms, year=as_of.year - 1)
cols[3].metric(
    f"Birth rate {as_of.year - 1}",
    common.fmt_pct(rate),
    help=common.explain(rate) or "firms founded in the year / firms active at its start",
)
st.dataframe(
    firms[
        [
            "name",
            "name_zh",
            "hub",
            "sector",
            "founded",
            "employees",
            "park",
            "status",
            "renowned",
            "renowned_criterion",
            "uscc",
            "is_demo",
        ]
    ],
    hide_index=True,
    width="stretch",
)
st.markdown("**Survival by founding cohort**")
survival = survival_by_cohort(firms, as_of=as_of)
st.dataframe(
    survival,
    hide_index=True,
    width="stretch",
    column_config={
        "survival_3": st.column_config.NumberColumn("3-year survival", format="percent"),
        "survival_5": st.column_config.NumberColumn("5-year survival", format="percent"),
    },
)
