"""The fund's ledger: every entry, forms to record calls, distributions, investments,
proceeds, payments, write-offs, valuations and reversals, and import/export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import cached, common, display, ledger_forms
from app_pages.i18n import t, term
from app_pages.text import md_text
from fund.ledger_io import LedgerImportError, export_ledger, import_ledger
from fund.positions import ledger_frame
from models.db import database_url
from models.ledger import ENTRY_TYPES
from models.queries import fund_parties
from models.validation import InputError


@st.cache_data(ttl=30, max_entries=16, show_spinner=False)
def _entries(url: str, version: tuple[int, int], fund_id: int) -> pd.DataFrame:
    return common.read(ledger_frame, fund_ids=[fund_id])


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _parties(url: str, version: tuple[int, int], fund_id: int) -> dict[str, list[tuple[int, str]]]:
    return common.read(fund_parties, fund_id=fund_id)


st.title(t("Ledger"))
common.guard("fund_ledger")
common.show_flash()
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, fund_currency = fund
parties = _parties(database_url(), cached.data_version(), fund_id)
entries = _entries(database_url(), cached.data_version(), fund_id)

if entries.empty:
    st.info(
        t(
            "{fund}'s ledger is empty: record its first capital call below, or import a file.",
            fund=md_text(display.fund(fund_name)),
        )
    )
else:
    kinds = st.multiselect(
        t("Entry types"), ENTRY_TYPES, placeholder=t("all types"), format_func=term
    )
    shown = entries[entries["entry_type"].isin(kinds)] if kinds else entries
    lps, firms = dict(parties["lps"]), dict(parties["firms"])
    table = display.terms(
        display.localize(
            shown.assign(lp=shown["lp_id"].map(lps), company=shown["firm_id"].map(firms)),
            lp="lp",
            company="firm",
        ),
        "entry_type",
        "category",
    )
    st.dataframe(
        table.assign(
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
        column_config=display.headers(
            table,
            amount=st.column_config.NumberColumn(t("Amount (entry currency)"), format="localized"),
            amount_fund=st.column_config.NumberColumn(
                t("Amount ({currency})", currency=fund_currency), format="localized"
            ),
            reverses_id=st.column_config.NumberColumn(t("reverses #")),
        ),
    )
    st.caption(
        t(
            "{count:,} entries, append-only: a correction is a reversal (negative "
            "amounts, linked by 'reverses #'), the original stays.",
            count=len(entries),
        )
    )

if common.can_edit_fund(common.current_actor()):
    st.subheader(t("Record"))
    ledger_forms.forms(fund_id, fund_currency, parties, on_written=_entries.clear)
else:
    st.caption(t("Read-only for your role; fund managers record entries."))

st.subheader(t("Import and export"))
left, right = st.columns(2)
with left:
    st.download_button(
        t("Export ledger (CSV)"),
        cached.cached_read(export_ledger, fund_id=fund_id),
        file_name=f"ledger-{fund_id}.csv",
        mime="text/csv",
    )
    st.download_button(
        t("Export ledger (Excel)"),
        cached.cached_read(export_ledger, fund_id=fund_id, fmt="xlsx"),
        file_name=f"ledger-{fund_id}.xlsx",
    )
with right:
    if common.can_edit_fund(common.current_actor()):
        upload = st.file_uploader(t("Import a ledger file (CSV or Excel)"), type=["csv", "xlsx"])
        if upload is not None and st.button(t("Import")):
            bar = st.progress(0.0, text=t("Checking the file..."))

            def progress(done: int, total: int) -> None:
                bar.progress(
                    min(done / max(total, 1), 1.0),
                    text=t("{done:,} of {total:,} steps (rows checked, entries recorded)",
                           done=done, total=total),
                )  # fmt: skip

            try:
                result = common.write(
                    import_ledger,
                    fund_id=fund_id,
                    data=upload.getvalue(),
                    filename=upload.name,
                    progress=progress,
                )
            except LedgerImportError as exc:
                bar.empty()
                st.error(t("Nothing was imported: {count} problem(s).", count=len(exc.problems)))
                st.dataframe(pd.DataFrame(exc.problems), hide_index=True, width="stretch")
            except (InputError, PermissionError) as exc:
                bar.empty()
                st.error(t("Nothing was imported: {error}", error=exc))
            else:
                _entries.clear()
                common.flash(
                    t(
                        "Imported {written} entries ({skipped} already there).",
                        written=result.written,
                        skipped=result.skipped,
                    )
                )
