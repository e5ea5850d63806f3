"""Companies from a spreadsheet: CSV or Excel, any column names, mapped onto firm fields.

``read_table`` reads the file as text cells (CSV in UTF-8 with or without BOM, or GBK/GB18030,
the encodings Chinese Excel saves in; any delimiter among , ; tab |; or .xlsx through
openpyxl), indexed by the row number a spreadsheet shows (header = row 1). A file that cannot
be read as such is refused as a whole with the reason. ``suggest_mapping`` proposes which
column holds which firm field from English or Chinese headers; ``records_from_table`` turns
the rows into ``CompanyRecord`` values (nothing is checked beyond the shape here: the values
are judged by ``sourcing.plan``). A row's external id is its USCC, else its LEI, else its
normalized name: the same row in a re-sorted or re-exported file is the same record, and a
repeated company is a repeated id.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd
from openpyxl import load_workbook

from fund.ledger_columns import LedgerImportError, cell_text, decode_csv
from models.types import utcnow
from models.validation import InputError
from sourcing.clean import compact_keys
from sourcing.names import normalize_name
from sourcing.records import SOURCED_FIELDS, CompanyRecord

MAX_ROWS = 100_000
HEADER_ROW = 1
DELIMITERS = ",;\t|"
HEADERS: dict[str, tuple[str, ...]] = {  # firm field -> headers that mean it (normalized)
    "name_zh": ("名称", "企业名称", "公司名称", "中文名称", "企业中文名称", "单位名称", "中文名",
                "chinesename", "namezh"),
    "name_en": ("英文名称", "英文名", "企业英文名称", "nameen", "englishname", "name",
                "companyname", "company", "legalname", "firm"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "uscc", "unifiedsocialcreditcode",
             "creditcode"),
    "lei": ("lei", "leicode", "legalentityidentifier", "lei码", "lei编码"),
    "sector": ("行业", "所属行业", "领域", "细分领域", "sector", "industry"),
    "founded": ("成立日期", "成立时间", "注册日期", "founded", "foundedon", "datefounded",
                "incorporated", "incorporationdate", "established"),
    "employees": ("员工人数", "员工数", "从业人数", "人数", "employees", "headcount", "staff"),
    "legal_address": ("注册地址", "地址", "住所", "legaladdress", "address",
                      "registeredaddress"),
    "jurisdiction": ("注册地", "司法管辖区", "jurisdiction"),
    "other_names": ("曾用名", "别名", "othernames", "formernames", "aliases"),
    "entity_status": ("entitystatus",),
    "registration_status": ("registrationstatus",),
    "direct_parent_lei": ("directparentlei",),
    "ultimate_parent_lei": ("ultimateparentlei",),
}  # fmt: skip


@dataclass(frozen=True)
class RowProblem:
    """A row that could not become a record: its spreadsheet row number, column, value, why."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


class FileRecords(NamedTuple):
    """The records of a table, the rows that could not be records, and each record's row."""

    records: list[CompanyRecord]
    problems: list[RowProblem]
    rows: list[int]


def _refuse(filename: str, message: str) -> InputError:
    return InputError(f"{filename}: {message}; nothing was read")


def _csv_rows(data: bytes, filename: str) -> tuple[list[list[str]], str]:
    try:
        text, encoding = decode_csv(data, filename=filename)
    except LedgerImportError as exc:
        raise _refuse(filename, exc.problems[0].message) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise _refuse(filename, f"the file is not readable as CSV ({exc})") from None
    return [[cell_text(cell) for cell in row] for row in rows], encoding


