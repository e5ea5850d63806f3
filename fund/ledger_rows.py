"""Ledger file rows, each checked alone and turned into the input model of its entry type.

``parse_row`` checks what a row can say by itself (ref, type, date, which columns apply, amounts,
currency, category, the LP and company it names) and leaves ``facts``: what the row says, in the
terms ``Books.facts`` gives a stored entry, so that a re-imported row can be compared with it.
The checks against the books (cash, cost, FX rate, vintage) come when ``fund.ledger_io``
records the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlmodel import SQLModel

from fund.ledger_books import INVESTMENT_COLUMNS, REVERSAL, Resolver
from fund.ledger_columns import LEDGER_COLUMNS, ImportProblem
from models.ledger import CATEGORIES, ENTRY_TYPES, HOLDING_ENTRIES, LP_ENTRIES
from models.ledger_inputs import (
    CapitalCallCreate,
    DistributionCreate,
    FundPaymentCreate,
    InvestmentCreate,
    ProceedsCreate,
    ReversalCreate,
    WriteOffCreate,
)
from models.validation import InputError, to_decimal

FILE_TYPES: tuple[str, ...] = (*ENTRY_TYPES, REVERSAL)
MODELS: dict[str, type[SQLModel]] = {
    "capital_call": CapitalCallCreate,
    "distribution": DistributionCreate,
    "fund_payment": FundPaymentCreate,
    "investment": InvestmentCreate,
    "proceeds": ProceedsCreate,
    "write_off": WriteOffCreate,
    REVERSAL: ReversalCreate,
}
_MONEY = ("amount", "currency", "category")
APPLIES: dict[str, tuple[str, ...]] = {
    "capital_call": (*_MONEY, "lp"),
    "distribution": (*_MONEY, "lp"),
    "fund_payment": _MONEY,
    "investment": (*_MONEY, "company", *INVESTMENT_COLUMNS),
    "proceeds": (*_MONEY, "company", "cost_released"),
    "write_off": ("category", "company", "cost_released"),
    REVERSAL: ("reverses",),
}
ALWAYS = ("ref", "type", "date", "memo")
NEEDS = {
    "amount": "an amount",
    "currency": "a currency",
    "lp": "the LP",
    "company": "the company",
    "reverses": "the ref of the entry it reverses",
}
RELEASING = ("exit", "partial_exit")
FIELD_COLUMNS = {
    "entry_date": "date",
    "external_ref": "ref",
    "fund_id": "ref",
    "lp_id": "lp",
    "firm_id": "company",
    "entry_id": "reverses",
    "funding_round_id": "round_stage",
}
_PREFIX = re.compile(r"^(?:Value error, )?([a-z_]+): ")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


class _Any:
    """A fact the file leaves to the books (a default computed when recording): matches all."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


def column_of(field_name: str) -> str:
    """The file column of an input-model field (``lp_id`` -> ``lp``)."""
    if field_name in FIELD_COLUMNS:
        return FIELD_COLUMNS[field_name]
    return field_name if field_name in LEDGER_COLUMNS else "ref"


