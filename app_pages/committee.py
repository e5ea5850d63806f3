"""The investment committee: members, meetings, the agenda with each deal's memo, votes,
decisions and their conditions."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.text import md_text
from fund import committee as ic
from fund.pipeline_analytics import deals
from models.pipeline import DECISIONS, VOTES
from models.validation import InputError


def _act(fn: object, done: str, **kwargs: object) -> bool:
    try:
        common.write(fn, **kwargs)
    except (InputError, PermissionError) as exc:
        st.error(str(exc))
        return False
    common.flash(done)
    return True


st.title("Investment committee")
common.guard("committee")
common.show_flash()
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, _ = fund
editable = common.can_edit_fund(common.current_actor())
members = common.read(ic.members, fund_id=fund_id)
meetings = common.read(ic.meetings, fund_id=fund_id)

left, right = st.columns(2)
with left:
    st.markdown(f"**Members** ({len(members)})")
    st.write(", ".join(md_text(m.name) for m in members if m.active) or "No members yet.")
    if editable:
        with st.form("member", clear_on_submit=True):
            name = st.text_input("New member", key="ic_member")
            if st.form_submit_button("Add member"):
                _act(ic.add_member, f"Added {name}.", fund_id=fund_id, name=name)
with right:
    st.markdown(f"**Meetings** ({len(meetings)})")
    if editable:
        with st.form("meeting", clear_on_submit=True):
            cols = st.columns([1, 2])
            held_on = cols[0].date_input("Date", value=date.today(), key="ic_date")
            title = cols[1].text_input("Title", key="ic_title", placeholder="IC 2026-12")
            if st.form_submit_button("Schedule"):
                _act(
                    ic.schedule_meeting,
                    f"Scheduled {title}.",
                    fund_id=fund_id,
                    held_on=held_on,
                    title=title,
                )

if not meetings:
    st.info("No meetings yet: schedule one, then put deals at the IC stage on its agenda.")
    st.stop()
by_id = {m.id: m for m in meetings}
meeting_id = st.selectbox(
    "Meeting",
    list(by_id),
    key="ic_meeting",
    format_func=lambda i: f"{by_id[i].held_on} {by_id[i].title}",
)
items = common.read(ic.agenda, meeting_id=meeting_id)
ready = [
    d
    for d in common.read(deals, fund_id=fund_id)
    if d.stage == "investment_committee" and d.id not in {i.deal_id for i in items}
]
if editable and ready:
    with st.form("agenda", clear_on_submit=True):
        names = {d.id: d.company for d in ready}
        deal_id = st.selectbox("Deal at the IC stage", list(names), format_func=names.get)
        terms = st.text_area("Proposed terms", key="ic_terms")
        if st.form_submit_button("Put on the agenda"):
            _act(
                ic.add_to_agenda,
                f"{names[deal_id]} is on the agenda; its memo is drafted.",
                meeting_id=meeting_id,
                deal_id=deal_id,
                proposed_terms=terms or None,
            )
if not items:
    st.info("Nothing on this meeting's agenda yet.")
    st.stop()

for item in items:
    decided = f": **{item.decision}** on {item.decided_on}" if item.decision else ": undecided"
    with st.expander(f"{md_text(item.company)}{decided}", expanded=item.decision is None):
        st.download_button(
            "Download memo (Markdown)",
            item.memo.encode("utf-8"),
            file_name=ic.memo_filename(item),
            key=f"memo_dl_{item.id}",
        )
        tally = ", ".join(f"{k} {v}" for k, v in item.tally.items())
        st.caption(f"Votes: {tally}")
        if item.votes:
            st.dataframe(pd.DataFrame(item.votes), hide_index=True)
        if item.conditions:
            st.dataframe(pd.DataFrame(item.conditions), hide_index=True)
        if editable and item.decision is None:
            with st.form(f"memo_{item.id}"):
                memo = st.text_area("Memo", item.memo, height=300, key=f"memo_{item.id}_text")
                if st.form_submit_button("Save memo"):
                    _act(ic.edit_memo, "Memo saved.", agenda_item_id=item.id, memo=memo)
            with st.form(f"vote_{item.id}"):
                who = {m.id: m.name for m in members if m.active}
                cols = st.columns(3)
                member = cols[0].selectbox(
                    "Member", list(who), format_func=who.get, key=f"vote_m_{item.id}"
                )
                vote = cols[1].selectbox("Vote", VOTES, key=f"vote_v_{item.id}")
                note = cols[2].text_input("Note", key=f"vote_n_{item.id}")
                if st.form_submit_button("Cast vote"):
                    _act(
                        ic.cast_vote,
                        "Vote recorded.",
                        agenda_item_id=item.id,
                        member_id=member,
                        vote=vote,
                        note=note or None,
                    )
            with st.form(f"decide_{item.id}"):
                cols = st.columns(2)
                decision = cols[0].selectbox("Decision", DECISIONS, key=f"dec_{item.id}")
                on = cols[1].date_input(
                    "On", value=by_id[meeting_id].held_on, key=f"dec_on_{item.id}"
                )
                conditions = st.text_area("Conditions (one per line)", key=f"cond_{item.id}")
                if st.form_submit_button("Record decision"):
                    _act(
                        ic.decide,
                        f"Decision recorded: {decision}.",
                        agenda_item_id=item.id,
                        decision=decision,
                        on=on,
                        conditions=[c for c in conditions.splitlines() if c.strip()],
                    )
        elif item.decision is None:
            st.markdown(item.memo)
        else:
            st.markdown(item.memo)
            open_conditions = [c for c in item.conditions if not c.done]
            if editable and open_conditions:
                with st.form(f"done_{item.id}"):
                    texts = {c.id: c.text for c in open_conditions}
                    cid = st.selectbox("Condition", list(texts), format_func=texts.get)
                    on = st.date_input("Done on", value=date.today(), key=f"done_on_{item.id}")
                    if st.form_submit_button("Mark done"):
                        _act(ic.complete_condition, "Condition done.", condition_id=cid, on=on)
