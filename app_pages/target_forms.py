"""The hub targets page's forms (the development bureau's): add a KPI observation, edit a
target."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from app_pages import common, display
from app_pages.i18n import t
from app_pages.text import md_text
from fund.hub_targets import add_observation, update_target
from models.db import database_url
from models.kpi import KpiObservationCreate, TargetUpdate
from models.queries import all_kpis
from models.validation import InputError, check


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def _kpis(url: str) -> list[tuple[str, str, str]]:
    return [(k.code, k.name, k.measure) for k in common.read(all_kpis)]


def label(row: object) -> str:
    """A target as the pickers show it: hub, KPI and deadline."""
    return t(
        "{hub}: {kpi} by {day}",
        hub=display.hub(row.hub),  # type: ignore[attr-defined]
        kpi=display.kpi(row.kpi_name),  # type: ignore[attr-defined]
        day=common.fmt_date(row.deadline),  # type: ignore[attr-defined]
    )


def forms(rows: list, hubs: list[tuple[int, str, str]], *, on_written: Callable[[], None]) -> None:
    """The bureau's forms: add an observation, edit a target (``on_written`` after a write)."""
    kpis = _kpis(database_url())
    observed = {code: name for code, name, measure in kpis if measure == "observed"}
    hub_name = {hub_id: name for hub_id, name, _ in hubs}
    by_id = {row.target_id: row for row in rows}
    left, right = st.columns(2)
    with left, st.form("add_observation", clear_on_submit=True):
        st.markdown(t("**Add an observation**"))
        hub_id = st.selectbox(
            t("Hub"), list(hub_name), format_func=lambda h: display.hub(hub_name[h]), key="obs_hub"
        )
        kpi = st.selectbox(
            t("KPI"), list(observed), format_func=lambda k: display.kpi(observed[k]), key="obs_kpi"
        )
        observed_on = st.date_input(
            t("Observed on"), value=date.today(), key="obs_date", format="YYYY/MM/DD"
        )
        value = st.text_input(t("Value"), key="obs_value", placeholder=t("e.g. 9 or 2500000000"))
        source = st.text_input(t("Source"), key="obs_source", placeholder=t("document or URL"))
        note = st.text_input(t("Note (optional)"), key="obs_note")
        if st.form_submit_button(t("Record observation")):
            try:
                created = common.write(
                    add_observation,
                    observation_in=check(
                        KpiObservationCreate,
                        dict(
                            hub_id=hub_id,
                            kpi_code=kpi,
                            observed_on=observed_on,
                            value=value,
                            source=source,
                            note=note or None,
                        ),
                    ),
                )
            except (InputError, PermissionError) as exc:
                st.error(str(exc))
            else:
                on_written()
                common.flash(
                    t(
                        "Recorded {kpi} = {value} for {hub} on {day} (observation #{id}).",
                        kpi=md_text(display.kpi(observed[kpi])),
                        value=created.value,
                        hub=md_text(display.hub(hub_name[hub_id])),
                        day=common.fmt_date(created.observed_on),
                        id=created.id,
                    )
                )
    with right, st.form("edit_target"):
        st.markdown(t("**Edit a target**"))
        picked = st.selectbox(
            t("Target"), list(by_id), format_func=lambda i: label(by_id[i]), key="tgt_pick"
        )
        choice = by_id[picked]
        low = st.text_input(t("Target (min)"), value=str(choice.target_low), key="tgt_low")
        high = st.text_input(
            t("Target (max, for a range)"),
            value="" if choice.target_high is None else str(choice.target_high),
            key="tgt_high",
        )
        text = st.text_input(
            t("As the plan states it"), value=choice.target_text or "", key="tgt_text"
        )
        start = st.date_input(
            t("Plan start"), value=choice.plan_start, key="tgt_start", format="YYYY/MM/DD"
        )
        deadline = st.date_input(
            t("Deadline"), value=choice.deadline, key="tgt_deadline", format="YYYY/MM/DD"
        )
        source = st.text_input(t("Source"), value=choice.source or "", key="tgt_source")
        if st.form_submit_button(t("Save target")):
            try:
                update = check(
                    TargetUpdate,
                    dict(
                        target_low=low,
                        target_high=high or None,
                        target_text=text or None,
                        plan_start=start,
                        deadline=deadline,
                        source=source or None,
                    ),
                )
                saved = common.write(update_target, target_id=choice.target_id, target_in=update)
            except (InputError, PermissionError) as exc:
                st.error(str(exc))
            else:
                on_written()
                stated = f"{saved.target_low}" + (
                    "" if saved.target_high is None else f"-{saved.target_high}"
                )
                common.flash(
                    t(
                        "Saved target #{id}: {hub} {kpi} {stated} by {day}.",
                        id=saved.id,
                        hub=md_text(display.hub(choice.hub)),
                        kpi=md_text(display.kpi(choice.kpi_name)),
                        stated=stated,
                        day=common.fmt_date(saved.deadline),
                    )
                )
