"""Importing and exporting a fund's ledger as one file format, CSV or Excel.

An import is checked as a whole and written all-or-nothing: every row is parsed into the input
model of its entry type, its LP, company and reversed entry are resolved, and then the rows are
recorded in date order (then file order) through ``fund.ledger``, each in a SAVEPOINT so that a
row the books refuse (cash, cost, FX rate, vintage) is noted and the later rows still checked.
If any row has a problem, everything is rolled back and ``LedgerImportError`` lists them all.
A row whose ref is already stored with the same content is skipped, so a re-run writes nothing.
The columns are documented in docs/ledger-import.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from fund.access import Actor, require, require_fund
from fund.ledger import (
    WRITERS,
    fund_of,
    record_call,
    record_distribution,
    record_fund_payment,
    record_investment,
    record_proceeds,
    record_write_off,
    reverse_entry,
)
from fund.ledger_books import REVERSAL, Books
from fund.ledger_columns import (
    EXPORT_COLUMNS,
    LEDGER_COLUMNS,
    READ_ONLY_COLUMNS,
    ImportProblem,
    LedgerImportError,
    cell_text,
    read_ledger_file,
    write_csv,
    write_xlsx,
)
from fund.ledger_rows import ANY, ParsedRow, parse_row, split_message
from models.ledger_inputs import ReversalCreate
from models.validation import InputError

__all__ = [
    "EXPORT_COLUMNS",
    "LEDGER_COLUMNS",
    "READ_ONLY_COLUMNS",
    "ImportProblem",
    "ImportResult",
    "LedgerImportError",
    "export_ledger",
    "import_ledger",
    "read_ledger_file",
]

RECORDERS: dict[str, tuple[Any, str]] = {
    "capital_call": (record_call, "call_in"),
    "distribution": (record_distribution, "distribution_in"),
    "fund_payment": (record_fund_payment, "payment_in"),
    "investment": (record_investment, "investment_in"),
    "proceeds": (record_proceeds, "proceeds_in"),
    "write_off": (record_write_off, "write_off_in"),
    REVERSAL: (reverse_entry, "reversal_in"),
}
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows written, rows skipped (already stored, identical), the
    encoding a CSV was read in (None for .xlsx). ``problems`` is empty: any problem raises."""

    written: int
    skipped: int
    problems: tuple[ImportProblem, ...]
    encoding: str | None


def _flag_duplicates(rows: list[ParsedRow]) -> None:
    same_cells: dict[tuple[str, ...], int] = {}
    same_ref: dict[str, int] = {}
    for row in rows:
        cells = tuple(row.cells[name] for name in LEDGER_COLUMNS)
        if cells in same_cells:
            row.refuse(
                "ref", f"{row.ref!r}: the row repeats row {same_cells[cells]} in every column"
            )
            continue
        same_cells[cells] = row.line
        if row.ref and row.ref in same_ref:
            row.refuse(
                "ref", f"{row.ref!r} is also the ref of row {same_ref[row.ref]}: refs are unique"
            )
        elif row.ref:
            same_ref[row.ref] = row.line


def _link_reversal(row: ParsedRow, by_ref: dict[str, ParsedRow], books: Books) -> None:
    """Point a reversal at its original: a row above it in the file, or a stored entry."""
    ref = row.cells["reverses"]
    target = by_ref.get(ref)
    stored = books.find(ref)
    if target is row:
        row.refuse("reverses", f"{ref!r} is this row's own ref")
    elif target is not None and target.line > row.line:
        row.refuse("reverses", f"{ref!r} is row {target.line}, below this reversal: move it up")
    elif target is not None and target.kind == REVERSAL:
        row.refuse(
            "reverses",
            f"{ref!r} (row {target.line}) is itself a reversal; a reversal cannot be reversed "
            "(record the entry again instead)",
        )
    elif target is not None:
        row.target = target
    elif stored is not None and stored.reverses_id is not None:
        row.refuse(
            "reverses",
            f"{ref!r} is itself the reversal of {books.ref_of(books.by_id[stored.reverses_id])!r};"
            " a reversal cannot be reversed (record the entry again instead)",
        )
    elif stored is not None:
        row.target_id = stored.id
    else:
        row.refuse("reverses", f"{ref!r} is neither an entry of {books.fund.name} nor a row above")


