"""The fund's ledger: every entry, forms to record calls, distributions, investments,
proceeds, payments, write-offs, valuations and reversals, and import/export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.text import md_text
from fund import ledger as book
from fund.ledger_io import LedgerImportError, export_ledger, import_ledger
from fund.positions import ledger_frame
from fund.valuations import record_valuation
from models.db import database_url
from models.ledger import CATEGORIES, ENTRY_TYPES, INSTRUMENTS
from models.ledger_inputs import (
    CapitalCallCreate,
    DistributionCreate,
    FundPaymentCreate,
    InvestmentCreate,
    ProceedsCreate,
    ReversalCreate,
    WriteOffCreate,
)
from models.queries import fund_parties
from models.validation import InputError, check
from models.valuation import VALUATION_METHODS, ValuationMarkCreate

CURRENCIES = ["CNY", "USD", "HKD", "EUR"]


@st.cache_data(ttl=30, max_entries=16, show_spinner=False)
def _entries(url: str, fund_id: int) -> pd.DataFrame:
    return common.read(ledger_frame, fund_ids=[fund_id])


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _parties(url: str, fund_id: int) -> dict[str, list[tuple[int, str]]]:
    return common.read(fund_parties, fund_id=fund_id)


def _submit(record: Callable[..., Any], keyword: str, model: type, data: dict[str, Any]) -> None:
    """Validate, record as the signed-in actor, and say exactly what was written."""
    try:
        entry = common.write(record, **{keyword: check(model, data)})
    except (InputError, PermissionError) as exc:
        st.error(str(exc))
        return
    _entries.clear()
    common.fund_names.clear()
    if hasattr(entry, "entry_type"):
        common.flash(
            f"Recorded {entry.entry_type.replace('_', ' ')} #{entry.id} ({entry.category}) on "
            f"{entry.entry_date.isoformat()}: {entry.currency} {entry.amount:,} = "
            f"{fund_currency} {entry.amount_fund:,} at {entry.fx_rate}"
            + (f", reversing #{entry.reverses_id}" if entry.reverses_id else "")
            + "."
        )
    else:
        common.flash(
            f"Recorded valuation #{entry.id}: {entry.currency} {entry.fair_value:,} on "
            f"{entry.valued_on.isoformat()} ({entry.method})."
        )


def _money_fields(key: str) -> dict[str, Any]:
    cols = st.columns([1, 2, 1])
    return {
        "entry_date": cols[0].date_input("Date", value=date.today(), key=f"{key}_date"),
        "amount": cols[1].text_input("Amount", key=f"{key}_amount", placeholder="e.g. 5,000,000"),
        "currency": cols[2].selectbox("Currency", CURRENCIES, key=f"{key}_cur"),
    }


def _pick(label: str, pairs: list[tuple[int, str]], key: str) -> int | None:
    names = dict(pairs)
    return st.selectbox(label, list(names), format_func=names.get, key=key)


def _forms(fund_id: int, parties: dict[str, list[tuple[int, str]]]) -> None:
    tabs = st.tabs(
        [
            "Capital call",
            "Distribution",
            "Investment",
            "Proceeds",
            "Fee / expense",
            "Write-off",
            "Valuation",
            "Reversal",
        ]
    )
    base = {"fund_id": fund_id}
    with tabs[0], st.form("call", clear_on_submit=True):
        lp = _pick("LP", parties["lps"], "call_lp")
        fields = _money_fields("call")
        category = st.selectbox("For", CATEGORIES["capital_call"], key="call_cat")
        memo = st.text_input("Memo", key="call_memo")
        if st.form_submit_button("Record call"):
            _submit(
                book.record_call,
                "call_in",
                CapitalCallCreate,
                base | fields | {"lp_id": lp, "category": category, "memo": memo or None},
            )
    with tabs[1], st.form("distribution", clear_on_submit=True):
        lp = _pick("LP", parties["lps"], "dist_lp")
        fields = _money_fields("dist")
        category = st.selectbox("Split", CATEGORIES["distribution"], key="dist_cat")
        memo = st.text_input("Memo", key="dist_memo")
        if st.form_submit_button("Record distribution"):
            _submit(
                book.record_distribution,
                "distribution_in",
                DistributionCreate,
                base | fields | {"lp_id": lp, "category": category, "memo": memo or None},
            )
    with tabs[2], st.form("investment", clear_on_submit=True):
        firm = _pick("Company", parties["firms"], "inv_firm")
        fields = _money_fields("inv")
        cols = st.columns(4)
        instrument = cols[0].selectbox("Instrument", INSTRUMENTS, key="inv_instr")
        stage = cols[1].selectbox(
            "Round", [None, "angel", "seed", "A", "B", "C", "D+"], key="inv_stage"
        )
        pre = cols[2].text_input("Pre-money", key="inv_pre")
        post = cols[3].text_input("Post-money", key="inv_post")
        if st.form_submit_button("Record investment"):
            _submit(
                book.record_investment,
                "investment_in",
                InvestmentCreate,
                base
                | fields
                | {
                    "firm_id": firm,
                    "instrument": instrument,
                    "round_stage": stage,
                    "pre_money": pre or None,
                    "post_money": post or None,
                },
            )
    with tabs[3], st.form("proceeds", clear_on_submit=True):
        firm = _pick("Company", parties["firms"], "pro_firm")
        fields = _money_fields("pro")
        category = st.selectbox("Kind", CATEGORIES["proceeds"], key="pro_cat")
        released = st.text_input(
            "Cost released (partial exits; exits default to all)", key="pro_cost"
        )
        if st.form_submit_button("Record proceeds"):
            _submit(
                book.record_proceeds,
                "proceeds_in",
                ProceedsCreate,
                base
                | fields
                | {"firm_id": firm, "category": category, "cost_released": released or None},
            )
    with tabs[4], st.form("payment", clear_on_submit=True):
        fields = _money_fields("pay")
        category = st.selectbox("Kind", CATEGORIES["fund_payment"], key="pay_cat")
        if st.form_submit_button("Record payment"):
            _submit(
                book.record_fund_payment,
                "payment_in",
                FundPaymentCreate,
                base | fields | {"category": category},
            )
    with tabs[5], st.form("write_off", clear_on_submit=True):
        firm = _pick("Company", parties["firms"], "wo_firm")
        when = st.date_input("Date", value=date.today(), key="wo_date")
        released = st.text_input("Cost written off (empty: all the remaining cost)", key="wo_cost")
        memo = st.text_input("Why", key="wo_memo")
        if st.form_submit_button("Record write-off"):
            _submit(
                book.record_write_off,
                "write_off_in",
                WriteOffCreate,
                base
                | {
                    "firm_id": firm,
                    "entry_date": when,
                    "cost_released": released or None,
                    "memo": memo or None,
                },
            )
    with tabs[6], st.form("valuation", clear_on_submit=True):
        firm = _pick("Company", parties["firms"], "val_firm")
        cols = st.columns([1, 2, 1, 1])
        when = cols[0].date_input("Valued on", value=date.today(), key="val_date")
        value = cols[1].text_input("Fair value of the fund's stake", key="val_value")
        currency = cols[2].selectbox("Currency", CURRENCIES, key="val_cur")
        method = cols[3].selectbox("Method", VALUATION_METHODS, key="val_method")
        note = st.text_input("Note", key="val_note")
        if st.form_submit_button("Record valuation"):
            _submit(
                record_valuation,
                "mark_in",
                ValuationMarkCreate,
                base
                | {
                    "firm_id": firm,
                    "valued_on": when,
                    "fair_value": value,
                    "currency": currency,
                    "method": method,
                    "note": note or None,
                },
            )
    with tabs[7], st.form("reversal", clear_on_submit=True):
        entry_id = st.number_input("Entry # to reverse", min_value=1, step=1, key="rev_id")
        when = st.date_input("Date of the reversal", value=date.today(), key="rev_date")
        memo = st.text_input("Why (required)", key="rev_memo")
        if st.form_submit_button("Reverse entry"):
            _submit(
                book.reverse_entry,
                "reversal_in",
                ReversalCreate,
                {"entry_id": int(entry_id), "entry_date": when, "memo": memo},
            )


st.title("Ledger")
common.guard("fund_ledger")
common.show_flash()
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, fund_currency = fund
parties = _parties(database_url(), fund_id)
entries = _entries(database_url(), fund_id)

if entries.empty:
    st.info(
        f"{md_text(fund_name)}'s ledger is empty: record its first capital call below, or import."
    )
else:
    kinds = st.multiselect("Entry types", ENTRY_TYPES, placeholder="all types")
    shown = entries[entries["entry_type"].isin(kinds)] if kinds else entries
    lps, firms = dict(parties["lps"]), dict(parties["firms"])
    st.dataframe(
        shown.assign(
            lp=shown["lp_id"].map(lps),
            company=shown["firm_id"].map(firms),
            amount=shown["amount"].astype(float),
            amount_fund=shown["amount_fund"].astype(float),
        )[
            [
                "id",
                "entry_date",
                "entry_type",
                "category",
                "amount",
                "currency",
                "fx_rate",
                "amount_fund",
                "lp",
                "company",
                "reverses_id",
                "memo",
                "external_ref",
                "recorded_by",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "amount": st.column_config.NumberColumn(format="localized"),
            "amount_fund": st.column_config.NumberColumn(
                f"amount ({fund_currency})", format="localized"
            ),
            "reverses_id": st.column_config.NumberColumn("reverses #"),
        },
    )
    st.caption(
        f"{len(entries):,} entries, append-only: a correction is a reversal (negative "
        "amounts, linked by 'reverses #'), the original stays."
    )

if common.can_edit_fund(common.current_actor()):
    st.subheader("Record")
    _forms(fund_id, parties)
else:
    st.caption("Read-only for your role; fund managers record entries.")

st.subheader("Import and export")
left, right = st.columns(2)
with left:
    st.download_button(
        "Export ledger (CSV)",
        common.read(export_ledger, fund_id=fund_id),
        file_name=f"ledger-{fund_id}.csv",
        mime="text/csv",
    )
    st.download_button(
        "Export ledger (Excel)",
        common.read(export_ledger, fund_id=fund_id, fmt="xlsx"),
        file_name=f"ledger-{fund_id}.xlsx",
    )
with right:
    if common.can_edit_fund(common.current_actor()):
        upload = st.file_uploader("Import a ledger file (CSV or Excel)", type=["csv", "xlsx"])
        if upload is not None and st.button("Import"):
            try:
                result = common.write(
                    import_ledger, fund_id=fund_id, data=upload.getvalue(), filename=upload.name
                )
            except LedgerImportError as exc:
                st.error(f"Nothing was imported: {len(exc.problems)} problem(s).")
                st.dataframe(pd.DataFrame(exc.problems), hide_index=True, width="stretch")
            except (InputError, PermissionError) as exc:
                st.error(f"Nothing was imported: {exc}")
            else:
                _entries.clear()
                common.flash(f"Imported {result.written} entries ({result.skipped} already there).")
