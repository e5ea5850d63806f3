"""What an import would do, record by record, before anything is written.

Each record gets a ``Verdict``: ``create`` (a new firm), ``update`` (the fields that change,
old -> new), ``unchanged``, ``needs review`` (likely duplicates a person must decide on) or
``reject`` (the reason names the field and the value). A record is rejected for a bad value
(USCC check character, LEI check digits, unknown sector, a date or a count that is not one),
for repeating an earlier record of the batch (same external id, USCC, LEI, or same name without
different keys), for naming two different stored firms by its keys, for a key that differs from
the firm it matched (identity keys are never overwritten), and for a second change to a firm
the batch already changes. Names that only differ in form (case, width, punctuation, legal
suffix) are not changes; a name that does change keeps the old one in ``other_names``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from models.hub import SECTORS, Firm, FirmCreate
from models.queries import hub_by_id
from models.sourcing import SourceRecord
from models.validation import InputError, check
from sourcing.clean import KEYS, changes_to, clean_fields, firm_values, payload_sha256
from sourcing.match import FirmIndex, Match, key_conflict, match_fields, source_links
from sourcing.names import name_keys
from sourcing.records import CompanyRecord

ACTIONS: tuple[str, ...] = ("create", "update", "unchanged", "needs review", "reject")
NEW = "new"  # a resolution: the record is a new company, whatever its likely duplicates
Resolution = int | str  # a firm id to update, or NEW


@dataclass(frozen=True)
class Verdict:
    """What applying one record would do (``position`` is its index in the batch)."""

    position: int
    source: str
    external_id: str
    name: str
    action: str  # one of ACTIONS
    firm_id: int | None = None  # the firm it updates (or would)
    firm_name: str | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)
    candidates: tuple[Match, ...] = ()
    reason: str = ""
    stored: bool = False  # this exact payload is already stored: re-running writes nothing
    sha256: str = ""
    resolved: bool = False  # a person's resolution decided it


def _repeats(
    records: Sequence[CompanyRecord], fields: list[dict[str, Any] | None], labels: Sequence[str]
) -> dict[int, str]:
    """position -> why it repeats an earlier record of the batch."""
    first: dict[tuple[str, ...], int] = {}
    found: dict[int, str] = {}
    for i, (record, values) in enumerate(zip(records, fields, strict=True)):
        if values is None:
            continue
        keys = [("id", record.source, record.external_id)]
        keys += [(k, values[k]) for k in KEYS if values.get(k)]
        keys += [("name", key) for key in sorted(name_keys(values))]
        for key in keys:
            j = first.get(key)
            if j is None:
                continue
            other = fields[j] or {}
            if key[0] == "name" and any(
                values.get(k) and other.get(k) and values[k] != other[k] for k in KEYS
            ):
                continue  # one name, two registered companies: not a repeat
            what = "external id" if key[0] == "id" else key[0]
            found[i] = f"{what}: {key[-1]!r} repeats {labels[j]} of this batch"
            break
        for key in keys:
            first.setdefault(key, i)
    return found


def _stored(session: Session, records: Sequence[CompanyRecord], shas: list[str]) -> set[int]:
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        by_source[record.source].append(i)
    stored: set[int] = set()
    for source, positions in by_source.items():
        ids = sorted({records[i].external_id for i in positions})
        known: set[tuple[str, str]] = set()
        for start in range(0, len(ids), 500):
            query = select(SourceRecord.external_id, SourceRecord.payload_sha256).where(
                SourceRecord.source == source,
                col(SourceRecord.external_id).in_(ids[start : start + 500]),
            )
            known.update(session.exec(query).all())
        stored.update(i for i in positions if (records[i].external_id, shas[i]) in known)
    return stored


def _decide(
    index: FirmIndex, values: dict[str, Any], matches: list[Match], resolution: Resolution | None
) -> tuple[str, int | None, str]:
    """("target", firm id, note) | ("create", None, note) | ("needs review" | "reject", None,
    why) for one checked record."""
    decisive = [m for m in matches if m.decisive]
    if len({m.firm_id for m in decisive}) > 1:
        named = "; ".join(f"{m.explanation}: firm #{m.firm_id} {m.firm_name}" for m in decisive)
        return "reject", None, f"{named}: the record names two firms (merge them or correct it)"
    if decisive:
        m = decisive[0]
        if m.conflict:
            return (
                "reject",
                None,
                f"{m.conflict} (matched firm #{m.firm_id} {m.firm_name} by {m.kind})",
            )
        return "target", m.firm_id, ""
    if resolution == NEW:
        return "create", None, "a person decided: a new company"
    if resolution is not None:
        firm = index.firms.get(int(resolution))
        if firm is None:
            return "reject", None, f"resolution: {resolution!r} is not a known company"
        if conflict := key_conflict(values, firm):
            return "reject", None, f"resolution: firm #{firm.id} {firm.name}: {conflict}"
        return "target", firm.id, f"a person decided: it is firm #{firm.id}"
    names = [m for m in matches if m.kind == "name"]
    if len(names) == 1 and not names[0].conflict and not any(values.get(k) for k in KEYS):
        return "target", names[0].firm_id, names[0].explanation
    listed = "; ".join(
        f"#{m.firm_id} {m.firm_name} ({m.explanation}{', ' + m.conflict if m.conflict else ''})"
        for m in names
    )
    if names:
        return "needs review", None, f"likely duplicate of {listed}"
    similar = "; ".join(f"#{m.firm_id} {m.firm_name} ({m.score:.2f})" for m in matches)
    return "create", None, f"possible match: {similar}" if similar else ""


def plan_records(
    *,
    session: Session,
    records: Sequence[CompanyRecord],
    hub_id: int,
    default_sector: str,
    resolutions: Mapping[str, Resolution] | None = None,
    labels: Sequence[str] | None = None,
) -> list[Verdict]:
    """The verdict on every record, in order, against the store as it is (nothing written).

    New firms go to hub ``hub_id`` with ``default_sector`` when the record names none.
    ``resolutions`` (external id -> firm id, or ``NEW``) settle likely duplicates; ``labels``
    name the records in messages (default "record 1", "record 2"...; a file: "row 2"...)."""
    hub_by_id(session=session, hub_id=hub_id)
    if default_sector not in SECTORS:
        raise InputError(f"default_sector: {default_sector!r} is not one of: {', '.join(SECTORS)}")
    resolutions = resolutions or {}
    index = FirmIndex.load(session=session)
    cleaned: list[dict[str, Any] | None] = []
    errors: dict[int, str] = {}
    for i, record in enumerate(records):
        try:
            cleaned.append(clean_fields(record.fields))
        except InputError as exc:
            cleaned.append(None)
            errors[i] = str(exc)
    if labels is None or len(labels) != len(records):
        labels = [f"record {i + 1}" for i in range(len(records))]
    errors = _repeats(records, cleaned, labels) | errors
    shas = [payload_sha256(record.payload) for record in records]
    stored = _stored(session, records, shas)
    links: dict[tuple[str, str], int] = {}
    for source in {r.source for r in records}:
        ids = [r.external_id for r in records if r.source == source]
        found = source_links(session=session, source=source, external_ids=ids)
        links.update({(source, e): f for e, f in found.items()})
    decided: list[tuple[str, int | None, str, tuple[Match, ...]]] = []
    for i, (record, values) in enumerate(zip(records, cleaned, strict=True)):
        if i in errors or values is None:
            decided.append(("reject", None, errors[i], ()))
            continue
        matches = match_fields(index, values, linked=links.get((record.source, record.external_id)))
        kind, firm_id, note = _decide(index, values, matches, resolutions.get(record.external_id))
        decided.append((kind, firm_id, note, tuple(matches)))
    targets = sorted({firm_id for _, firm_id, _, _ in decided if firm_id is not None})
    firms: dict[int, Firm] = {}
    for start in range(0, len(targets), 500):
        query = select(Firm).where(col(Firm.id).in_(targets[start : start + 500]))
        firms.update({f.id or 0: f for f in session.exec(query).all()})
    claimed: dict[int, int] = {}
    verdicts = []
    for i, (record, values) in enumerate(zip(records, cleaned, strict=True)):
        kind, firm_id, note, matches = decided[i]
        base = {"position": i, "source": record.source, "external_id": record.external_id,
                "name": _name(record), "candidates": matches, "stored": i in stored,
                "sha256": shas[i], "resolved": record.external_id in resolutions}  # fmt: skip
        if kind == "target" and firm_id is not None and firm_id in claimed:
            kind = "reject"
            note = (f"firm #{firm_id} {firms[firm_id].display_name} is already changed by "
                    f"{labels[claimed[firm_id]]} of this batch")  # fmt: skip
        verdicts.append(_verdict(base, kind, firm_id, note, values or {}, firms, hub_id,
                                 default_sector))  # fmt: skip
        if kind == "target" and firm_id is not None:
            claimed[firm_id] = i
    return verdicts


def _verdict(base: dict[str, Any], kind: str, firm_id: int | None, note: str,
             values: dict[str, Any], firms: dict[int, Firm], hub_id: int,
             default_sector: str) -> Verdict:  # fmt: skip
    if kind in ("reject", "needs review"):
        return Verdict(action=kind, reason=note, **base)
    if kind == "create":
        data = {"hub_id": hub_id, "sector": default_sector} | values
        try:
            check(FirmCreate, data)
        except InputError as exc:
            return Verdict(action="reject", reason=str(exc), **base)
        if "sector" not in values:
            note = "; ".join(filter(None, [f"sector: {default_sector} (the default)", note]))
        changes = {name: (None, value) for name, value in values.items()}
        return Verdict(action="create", changes=changes, reason=note, **base)
    firm = firms[firm_id or 0]
    current = firm_values(firm)
    changes = changes_to(current, values)
    try:
        check(FirmCreate, current | {name: new for name, (_, new) in changes.items()})
    except InputError as exc:
        return Verdict(action="reject", firm_id=firm.id, firm_name=firm.display_name,
                       reason=str(exc), **base)  # fmt: skip
    action = "update" if changes else "unchanged"
    return Verdict(action=action, firm_id=firm.id, firm_name=firm.display_name,
                   changes=changes, reason=note, **base)  # fmt: skip


def _name(record: CompanyRecord) -> str:
    fields = record.fields
    return str(fields.get("name_zh") or fields.get("name_en") or record.external_id)


def describe_changes(changes: Mapping[str, tuple[Any, Any]]) -> str:
    """``field: old -> new`` for each change ("-" for nothing)."""
    return "; ".join(
        f"{name}: {'-' if old is None else old} -> {'-' if new is None else new}"
        for name, (old, new) in changes.items()
    )