def _xlsx_rows(data: bytes, filename: str) -> tuple[list[list[str]], str]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _refuse(filename, f"the file is not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = book[book.sheetnames[0]]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows, sheet.title
    finally:
        book.close()


def _header(cells: list[str], filename: str) -> list[str]:
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    header = cells[:width]
    if not header:
        raise _refuse(filename, "the first row is empty: it should name the columns")
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        if not name:
            raise _refuse(filename, f"column {index} of the header row has no name")
        if name in seen:
            raise _refuse(filename, f"the column {name!r} appears twice in the header row")
        seen.add(name)
    return header


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """A CSV or .xlsx file (by extension) as a frame of text cells, indexed by row number
    (header = 1; blank rows dropped); ``attrs`` holds ``encoding`` (CSV) or ``sheet``.
    ``InputError`` names the file and what is wrong: type, encoding, empty, header, size."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data.strip():
        raise _refuse(filename, "the file is empty")
    if extension in ("csv", "txt"):
        rows, encoding = _csv_rows(data, filename)
        where = {"encoding": encoding, "sheet": None}
    elif extension in ("xlsx", "xlsm"):
        rows, sheet = _xlsx_rows(data, filename)
        where = {"encoding": None, "sheet": sheet}
    else:
        raise _refuse(filename, "the file is neither .csv nor .xlsx (save an .xls file as .xlsx)")
    header = _header(rows[0] if rows else [], filename)
    width = len(header)
    cells: list[list[str]] = []
    lines: list[int] = []
    for line, row in enumerate(rows[1:], start=HEADER_ROW + 1):
        if not any(row):
            continue
        if any(row[width:]):
            stray = next(cell for cell in row[width:] if cell)
            raise _refuse(filename, f"row {line} has {stray!r} in a column with no header")
        cells.append([*row[:width], *[""] * (width - len(row))])
        lines.append(line)
    if not cells:
        raise _refuse(filename, "the file has a header but no rows")
    if len(cells) > MAX_ROWS:
        raise _refuse(filename, f"the file has more than {MAX_ROWS:,} rows: split it")
    frame = pd.DataFrame(cells, columns=header, index=pd.Index(lines, name="row"), dtype=object)
    frame.attrs.update(where)
    return frame


def _header_key(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())


def suggest_mapping(columns: list[str]) -> dict[str, str]:
    """firm field -> the column whose header names it (English or Chinese, any case and
    punctuation; a firm field's own name works too). Each column is used once."""
    keys = {column: _header_key(column) for column in columns}
    mapping: dict[str, str] = {}
    for field, aliases in HEADERS.items():
        wanted = {_header_key(a) for a in aliases} | {_header_key(field)}
        for column in columns:
            if keys[column] in wanted and column not in mapping.values():
                mapping[field] = column
                break
    return mapping


def check_mapping(mapping: Mapping[str, str], columns: list[str]) -> dict[str, str]:
    """``mapping`` without unmapped fields, or ``InputError``: unknown field or column, a
    column mapped twice, or no name column."""
    chosen = {field: column for field, column in mapping.items() if column}
    for field, column in chosen.items():
        if field not in SOURCED_FIELDS:
            raise InputError(
                f"mapping: {field!r} is not a firm field ({', '.join(SOURCED_FIELDS)})"
            )
        if column not in columns:
            raise InputError(f"mapping: {field} -> {column!r} is not a column of the file")
    used = list(chosen.values())
    if twice := sorted({c for c in used if used.count(c) > 1}):
        raise InputError(f"mapping: the column {twice[0]!r} is mapped to two fields")
    if not {"name_zh", "name_en"} & chosen.keys():
        raise InputError("mapping: choose the column with the company name (name_zh or name_en)")
    return chosen


def records_from_table(frame: pd.DataFrame, mapping: Mapping[str, str], source_name: str
                       ) -> FileRecords:  # fmt: skip
    """One ``CompanyRecord`` per row (source ``file:<name>``, payload: the row's cells by
    column); a row with no name is a problem, not a record."""
    columns = [str(c) for c in frame.columns]
    chosen = check_mapping(mapping, columns)
    source = f"file:{source_name}"[:80]
    fetched_at = utcnow()
    found = FileRecords([], [], [])
    for line, row in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = dict(zip(columns, (str(v) for v in row), strict=True))
        fields = {field: cells[column] for field, column in chosen.items() if cells[column]}
        names = [fields.get("name_zh"), fields.get("name_en")]
        if not any(names):
            column = chosen.get("name_zh") or chosen.get("name_en") or ""
            found.problems.append(RowProblem(int(line), column, "", "the row has no name"))
            continue
        keys = compact_keys({k: fields[k] for k in ("uscc", "lei") if k in fields})
        key = (
            keys.get("uscc")
            or keys.get("lei")
            or "name:" + normalize_name(fields.get("name_zh") or fields.get("name_en"))
        )
        found.records.append(CompanyRecord(source=source, kind="file", external_id=key[:200],
                                           fetched_at=fetched_at, payload=cells,
                                           fields=fields))  # fmt: skip
        found.rows.append(int(line))
    return found
