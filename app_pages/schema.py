"""Schema: every table and analysts' view of the store, its columns and what they mean.

Generated from the models (``fund.schema_doc``); it shows the structure, never any data.
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from app_pages.i18n import N_, t
from app_pages.text import md_text
from fund.schema_doc import TableDoc, schema_docs

HEADINGS = {"view": N_("Views for analysts ({count})"), "table": N_("Tables ({count})")}
SCHEMA_HEADERS = {
    "column": N_("column"),
    "type": N_("type"),
    "null": N_("null"),
    "key": N_("key"),
    "meaning": N_("meaning"),
}

st.title(t("Schema"))
common.guard("schema")
common.empty_store_note()
st.caption(
    t(
        "Money is stored as BIGINT hundredths in `<field>_minor` columns beside an ISO 4217 "
        "`currency` (hundredths for every currency, JPY too); the views show it in major units. "
        "Timestamps are UTC. The views come first: they join the tables the way the app reads "
        "them."
    )
)
wanted = st.text_input(t("Find a table, view or column"), key="schema_find").strip().casefold()


def _matches(doc: TableDoc) -> bool:
    if not wanted:
        return True
    texts = [doc.name, doc.doc, *(f"{c.name} {c.meaning}" for c in doc.columns)]
    return any(wanted in text.casefold() for text in texts)


docs = [d for d in schema_docs() if _matches(d)]
if not docs:
    st.info(
        t(
            "Nothing in the schema mentions {text}: try a shorter word.",
            text=md_text(repr(wanted)),
        )
    )
for kind, heading in HEADINGS.items():
    shown = [d for d in docs if d.kind == kind]
    if not shown:
        continue
    st.subheader(t(heading, count=len(shown)))
    for doc in shown:
        with st.expander(
            t("{name}: {count} columns", name=doc.name, count=len(doc.columns)),
            expanded=bool(wanted),
        ):
            st.text(doc.doc)
            frame = doc.frame()
            if kind == "view":
                frame = frame[["column", "meaning"]]
            st.dataframe(
                frame,
                hide_index=True,
                width="stretch",
                column_config={c: t(label) for c, label in SCHEMA_HEADERS.items()},
            )
