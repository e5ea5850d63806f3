"""The sourcing page's firm tabs: likely duplicates to merge or keep apart, and a firm's fields
with the source of each value (raw payloads included) and a push to the pipeline. Thin: the
domain is ``sourcing``."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.text import md_text
from models.db import database_url
from models.pipeline import SOURCE_CHANNELS
from models.validation import InputError
from sourcing.match import DuplicatePair, likely_duplicates
from sourcing.merge import keep_apart, merge_firms
from sourcing.store import push_to_pipeline
from sourcing.views import firm_fields, provenance, search_firms


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _pairs(url: str, hub_id: int | None) -> list[DuplicatePair]:
    """Likely duplicate pairs: shared data (company names), not any user's."""
    return common.read(likely_duplicates, hub_id=hub_id)


def duplicates_tab(can_write: bool) -> None:
    """Stored companies that share a name key: merge them, or record that they differ."""
    hubs = {hub_id: name for hub_id, name, _ in common.hubs()}
    hub_id = st.selectbox("Hub", [None, *hubs], format_func=lambda i: hubs.get(i, "All hubs"),
                          key="dup_hub")  # fmt: skip
    pairs = _pairs(database_url(), hub_id)
    if not pairs:
        st.success("No likely duplicates: no two companies share a name key (pairs kept apart "
                   "are not shown).")  # fmt: skip
        return
    frame = pd.DataFrame([{"first": f"#{p.firm_a_id} {p.name_a}",
                           "second": f"#{p.firm_b_id} {p.name_b}", "name key": p.key,
                           "conflict": p.conflict or ""} for p in pairs])  # fmt: skip
    st.dataframe(frame, hide_index=True, width="stretch")
    st.caption(f"{len(pairs)} pairs. A pair with a conflict (different USCC or LEI) cannot be "
               "merged: keep it apart.")  # fmt: skip
    if not can_write:
        st.caption("Read-only for your role: fund managers and the bureau merge companies.")
        return
    with st.form("dup_decide"):
        index = st.selectbox("Pair", range(len(pairs)), key="dup_pair",
                             format_func=lambda i: f"#{pairs[i].firm_a_id} {pairs[i].name_a} / "
                             f"#{pairs[i].firm_b_id} {pairs[i].name_b}")  # fmt: skip
        keep_first = st.radio("Keep", ["the first", "the second"], horizontal=True,
                              key="dup_keep") == "the first"  # fmt: skip
        note = st.text_input("Note", key="dup_note")
        cols = st.columns(2)
        merge = cols[0].form_submit_button("Merge")
        apart = cols[1].form_submit_button("Keep apart")
    pair = pairs[index]
    keep, gone = ((pair.firm_a_id, pair.firm_b_id) if keep_first
                  else (pair.firm_b_id, pair.firm_a_id))  # fmt: skip
    try:
        if merge:
            result = common.write(merge_firms, keep_id=keep, merge_id=gone, note=note or None)
            message = (f"Merged #{gone} into #{keep}; moved: "
                       f"{', '.join(result.moved) or 'nothing'}.")  # fmt: skip
        elif apart:
            common.write(keep_apart, firm_a_id=keep, firm_b_id=gone, note=note or None)
            message = f"#{pair.firm_a_id} and #{pair.firm_b_id} are kept apart."
        else:
            return
    except (InputError, PermissionError) as exc:
        st.error(str(exc))
        return
    _pairs.clear()
    common.flash(message)


def _push_form(firm_id: int, name: str) -> None:
    funds = {fund_id: fund_name for fund_id, fund_name, _ in common.fund_names(database_url())}
    if not funds:
        st.caption("No funds in the store yet: a company goes to a fund's pipeline.")
        return
    with st.form("push_deal"):
        st.markdown(f"**Push {md_text(name)} to a pipeline**")
        cols = st.columns(3)
        fund_id = cols[0].selectbox("Fund", list(funds), format_func=funds.get, key="push_fund")
        owner = cols[1].text_input("Owner", value=common.current_actor().name, key="push_owner")
        channel = cols[2].selectbox("Source", SOURCE_CHANNELS,
                                    index=SOURCE_CHANNELS.index("registry search"),
                                    key="push_channel")  # fmt: skip
        note = st.text_input("Source detail (default: where the company was sourced)",
                             key="push_note")  # fmt: skip
        if st.form_submit_button("Push to pipeline"):
            try:
                deal = common.write(push_to_pipeline, firm_id=firm_id, fund_id=int(fund_id),
                                    owner=owner, channel=channel, note=note or None,
                                    opened_on=date.today())  # fmt: skip
            except (InputError, PermissionError) as exc:
                st.error(str(exc))
            else:
                common.flash(f"Opened deal #{deal.id} for {md_text(deal.company)} in "
                             f"{md_text(deal.fund)} (sourced).")  # fmt: skip


def provenance_tab(can_push: bool) -> None:
    """A firm's fields and where each value came from; the raw records; push to pipeline."""
    text = st.text_input("Find a company (name, USCC or LEI; empty: the latest sourced)",
                         key="prov_find")  # fmt: skip
    found = dict(common.read(search_firms, text=text))
    if not found:
        st.info("No company found." if text.strip() else "No sourced companies yet.")
        return
    firm_id = st.selectbox("Company", list(found), format_func=lambda i: f"#{i} {found[i]}",
                           key="prov_firm")  # fmt: skip
    fields = pd.DataFrame(common.read(firm_fields, firm_id=firm_id))
    fields["source"] = fields["source"].fillna("entered in Hubfund (see the audit log)")
    st.dataframe(fields, hide_index=True, width="stretch")
    rows = common.read(provenance, firm_id=firm_id)
    if rows:
        st.markdown("**Every sourced value** (newest first)")
        st.dataframe(pd.DataFrame([{"field": r.field, "value": r.value, "now": r.current,
                                    "source": r.source, "fetched at": r.fetched_at,
                                    "record": r.source_record_id} for r in rows]),
                     hide_index=True, width="stretch")  # fmt: skip
        seen: set[int] = set()
        for row in rows:
            if row.source_record_id in seen:
                continue
            seen.add(row.source_record_id)
            label = (f"Raw record #{row.source_record_id}: {row.source} {row.external_id}, "
                     f"fetched {row.fetched_at:%Y-%m-%d %H:%M} UTC")  # fmt: skip
            with st.expander(md_text(label)):
                if row.url:
                    st.caption(md_text(row.url))
                st.json(row.payload)
    if can_push:
        _push_form(firm_id, found[firm_id])
