"""The deal pipeline: a board with a column per stage, a filterable list, and the forms to
open a deal and move it (the rules are the domain's: a refused move names its rule)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages.text import md_text
from fund import pipeline as flow
from fund.firms import open_deal_for_new_firm
from fund.ledger import fund_of
from fund.pipeline_analytics import deal_history, deals, deals_frame
from models.db import database_url
from models.hub import SECTORS, FirmCreate
from models.pipeline import PASS_REASONS, SOURCE_CHANNELS, STAGES
from models.queries import fund_parties
from models.validation import InputError, check

LABELS = {s: s.replace("_", " ") for s in (*STAGES, "passed", "on_hold")}
ACTIONS = ("advance", "move back", "pass", "hold", "resume", "reopen")


@st.cache_data(ttl=30, max_entries=16, show_spinner=False)
def _deals(url: str, fund_id: int) -> pd.DataFrame:
    return deals_frame(common.read(deals, fund_id=fund_id, as_of=date.today()))


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _parties(url: str, fund_id: int) -> dict[str, list[tuple[int, str]]]:
    return common.read(fund_parties, fund_id=fund_id)


def fund_hub(fund_id: int) -> int | None:
    """The hub a new company of this fund's pipeline belongs to: the fund's own."""
    return common.read(fund_of, fund_id=fund_id).hub_id


def _card(row: Any) -> str:
    amount = "" if row.amount_sought is None else f" · {row.currency} {row.amount_sought:,.0f}"
    step = f"\n\nnext: {md_text(row.next_step)}" if row.next_step else ""
    timing = "invested" if row.stage == "invested" else f"{row.days_in_stage} d in stage"
    return (
        f"**{md_text(row.company)}**  \n"
        f"{row.sector} · {row.round_sought or 'round n/a'}{amount}  \n"
        f"{md_text(row.owner)} · {timing}{step}"
    )


def _move(
    deal: Any, action: str, on: date, note: str | None, reason: str | None, entry_id: int | None
) -> None:
    index = STAGES.index(deal.stage) if deal.stage in STAGES else None
    base = {"deal_id": int(deal.id), "on": on}
    if action in ("advance", "move back"):
        if index is None:
            raise InputError(f"stage: a {LABELS[deal.stage]} deal cannot {action}")
        step = 1 if action == "advance" else -1
        if not 0 <= index + step < len(STAGES):
            raise InputError(f"stage: {LABELS[deal.stage]} has no stage to {action} to")
        common.write(
            flow.move_deal,
            to_stage=STAGES[index + step],
            note=note,
            investment_entry_id=entry_id,
            **base,
        )
    elif action == "pass":
        common.write(flow.pass_deal, reason=reason or "", note=note, **base)
    elif action == "hold":
        common.write(flow.hold_deal, note=note, **base)
    elif action == "resume":
        common.write(flow.resume_deal, note=note, **base)
    else:
        common.write(flow.reopen_deal, note=note or "", **base)


st.title("Pipeline")
common.guard("pipeline")
common.show_flash()
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, fund_currency = fund
frame = _deals(database_url(), fund_id)

if frame.empty:
    st.info(f"{md_text(fund_name)} has no deals yet: open the first one below.")
else:
    counts = frame["stage"].value_counts()
    cols = st.columns(len(STAGES))
    for column, stage in zip(cols, STAGES, strict=True):
        here = frame[frame["stage"] == stage]
        column.markdown(f"**{LABELS[stage]}** ({len(here)})")
        for row in here.sort_values("days_in_stage", ascending=False).head(8).itertuples():
            column.container(border=True).markdown(_card(row))
        if len(here) > 8:
            column.caption(f"and {len(here) - 8} more in the list below")
    st.caption(
        f"Passed: {counts.get('passed', 0)} · on hold: {counts.get('on_hold', 0)}. Cards: the "
        "deals longest in their stage first."
    )
    with st.expander("All deals (filter and sort)", expanded=False):
        cols = st.columns(3)
        stages = cols[0].multiselect("Stage", list(LABELS), format_func=LABELS.get)
        owners = cols[1].multiselect("Owner", sorted(frame["owner"].unique()))
        channels = cols[2].multiselect("Source", SOURCE_CHANNELS)
        shown = frame
        for column, chosen in (("stage", stages), ("owner", owners), ("source_channel", channels)):
            if chosen:
                shown = shown[shown[column].isin(chosen)]
        st.dataframe(
            shown[
                [
                    "id",
                    "company",
                    "stage",
                    "owner",
                    "source_channel",
                    "sector",
                    "round_sought",
                    "amount_sought",
                    "currency",
                    "days_in_stage",
                    "next_step",
                    "next_step_on",
                    "pass_reason",
                    "opened_on",
                ]
            ],
            hide_index=True,
            width="stretch",
        )

if not common.can_edit_fund(common.current_actor()):
    st.caption("Read-only for your role; fund managers open and move deals.")
    st.stop()

left, right = st.columns(2)
parties = _parties(database_url(), fund_id)
with left, st.form("open_deal", clear_on_submit=True):
    st.markdown("**Open a deal**")
    firms = dict(parties["firms"])
    firm_id = st.selectbox("Company", list(firms), format_func=firms.get, key="deal_firm")
    st.caption("Or a company not in the store yet (fill in its name to use it):")
    cols = st.columns([2, 2, 1])
    new_en = cols[0].text_input("English name", key="new_en")
    new_zh = cols[1].text_input("Chinese name", key="new_zh")
    new_sector = cols[2].selectbox("Sector", SECTORS, key="new_sector")
    cols = st.columns(2)
    owner = cols[0].text_input("Owner", value=common.current_actor().name, key="deal_owner")
    channel = cols[1].selectbox("Source", SOURCE_CHANNELS, key="deal_channel")
    detail = st.text_input("Source detail", placeholder="e.g. Shenzhen fintech festival 2026")
    cols = st.columns(3)
    round_sought = cols[0].selectbox("Round", [None, "angel", "seed", "A", "B", "C", "D+"])
    amount = cols[1].text_input("Amount sought", key="deal_amount")
    currency = cols[2].selectbox("Currency", ["CNY", "USD"], key="deal_cur")
    cols = st.columns(3)
    opened = cols[0].date_input("Opened on", value=date.today(), key="deal_opened")
    step = cols[1].text_input("Next step", key="deal_step")
    step_on = cols[2].date_input("Next step on", value=None, key="deal_step_on")
    if st.form_submit_button("Open deal"):
        deal = {
            "fund_id": fund_id,
            "firm_id": firm_id,
            "owner": owner,
            "source_channel": channel,
            "source_detail": detail or None,
            "round_sought": round_sought,
            "amount_sought": amount or None,
            "currency": currency,
            "next_step": step or None,
            "next_step_on": step_on,
            "opened_on": opened,
        }
        try:
            if new_en or new_zh:
                firm_in = check(
                    FirmCreate,
                    {
                        "name_en": new_en or None,
                        "name_zh": new_zh or None,
                        "sector": new_sector,
                        "hub_id": fund_hub(fund_id),
                    },
                )
                view = common.write(open_deal_for_new_firm, firm_in=firm_in, deal=deal)
                _parties.clear()
            else:
                view = common.write(flow.open_deal, deal_in=check(flow.DealCreate, deal))
        except (InputError, PermissionError) as exc:
            st.error(str(exc))
        else:
            _deals.clear()
            common.flash(f"Opened deal #{view.id} for {md_text(view.company)} (sourced).")

with right, st.form("move_deal"):
    st.markdown("**Move a deal**")
    if frame.empty:
        st.caption("No deals to move yet.")
        st.form_submit_button("Move", disabled=True)
    else:
        by_id = {int(r.id): r for r in frame.itertuples()}
        deal_id = st.selectbox(
            "Deal",
            list(by_id),
            key="move_deal",
            format_func=lambda i: f"#{i} {by_id[i].company} ({LABELS[by_id[i].stage]})",
        )
        cols = st.columns(2)
        action = cols[0].selectbox("Action", ACTIONS, key="move_action")
        on = cols[1].date_input("On", value=date.today(), key="move_on")
        reason = st.selectbox("Pass reason (for pass)", [None, *PASS_REASONS], key="move_reason")
        note = st.text_input("Note (required to move back or reopen)", key="move_note")
        entry = st.number_input(
            "Ledger investment entry # (to mark invested)", min_value=0, step=1, key="move_entry"
        )
        if st.form_submit_button("Move"):
            try:
                _move(by_id[deal_id], action, on, note or None, reason, int(entry) or None)
            except (InputError, PermissionError) as exc:
                st.error(str(exc))
            else:
                _deals.clear()
                common.flash(f"Deal #{deal_id}: {action} recorded on {on.isoformat()}.")

if not frame.empty:
    st.subheader("History")
    pick = st.selectbox(
        "Deal",
        frame["id"].tolist(),
        key="history_deal",
        format_func=lambda i: f"#{i} {frame.set_index('id').loc[i, 'company']}",
    )
    moves = common.read(deal_history, deal_id=int(pick))
    st.dataframe(pd.DataFrame(moves), hide_index=True, width="stretch")
