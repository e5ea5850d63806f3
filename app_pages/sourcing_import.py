"""The sourcing page's import tabs: GLEIF search, JSON feeds and files, each ending in the same
panel (a verdict per record, likely duplicates to settle, an import with a progress bar that
can be resumed). Thin: the domain is ``sourcing``."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pandas as pd
import streamlit as st

from app_pages import common, display
from app_pages.i18n import N_, t, term
from app_pages.text import md_text
from models.hub import SECTORS
from models.validation import InputError
from sourcing.files import read_table, records_from_table, suggest_mapping
from sourcing.gleif import GleifClient, configured_base_url
from sourcing.plan import NEW, Verdict, describe_changes, plan_records
from sourcing.records import SOURCED_FIELDS, CompanyRecord, SourceError
from sourcing.runs import fail_run, resumable_run, start_run
from sourcing.store import apply_records

SHOWN_RESOLUTIONS = 25  # likely duplicates settled on the page at a time
VERDICT_COLUMNS = {
    "record": N_("record"),
    "name": N_("name"),
    "external id": N_("external id"),
    "verdict": N_("verdict"),
    "firm": N_("firm"),
    "changes": N_("changes"),
    "reason": N_("reason"),
    "stored before": N_("stored before"),
}


def gleif_client() -> GleifClient:
    """The GLEIF client the page searches with (a factory, so that tests can replace it)."""
    return GleifClient(configured_base_url())


def feed_client() -> httpx.Client | None:
    """The HTTP client feeds are read with (None: the reader's own; tests replace it)."""
    return None


def _settings(key: str, defaults: tuple[int, str] | None) -> tuple[int, str]:
    names = {hub_id: name for hub_id, name, _ in common.hubs()}
    hub, sector = defaults or (next(iter(names)), SECTORS[0])
    ids = list(names)
    cols = st.columns(2)
    hub_id = cols[0].selectbox(t("New companies belong to"), ids,
                               format_func=lambda i: display.hub(names[i]),
                               index=ids.index(hub) if hub in ids else 0,
                               key=f"{key}_hub")  # fmt: skip
    sector = cols[1].selectbox(t("Sector when the source names none"), SECTORS, format_func=term,
                               index=SECTORS.index(sector), key=f"{key}_sector")  # fmt: skip
    return int(hub_id), str(sector)


def verdict_frame(verdicts: list[Verdict], labels: list[str]) -> pd.DataFrame:
    """One row per record: what importing it would do, and why."""
    return pd.DataFrame(
        {
            "record": labels,
            "name": [v.name for v in verdicts],
            "external id": [v.external_id for v in verdicts],
            "verdict": [v.action for v in verdicts],
            "firm": [f"#{v.firm_id} {v.firm_name}" if v.firm_id else "" for v in verdicts],
            "changes": [describe_changes(v.changes) for v in verdicts],
            "reason": [v.reason for v in verdicts],
            "stored before": [v.stored for v in verdicts],
        }
    )


def _resolutions(key: str, records: list[CompanyRecord]) -> dict[str, Any]:
    """external id -> firm id or "new", from the resolution widgets' last values."""
    chosen: dict[str, Any] = {}
    for position, record in enumerate(records):
        value = st.session_state.get(f"{key}_res_{position}")
        if value not in (None, "skip"):
            chosen[record.external_id] = value
    return chosen


def _resolution_widgets(key: str, verdicts: list[Verdict]) -> None:
    waiting = [v for v in verdicts if v.action == "needs review" or v.resolved]
    if not waiting:
        return
    st.markdown(t("**Likely duplicates**: the same name as a stored company. Decide per record:"))
    for verdict in waiting[:SHOWN_RESOLUTIONS]:
        names = {m.firm_id: m for m in verdict.candidates if m.kind == "name"}
        options: list[Any] = ["skip", NEW, *names]

        def label(option: Any, names: dict[int, Any] = names) -> str:
            if option == "skip":
                return t("leave for later")
            if option == NEW:
                return t("a new company (keep apart)")
            match = names[option]
            clash = f" — {match.conflict}" if match.conflict else ""
            return t("the same as #{id} {name}", id=option, name=match.firm_name) + clash

        st.selectbox(verdict.name, options, format_func=label,
                     key=f"{key}_res_{verdict.position}")  # fmt: skip
    if len(waiting) > SHOWN_RESOLUTIONS:
        st.caption(
            t(
                "and {count} more after these are imported",
                count=len(waiting) - SHOWN_RESOLUTIONS,
            )
        )


def import_panel(records: list[CompanyRecord], *, key: str, source: str,
                 parameters: dict[str, Any], labels: list[str] | None = None,
                 defaults: tuple[int, str] | None = None) -> None:  # fmt: skip
    """Verdicts, resolutions and the import button for ``records`` from ``source`` (``defaults``:
    the hub and sector new companies get, until changed)."""
    if not records:
        st.info(t("Nothing to import: search again, or choose other records."))
        return
    labels = labels or [f"record {i + 1}" for i in range(len(records))]
    hub_id, sector = _settings(key, defaults)
    resolutions = _resolutions(key, records)
    try:
        verdicts = common.read(plan_records, records=records, hub_id=hub_id,
                               default_sector=sector, resolutions=resolutions,
                               labels=labels)  # fmt: skip
    except InputError as exc:
        st.error(str(exc))
        return
    counts = pd.Series([v.action for v in verdicts]).value_counts()
    st.caption(" · ".join(f"{term(action)}: {count}" for action, count in counts.items()))
    st.dataframe(display.terms(verdict_frame(verdicts, labels), "verdict"), hide_index=True,
                 width="stretch",
                 column_config={c: t(label) for c, label in VERDICT_COLUMNS.items()})  # fmt: skip
    actor = common.current_actor()
    if actor.role not in ("fund_manager", "bureau", "admin"):
        return
    _resolution_widgets(key, verdicts)
    run_parameters = parameters | {"hub_id": hub_id, "default_sector": sector}
    run = common.read(resumable_run, source=source, parameters=run_parameters)
    label = (t("Resume import run #{id} ({done:,} of {total:,} done)", id=run.id,
               done=run.processed, total=run.total) if run
             else t("Import {count:,} records", count=len(records)))  # fmt: skip
    if not st.button(label, key=f"{key}_import", type="primary"):
        return
    bar = st.progress(0.0, text=t("Importing..."))

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1),
                     text=t("{done:,} of {total:,} records", done=done, total=total))  # fmt: skip

    run_id = run.id if run else None
    try:
        if run_id is None:
            run_id = common.write(start_run, source=source, parameters=run_parameters,
                                  total=len(records))  # fmt: skip
        summary = common.write(apply_records, records=records, hub_id=hub_id,
                               default_sector=sector, run_id=run_id, progress=progress,
                               resolutions=resolutions, labels=labels)  # fmt: skip
    except (InputError, PermissionError) as exc:
        if run_id is not None and not isinstance(exc, PermissionError):
            common.write(fail_run, run_id=run_id, error=str(exc))
        st.error(str(exc))
        return
    except Exception as exc:
        if run_id is not None:
            common.write(fail_run, run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    for position in range(len(records)):
        st.session_state.pop(f"{key}_res_{position}", None)
    common.flash(
        t(
            "Import run #{id}: {created} created, {updated} updated, {unchanged} unchanged, "
            "{rejected} rejected, {skipped} left for review; {stored} source records stored.",
            id=run_id,
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
            rejected=summary.rejected,
            skipped=summary.skipped,
            stored=summary.stored,
        )
    )


def gleif_tab() -> None:
    """Search GLEIF's LEI records by name; import the chosen ones."""
    with st.form("gleif_search"):
        cols = st.columns([3, 1])
        name = cols[0].text_input(t("Company name (English or Chinese)"), key="gleif_name")
        pages = cols[1].number_input(t("Pages of 20"), min_value=1, max_value=10, value=1,
                                     key="gleif_pages")  # fmt: skip
        searched = st.form_submit_button(t("Search GLEIF"))
    if searched:
        try:
            with gleif_client() as client:
                found = [r for page in client.search(name, page_size=20, max_pages=int(pages))
                         for r in page.records]  # fmt: skip
        except (SourceError, ValueError) as exc:
            st.error(str(exc))
            return
        st.session_state["gleif_found"] = (name, found)
    if "gleif_found" not in st.session_state:
        try:
            st.caption(
                t(
                    "Searches {url} (HUBFUND_GLEIF_URL sets another).",
                    url=configured_base_url(),
                )
            )
        except ValueError as exc:
            st.error(str(exc))
        return
    searched_for, found = st.session_state["gleif_found"]
    st.caption(t("{count} LEI records for {term}", count=len(found), term=md_text(searched_for)))
    table = pd.DataFrame([{"LEI": r.external_id, **{f: r.fields.get(f) for f in (
        "name_en", "name_zh", "jurisdiction", "entity_status", "registration_status")}}
        for r in found])  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch")
    leis = [r.external_id for r in found]
    chosen = st.multiselect(t("Records to import"), leis, default=leis,
                            key=f"gleif_chosen_{digest_of(found)[:12]}")  # fmt: skip
    records = [r for r in found if r.external_id in chosen]
    import_panel(
        records,
        key="gleif",
        source="gleif",
        parameters={"query": searched_for, "leis": sorted(chosen)},
    )


def file_tab() -> None:
    """Upload a CSV or Excel file, check its preview, map its columns, import."""
    upload = st.file_uploader(t("CSV (UTF-8 or GBK) or Excel (.xlsx) file"),
                              type=["csv", "txt", "xlsx"], key="file_upload")  # fmt: skip
    if upload is None:
        st.caption(t("One company per row, a header row first; any column names (mapped below)."))
        return
    data = upload.getvalue()
    try:
        frame = read_table(data, upload.name)
    except InputError as exc:
        st.error(str(exc))
        return
    digest = hashlib.sha256(data).hexdigest()
    read_as = frame.attrs.get("encoding") or t("sheet {sheet}", sheet=frame.attrs.get("sheet"))
    st.caption(t("{count:,} rows ({read_as}); the first 20:", count=len(frame), read_as=read_as))
    st.dataframe(frame.head(20), width="stretch")
    suggested = suggest_mapping([str(c) for c in frame.columns])
    st.markdown(t("**Columns**: which column holds which company field"))
    cols = st.columns(4)
    options = ["", *map(str, frame.columns)]
    mapping = {field: cols[i % 4].selectbox(display.label(field), options,
                                            index=options.index(suggested.get(field, "")),
                                            key=f"file_map_{digest[:12]}_{field}")
               for i, field in enumerate(SOURCED_FIELDS)}  # fmt: skip
    try:
        found = records_from_table(frame, mapping, upload.name)
    except InputError as exc:
        st.error(str(exc))
        return
    for problem in found.problems:
        st.warning(str(problem))
    chosen = {field: column for field, column in mapping.items() if column}
    import_panel(found.records, key="file", source=f"file:{upload.name}"[:80],
                 parameters={"sha256": digest, "mapping": chosen},
                 labels=[f"row {row}" for row in found.rows])  # fmt: skip


def digest_of(records: list[CompanyRecord]) -> str:
    """A fingerprint of a list of records (their ids and payloads), to recognise a re-run."""
    text = json.dumps([[r.external_id, r.payload] for r in records], sort_keys=True,
                      ensure_ascii=False, default=str)  # fmt: skip
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
