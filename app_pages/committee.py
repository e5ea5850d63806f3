"""The investment committee: members, meetings, the agenda with each deal's memo, votes,
decisions and their conditions."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import common, display
from app_pages.i18n import t, term
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


st.title(t("Investment committee"))
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
    st.markdown(t("**Members** ({count})", count=len(members)))
    st.write(", ".join(md_text(m.name) for m in members if m.active) or t("No members yet."))
    if editable:
        with st.form("member", clear_on_submit=True):
            name = st.text_input(t("New member"), key="ic_member")
            if st.form_submit_button(t("Add member")):
                _act(
                    ic.add_member,
                    t("Added {name}.", name=md_text(name)),
                    fund_id=fund_id,
                    name=name,
                )
with right:
    st.markdown(t("**Meetings** ({count})", count=len(meetings)))
    if editable:
        with st.form("meeting", clear_on_submit=True):
            cols = st.columns([1, 2])
            held_on = cols[0].date_input(
                t("Date"), value=date.today(), key="ic_date", format="YYYY/MM/DD"
            )
            title = cols[1].text_input(t("Title"), key="ic_title", placeholder=t("IC 2026-12"))
            if st.form_submit_button(t("Schedule")):
                _act(
                    ic.schedule_meeting,
                    t("Scheduled {title}.", title=md_text(title)),
                    fund_id=fund_id,
                    held_on=held_on,
                    title=title,
                )

if not meetings:
    st.info(t("No meetings yet: schedule one, then put deals at the IC stage on its agenda."))
    st.stop()
by_id = {m.id: m for m in meetings}
meeting_id = st.selectbox(
    t("Meeting"),
    list(by_id),
    key="ic_meeting",
    format_func=lambda i: f"{common.fmt_date(by_id[i].held_on)} {by_id[i].title}",
)
items = common.read(ic.agenda, meeting_id=meeting_id)
ready = [
    d
    for d in common.read(deals, fund_id=fund_id)
    if d.stage == "investment_committee" and d.id not in {i.deal_id for i in items}
]
if editable and ready:
    with st.form("agenda", clear_on_submit=True):
        names = {d.id: display.firm(d.company) for d in ready}
        deal_id = st.selectbox(t("Deal at the IC stage"), list(names), format_func=names.get)
        terms = st.text_area(t("Proposed terms"), key="ic_terms")
        if st.form_submit_button(t("Put on the agenda")):
            _act(
                ic.add_to_agenda,
                t(
                    "{company} is on the agenda; its memo is drafted.",
                    company=md_text(names[deal_id]),
                ),
                meeting_id=meeting_id,
                deal_id=deal_id,
                proposed_terms=terms or None,
            )
if not items:
    st.info(t("Nothing on this meeting's agenda yet: put a deal at the IC stage on it."))
    st.stop()

for item in items:
    decided = (
        t(
            ": **{decision}** on {day}",
            decision=term(item.decision),
            day=common.fmt_date(item.decided_on),
        )
        if item.decision
        else t(": undecided")
    )
    with st.expander(
        f"{md_text(display.firm(item.company))}{decided}", expanded=item.decision is None
    ):
        st.download_button(
            t("Download memo (Markdown)"),
            item.memo.encode("utf-8"),
            file_name=ic.memo_filename(item),
            key=f"memo_dl_{item.id}",
        )
        tally = ", ".join(f"{term(k)} {v}" for k, v in item.tally.items())
        st.caption(t("Votes: {tally}", tally=tally))
        if item.votes:
            votes = display.terms(pd.DataFrame(item.votes), "vote")
            st.dataframe(votes, hide_index=True, column_config=display.headers(votes))
        if item.conditions:
            conditions = pd.DataFrame(item.conditions)
            st.dataframe(conditions, hide_index=True, column_config=display.headers(conditions))
        if editable and item.decision is None:
            with st.form(f"memo_{item.id}"):
                memo = st.text_area(t("Memo"), item.memo, height=300, key=f"memo_{item.id}_text")
                if st.form_submit_button(t("Save memo")):
                    _act(ic.edit_memo, t("Memo saved."), agenda_item_id=item.id, memo=memo)
            with st.form(f"vote_{item.id}"):
                who = {m.id: m.name for m in members if m.active}
                cols = st.columns(3)
                member = cols[0].selectbox(
                    t("Member"), list(who), format_func=who.get, key=f"vote_m_{item.id}"
                )
                vote = cols[1].selectbox(
                    t("Vote"), VOTES, key=f"vote_v_{item.id}", format_func=term
                )
                note = cols[2].text_input(t("Note"), key=f"vote_n_{item.id}")
                if st.form_submit_button(t("Cast vote")):
                    _act(
                        ic.cast_vote,
                        t("Vote recorded."),
                        agenda_item_id=item.id,
                        member_id=member,
                        vote=vote,
                        note=note or None,
                    )
            with st.form(f"decide_{item.id}"):
                cols = st.columns(2)
                decision = cols[0].selectbox(
                    t("Decision"), DECISIONS, key=f"dec_{item.id}", format_func=term
                )
                on = cols[1].date_input(
                    t("On"),
                    value=by_id[meeting_id].held_on,
                    key=f"dec_on_{item.id}",
                    format="YYYY/MM/DD",
                )
                text = st.text_area(t("Conditions (one per line)"), key=f"cond_{item.id}")
                if st.form_submit_button(t("Record decision")):
                    _act(
                        ic.decide,
                        t("Decision recorded: {decision}.", decision=term(decision)),
                        agenda_item_id=item.id,
                        decision=decision,
                        on=on,
                        conditions=[c for c in text.splitlines() if c.strip()],
                    )
        elif item.decision is None:
            st.markdown(item.memo)
        else:
            st.markdown(item.memo)
            open_conditions = [c for c in item.conditions if not c.done]
            if editable and open_conditions:
                with st.form(f"done_{item.id}"):
                    texts = {c.id: c.text for c in open_conditions}
                    cid = st.selectbox(t("Condition"), list(texts), format_func=texts.get)
                    on = st.date_input(
                        t("Done on"),
                        value=date.today(),
                        key=f"done_on_{item.id}",
                        format="YYYY/MM/DD",
                    )
                    if st.form_submit_button(t("Mark done")):
                        _act(ic.complete_condition, t("Condition done."), condition_id=cid, on=on)
