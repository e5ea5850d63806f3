"""Two firms that are one company become one; two that are not are remembered as such.

``merge_firms`` keeps one firm and removes the other after moving everything that points at
the merged firm onto the kept one: funding rounds, sourced records and field provenance,
valuation marks, company reports, performance snapshots, deals, earlier merges, keep-apart
decisions. The references are found in ``SQLModel.metadata`` (every foreign key to
``firm.id``), so a table added later is refused until ``POLICIES`` says how to treat it. Rows
of an append-only table (the ledger) cannot be moved: a merged firm with ledger entries is
refused, with the suggestion to merge the other way round; a fund manager merges only firms
whose fund rows (deals, marks, reports) are in funds assigned to them. Empty fields of the kept
firm are filled from the merged one and the merged firm's names join ``other_names``; its full
row is kept in ``FirmMerge.merged_record`` with the moved ids in ``moved`` (and the audit log
keeps every change). Firms whose USCC or LEI differ are two registered companies: never merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Index, Table, UniqueConstraint, tuple_
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from fund.access import Actor, require, require_fund
from models.appendonly import APPEND_ONLY_TABLES
from models.audit import _plain
from models.fund import Fund
from models.hub import Firm, FirmCreate
from models.pipeline import OPEN_DEAL, Deal
from models.sourcing import DuplicateDecision, FirmMerge
from models.validation import InputError, check
from sourcing.names import all_names, join_names, name_keys, normalize_name, split_names
from sourcing.store import IMPORTERS

POLICIES: dict[str, str] = {  # table -> "move" | "pair" | "refuse" (append-only)
    "funding_round": "move",
    "field_provenance": "move",
    "source_record": "move",
    "valuation_mark": "move",
    "company_report": "move",
    "performance_snapshot": "move",
    "deal": "move",  # unless both firms have an open deal in one fund
    "firm_merge": "move",  # earlier merges into the merged firm follow it
    "duplicate_decision": "pair",
    "ledger_entry": "refuse",
}
FILLED: tuple[str, ...] = ("name_en", "name_zh", "uscc", "lei", "legal_address", "jurisdiction",
                           "entity_status", "registration_status", "direct_parent_lei",
                           "ultimate_parent_lei", "founded", "employees", "park_id")  # fmt: skip


@dataclass(frozen=True)
class MergeResult:
    """A merge as recorded: its ``FirmMerge`` id, the ids moved per table, the fields filled."""

    merge_id: int
    kept_firm_id: int
    merged_firm_id: int
    moved: dict[str, Any]
    filled: tuple[str, ...]


def firm_references() -> list[tuple[Table, str]]:
    """Every (table, column) with a foreign key to ``firm.id``, by table name."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "firm" and fk.column.name == "id":
                found.append((table, fk.parent.name))
    return sorted(found, key=lambda pair: (pair[0].name, pair[1]))


def _model(table: Table) -> type[Any]:
    """The SQLModel class of ``table``."""
    stack = list(SQLModel.__subclasses__())
    while stack:
        model = stack.pop()
        if getattr(model, "__table__", None) is table:
            return model
        stack.extend(model.__subclasses__())
    raise LookupError(f"no model for table {table.name}")


def _unique_clashes(session: Session, table: Table, column: str, keep: int, merge: int) -> None:
    """Refuse when moving ``table``'s rows would give the kept firm two rows a unique
    constraint (without a WHERE) allows once."""
    groups = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    groups += [i for i in table.indexes if isinstance(i, Index) and i.unique
               and all(o.get("where") is None for o in i.dialect_options.values())]  # fmt: skip
    for group in groups:
        names = [c.name for c in group.columns]
        if column not in names or len(names) < 2:
            continue
        others = [table.c[n] for n in names if n != column]
        theirs = sa_select(*others).where(table.c[column] == merge)
        ours = sa_select(*others).where(table.c[column] == keep, tuple_(*others).in_(theirs))
        clash = session.connection().execute(ours).first()
        if clash is not None:
            shown = ", ".join(f"{c.name}={v}" for c, v in zip(others, clash, strict=True))
            raise InputError(
                f"{table.name}: both firms have a row with {shown}; resolve it before merging"
            )


