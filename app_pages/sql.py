"""SQL: an analyst's own read-only queries on the store and its views, saved queries, downloads."""

from __future__ import annotations

import streamlit as st

from app_pages import common
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
    example = left.selectbox("Examples", list(EXAMPLES), index=None, key="sql_example",
                             placeholder="Choose an example query")  # fmt: skip
    if left.button("Load example", key="sql_load_example", disabled=example is None):
        _load(EXAMPLES[example or ""])
    saved = {q.id: q for q in common.read(list_queries, actor=common.current_actor())}
    chosen = right.selectbox(
        "Saved queries",
        list(saved),
        index=None,
        key="sql_saved",
        placeholder="Choose a saved query" if saved else "No saved queries yet",
        format_func=lambda i: f"{saved[i].name} ({saved[i].owner})",
    )
    load, delete = right.columns(2)
    if load.button("Load", key="sql_load_saved", disabled=chosen is None) and chosen:
        _load(saved[chosen].sql)
    if delete.button("Delete", key="sql_delete_saved", disabled=chosen is None) and chosen:
        try:
            gone = common.write(delete_query, query_id=chosen)
        except REFUSED as exc:
            st.error(md_text(exc))
        else:
            st.session_state.pop("sql_saved", None)
            common.flash(f"Deleted the saved query {md_text(repr(gone.name))}.")
    if chosen in saved and saved[chosen].note:
        right.text(f"Note: {saved[chosen].note}")


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
    st.caption(f"{len(result.rows):,} rows in {result.elapsed_s:.3f} s")
    if result.truncated:
        st.warning(
            f"Truncated at {result.row_cap:,} rows: more rows match. Narrow the query (WHERE, "
            "GROUP BY, LIMIT) to see them all."
        )
    if result.note:
        st.info(md_text(result.note))
    frame = result.frame()
    st.dataframe(frame, hide_index=True, width="stretch")
    cols = st.columns(3)
    for col, (label, data, suffix, mime) in zip(cols, (
        ("Download CSV", csv_bytes, "csv", "text/csv"),
        ("Download Excel", excel_bytes, "xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("Download Parquet", parquet_bytes, "parquet", "application/vnd.apache.parquet"),
    ), strict=True):  # fmt: skip
        col.download_button(label, data(frame), file_name=f"query.{suffix}", mime=mime,
                            key=f"sql_download_{suffix}")  # fmt: skip


def _save() -> None:
    with st.form("sql_save", clear_on_submit=True):
        st.subheader("Save this query")
        cols = st.columns([1, 2])
        name = cols[0].text_input("Name", max_chars=120)
        note = cols[1].text_input("Note", max_chars=500)
        if not st.form_submit_button("Save query"):
            return
    try:
        saved = common.write(
            save_query, name=name, sql=st.session_state.get(TEXT, ""), note=note or None
        )
    except REFUSED as exc:
        st.error(md_text(exc))
        return
    common.flash(f"Saved the query {md_text(repr(saved.name))}.")


st.title("SQL")
common.guard("sql")
common.show_flash()
time_limit, row_cap = common.read(sql_limits)
st.caption(
    f"One read-only query (SELECT, WITH, VALUES or EXPLAIN) on a connection that cannot write: "
    f"it stops after {time_limit:.1f} s and returns at most {row_cap:,} rows. Views: "
    f"{', '.join(v.name for v in VIEWS)}; every table and column is on the Schema page."
)
_pickers()
st.text_area("Query", key=TEXT, height=180, placeholder="SELECT * FROM v_holdings")
if st.button("Run", type="primary", key="sql_run"):
    _run(time_limit, row_cap)
if isinstance(result := st.session_state.get(RESULT), QueryResult):
    _show(result)
_save()