def _differences(facts: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """The columns where a row's facts and a stored entry's differ (ANY matches anything)."""
    return [
        name
        for name in dict.fromkeys([*facts, *stored])
        if facts.get(name) is not ANY and facts.get(name) != stored.get(name)
    ]


def _compare(row: ParsedRow, books: Books) -> None:
    """Skip a row already stored with the same content; a different content is a problem."""
    stored = books.find(row.ref)
    if row.kind == REVERSAL:
        target_id = row.target.entry_id if row.target is not None else row.target_id
        row.facts["reverses"] = target_id
        found = books.reversal_of.get(target_id) if stored is None else None
        if found is not None and not found.external_ref:  # stored without its ref
            if not _differences(row.facts, books.facts(found)):
                row.skipped, row.entry_id = True, found.id
            return  # else the books refuse a second reversal, naming the first
    if stored is None:
        return
    differs = _differences(row.facts, books.facts(stored))
    shown = books.row(stored)
    for name in differs:
        before = cell_text(shown.get(name))
        row.refuse(
            name,
            f"{row.cells[name]!r}, but ref {row.ref!r} is already entry #{stored.id} of "
            f"{books.fund.name}, with {name} {repr(before) if before else 'empty'}",
        )
    if not differs:
        row.skipped, row.entry_id = True, stored.id


def _record(session: Session, actor: Actor, row: ParsedRow, books: Books) -> None:
    entry = row.entry
    if row.kind == REVERSAL:
        target_id = row.target.entry_id if row.target is not None else row.target_id
        if target_id is None:
            if row.target is not None and row.target.ok:
                row.refuse(
                    "date",
                    f"{row.cells['date']!r} is before the entry it reverses "
                    f"({row.target.ref!r}, {row.target.cells['date']})",
                )
            return  # the original was refused: its own problems say why
        update: dict[str, Any] = {"entry_id": target_id}
        if "external_ref" in ReversalCreate.model_fields:
            update["external_ref"] = row.ref
        entry = entry.model_copy(update=update)
    write, keyword = RECORDERS[row.kind]
    try:
        with session.begin_nested():
            recorded = write(session=session, actor=actor, **{keyword: entry})
            given = row.cells["category"]
            if row.kind == "investment" and given and given != recorded.category:
                held = "already holds" if recorded.category == "follow_on" else "holds no"
                raise InputError(
                    f"category: {given!r}, but {books.fund.name} {held} cost in the company, "
                    f"so the books make this investment {recorded.category!r}"
                )
    except ValueError as exc:  # InputError, MoneyError: a refusal by the books
        row.refuse(*split_message(str(exc)))
        return
    row.entry_id = recorded.id


def import_ledger(
    *,
    session: Session,
    actor: Actor,
    fund_id: int,
    data: bytes,
    filename: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import a ledger file (CSV or .xlsx) into fund ``fund_id``, all or nothing.
    ``progress(done, total)`` is told after each row is parsed and after each entry is
    recorded: total = rows + entries to record (while parsing, taken as twice the rows).

    Raises ``LedgerImportError`` listing every problem by row and column (nothing written),
    ``PermissionDenied`` for a role that may not record entries, ``InputError`` for an
    unknown fund. The caller's ``session_scope`` commits on success.
    """
    require(actor, *WRITERS, action="import ledger entries")
    require_fund(actor, fund_id, action="import ledger entries")
    fund = fund_of(session=session, fund_id=fund_id)
    frame = read_ledger_file(data, filename=filename)
    books = Books(session, fund)
    tell = progress or (lambda done, total: None)
    rows = []
    for line, cells in zip(frame.index, frame.to_dict("records"), strict=True):
        rows.append(parse_row(int(line), dict(cells), fund_id=fund_id, resolver=books.resolver))
        tell(len(rows), 2 * len(frame))
    _flag_duplicates(rows)
    by_ref: dict[str, ParsedRow] = {}
    for row in rows:
        by_ref.setdefault(row.ref, row)
        if row.ok and row.kind != REVERSAL:
            _compare(row, books)
    for row in rows:
        if row.ok and row.kind == REVERSAL:
            _link_reversal(row, by_ref, books)
            if row.ok:
                _compare(row, books)
    with session.begin_nested():
        pending = [row for row in rows if row.ok and not row.skipped]
        for done, row in enumerate(sorted(pending, key=lambda r: (r.entry_date, r.line)), 1):
            _record(session, actor, row, books)
            tell(len(rows) + done, len(rows) + len(pending))
        if not pending:
            tell(len(rows), len(rows))
        problems = [problem for row in rows for problem in row.problems]
        if problems:
            raise LedgerImportError(problems, filename=filename)
    return ImportResult(
        written=sum(1 for row in pending if row.entry_id is not None),
        skipped=sum(1 for row in rows if row.skipped),
        problems=(),
        encoding=frame.attrs.get("encoding"),
    )


def export_ledger(*, session: Session, fund_id: int, fmt: str = "csv") -> bytes:
    """Every entry of fund ``fund_id`` (reversals included), by date then id, in
    ``EXPORT_COLUMNS``: "csv" (UTF-8 with BOM) or "xlsx". The file re-imports as it is."""
    if fmt not in FORMATS:
        raise InputError(f"fmt: {fmt!r} is not an export format ({', '.join(FORMATS)})")
    books = Books(session, fund_of(session=session, fund_id=fund_id))
    rows = [books.row(entry) for entry in books.entries]
    return write_csv(rows) if fmt == "csv" else write_xlsx(rows)