def _open_deal_clash(session: Session, keep: int, merge: int) -> None:
    open_deals = select(Deal).where(OPEN_DEAL)
    theirs = session.exec(open_deals.where(Deal.firm_id == merge)).all()
    ours = {d.fund_id: d for d in session.exec(open_deals.where(Deal.firm_id == keep)).all()}
    for deal in theirs:
        if (other := ours.get(deal.fund_id)) is not None:
            fund = session.get(Fund, deal.fund_id)
            raise InputError(
                f"deal: the merged firm's open deal #{deal.id} and the kept firm's open deal "
                f"#{other.id} are both in {fund.name if fund else deal.fund_id}; one open deal "
                "per company and fund: pass one of them first"
            )


def _check(session: Session, keep: Firm, merge: Firm) -> list[tuple[Table, str]]:
    for key in ("uscc", "lei"):
        ours, theirs = getattr(keep, key), getattr(merge, key)
        if ours and theirs and ours != theirs:
            raise InputError(
                f"{key}: {ours} and {theirs} differ: these are two registered companies "
                "(keep them apart)"
            )
    references = firm_references()
    for table, column in references:
        policy = POLICIES.get(table.name)
        if policy is None:
            raise InputError(f"{table.name}.{column} refers to firms and merging does not know "
                             "how to move it: nothing was merged")  # fmt: skip
        model = _model(table)
        if policy == "refuse" or table.name in APPEND_ONLY_TABLES:
            _refuse_append_only(session, model, table.name, column, keep, merge)
        elif policy == "move":
            _unique_clashes(session, table, column, keep.id or 0, merge.id or 0)
    _open_deal_clash(session, keep.id or 0, merge.id or 0)
    return references


def _refuse_append_only(session: Session, model: type[Any], table: str, column: str,
                        keep: Firm, merge: Firm) -> None:  # fmt: skip
    def count(firm_id: int | None) -> int:
        return len(session.exec(select(model.id).where(getattr(model, column) == firm_id)).all())

    if (theirs := count(merge.id)) == 0:
        return
    what = f"firm #{merge.id} {merge.display_name} has {theirs} {table.replace('_', ' ')} rows"
    if count(keep.id):
        raise InputError(f"{table}: {what} and so has firm #{keep.id}; the table is append-only, "
                         "so the two cannot be merged")  # fmt: skip
    raise InputError(f"{table}: {what}; the table is append-only: merge the other way round "
                     f"(keep #{merge.id}, merge #{keep.id})")  # fmt: skip


def _move_pairs(session: Session, keep: int, merge: int) -> list[int]:
    """Re-point keep-apart decisions of the merged firm; drop those that become moot."""
    dropped = []
    rows = session.exec(select(DuplicateDecision).where(
        (col(DuplicateDecision.firm_a_id) == merge) | (col(DuplicateDecision.firm_b_id) == merge)
    )).all()  # fmt: skip
    for row in rows:
        other = row.firm_b_id if row.firm_a_id == merge else row.firm_a_id
        a, b = sorted((keep, other))
        exists = session.exec(
            select(DuplicateDecision.id).where(
                DuplicateDecision.firm_a_id == a, DuplicateDecision.firm_b_id == b
            )
        ).first()
        if other == keep or exists is not None:
            dropped.append(row.id or 0)
            session.delete(row)
        else:
            row.firm_a_id, row.firm_b_id = a, b
            session.add(row)
    session.flush()
    return dropped


