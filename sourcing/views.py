"""What the sourcing page reads: a firm's fields with where each value came from, and finding
firms by name or code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from models.hub import Firm
from models.sourcing import FieldProvenance, SourceRecord
from models.validation import InputError

SHOWN_FIELDS: tuple[str, ...] = ("name_en", "name_zh", "other_names", "uscc", "lei", "sector",
                                 "founded", "employees", "legal_address", "jurisdiction",
                                 "entity_status", "registration_status", "direct_parent_lei",
                                 "ultimate_parent_lei", "status", "source")  # fmt: skip


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:1000]


@dataclass(frozen=True)
class FieldSource:
    """Where one value of a firm's field came from (``current``: it is the value now)."""

    field: str
    value: str | None
    current: bool
    source: str
    kind: str
    external_id: str
    url: str | None
    fetched_at: datetime
    recorded_at: datetime
    source_record_id: int
    payload: dict[str, Any]


def provenance(*, session: Session, firm_id: int) -> list[FieldSource]:
    """Every sourced value of firm ``firm_id``, by field, newest first: the value, whether it
    is the firm's value now, the source, when it was fetched, and the raw payload."""
    firm = session.get(Firm, firm_id)
    if firm is None:
        raise InputError(f"firm_id: {firm_id!r} is not a known company")
    query = (
        select(FieldProvenance, SourceRecord)
        .join(SourceRecord, col(SourceRecord.id) == FieldProvenance.source_record_id)
        .where(FieldProvenance.firm_id == firm_id)
        .order_by(
            col(FieldProvenance.field),
            col(FieldProvenance.recorded_at).desc(),
            col(FieldProvenance.id).desc(),
        )
    )
    rows = []
    for prov, record in session.exec(query).all():
        now = _text(getattr(firm, prov.field, None))
        rows.append(FieldSource(prov.field, prov.value, prov.value == now, record.source,
                                record.kind, record.external_id, record.url, record.fetched_at,
                                prov.recorded_at, record.id or 0, record.payload))  # fmt: skip
    return rows


def firm_fields(*, session: Session, firm_id: int) -> list[dict[str, Any]]:
    """Firm ``firm_id``'s fields as they are now, each with the source its value came from
    (the newest provenance with that value), or none: entered in Hubfund (see the audit log)."""
    firm = session.get(Firm, firm_id)
    if firm is None:
        raise InputError(f"firm_id: {firm_id!r} is not a known company")
    latest: dict[str, FieldSource] = {}
    for row in provenance(session=session, firm_id=firm_id):
        if row.current and row.field not in latest:
            latest[row.field] = row
    rows = []
    for name in SHOWN_FIELDS:
        found = latest.get(name)
        rows.append({"field": name, "value": _text(getattr(firm, name)),
                     "source": found.source if found else None,
                     "fetched_at": found.fetched_at if found else None,
                     "source_record_id": found.source_record_id if found else None})  # fmt: skip
    return rows


def search_firms(*, session: Session, text: str, limit: int = 50) -> list[tuple[int, str]]:
    """(id, name) of firms whose English or Chinese name, USCC or LEI contains ``text`` (any
    case), by name; with no text, the firms sourced most recently."""
    wanted = text.strip()
    if not wanted:
        newest = func.max(SourceRecord.id)
        query = (
            select(Firm.id, Firm.name_en, Firm.name_zh)
            .join(SourceRecord, col(SourceRecord.firm_id) == Firm.id)
            .group_by(col(Firm.id), col(Firm.name_en), col(Firm.name_zh))
            .order_by(newest.desc())
            .limit(limit)
        )
    else:
        pattern = f"%{wanted.replace('%', '').replace('_', '')}%"
        fields = (Firm.name_en, Firm.name_zh, Firm.uscc, Firm.lei)
        query = (
            select(Firm.id, Firm.name_en, Firm.name_zh)
            .where(or_(*(col(f).ilike(pattern) for f in fields)))
            .order_by(col(Firm.name_en), col(Firm.name_zh))
            .limit(limit)
        )
    return [(fid, en or zh or f"company {fid}") for fid, en, zh in session.exec(query).all()]
