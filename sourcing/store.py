"""Writing sourced companies: firms with the provenance of every field, idempotently.

``apply_records`` plans the batch (``sourcing.plan``) and applies the ``create`` and ``update``
verdicts (and the resolved likely duplicates): the firm through ``FirmCreate``, one
``SourceRecord`` per distinct payload (``(source, external_id, payload_sha256)`` is unique, so a
re-run finds it and writes nothing new), and one ``FieldProvenance`` per field it set. An
```unchanged`` record with a payload not seen before is stored as evidence, with no field
changes; rejected and unresolved records write nothing. ``sourcing.views`` reads it back.

Transactions and resuming: without an ``ImportRun`` the call is one transaction (the caller's).
With ``run_id`` the records are applied in chunks of ``CHUNK``, and each chunk is committed
with the run's ``processed`` count, so an interrupted import resumes at the first record not
yet committed (pass the same records again). Re-running from scratch is safe anyway: what was
written matches its own source record and is ``unchanged``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from fund.access import Actor, require
from fund.pipeline import DealCreate, DealView, open_deal
from models.hub import Firm, FirmCreate
from models.pipeline import SOURCE_CHANNELS
from models.sourcing import DuplicateDecision, FieldProvenance, ImportRun, SourceRecord
from models.types import utcnow
from models.validation import InputError, check
from sourcing.plan import Resolution, Verdict, plan_records
from sourcing.records import CompanyRecord

IMPORTERS: tuple[str, ...] = ("fund_manager", "bureau")
CHUNK = 200
Progress = Callable[[int, int], None]  # (records done, records in all)


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote: firms created and updated, records left alone, source records
    stored, and every verdict (for the page's table)."""

    created: int
    updated: int
    unchanged: int
    rejected: int
    skipped: int  # likely duplicates nobody resolved
    stored: int  # new SourceRecord rows
    verdicts: tuple[Verdict, ...]
    run_id: int | None = None
    resumed_at: int = 0  # records of the run already done before this call


def _source_record(session: Session, record: CompanyRecord, verdict: Verdict, firm_id: int,
                   run_id: int | None) -> tuple[SourceRecord, bool]:  # fmt: skip
    query = select(SourceRecord).where(
        SourceRecord.source == record.source,
        SourceRecord.external_id == record.external_id,
        SourceRecord.payload_sha256 == verdict.sha256,
    )
    if verdict.stored and (known := session.exec(query).first()) is not None:
        return known, False
    stored = SourceRecord(source=record.source, kind=record.kind, external_id=record.external_id,
                          url=record.url, fetched_at=record.fetched_at, payload=record.payload,
                          payload_sha256=verdict.sha256, firm_id=firm_id,
                          import_run_id=run_id)  # fmt: skip
    session.add(stored)
    session.flush()
    return stored, True


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:1000]


def _write_firm(session: Session, verdict: Verdict, hub_id: int, default_sector: str) -> Firm:
    new = {name: value for name, (_, value) in verdict.changes.items()}
    if verdict.action == "create":
        firm_in = check(FirmCreate, {"hub_id": hub_id, "sector": default_sector} | new)
        firm = Firm.model_validate(firm_in)
    else:
        firm = session.get(Firm, verdict.firm_id)
        if firm is None:
            raise InputError(f"firm_id: {verdict.firm_id!r} is no longer in the store")
        check(FirmCreate, firm.model_dump(exclude={"id"}) | new)
        for name, value in new.items():
            setattr(firm, name, value)
    session.add(firm)
    session.flush()
    return firm


def _apply_one(session: Session, actor: Actor, record: CompanyRecord, verdict: Verdict,
               hub_id: int, default_sector: str, run_id: int | None) -> bool:  # fmt: skip
    """Write one create/update/unchanged verdict; whether a new source record was stored."""
    if verdict.action == "unchanged":
        if verdict.stored or verdict.firm_id is None:
            return False
        return _source_record(session, record, verdict, verdict.firm_id, run_id)[1]
    firm = _write_firm(session, verdict, hub_id, default_sector)
    firm_id = firm.id or 0
    stored, new = _source_record(session, record, verdict, firm_id, run_id)
    if stored.firm_id != firm_id:  # the payload came before for a firm since merged away
        stored.firm_id = firm_id
        session.add(stored)
    for name, (_, value) in verdict.changes.items():
        key = (FieldProvenance.firm_id == firm_id, FieldProvenance.field == name,
               FieldProvenance.source_record_id == stored.id)  # fmt: skip
        if new or session.exec(select(FieldProvenance.id).where(*key)).first() is None:
            session.add(FieldProvenance(firm_id=firm_id, field=name, value=_text(value),
                                        source_record_id=stored.id or 0))  # fmt: skip
    if verdict.action == "create" and verdict.resolved:  # a person said: not those firms
        for match in (m for m in verdict.candidates if m.kind == "name"):
            a, b = sorted((firm_id, match.firm_id))
            note = f"import of {record.source} {record.external_id}: a new company"
            session.add(DuplicateDecision(firm_a_id=a, firm_b_id=b, actor=actor.audit_name,
                                          note=note))  # fmt: skip
    session.flush()
    return new


