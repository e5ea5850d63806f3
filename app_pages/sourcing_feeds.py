"""The sourcing page's JSON feeds tab: the stored feeds, a form to add one, and reading one into
the import panel. Thin: the domain is ``sourcing.feed`` and ``sourcing.runs``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common, display, sourcing_import
from app_pages.i18n import t, term
from app_pages.text import md_text
from models.hub import SECTORS
from models.validation import InputError
from sourcing.feed import fetch_feed_config
from sourcing.records import SourceError
from sourcing.runs import FeedView, add_feed, feed_configs


def parse_mapping(text: str) -> dict[str, str]:
    """``field = path`` lines (blank lines and ``#`` comments skipped) as a mapping."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        field, equals, path = line.partition("=")
        if not equals or not field.strip() or not path.strip():
            raise InputError(f"mapping: line {number} {line!r} is not 'field = path'")
        mapping[field.strip()] = path.strip()
    return mapping


def _add_form() -> None:
    hubs = {hub_id: name for hub_id, name, _ in common.hubs()}
    with st.expander(t("Add a feed")), st.form("feed_add", clear_on_submit=False):
        cols = st.columns(2)
        name = cols[0].text_input(
            t("Name"), key="feed_name", placeholder=t("e.g. dalian-accelerator")
        )
        url = cols[1].text_input("URL", key="feed_url", placeholder="https://...")
        cols = st.columns(2)
        items_path = cols[0].text_input(t("Items path (empty: the top level)"), key="feed_items")
        id_field = cols[1].text_input(t("Item id path"), value="id", key="feed_id")
        mapping = st.text_area(t("Field = path, one per line"), key="feed_mapping",
                               placeholder="name_zh = name\nuscc = registration.code")  # fmt: skip
        cols = st.columns(2)
        hub_id = cols[0].selectbox(t("New companies belong to"), list(hubs), key="feed_hub",
                                   format_func=lambda i: display.hub(hubs[i]))  # fmt: skip
        sector = cols[1].selectbox(
            t("Sector when the feed names none"), SECTORS, key="feed_sector", format_func=term
        )
        note = st.text_input(t("Note"), key="feed_note")
        if st.form_submit_button(t("Save feed")):
            try:
                feed = common.write(
                    add_feed,
                    name=name,
                    url=url,
                    items_path=items_path,
                    id_field=id_field,
                    mapping=parse_mapping(mapping),
                    hub_id=int(hub_id),
                    default_sector=sector,
                    note=note,
                )
            except (InputError, PermissionError) as exc:
                st.error(str(exc))
            else:
                common.flash(
                    t(
                        "Saved feed {name} ({count} fields).",
                        name=md_text(feed.name),
                        count=len(feed.mapping),
                    )
                )


def feeds_tab() -> None:
    """List the stored feeds, add one, read one and import what it gives."""
    feeds: list[FeedView] = common.read(feed_configs)
    if feeds:
        st.dataframe(
            pd.DataFrame([{"name": f.name, "url": f.url,
                           "items": f.items_path or t("(top level)"),
                           "id": f.id_field, "fields": ", ".join(f.mapping),
                           "sector default": term(f.default_sector), "note": f.note}
                          for f in feeds]),
            hide_index=True, width="stretch",
            column_config={"name": t("name"), "items": t("items"), "fields": t("fields"),
                           "sector default": t("sector default"), "note": t("note")},
        )  # fmt: skip
    else:
        st.info(t("No feeds yet: add a partner's JSON list of companies below."))
    _add_form()
    if not feeds:
        return
    by_id = {f.id: f for f in feeds}
    feed_id = st.selectbox(t("Feed to read"), list(by_id), format_func=lambda i: by_id[i].name,
                           key="feed_pick")  # fmt: skip
    feed = by_id[feed_id]
    if st.button(t("Read the feed"), key="feed_read"):
        client = sourcing_import.feed_client()
        try:
            result = fetch_feed_config(feed, **({"client": client} if client else {}))
        except (SourceError, ValueError) as exc:
            st.error(str(exc))
            return
        st.session_state["feed_result"] = (feed.id, result)
    state = st.session_state.get("feed_result")
    if not state or state[0] != feed.id:
        return
    result = state[1]
    st.caption(t("{count} records from {pages} page(s); stopped: {stopped}",
                 count=len(result.records), pages=result.pages,
                 stopped=result.stopped))  # fmt: skip
    for problem in result.problems:
        what = t("skipped") if problem.skipped else t("kept")
        st.warning(t("item {number} ({what}): {message}", number=problem.index + 1, what=what,
                     message=problem.message))  # fmt: skip
    sourcing_import.import_panel(
        result.records, key=f"feed{feed.id}", source=f"feed:{feed.name}",
        parameters={"feed_id": feed.id, "sha256": sourcing_import.digest_of(result.records)},
        defaults=(feed.hub_id, feed.default_sector),
    )  # fmt: skip
