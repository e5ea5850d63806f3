"""Holdings: cost, fair value, realized, MOIC and IRR per company, exportable, and exit
scenarios."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.text import md_text
from fund.ilpa import exit_scenario
from fund.performance import HoldingPerformance, holdings, performance_by
from fund.results import undefined_frame
from models.db import database_url
from models.validation import InputError


@st.cache_data(ttl=60, max_entries=32, show_spinner="Valuing holdings...")
def _holdings(url: str, fund_id: int, as_of: date, currency: str) -> pd.DataFrame:
    rows = common.read(holdings, fund_id=fund_id, as_of=as_of, currency=currency)
    frame = undefined_frame(rows, HoldingPerformance, ("moic", "irr"))
    return frame.assign(moic=pd.to_numeric(frame["moic"]), irr=pd.to_numeric(frame["irr"]))


@st.cache_data(ttl=60, max_entries=32, show_spinner=False)
def _groups(url: str, by: str, as_of: date, currency: str, fund_id: int | None) -> pd.DataFrame:
    frame = common.read(
        performance_by,
        as_of=as_of,
        by=by,
        currency=currency,
        fund_ids=None if fund_id is None else [fund_id],
    )
    for column in ("moic", "gross_irr", "net_irr", "dpi", "tvpi"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column])
    return frame


st.title("Holdings")
common.guard("holdings")
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, fund_currency = fund
cols = st.columns(2)
with cols[0]:
    as_of = common.as_of_picker()
currency = cols[1].selectbox("Reporting currency", sorted({fund_currency, "CNY", "USD"}))
table = _holdings(database_url(), fund_id, as_of, currency)
if table.empty:
    st.info(
        f"{md_text(fund_name)} holds no companies as of {as_of.isoformat()}: record an investment."
    )
    st.stop()

money = ["invested", "realized", "fair_value", "total_value", "remaining_cost"]
row = st.columns(4)
row[0].metric("Companies", len(table))
row[1].metric("Invested", common.fmt_compact(sum(table["invested"]), currency))
row[2].metric("Fair value", common.fmt_compact(sum(table["fair_value"]), currency))
row[3].metric("Realized", common.fmt_compact(sum(table["realized"]), currency))
shown = table[
    [
        "company",
        "sector",
        "stage",
        "first_investment",
        *money,
        "valuation_method",
        "valued_on",
        "moic",
        "irr",
        "moic_note",
        "irr_note",
    ]
]
st.dataframe(
    shown.assign(**{c: shown[c].astype(float) for c in money}),
    hide_index=True,
    width="stretch",
    column_config={
        **{
            c: st.column_config.NumberColumn(c.replace("_", " "), format="localized") for c in money
        },
        "moic": st.column_config.NumberColumn(
            "MOIC", format="%.2fx", help="(realized + fair value) / invested cost"
        ),
        "irr": st.column_config.NumberColumn(
            "IRR", format="percent", help="XIRR of the holding's flows plus fair value"
        ),
    },
)
st.caption(
    f"Amounts in {currency}; click a column header to sort. Fair value: the latest "
    "mark on or before the as-of date, else the remaining cost."
)
common.download_buttons(table, name=f"holdings-{as_of.isoformat()}", key="holdings")

st.subheader("Performance by group")
by = st.radio("Group by", ["sector", "stage", "vintage", "fund"], horizontal=True)
groups = _groups(
    database_url(), by, as_of, currency, None if by in ("vintage", "fund") else fund_id
)
st.dataframe(groups, hide_index=True, width="stretch")
st.caption(
    "Pooled flows of every holding in the group: MOIC = (realized + fair value) / invested; "
    "gross IRR = XIRR of investments, proceeds and fair value at the as-of date. By vintage and "
    "by fund every fund is shown, with net IRR, DPI and TVPI."
)

st.subheader("Exit scenario")
open_holdings = table[table["remaining_cost"] > 0]
if open_holdings.empty:
    st.info("Every holding is exited or written off.")
    st.stop()
names = dict(zip(open_holdings["firm_id"], open_holdings["company"], strict=True))
with st.form("exit_scenario"):
    firm_id = st.selectbox("Company", list(names), format_func=names.get)
    value = st.text_input(f"Exit value for the fund's stake ({fund_currency})", "100000000")
    when = st.date_input("Exit date", value=as_of + timedelta(days=365), min_value=as_of)
    if st.form_submit_button("Compute"):
        try:
            result = common.read(
                exit_scenario,
                fund_id=fund_id,
                firm_id=firm_id,
                exit_value=Decimal(value.replace(",", "")),
                exit_date=when,
                as_of=as_of,
            )
        except (InputError, ArithmeticError, ValueError) as exc:
            st.error(f"exit value: {value!r}: {exc}")
        else:
            row = st.columns(4)
            row[0].metric("Holding MOIC", common.fmt_multiple(result.holding_moic))
            row[1].metric(
                "Holding IRR",
                common.fmt_pct(result.holding_irr),
                help=common.explain(result.holding_irr),
            )
            row[2].metric("Fund gross MOIC", common.fmt_multiple(result.fund_moic))
            row[3].metric(
                "Fund gross IRR",
                common.fmt_pct(result.fund_gross_irr),
                help=common.explain(result.fund_gross_irr),
            )
