"""Sourcing: companies from the GLEIF registry, partners' JSON feeds and spreadsheets, each
record's verdict before anything is written, likely duplicates to merge or keep apart, where
every sourced value came from, and a push to the pipeline. Analysts read the last two tabs."""

from __future__ import annotations

import streamlit as st

from app_pages import common, sourcing_feeds, sourcing_firms, sourcing_import
from app_pages.i18n import N_, t

IMPORTERS = ("fund_manager", "bureau", "admin")
PUSHERS = ("fund_manager", "admin")
GLEIF, FEEDS, FILES = N_("Registry search (GLEIF)"), N_("JSON feeds"), N_("File import")
DUPLICATES, PROVENANCE = N_("Duplicates"), N_("Provenance")

st.title(t("Sourcing"))
actor = common.guard("company_sourcing")
common.show_flash()
if not common.hubs():
    st.info(
        t(
            "No funds in the store yet, and no hubs: every sourced company belongs to a hub. "
            "Load the demo data with `hubfund demo` (or `make run` on an empty database), or "
            "add hubs first."
        )
    )
    st.stop()

writer = actor.role in IMPORTERS
if writer:
    names = [GLEIF, FEEDS, FILES, DUPLICATES, PROVENANCE]
else:
    st.caption(t("Read-only for your role: fund managers and the bureau import and merge."))
    names = [DUPLICATES, PROVENANCE]
tabs = dict(zip(names, st.tabs([t(name) for name in names]), strict=True))
if writer:
    with tabs[GLEIF]:
        sourcing_import.gleif_tab()
    with tabs[FEEDS]:
        sourcing_feeds.feeds_tab()
    with tabs[FILES]:
        sourcing_import.file_tab()
with tabs[DUPLICATES]:
    sourcing_firms.duplicates_tab(writer)
with tabs[PROVENANCE]:
    sourcing_firms.provenance_tab(actor.role in PUSHERS)
