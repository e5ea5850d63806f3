"""Firms and funding: filter firms and rounds; funding by period, growth, HHI, survival."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import cached, common, display
from app_pages.charts import grouped_bar
from app_pages.i18n import t, term
from app_pages.metric_help import help_for
from fund.ecosystem import explore_funding, firms_frame
from fund.indicators import birth_rate, survival_by_cohort
from models.db import database_url
from models.hub import SECTORS, STAGES


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _firms(url: str, version: tuple[int, int]) -> pd.DataFrame:
    return common.read(firms_frame)


@st.cache_data(ttl=60, max_entries=32, show_spinner=False)
def _funding(
    url: str,
    version: tuple[int, int],
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


st.title(t("Firms & funding"))
common.guard("firms_funding")
hubs = common.hubs()
if not hubs:
    common.no_hubs_message()
    st.stop()

with st.container(border=True):
    cols = st.columns([2, 2, 2, 3])
    chosen = cols[0].multiselect(
        t("Hubs"), hubs, default=hubs, format_func=lambda h: display.hub(h[1])
    )
    sectors = cols[1].multiselect(
        t("Sectors"), SECTORS, placeholder=t("all sectors"), format_func=term
    )
    stages = cols[2].multiselect(t("Stages"), STAGES, placeholder=t("all stages"))
    this_year = date.today().year
    years = cols[3].slider(t("Years"), 2010, this_year, (2015, this_year))

hub_ids = tuple(h[0] for h in chosen)
currencies = {h[2] for h in chosen}
with st.spinner(t("Adding up rounds...")):
    view = _funding(
        database_url(), cached.data_version(), hub_ids, tuple(sectors), tuple(stages), tuple(years)
    )

st.subheader(t("Funding"))
if view.rounds.empty:
    st.info(t("No funding rounds match these filters. Widen the years, sectors or stages."))
else:
    currency = next(iter(currencies)) if len(currencies) == 1 else None
    total = sum(view.totals.values())
    metric_cols = st.columns(4)
    metric_cols[0].metric(
        t("Total raised"),
        common.fmt_compact(total, currency) if currency else t("mixed currencies"),
        help=help_for(
            "total_raised",
            detail=common.fmt_money(total, currency) if currency else None,
        ),
    )
    metric_cols[1].metric(t("Rounds"), f"{len(view.rounds):,}", help=help_for("rounds"))
    metric_cols[2].metric(
        t("Firms funded"),
        f"{view.rounds['firm_id'].nunique():,}",
        help=help_for("firms_funded"),
    )
    complete = view.growth[view.growth["year"] < date.today().year]  # a part year misleads
    latest = complete.dropna(subset=["yoy"]).sort_values("year").tail(1)
    metric_cols[3].metric(
        t("Latest year-on-year growth"),
        common.fmt_pct(latest["yoy"].iloc[0], signed=True) if len(latest) else common.na(),
        help=help_for(
            "yoy",
            detail=t("{year} against the year before.", year=int(latest["year"].iloc[0]))
            if len(latest)
            else None,
            reason=None if len(latest) else t("needs two complete years of funding"),
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
            title=t("raised ({currency})", currency=currency or t("hub currency")),
            color_order=STAGES,
            words={"period": t("Period"), "stage": t("Stage")},
            axis=common.money_axis(),
        ),
        width="stretch",
    )
    hhi = pd.DataFrame(
        {
            "hub": [display.hub(h) for h in view.totals],
            "total": [common.fmt_money(v, currency or "") for v in view.totals.values()],
            "HHI by sector": [common.fmt_number(view.hhi_sector.get(h)) for h in view.totals],
            "HHI by stage": [common.fmt_number(view.hhi_stage.get(h)) for h in view.totals],
        }
    )
    st.dataframe(
        hhi,
        hide_index=True,
        width="stretch",
        column_config={
            "hub": t("Hub"),
            "total": t("Total raised"),
            "HHI by sector": t("HHI by sector"),
            "HHI by stage": t("HHI by stage"),
        },
    )
    st.caption(
        t(
            "HHI: sum of squared percentage shares of the funding amount (0-10,000); above "
            "2,500 is highly concentrated (US DoJ/FTC guidelines)."
        )
    )
    with st.expander(t("Year-on-year growth by hub")):
        growth = display.localize(view.growth, hub="hub")
        st.dataframe(
            growth, hide_index=True, width="stretch", column_config=display.headers(growth)
        )
    with st.expander(t("The {count:,} rounds", count=len(view.rounds))):
        rounds = display.terms(
            display.localize(view.rounds, hub="hub", firm="firm", name="firm"), "sector"
        )
        st.dataframe(
            rounds, hide_index=True, width="stretch", column_config=display.headers(rounds)
        )

st.subheader(t("Firms"))
firms = _firms(database_url(), cached.data_version())
firms = firms[firms["hub_id"].isin(hub_ids)]
if sectors:
    firms = firms[firms["sector"].isin(sectors)]
if firms.empty:
    st.info(t("No firms match these filters: choose more hubs or sectors."))
    st.stop()
as_of = date.today()
cols = st.columns(4)
cols[0].metric(t("Firms"), f"{len(firms):,}", help=help_for("firms"))
cols[1].metric(
    t("Active"), f"{int((firms['status'] == 'active').sum()):,}", help=help_for("active")
)
cols[2].metric(t("Renowned"), f"{int(firms['renowned'].sum()):,}", help=help_for("renowned"))
rate = birth_rate(firms, year=as_of.year - 1)
cols[3].metric(
    t("Birth rate {year}", year=as_of.year - 1),
    common.fmt_pct(rate),
    help=help_for("birth_rate", reason=common.explain(rate)),
)
shown = display.terms(
    display.localize(firms, name="firm", hub="hub", park="park"), "sector", "status"
)
st.dataframe(
    shown[
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
    column_config=display.headers(shown),
)
st.markdown(t("**Survival by founding cohort**"))
survival = survival_by_cohort(firms, as_of=as_of)
st.dataframe(
    survival,
    hide_index=True,
    width="stretch",
    column_config=display.headers(
        survival,
        survival_3=st.column_config.NumberColumn(t("3-year survival"), format="percent"),
        survival_5=st.column_config.NumberColumn(t("5-year survival"), format="percent"),
    ),
)