def split_message(text: str, *, default: str = "ref") -> tuple[str, str]:
    """``("amount", "'1.005' has ...")`` from ``"amount: '1.005' has ..."`` (a domain message)."""
    match = _PREFIX.match(text)
    if match is None:
        return default, text.removeprefix("Value error, ")
    return column_of(match.group(1)), text[match.end() :]


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` (or ``YYYY/M/D``, as Excel rewrites dates) as a date."""
    match = _DATE.match(text)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    shown = repr(text) if text else "empty"
    raise ValueError(f"{shown} is not a date in the form YYYY-MM-DD")


@dataclass(eq=False)
class ParsedRow:
    """One data row: its cells, its validated input, its facts, its problems, its fate."""

    line: int
    cells: dict[str, str]
    kind: str = ""
    entry_date: date | None = None
    entry: Any = None
    facts: dict[str, Any] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    target: ParsedRow | None = None  # a reversal's original, when it is a row of the file
    target_id: int | None = None  # a reversal's original, when it is in the store
    entry_id: int | None = None  # the stored entry this row is (skipped) or became (written)
    skipped: bool = False

    @property
    def ref(self) -> str:
        return self.cells["ref"]

    @property
    def ok(self) -> bool:
        return not self.problems and self.entry is not None

    def refuse(self, column: str, message: str) -> None:
        value = self.cells.get(column, "")
        self.problems.append(ImportProblem(self.line, column, value, message))


def _refer(row: ParsedRow, column: str, lookup: Any) -> int:
    try:
        return int(lookup(row.cells[column]))
    except ValueError as exc:
        row.refuse(column, str(exc))
        return 0


def _input_data(row: ParsedRow, fund_id: int, resolver: Resolver) -> dict[str, Any]:
    kind, cells = row.kind, row.cells
    data: dict[str, Any] = {"memo": cells["memo"] or None}
    if row.entry_date is not None:
        data["entry_date"] = row.entry_date
    if kind == REVERSAL:
        return data | {"entry_id": 0, "memo": cells["memo"]}
    data |= {"fund_id": fund_id, "external_ref": row.ref or None}
    given = {name: cells[name] for name in APPLIES[kind] if cells[name]}
    category = given.pop("category", None)
    if category and kind in ("investment", "write_off") and category not in CATEGORIES[kind]:
        allowed = ", ".join(CATEGORIES[kind])
        row.refuse("category", f"{category!r} is not a {kind} category ({allowed})")
    elif category and kind not in ("investment", "write_off"):
        data["category"] = category
    if given.pop("lp", None):
        data["lp_id"] = _refer(row, "lp", resolver.lp)
    if given.pop("company", None):
        data["firm_id"] = _refer(row, "company", resolver.firm)
    if (shares := given.pop("shares", None)) is not None:
        try:
            data["shares"] = to_decimal(shares.replace(",", ""), field="shares")
        except InputError as exc:
            row.refuse("shares", split_message(str(exc))[1])
    releasing = kind == "write_off" or data.get("category", "exit") in RELEASING
    if "cost_released" in given and not releasing:
        row.refuse("cost_released", "only an exit, a partial exit or a write-off releases cost")
    return data | given


def _validate(row: ParsedRow, data: dict[str, Any]) -> None:
    try:
        row.entry = MODELS[row.kind].model_validate(data)
    except ValidationError as exc:
        taken = {problem.column for problem in row.problems}
        for error in exc.errors():
            loc = error["loc"]
            default = "post_money" if row.kind == "investment" else "ref"
            column = column_of(str(loc[0])) if loc else default
            if column not in taken:
                message = split_message(str(error["msg"]))[1]
                row.refuse(column, "empty: required" if message == "Field required" else message)
                taken.add(column)


def _facts(row: ParsedRow) -> dict[str, Any]:
    entry, kind, cells = row.entry, row.kind, row.cells
    facts: dict[str, Any] = {"type": kind, "date": row.entry_date, "memo": entry.memo or None}
    if kind == REVERSAL:
        return facts
    if kind != "write_off":
        facts |= {"amount": entry.amount, "currency": entry.currency}
    facts["category"] = getattr(entry, "category", cells["category"] or ANY)
    if kind in LP_ENTRIES:
        facts["lp"] = entry.lp_id
    if kind in HOLDING_ENTRIES:
        facts["company"] = entry.firm_id
    if kind == "investment":
        facts |= {name: getattr(entry, name) for name in INVESTMENT_COLUMNS}
    if kind == "write_off" or (kind == "proceeds" and entry.category in RELEASING):
        facts["cost_released"] = ANY if entry.cost_released is None else entry.cost_released
    elif kind == "proceeds":
        facts["cost_released"] = None
    return facts


def parse_row(line: int, cells: dict[str, str], *, fund_id: int, resolver: Resolver) -> ParsedRow:
    """Check one row's cells alone (not against the books) and build its input model."""
    row = ParsedRow(line, cells)
    if not row.ref:
        row.refuse("ref", "empty: every row needs a ref, its identity in the fund")
    elif len(row.ref) > 100:
        row.refuse("ref", f"{row.ref!r} is longer than 100 characters")
    kind = cells["type"]
    if kind not in FILE_TYPES:
        shown = repr(kind) if kind else "empty"
        row.refuse("type", f"{shown} is not an entry type ({', '.join(FILE_TYPES)})")
    try:
        row.entry_date = parse_date(cells["date"])
    except ValueError as exc:
        row.refuse("date", str(exc))
    if len(cells["memo"]) > 500:
        row.refuse("memo", f"is {len(cells['memo'])} characters long; at most 500")
    if kind not in FILE_TYPES:
        return row
    row.kind = kind
    for name in LEDGER_COLUMNS:
        if cells[name] and name not in ALWAYS and name not in APPLIES[kind]:
            row.refuse(name, f"{cells[name]!r} does not apply to a {kind}: leave it empty")
        elif not cells[name] and name in NEEDS and name in APPLIES[kind]:
            row.refuse(name, f"empty: a {kind} needs {NEEDS[name]}")
    _validate(row, _input_data(row, fund_id, resolver))
    if row.ok:
        row.facts = _facts(row)
    return row