def apply_records(
    *,
    session: Session,
    actor: Actor,
    records: Sequence[CompanyRecord],
    hub_id: int,
    default_sector: str,
    run_id: int | None = None,
    progress: Progress | None = None,
    resolutions: Mapping[str, Resolution] | None = None,
    labels: Sequence[str] | None = None,
) -> ImportSummary:
    """Plan ``records`` and write the creates and updates (see the module for transactions
    and resuming). ``resolutions`` (external id -> firm id, or ``"new"``) settle likely
    duplicates; ``labels`` name the records in messages; ``progress(done, total)`` is called
    after every chunk."""
    require(actor, *IMPORTERS, action="import companies")
    run = None if run_id is None else session.get(ImportRun, run_id)
    if run_id is not None and run is None:
        raise InputError(f"run_id: {run_id!r} is not an import run")
    start = run.processed if run else 0
    if start > len(records):
        raise InputError(f"run_id: run #{run_id} processed {start} records; {len(records)} given")
    verdicts = plan_records(session=session, records=records, hub_id=hub_id,
                            default_sector=default_sector, resolutions=resolutions,
                            labels=labels)  # fmt: skip
    counts = dict.fromkeys(("create", "update", "unchanged", "reject", "needs review"), 0)
    stored = 0
    total = len(records)
    for begin in range(start, total, CHUNK):
        for record, verdict in zip(records[begin : begin + CHUNK],
                                   verdicts[begin : begin + CHUNK], strict=True):  # fmt: skip
            counts[verdict.action] += 1
            if verdict.action in ("create", "update", "unchanged"):
                stored += _apply_one(session, actor, record, verdict, hub_id, default_sector,
                                     run_id)  # fmt: skip
        if run is not None:
            _count_run(run, begin + len(records[begin : begin + CHUNK]), counts)
            session.add(run)
            session.commit()
            counts = dict.fromkeys(counts, 0)
        if progress is not None:
            progress(min(begin + CHUNK, total), total)
    if run is not None:
        run.status, run.finished_at, run.total = "done", utcnow(), total
        session.add(run)
        session.flush()
        totals = {"create": run.created, "update": run.updated, "unchanged": run.unchanged,
                  "reject": run.rejected}  # fmt: skip
        counts = totals | {"needs review": sum(v.action == "needs review" for v in verdicts)}
    return ImportSummary(counts["create"], counts["update"], counts["unchanged"],
                         counts["reject"], counts["needs review"], stored, tuple(verdicts),
                         run_id, start)  # fmt: skip


def _count_run(run: ImportRun, processed: int, counts: Mapping[str, int]) -> None:
    run.processed = processed
    run.created += counts["create"]
    run.updated += counts["update"]
    run.unchanged += counts["unchanged"]
    run.rejected += counts["reject"]


def push_to_pipeline(
    *,
    session: Session,
    actor: Actor,
    firm_id: int,
    fund_id: int,
    owner: str,
    channel: str = "registry search",
    note: str | None = None,
    opened_on: date | None = None,
) -> DealView:
    """Open a deal at ``sourced`` for a sourced company in one step (fund managers; the
    pipeline's rules apply: one open deal per company and fund). The deal's source detail is
    ``note``, else the sources the company came from."""
    require(actor, "fund_manager", action="push a company to the pipeline")
    if channel not in SOURCE_CHANNELS:
        raise InputError(f"channel: {channel!r} is not one of: {', '.join(SOURCE_CHANNELS)}")
    if session.get(Firm, firm_id) is None:
        raise InputError(f"firm_id: {firm_id!r} is not a known company")
    query = select(SourceRecord.source).where(SourceRecord.firm_id == firm_id).distinct()
    sources = sorted(session.exec(query).all())
    detail = (note or "").strip() or (f"sourced from {', '.join(sources)}" if sources else None)
    deal = {"fund_id": fund_id, "firm_id": firm_id, "owner": owner, "source_channel": channel,
            "source_detail": detail[:200] if detail else None,
            "opened_on": opened_on or date.today()}  # fmt: skip
    return open_deal(session=session, actor=actor, deal_in=check(DealCreate, deal))
