"""A deal's room: due-diligence checklist and red flags, the scorecard, and the projection
with its sensitivity table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd
import streamlit as st

from app_pages import common, display
from app_pages.i18n import N_, t, term
from app_pages.metric_help import help_for
from app_pages.text import md_text
from fund import diligence as dd
from fund.pipeline_analytics import deals
from fund.projection import (
    ProjectionInput,
    YearLine,
    load_projection,
    project,
    save_projection,
    sensitivity,
)
from models.pipeline import DD_AREAS, DD_STATUSES
from models.validation import InputError

RATES = [Decimal(r) for r in ("0.10", "0.15", "0.20", "0.25", "0.30")]
MULTIPLES = [Decimal(m) for m in ("2", "4", "6", "8", "10")]
FLAGS = {
    "no change": N_("no change"),
    "raise": N_("raise"),
    "resolve": N_("resolve"),
    "waive": N_("waive"),
}
FLAG_DONE = {"resolve": N_("Red flag resolved."), "waive": N_("Red flag waived.")}


def _act(fn: object, done: str, **kwargs: object) -> None:
    try:
        common.write(fn, **kwargs)
    except (InputError, PermissionError) as exc:
        st.error(str(exc))
    else:
        common.flash(done)


def _decimal(text: str, field: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise InputError(f"{field}: {text!r} is not a number") from None


st.title(t("Deal room"))
common.guard("deal_room")
common.show_flash()
fund = common.fund_picker()
if fund is None:
    st.stop()
fund_id, fund_name, fund_currency = fund
open_deals = [d for d in common.read(deals, fund_id=fund_id) if d.stage not in ("passed",)]
if not open_deals:
    st.info(
        t(
            "{fund} has no open deals: open one on the Pipeline page.",
            fund=md_text(display.fund(fund_name)),
        )
    )
    st.stop()
by_id = {d.id: d for d in open_deals}
deal_id = st.selectbox(
    t("Deal"),
    list(by_id),
    key="room_deal",
    format_func=lambda i: f"#{i} {display.firm(by_id[i].company)} ({term(by_id[i].stage)})",
)
deal = by_id[deal_id]
editable = common.can_edit_fund(common.current_actor())
blocks = common.read(dd.dd_gate, deal_id=deal_id)
if blocks:
    st.warning(
        t(
            "Not ready for the investment committee: {blocks}",
            blocks="; ".join(map(md_text, blocks)),
        )
    )
else:
    st.success(t("Due diligence complete: the deal may go to the investment committee."))

st.subheader(t("Due-diligence checklist"))
items = common.read(dd.checklist, deal_id=deal_id)
if not items:
    st.info(
        t(
            "No checklist yet: start it from the templates (team, market, product, financials, "
            "legal, regulatory)."
        )
    )
    if editable and st.button(t("Start the checklist")):
        _act(dd.start_checklist, t("Checklist started."), deal_id=deal_id)
else:
    table = display.terms(pd.DataFrame(items), "area", "status", "red_flag_status")
    st.dataframe(
        table[
            [
                "id",
                "area",
                "title",
                "owner",
                "due_on",
                "status",
                "finding",
                "red_flag",
                "red_flag_status",
                "resolution",
                "evidence_url",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config=display.headers(
            table, evidence_url=st.column_config.LinkColumn(t("evidence"))
        ),
    )
    if editable:
        titles = {i.id: f"[{term(i.area)}] {i.title}" for i in items}
        with st.form("dd_update"):
            item_id = st.selectbox(t("Item"), list(titles), format_func=titles.get, key="dd_item")
            cols = st.columns(3)
            status = cols[0].selectbox(
                t("Status"),
                [None, *DD_STATUSES],
                key="dd_status",
                format_func=lambda s: t("no change") if s is None else term(s),
            )
            owner = cols[1].text_input(t("Owner"), key="dd_owner")
            due = cols[2].date_input(t("Due on"), value=None, key="dd_due", format="YYYY/MM/DD")
            finding = st.text_area(t("Finding"), key="dd_finding")
            evidence = st.text_input(t("Evidence link"), key="dd_evidence")
            flag = st.radio(
                t("Red flag"),
                list(FLAGS),
                horizontal=True,
                key="dd_flag",
                format_func=lambda f: t(FLAGS[f]),
            )
            how = st.text_input(t("Resolution or waiver reason"), key="dd_how")
            if st.form_submit_button(t("Save item")):
                if flag == "raise":
                    _act(dd.raise_red_flag, t("Red flag raised."), item_id=item_id, finding=finding)
                elif flag in ("resolve", "waive"):
                    _act(
                        dd.resolve_red_flag,
                        t(FLAG_DONE[flag]),
                        item_id=item_id,
                        how=how,
                        waive=flag == "waive",
                    )
                else:
                    _act(
                        dd.update_item,
                        t("Item saved."),
                        item_id=item_id,
                        status=status,
                        finding=finding or None,
                        evidence_url=evidence or None,
                        owner=owner or None,
                        due_on=due,
                    )
        with st.form("dd_add", clear_on_submit=True):
            cols = st.columns([1, 3])
            area = cols[0].selectbox(
                t("Area"), DD_AREAS, index=len(DD_AREAS) - 1, key="dd_area", format_func=term
            )
            title = cols[1].text_input(t("Custom item"), key="dd_title")
            if st.form_submit_button(t("Add item")):
                _act(
                    dd.add_item,
                    t("Added {title}.", title=repr(title)),
                    deal_id=deal_id,
                    area=area,
                    title=title,
                )

st.subheader(t("Scorecard"))
card = common.read(dd.scorecard, deal_id=deal_id)
rows = pd.DataFrame(
    {
        "area": [term(a) for a in card.weights],
        "weight %": list(card.weights.values()),
        "score (1-5)": [card.scores.get(a) for a in card.weights],
    }
)
st.dataframe(
    rows,
    hide_index=True,
    column_config={"area": t("Area"), "weight %": t("weight %"), "score (1-5)": t("score (1-5)")},
)
st.metric(
    t("Weighted score"),
    common.fmt_number(card.weighted, decimals=2)
    if not common.explain(card.weighted)
    else common.na(),
    help=help_for("weighted_score", reason=common.explain(card.weighted)),
)
if editable:
    with st.form("dd_score"):
        cols = st.columns([2, 1, 3])
        area = cols[0].selectbox(t("Area"), list(card.weights), key="score_area", format_func=term)
        value = cols[1].number_input(t("Score"), min_value=1, max_value=5, value=3, key="score_v")
        note = cols[2].text_input(t("Note"), key="score_note")
        if st.form_submit_button(t("Score")):
            _act(
                dd.score,
                t("Scored {area} {value}.", area=term(area), value=value),
                deal_id=deal_id,
                area=area,
                value=int(value),
                note=note or None,
            )
    with st.expander(t("Scorecard weights of {fund}", fund=md_text(display.fund(fund_name)))):
        with st.form("weights"):
            cols = st.columns(len(card.weights))
            weights = {
                a: int(c.number_input(term(a), 0, 100, w, key=f"w_{a}"))
                for c, (a, w) in zip(cols, card.weights.items(), strict=True)
            }
            if st.form_submit_button(t("Save weights")):
                _act(dd.set_weights, t("Weights saved."), fund_id=fund_id, weights=weights)

st.subheader(t("Projection"))
stored = common.read(load_projection, deal_id=deal_id)
start = date.today().year
years = (
    pd.DataFrame(
        [{"year": y.year, "revenue": str(y.revenue), "costs": str(y.costs)} for y in stored.years]
    )
    if stored
    else pd.DataFrame({"year": range(start, start + 5), "revenue": [""] * 5, "costs": [""] * 5})
)
with st.form("projection"):
    cols = st.columns(4)
    investment = cols[0].text_input(t("Cheque"), str(stored.investment) if stored else "")
    ownership = cols[1].text_input(
        t("Ownership at exit"), str(stored.ownership) if stored else "0.1"
    )
    rate = cols[2].text_input(t("Discount rate"), str(stored.discount_rate) if stored else "0.2")
    multiple = cols[3].text_input(
        t("Exit multiple (x revenue)"), str(stored.exit_multiple) if stored else "5"
    )
    edited = st.data_editor(
        years,
        num_rows="dynamic",
        hide_index=True,
        key="proj_years",
        column_config={"year": t("Year"), "revenue": t("Revenue"), "costs": t("Costs")},
    )
    if st.form_submit_button(t("Save projection"), disabled=not editable):
        try:
            lines = tuple(
                YearLine(
                    int(r.year),
                    _decimal(str(r.revenue), "revenue"),
                    _decimal(str(r.costs), "costs"),
                )
                for r in edited.dropna().itertuples()
            )
            p = ProjectionInput(
                currency=deal.currency,
                discount_rate=_decimal(rate, "rate"),
                exit_multiple=_decimal(multiple, "multiple"),
                years=lines,
                investment=_decimal(investment, "investment"),
                ownership=_decimal(ownership, "ownership"),
            )
        except (InputError, ValueError) as exc:
            st.error(str(exc))
        else:
            _act(save_projection, t("Projection saved."), deal_id=deal_id, projection_in=p)
if not stored:
    st.info(t("No projection yet: fill in the cheque and the yearly revenue and costs above."))
else:
    result = project(stored)
    cols = st.columns(4)
    cols[0].metric(
        t("Exit value ({currency})", currency=stored.currency),
        common.fmt_compact(result.exit_value, ""),
        help=help_for("exit_value"),
    )
    cols[1].metric(
        t("NPV at {rate}", rate=f"{stored.discount_rate:.0%}"),
        common.fmt_compact(result.npv, ""),
        help=help_for("npv"),
    )
    cols[2].metric(
        "IRR",
        common.fmt_pct(result.irr),
        help=help_for("projection_irr", reason=common.explain(result.irr)),
    )
    cols[3].metric(
        "MOIC",
        common.fmt_multiple(result.moic),
        help=help_for("projection_moic", reason=common.explain(result.moic)),
    )
    table = sensitivity(stored, rates=RATES, multiples=MULTIPLES)
    st.markdown(t("**NPV sensitivity** (rows: discount rate; columns: exit multiple)"))
    st.dataframe(
        table.map(float).rename(index=lambda r: f"{r:.0%}", columns=lambda m: f"{m}x"),
        width="stretch",
        column_config={
            c: st.column_config.NumberColumn(format="localized")
            for c in [f"{m}x" for m in MULTIPLES]
        },
    )
