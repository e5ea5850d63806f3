"""The audit log: who changed what and when, with the values before and after; for a ledger
entry, its corrections (the reversal chain). Analysts and administrators only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.i18n import N_, t, term
from app_pages.text import md_text
from fund import audit_views as av

PAGE_SIZE = 100
CHAIN_COLUMNS = ["id", "entry_date", "entry_type", "category", "amount", "currency",
                 "amount_fund", "reverses_id", "memo", "recorded_by", "recorded_at"]  # fmt: skip
ENTRY_HEADERS = {"id": N_("id"), "at (UTC)": N_("at (UTC)"), "actor": N_("actor"),
                 "action": N_("action"), "table": N_("table"), "row": N_("row"),
                 "columns changed": N_("columns changed")}  # fmt: skip
DETAIL_HEADERS = {"column": N_("column"), "before": N_("before"), "after": N_("after"),
                  "changed": N_("changed")}  # fmt: skip


def _shown(value: Any) -> str:
    """A stored value as text (never interpreted): strings as they are, the rest as JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _summary(entry: av.AuditEntry) -> str:
    if entry.action == "update":
        return ", ".join(column for column, _, _ in av.changes(entry))
    return t("(new row)") if entry.action == "insert" else t("(row removed)")


def _entries_frame(rows: list[av.AuditEntry]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"id": e.id, "at (UTC)": e.at, "actor": e.actor, "action": e.action,
          "table": e.table_name, "row": e.row_key,
          "columns changed": _summary(e)} for e in rows],
        columns=["id", "at (UTC)", "actor", "action", "table", "row", "columns changed"],
    )  # fmt: skip


def _highlight(frame: pd.DataFrame) -> Any:
    changed = frame["changed"].tolist()
    return frame.style.apply(
        lambda row: ["background-color: #fff3bf" if changed[row.name] else "" for _ in row], axis=1
    )


st.title(t("Audit log"))
common.guard("audit")
choices = common.read(av.audit_choices)
if choices.first_at is None:
    nothing = t("Nothing has been written yet: every change made through Hubfund will show here.")
    st.info(" ".join(filter(None, [nothing, common.empty_store_text()])))
    st.stop()

with st.container(border=True):
    cols = st.columns([2, 2, 2, 1, 2])
    period = cols[0].date_input(
        t("Changed between (UTC)"),
        value=(choices.first_at.date(), datetime.now(UTC).date()),
        key="audit_period",
        format="YYYY/MM/DD",
    )
    actors = cols[1].multiselect(
        t("Actors"), choices.actors, placeholder=t("everyone"), key="audit_who"
    )
    tables = cols[2].multiselect(
        t("Tables"), choices.tables, placeholder=t("all"), key="audit_tables"
    )
    action = cols[3].selectbox(
        t("Action"), ["any", *av.ACTIONS], key="audit_action", format_func=term
    )
    text = cols[4].text_input(
        t("Contains"), placeholder=t("a name, an id, a value"), key="audit_text"
    )
start, end = (period[0], period[-1]) if isinstance(period, tuple) else (period, period)
filters = {
    "since": _midnight(start),
    "until": _midnight(end + timedelta(days=1)),
    "actors": actors or None,
    "tables": tables or None,
    "actions": None if action == "any" else [action],
    "text": text or None,
}
_, total = common.read(av.audit_entries, limit=0, **filters)
if total == 0:
    st.info(t("No change matches these filters."))
    st.stop()
pages = (total - 1) // PAGE_SIZE + 1
page = (
    st.number_input(t("Page (of {pages})", pages=pages), 1, pages, 1, key="audit_page")
    if pages > 1
    else 1
)
rows, total = common.read(
    av.audit_entries, limit=PAGE_SIZE, offset=(int(page) - 1) * PAGE_SIZE, **filters
)
st.caption(t("{total:,} changes, newest first; {size} a page.", total=total, size=PAGE_SIZE))
frame = _entries_frame(rows)
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    column_config={c: t(label) for c, label in ENTRY_HEADERS.items()},
)
common.download_buttons(frame, name="audit_log", key="audit")

by_id = {e.id: e for e in rows}
chosen = st.selectbox(
    t("Entry"),
    list(by_id),
    key="audit_entry",
    format_func=lambda i: (
        f"#{i} {by_id[i].at:%Y-%m-%d %H:%M:%S} {by_id[i].actor} "
        f"{by_id[i].action} {by_id[i].table_name} {by_id[i].row_key}"
    ),
)
entry = by_id[chosen]
st.subheader(t("Entry #{id}", id=entry.id))
st.caption(
    t(
        "{actor} made this {action} of {table} row {row} at {at} UTC. Highlighted: the "
        "columns this change set; the others show the row as it stood.",
        actor=md_text(entry.actor),
        action=term(entry.action),
        table=md_text(entry.table_name),
        row=md_text(entry.row_key),
        at=f"{entry.at:%Y-%m-%d %H:%M:%S}",
    )
)
values = common.read(av.before_and_after, entry_id=entry.id)
detail = pd.DataFrame(
    [{"column": c, "before": _shown(old), "after": _shown(new), "changed": changed}
     for c, old, new, changed in values],
    columns=["column", "before", "after", "changed"],
)  # fmt: skip
st.dataframe(
    _highlight(detail),
    hide_index=True,
    width="stretch",
    column_config={c: t(label) for c, label in DETAIL_HEADERS.items()},
)

ledger_id = av.ledger_entry_id(entry)
if ledger_id is not None:
    st.subheader(t("Reversal chain"))
    chain = common.read(av.reversal_chain, entry_id=ledger_id)
    if len(chain) > 1:
        st.caption(t("A correction on the ledger is a reversing entry: the original first."))
    else:
        st.caption(t("This ledger entry has not been reversed, and reverses nothing."))
    st.dataframe(
        pd.DataFrame([e.model_dump() for e in chain], columns=CHAIN_COLUMNS),
        hide_index=True,
        width="stretch",
    )
