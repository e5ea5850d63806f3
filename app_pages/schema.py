"""Schema: every table and analysts' view of the store, its columns and what they mean.

Generated from the models (``fund.schema_doc``); it shows the structure, never any data.
"""

from __future__ import annotations

import streamlit as st

from app_pages import common
from fund.schema_doc import TableDoc, schema_docs

st.title("Schema")
common.guard("schema")
st.caption(
    "Money is stored as BIGINT hundredths in `<field>_minor` columns beside an ISO 4217 "
    "`currency` (hundredths for every currency, JPY too); the views show it in major units. "
    "Timestamps are UTC. The views come first: they join the tables the way the app reads them."
)
wanted = st.text_input("Find a table, view or column", key="schema_find").strip().casefold()


def _matches(doc: TableDoc) -> bool:
    if not wanted:
        return True
    texts = [doc.name, doc.doc, *(f"{c.name} {c.meaning}" for c in doc.columns)]
    return any(wanted in text.casefold() for text in texts)


docs = [d for d in schema_docs() if _matches(d)]
if not docs:
    st.info(f"Nothing in the schema mentions {wanted!r}.")
for kind, heading in (("view", "Views for analysts"), ("table", "Tables")):
    shown = [d for d in docs if d.kind == kind]
    if not shown:
        continue
    st.subheader(f"{heading} ({len(shown)})")
    for doc in shown:
        with st.expander(f"{doc.name}: {len(doc.columns)} columns", expanded=bool(wanted)):
            st.text(doc.doc)
            frame = doc.frame()
            if kind == "view":
                frame = frame[["column", "meaning"]]
            st.dataframe(frame, hide_index=True, width="stretch")
