"""Portfolio monitoring: companies' periodic reports, trends, overdue reports, and the
report template for imports."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import common
from fund.monitoring import CompanyReportInput, overdue, record_report, reports_frame
from fund.monitoring_io import import_reports, report_template
from models.db import database_url
from models.queries import fund_parties
from models.validation import InputError, check

TRENDS = {"revenue": "Revenue", "burn": "Monthly burn", "cash": "Cash", "headcount": "Headcount"}


@st.cache_data(ttl=30, max_entries=16, show_spinner=False)
def _reports(url: str, fund_id: int) -> pd.DataFrame:
    return common.read(reports_frame, fund_id=fund_id)


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _overdue(url: str, fund_id: int, today: date) -> pd.DataFrame:
    return common.read(overdue, fund_id=fund_id, today=today)


st.title("Portfolio reports")
common.guard("portfolio_reports")
common.show_flash()
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, fund_currency = fund

late = _overdue(database_url(), fund_id, date.today())
st.subheader(f"Overdue reports ({len(late)})")
if late.empty:
    st.success("Every company still held has reported on time.")
else:
    st.dataframe(late, hide_index=True, width="stretch")
    st.caption(
        "Due each quarter; overdue when the latest report's period ended more than a "
        "quarter plus 45 days ago (or none was received since the first cheque)."
    )

reports = _reports(database_url(), fund_id)
st.subheader("Company trends")
if reports.empty:
    st.info("No reports yet: record one below or import the filled-in template.")
else:
    companies = sorted(reports["company"].unique())
    company = st.selectbox("Company", companies)
    mine = reports[reports["company"] == company].sort_values("period_end")
    cols = st.columns(2)
    for i, (column, title) in enumerate(TRENDS.items()):
        data = (
            mine[["period_end", column]]
            .dropna()
            .assign(value=lambda f, c=column: f[c].astype(float))
        )
        chart = (
            alt.Chart(data)
            .mark_line(point=True)
            .encode(
                x=alt.X("period_end:T", title=None),
                y=alt.Y("value:Q", title=title),
                tooltip=["period_end:T", alt.Tooltip("value:Q", format=",.0f")],
            )
        )
        cols[i % 2].altair_chart(chart.properties(height=200, title=title), width="stretch")
    latest = mine.iloc[-1]
    st.metric(
        "Runway (months, latest report)",
        "n/a"
        if latest.get("runway_months") is None or pd.isna(latest.get("runway_months"))
        else f"{float(latest['runway_months']):.1f}",
        help="cash / monthly burn; n/a when the company is not burning cash",
    )
    st.dataframe(mine, hide_index=True, width="stretch")

if common.can_edit_fund(common.current_actor()):
    st.subheader("Record a report")
    firms = dict(common.read(fund_parties, fund_id=fund_id)["firms"])
    with st.form("report", clear_on_submit=True):
        firm_id = st.selectbox("Company", list(firms), format_func=firms.get)
        cols = st.columns(3)
        period_end = cols[0].date_input("Period end", value=date.today())
        currency = cols[1].selectbox("Currency", ["CNY", "USD"])
        headcount = cols[2].number_input("Headcount", min_value=0, step=1)
        cols = st.columns(3)
        revenue = cols[0].text_input("Revenue (period)")
        burn = cols[1].text_input("Monthly burn")
        cash = cols[2].text_input("Cash")
        if st.form_submit_button("Record report"):
            try:
                report = common.write(
                    record_report,
                    report_in=check(
                        CompanyReportInput,
                        {
                            "fund_id": fund_id,
                            "firm_id": firm_id,
                            "period_end": period_end,
                            "currency": currency,
                            "revenue": revenue or None,
                            "burn": burn or None,
                            "cash": cash or None,
                            "headcount": int(headcount),
                            "metrics": {},
                        },
                    ),
                )
            except (InputError, PermissionError) as exc:
                st.error(str(exc))
            else:
                _reports.clear()
                _overdue.clear()
                common.flash(
                    f"Recorded the report of {firms[firm_id]} for the period ending "
                    f"{period_end.isoformat()} (#{report.id})."
                )
    st.subheader("Import reports")
    left, right = st.columns(2)
    left.download_button(
        "Template (Excel)",
        common.read(report_template, fund_id=fund_id),
        file_name=f"report-template-{fund_id}.xlsx",
    )
    upload = right.file_uploader("Filled-in template (CSV or Excel)", type=["csv", "xlsx"])
    if upload is not None and right.button("Import reports"):
        try:
            count = common.write(
                import_reports, fund_id=fund_id, data=upload.getvalue(), filename=upload.name
            )
        except (InputError, PermissionError) as exc:
            st.error(f"Nothing was imported: {exc}")
        else:
            _reports.clear()
            _overdue.clear()
            common.flash(f"Imported {count} reports.")
