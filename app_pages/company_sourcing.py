"""Sourcing: companies from the GLEIF registry, partners' JSON feeds and spreadsheets, each
record's verdict before anything is written, likely duplicates to merge or keep apart, where
every sourced value came from, and a push to the pipeline. Analysts read the last two tabs."""

from __future__ import annotations

import streamlit as st

from app_pages import common, sourcing_feeds, sourcing_firms, sourcing_import

IMPORTERS = ("fund_manager", "bureau", "admin")
PUSHERS = ("fund_manager", "admin")

st.title("Sourcing")
actor = common.guard("company_sourcing")
common.show_flash()
if not common.hubs():
    st.info(
        "No funds in the store yet, and no hubs: every sourced company belongs to a hub. Load "
        "the demo data with `hubfund demo` (or `make run` on an empty database), or add hubs "
        "first."
    )
    st.stop()

writer = actor.role in IMPORTERS
if writer:
    names = ["Registry search (GLEIF)", "JSON feeds", "File import", "Duplicates", "Provenance"]
else:
    st.caption("Read-only for your role: fund managers and the bureau import and merge.")
    names = ["Duplicates", "Provenance"]
tabs = dict(zip(names, st.tabs(names), strict=True))
if writer:
    with tabs["Registry search (GLEIF)"]:
        sourcing_import.gleif_tab()
    with tabs["JSON feeds"]:
        sourcing_feeds.feeds_tab()
    with tabs["File import"]:
        sourcing_import.file_tab()
with tabs["Duplicates"]:
    sourcing_firms.duplicates_tab(writer)
with tabs["Provenance"]:
    sourcing_firms.provenance_tab(actor.role in PUSHERS)
