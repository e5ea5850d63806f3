"""SQL: an analyst's own read-only queries on the store and its views, saved queries, downloads."""

from __future__ import annotations

import streamlit as st

from app_pages import common
from app_pages.i18n import N_, t
from app_pages.text import md_text
from fund.access import PermissionDenied
from fund.analyst_export import csv_bytes, excel_bytes, parquet_bytes
from fund.analyst_sql import QueryError, QueryResult, analyst_url, run_query, sql_limits
from fund.saved_queries import delete_query, list_queries, save_query
from fund.sql_examples import EXAMPLES
from models.validation import InputError
from models.views import VIEWS

TEXT, RESULT = "sql_text", "sql_result"
REFUSED = (QueryError, InputError, PermissionDenied)


def _load(sql: str) -> None:
    st.session_state[TEXT] = sql
    st.session_state.pop(RESULT, None)


def _pickers() -> None:
    """Examples and saved queries to start from (before the text area: they may fill it)."""
    left, right = st.columns(2)
    example = left.selectbox(t("Examples"), list(EXAMPLES), index=None, key="sql_example",
                             placeholder=t("Choose an example query"))  # fmt: skip
    if left.button(t("Load example"), key="sql_load_example", disabled=example is None):
        _load(EXAMPLES[example or ""])
    saved = {q.id: q for q in common.read(list_queries, actor=common.current_actor())}
    chosen = right.selectbox(
        t("Saved queries"),
        list(saved),
        index=None,
        key="sql_saved",
        placeholder=t("Choose a saved query") if saved else t("No saved queries yet"),
        format_func=lambda i: f"{saved[i].name} ({saved[i].owner})",
    )
    load, delete = right.columns(2)
    if load.button(t("Load"), key="sql_load_saved", disabled=chosen is None) and chosen:
        _load(saved[chosen].sql)
    if delete.button(t("Delete"), key="sql_delete_saved", disabled=chosen is None) and chosen:
        try:
            gone = common.write(delete_query, query_id=chosen)
        except REFUSED as exc:
            st.error(md_text(exc))
        else:
            st.session_state.pop("sql_saved", None)
            common.flash(t("Deleted the saved query {name}.", name=md_text(repr(gone.name))))
    if chosen in saved and saved[chosen].note:
        right.text(t("Note: {note}", note=saved[chosen].note))


def _run(time_limit: float, row_cap: int) -> None:
    try:
        result = run_query(
            st.session_state.get(TEXT, ""),
            url=analyst_url(),
            time_limit_s=time_limit,
            row_cap=row_cap,
        )
    except REFUSED as exc:
        st.session_state.pop(RESULT, None)
        st.error(md_text(exc))
        return
    st.session_state[RESULT] = result


def _show(result: QueryResult) -> None:
    st.caption(
        t("{rows:,} rows in {seconds} s", rows=len(result.rows), seconds=f"{result.elapsed_s:.3f}")
    )
    if result.truncated:
        st.warning(
            t(
                "Truncated at {cap:,} rows: more rows match. Narrow the query (WHERE, GROUP BY, "
                "LIMIT) to see them all.",
                cap=result.row_cap,
            )
        )
    if result.note:
        st.info(md_text(result.note))
    frame = result.frame()
    st.dataframe(frame, hide_index=True, width="stretch")
    cols = st.columns(3)
    for col, (label, data, suffix, mime) in zip(cols, (
        (N_("Download CSV"), csv_bytes, "csv", "text/csv"),
        (N_("Download Excel"), excel_bytes, "xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (N_("Download Parquet"), parquet_bytes, "parquet", "application/vnd.apache.parquet"),
    ), strict=True):  # fmt: skip
        col.download_button(t(label), data(frame), file_name=f"query.{suffix}", mime=mime,
                            key=f"sql_download_{suffix}")  # fmt: skip


def _save() -> None:
    with st.form("sql_save", clear_on_submit=True):
        st.subheader(t("Save this query"))
        cols = st.columns([1, 2])
        name = cols[0].text_input(t("Name"), max_chars=120)
        note = cols[1].text_input(t("Note"), max_chars=500)
        if not st.form_submit_button(t("Save query")):
            return
    try:
        saved = common.write(
            save_query, name=name, sql=st.session_state.get(TEXT, ""), note=note or None
        )
    except REFUSED as exc:
        st.error(md_text(exc))
        return
    common.flash(t("Saved the query {name}.", name=md_text(repr(saved.name))))


st.title(t("SQL"))
common.guard("sql")
common.show_flash()
common.empty_store_note()
time_limit, row_cap = common.read(sql_limits)
st.caption(
    t(
        "One read-only query (SELECT, WITH, VALUES or EXPLAIN) on a connection that cannot "
        "write: it stops after {seconds} s and returns at most {rows:,} rows. Views: {views}; "
        "every table and column is on the Schema page.",
        seconds=f"{time_limit:.1f}",
        rows=row_cap,
        views=", ".join(v.name for v in VIEWS),
    )
)
_pickers()
st.text_area(t("Query"), key=TEXT, height=180, placeholder="SELECT * FROM v_holdings")
if st.button(t("Run"), type="primary", key="sql_run"):
    _run(time_limit, row_cap)
if isinstance(result := st.session_state.get(RESULT), QueryResult):
    _show(result)
_save()
