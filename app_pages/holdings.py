"""Holdings: cost, fair value, realized, MOIC and IRR per company, exportable, and exit
scenarios."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import streamlit as st

from app_pages import cached, common, display
from app_pages.i18n import N_, t
from app_pages.metric_help import help_for
from app_pages.text import md_text
from fund.ilpa import exit_scenario
from fund.performance import HoldingPerformance, holdings, performance_by
from fund.results import undefined_frame
from models.db import database_url
from models.validation import InputError

GROUPS = {
    "sector": N_("sector"),
    "stage": N_("stage"),
    "vintage": N_("vintage"),
    "fund": N_("fund"),
}


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _holdings(
    url: str, version: tuple[int, int], fund_id: int, as_of: date, currency: str
) -> pd.DataFrame:
    rows = common.read(holdings, fund_id=fund_id, as_of=as_of, currency=currency)
    frame = undefined_frame(rows, HoldingPerformance, ("moic", "irr"))
    return frame.assign(moic=pd.to_numeric(frame["moic"]), irr=pd.to_numeric(frame["irr"]))


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _groups(
    url: str, version: tuple[int, int], by: str, as_of: date, currency: str, fund_id: int | None
) -> pd.DataFrame:
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


st.title(t("Holdings"))
common.guard("holdings")
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, fund_currency = fund
cols = st.columns(2)
with cols[0]:
    as_of = common.as_of_picker()
currency = cols[1].selectbox(t("Reporting currency"), sorted({fund_currency, "CNY", "USD"}))
with st.spinner(t("Valuing holdings...")):
    table = _holdings(database_url(), cached.data_version(), fund_id, as_of, currency)
if table.empty:
    st.info(
        t(
            "{fund} holds no companies as of {day}: record an investment on the Ledger page.",
            fund=md_text(display.fund(fund_name)),
            day=common.fmt_date(as_of),
        )
    )
    st.stop()

money = ["invested", "realized", "fair_value", "total_value", "remaining_cost"]
row = st.columns(4)
row[0].metric(t("Companies"), len(table), help=help_for("companies"))
row[1].metric(
    t("Invested"),
    common.fmt_compact(sum(table["invested"]), currency),
    help=help_for("invested"),
)
row[2].metric(
    t("Fair value"),
    common.fmt_compact(sum(table["fair_value"]), currency),
    help=help_for("fair_value"),
)
row[3].metric(
    t("Realized"),
    common.fmt_compact(sum(table["realized"]), currency),
    help=help_for("realized"),
)
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
shown, money_config = display.money_columns(shown, money, currency)
shown = display.terms(
    display.localize(shown.assign(firm_id=table["firm_id"]), company="firm"),
    "sector",
    "valuation_method",
).drop(columns="firm_id")
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config=display.headers(
        shown,
        **money_config,
        moic=st.column_config.NumberColumn(
            "MOIC", format="%.2fx", help=t("(realized + fair value) / invested cost")
        ),
        irr=st.column_config.NumberColumn(
            "IRR", format="percent", help=t("XIRR of the holding's flows plus fair value")
        ),
    ),
)
st.caption(
    t(
        "Amounts in {currency}; click a column header to sort. Fair value: the latest "
        "mark on or before the as-of date, else the remaining cost.",
        currency=currency,
    )
)
common.download_buttons(table, name=f"holdings-{as_of.isoformat()}", key="holdings")

st.subheader(t("Performance by group"))
by = st.radio(t("Group by"), list(GROUPS), horizontal=True, format_func=lambda g: t(GROUPS[g]))
groups = _groups(
    database_url(),
    cached.data_version(),
    by,
    as_of,
    currency,
    None if by in ("vintage", "fund") else fund_id,
)
group_money = ["invested", "realized", "fair_value", "total_value", "called", "distributed", "nav"]
groups, group_config = display.money_columns(groups, group_money, currency)
groups = display.terms(display.localize(groups, fund="fund"), "sector")
st.dataframe(
    groups,
    hide_index=True,
    width="stretch",
    column_config=display.headers(
        groups,
        **group_config,
        moic=st.column_config.NumberColumn("MOIC", format="%.2fx"),
        gross_irr=st.column_config.NumberColumn(t("gross IRR"), format="percent"),
        net_irr=st.column_config.NumberColumn(t("net IRR"), format="percent"),
        dpi=st.column_config.NumberColumn("DPI", format="%.2fx"),
        tvpi=st.column_config.NumberColumn("TVPI", format="%.2fx"),
    ),
)
st.caption(
    t(
        "Pooled flows of every holding in the group: MOIC = (realized + fair value) / invested; "
        "gross IRR = XIRR of investments, proceeds and fair value at the as-of date. By vintage "
        "and by fund every fund is shown, with net IRR, DPI and TVPI."
    )
)

st.subheader(t("Exit scenario"))
open_holdings = table[table["remaining_cost"] > 0]
if open_holdings.empty:
    st.info(t("Every holding is exited or written off: no exit to try."))
    st.stop()
names = dict(zip(open_holdings["firm_id"], open_holdings["company"], strict=True))
with st.form("exit_scenario"):
    firm_id = st.selectbox(
        t("Company"), list(names), format_func=lambda i: display.firm(names[i], i)
    )
    value = st.text_input(
        t("Exit value for the fund's stake ({currency})", currency=fund_currency), "100000000"
    )
    when = st.date_input(
        t("Exit date"), value=as_of + timedelta(days=365), min_value=as_of, format="YYYY/MM/DD"
    )
    if st.form_submit_button(t("Compute")):
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
            st.error(t("exit value: {value}: {error}", value=repr(value), error=exc))
        else:
            row = st.columns(4)
            row[0].metric(
                t("Holding MOIC"),
                common.fmt_multiple(result.holding_moic),
                help=help_for("holding_moic", reason=common.explain(result.holding_moic)),
            )
            row[1].metric(
                t("Holding IRR"),
                common.fmt_pct(result.holding_irr),
                help=help_for("holding_irr", reason=common.explain(result.holding_irr)),
            )
            row[2].metric(
                t("Fund gross MOIC"),
                common.fmt_multiple(result.fund_moic),
                help=help_for("fund_moic", reason=common.explain(result.fund_moic)),
            )
            row[3].metric(
                t("Fund gross IRR"),
                common.fmt_pct(result.fund_gross_irr),
                help=help_for("fund_gross_irr", reason=common.explain(result.fund_gross_irr)),
            )