def merge_firms(
    *, session: Session, actor: Actor, keep_id: int, merge_id: int, note: str | None = None
) -> MergeResult:
    """Merge firm ``merge_id`` into firm ``keep_id`` (see the module); all or nothing."""
    require(actor, *IMPORTERS, action="merge companies")
    if keep_id == merge_id:
        raise InputError(f"merge_id: {merge_id} is the firm to keep; choose another firm")
    keep, merge = session.get(Firm, keep_id), session.get(Firm, merge_id)
    for name, firm, wanted in (("keep_id", keep, keep_id), ("merge_id", merge, merge_id)):
        if firm is None:
            raise InputError(f"{name}: {wanted!r} is not a known company")
    assert keep is not None and merge is not None
    if note and len(note) > 500:
        raise InputError(f"note: {note[:40]!r}... is longer than 500 characters")
    references = _check(session, keep, merge)
    values = {attr: getattr(merge, attr) for attr in Firm.model_fields}
    record = {attr: _plain(value) for attr, value in values.items()}
    moving = []
    for table, column in references:
        if POLICIES[table.name] == "move":
            model = _model(table)
            rows = session.exec(select(model).where(getattr(model, column) == merge_id)).all()
            moving.append((table, column, rows))
    funds = {row.fund_id for _, _, rows in moving for row in rows if hasattr(row, "fund_id")}
    for fund_id in sorted(funds):
        require_fund(actor, fund_id, action="merge companies with rows")
    moved: dict[str, Any] = {}
    for table, column, rows in moving:
        for row in rows:
            setattr(row, column, keep_id)
            session.add(row)
        if rows:
            moved[table.name] = sorted(row.id for row in rows)
    session.flush()
    if dropped := _move_pairs(session, keep_id, merge_id):
        moved["duplicate_decision_dropped"] = dropped
    session.delete(merge)
    session.flush()
    filled = _fill(keep, values)
    check(FirmCreate, keep.model_dump(exclude={"id"}))
    session.add(keep)
    merge_row = FirmMerge(kept_firm_id=keep_id, merged_firm_id=merge_id, merged_record=record,
                          moved=moved | {"filled": list(filled)}, actor=actor.audit_name,
                          note=note)  # fmt: skip
    session.add(merge_row)
    session.flush()
    return MergeResult(merge_row.id or 0, keep_id, merge_id, moved, filled)


def _fill(keep: Firm, merged: dict[str, Any]) -> tuple[str, ...]:
    """Fill the kept firm's empty fields from the merged firm's; its names join other_names."""
    empty = (None, "")
    filled = [n for n in FILLED if getattr(keep, n) in empty and merged.get(n) not in empty]
    for name in filled:
        setattr(keep, name, merged[name])
    if not keep.renowned and merged.get("renowned"):
        keep.renowned = True
        keep.renowned_since = merged.get("renowned_since")
        keep.renowned_criterion = merged.get("renowned_criterion")
        filled.append("renowned")
    own = name_keys({"name_en": keep.name_en, "name_zh": keep.name_zh})
    offered = [*split_names(keep.other_names), *all_names(merged)]
    other = join_names(name for name in offered if normalize_name(name) not in own)
    if other != keep.other_names:
        keep.other_names = other
        filled.append("other_names")
    return tuple(filled)


def keep_apart(
    *, session: Session, actor: Actor, firm_a_id: int, firm_b_id: int, note: str | None = None
) -> int:
    """Record that firms ``firm_a_id`` and ``firm_b_id`` are different companies (they are no
    longer offered as likely duplicates); the decision's id (the existing one if repeated)."""
    require(actor, *IMPORTERS, action="decide on duplicates")
    if firm_a_id == firm_b_id:
        raise InputError(f"firm_b_id: {firm_b_id} is the same firm as firm_a_id")
    for name, firm_id in (("firm_a_id", firm_a_id), ("firm_b_id", firm_b_id)):
        if session.get(Firm, firm_id) is None:
            raise InputError(f"{name}: {firm_id!r} is not a known company")
    a, b = sorted((firm_a_id, firm_b_id))
    query = select(DuplicateDecision).where(
        DuplicateDecision.firm_a_id == a, DuplicateDecision.firm_b_id == b
    )
    if (known := session.exec(query).first()) is not None:
        return known.id or 0
    decision = DuplicateDecision(firm_a_id=a, firm_b_id=b, actor=actor.audit_name,
                                 note=(note or "").strip()[:500] or None)  # fmt: skip
    session.add(decision)
    session.flush()
    return decision.id or 0
