"""Fund overview: performance tiles, J-curve, calls and distributions, NAV, ILPA table,
and the fund's contribution to its hub."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.text import md_text
from fund.benchmarks import import_index
from fund.contribution import fund_contribution
from fund.ilpa import ilpa_table
from fund.jcurve import cash_flows_chart_frame, jcurve
from fund.performance import fund_performance
from models.db import database_url
from models.queries import all_indexes
from models.validation import InputError

HELP = {
    "PIC": "Paid-in capital: capital called from LPs (fees inside commitments included).",
    "DPI": "Distributions to paid-in: sum of distributions / PIC.",
    "RVPI": "Residual value to paid-in: NAV / PIC.",
    "TVPI": "Total value to paid-in: DPI + RVPI.",
    "PICC": "Paid-in to committed capital: PIC / commitments.",
    "NAV": "Net asset value: cash held + fair value of the holdings at the as-of date.",
    "net": "XIRR (ACT/365F) of LP flows: calls out, distributions in, plus NAV at the as-of date.",
    "gross": "XIRR of fund-to-company flows: investments out, proceeds in, plus fair value.",
    "moic": "Gross multiple: (realized + fair value) / invested cost, all holdings.",
}


@st.cache_data(ttl=60, max_entries=32, show_spinner="Computing performance...")
def _overview(url: str, fund_id: int, as_of: date, currency: str, index: str | None) -> dict:
    return {
        "perf": common.read(
            fund_performance, fund_id=fund_id, as_of=as_of, currency=currency, index_code=index
        ),
        "ilpa": common.read(ilpa_table, fund_id=fund_id, as_of=as_of, currency=currency),
        "jcurve": common.read(jcurve, fund_id=fund_id, as_of=as_of, currency=currency),
        "flows": common.read(
            cash_flows_chart_frame, fund_id=fund_id, as_of=as_of, currency=currency
        ),
        "contribution": common.read(fund_contribution, fund_id=fund_id, as_of=as_of),
    }


def _ilpa_value(item: str, value: object, currency: str | None) -> str:
    if value is None:
        return "n/a"
    if currency:
        return f"{value:,.2f}"
    return common.fmt_pct(value) if "IRR" in item else common.fmt_multiple(value)


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def _indexes(url: str) -> list[tuple[str, str]]:
    return common.read(all_indexes)


st.title("Fund overview")
common.guard("fund_overview")
common.show_flash()
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, fund_currency = fund
cols = st.columns(3)
with cols[0]:
    as_of = common.as_of_picker()
currency = cols[1].selectbox("Reporting currency", sorted({fund_currency, "CNY", "USD"}))
indexes = dict(_indexes(database_url()))
index = cols[2].selectbox(
    "PME benchmark", [None, *indexes], format_func=lambda c: "none" if c is None else indexes[c]
)
data = _overview(database_url(), fund_id, as_of, currency, index)
perf = data["perf"]
money = lambda v: common.fmt_compact(v, "").strip()  # noqa: E731

row = st.columns(4)
row[0].metric(f"Committed ({currency})", money(perf.committed))
row[1].metric(f"Called, PIC ({currency})", money(perf.called), help=HELP["PIC"])
row[2].metric(f"Distributed ({currency})", money(perf.distributed))
row[3].metric(f"NAV ({currency})", money(perf.nav), help=HELP["NAV"])
row = st.columns(6)
row[0].metric("PICC", common.fmt_multiple(perf.picc), help=HELP["PICC"])
row[1].metric("DPI", common.fmt_multiple(perf.dpi), help=HELP["DPI"])
row[2].metric("RVPI", common.fmt_multiple(perf.rvpi), help=HELP["RVPI"])
row[3].metric("TVPI", common.fmt_multiple(perf.tvpi), help=HELP["TVPI"])
row[4].metric(
    "Net IRR", common.fmt_pct(perf.net_irr), help=common.explain(perf.net_irr) or HELP["net"]
)
row[5].metric(
    "Gross IRR",
    common.fmt_pct(perf.gross_irr),
    help=common.explain(perf.gross_irr) or HELP["gross"],
)
if perf.pme:
    row = st.columns(len(perf.pme))
    for column, (name, value) in zip(row, perf.pme.items(), strict=True):
        shown = (
            common.fmt_pct(value[0])
            if isinstance(value, tuple)
            else (common.fmt_multiple(value) if name == "ks_pme" else common.fmt_pct(value))
        )
        column.metric(
            name.replace("_", " ").upper() if name == "ks_pme" else name.replace("_", " "),
            shown,
            help=common.explain(value),
        )
    st.caption(f"PMEs against {md_text(indexes[index])}.")

st.subheader("J-curve")
curve = data["jcurve"]
if curve.empty:
    st.info("No ledger entries yet: record a capital call to start the fund's history.")
else:
    frame = curve.assign(
        cumulative=curve["cumulative_net_cash_flow"].astype(float),
        irr=pd.to_numeric(curve["net_irr"], errors="coerce"),
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#2f81f7")
        .encode(
            x=alt.X("quarter_end:T", title=None),
            y=alt.Y(
                "cumulative:Q",
                title=f"cumulative net cash flow ({currency})",
                axis=alt.Axis(labelExpr=common.BILLIONS_AXIS),
            ),
            tooltip=["quarter_end:T", alt.Tooltip("cumulative:Q", format=",.0f")],
        )
    )
    line = (
        alt.Chart(frame)
        .mark_line(color="#cf222e", point=True)
        .encode(
            x="quarter_end:T",
            y=alt.Y("irr:Q", title="net IRR", axis=alt.Axis(format="%")),
            tooltip=["quarter_end:T", alt.Tooltip("irr:Q", format=".1%")],
        )
    )
    st.altair_chart(alt.layer(bars, line).resolve_scale(y="independent"), width="stretch")
    st.caption(
        "Bars: LPs' cumulative net cash flow (distributions - calls). Line: net IRR "
        "as of each quarter end (NAV included)."
    )

left, right = st.columns(2)
with left:
    st.subheader("Calls and distributions")
    flows = data["flows"]
    if not flows.empty:
        st.altair_chart(
            alt.Chart(flows.assign(amount=flows["amount"].astype(float)))
            .mark_bar()
            .encode(
                x=alt.X("quarter_end:T", title=None),
                y=alt.Y("amount:Q", title=currency, axis=alt.Axis(labelExpr=common.BILLIONS_AXIS)),
                color=alt.Color("flow:N"),
                xOffset="flow:N",
                tooltip=["quarter_end:T", "flow:N", alt.Tooltip("amount:Q", format=",.0f")],
            ),
            width="stretch",
        )
with right:
    st.subheader("NAV over time")
    if not curve.empty:
        parts = curve.melt(
            id_vars=["quarter_end"],
            value_vars=["cash", "holdings_fair_value"],
            var_name="part",
            value_name="amount",
        )
        st.altair_chart(
            alt.Chart(parts.assign(amount=parts["amount"].astype(float)))
            .mark_area()
            .encode(
                x=alt.X("quarter_end:T", title=None),
                y=alt.Y(
                    "amount:Q",
                    stack=True,
                    title=f"NAV ({currency})",
                    axis=alt.Axis(labelExpr=common.BILLIONS_AXIS),
                ),
                color=alt.Color("part:N", title=None),
                tooltip=["quarter_end:T", "part:N", alt.Tooltip("amount:Q", format=",.0f")],
            ),
            width="stretch",
        )


st.subheader("Performance (ILPA layout)")
ilpa = data["ilpa"]
st.dataframe(
    ilpa.assign(value=[_ilpa_value(r.item, r.value, r.currency) for r in ilpa.itertuples()]),
    hide_index=True,
    width="stretch",
)
common.download_buttons(data["ilpa"], name=f"performance-{as_of.isoformat()}", key="ilpa")

st.subheader("Contribution to the hub")
c = data["contribution"]
row = st.columns(4)
row[0].metric(
    "Crowd-in multiple",
    common.fmt_multiple(c.crowd_in),
    help=common.explain(c.crowd_in)
    or "(fund + co-investors in the same rounds) / fund; disbursed amounts, each round once",
)
row[1].metric(
    "Local reinvestment",
    common.fmt_multiple(c.local_reinvestment),
    help=common.explain(c.local_reinvestment)
    or "invested in firms of the fund's hub / capital called from public LPs",
)
row[2].metric(
    "Follow-on raised",
    common.fmt_compact(c.follow_on_raised, c.currency),
    help=f"{c.follow_on_rounds} later rounds of portfolio companies after the fund's first cheque",
)
row[3].metric(
    "Jobs at portfolio companies",
    f"{c.portfolio_jobs:,}",
    help=f"{c.portfolio_jobs_in_hub:,} of them in the fund's hub",
)

if common.current_actor().role in ("fund_manager", "analyst", "admin"):
    with st.expander("Load a benchmark index for the PMEs"):
        st.caption(
            "A CSV or Excel file with columns date (YYYY-MM-DD) and level (a total-return "
            "index level). Loading an existing code replaces its levels."
        )
        with st.form("index_import"):
            cols = st.columns(3)
            code = cols[0].text_input("Code", placeholder="e.g. CSI300TR")
            name = cols[1].text_input("Name", placeholder="CSI 300 total return")
            index_currency = cols[2].selectbox("Currency", ["CNY", "USD", "HKD"])
            source = st.text_input("Source", placeholder="vendor and date of the file")
            upload = st.file_uploader("File", type=["csv", "xlsx"])
            if st.form_submit_button("Load index"):
                try:
                    if upload is None:
                        raise InputError("file: choose a CSV or Excel file")
                    count = common.write(
                        import_index,
                        code=code.strip(),
                        name=name,
                        currency=index_currency,
                        source=source,
                        data=upload.getvalue(),
                        filename=upload.name,
                    )
                except (InputError, PermissionError) as exc:
                    st.error(f"Nothing was loaded: {exc}")
                else:
                    _indexes.clear()
                    common.flash(f"Loaded {count:,} levels of {code}.")
