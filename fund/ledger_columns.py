"""The ledger file format: its columns, its problems, and reading or writing CSV and Excel.

A ledger file has one row per entry and the columns ``LEDGER_COLUMNS`` (order free on import);
an export adds the read-only ``READ_ONLY_COLUMNS``, which an import accepts and ignores. CSV is
UTF-8 (with or without BOM) or GBK, the encoding Chinese Excel saves in; Excel is .xlsx (the
sheet named "ledger", else the first). Reading gives text cells and checks the header only:
the rows are checked by ``fund.ledger_rows`` (see docs/ledger-import.md).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from models.validation import InputError

LEDGER_COLUMNS: tuple[str, ...] = (
    "ref",
    "type",
    "date",
    "amount",
    "currency",
    "category",
    "lp",
    "company",
    "instrument",
    "round_stage",
    "shares",
    "pre_money",
    "post_money",
    "cost_released",
    "reverses",
    "memo",
)
READ_ONLY_COLUMNS: tuple[str, ...] = (
    "id",
    "fx_rate",
    "amount_fund",
    "fund_currency",
    "recorded_at",
    "recorded_by",
)
EXPORT_COLUMNS: tuple[str, ...] = LEDGER_COLUMNS + READ_ONLY_COLUMNS
SHEET_NAME = "ledger"
HEADER_ROW = 1
FILE_ROW = 0  # a problem with the file as a whole: its type, encoding, emptiness
_CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class ImportProblem:
    """One refused cell: the row as a spreadsheet numbers it (header = 1), column, value, why."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.row == FILE_ROW:
            return self.message
        if not self.column:
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, {self.column}: {self.message}"


def _order(problem: ImportProblem) -> tuple[int, int, str]:
    known = EXPORT_COLUMNS.index(problem.column) if problem.column in EXPORT_COLUMNS else 99
    return problem.row, known, problem.column


class LedgerImportError(InputError):
    """A ledger file refused as a whole: nothing was written. ``problems`` lists every one."""

    def __init__(self, problems: Iterable[ImportProblem], *, filename: str = "") -> None:
        self.problems: tuple[ImportProblem, ...] = tuple(sorted(problems, key=_order))
        self.filename = filename
        count = len(self.problems)
        head = f"{filename}: " if filename else ""
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(
            f"{head}{count} problem{'' if count == 1 else 's'}, nothing was written:\n{lines}"
        )


def _refuse(filename: str, message: str, *, row: int = FILE_ROW) -> LedgerImportError:
    return LedgerImportError([ImportProblem(row, "", "", message)], filename=filename)


# --- reading --------------------------------------------------------------------------------


def decode_csv(data: bytes, *, filename: str = "") -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in: utf-8-sig, utf-8, gbk or gb18030.

    UTF-8 is tried first (it is self-checking: Chinese GBK bytes are almost never valid UTF-8),
    then GBK/GB18030, accepted only when the text holds Chinese characters, so that a file in
    some other encoding is refused rather than read as nonsense.
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates: Sequence[str] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _refuse(filename, "the file is UTF-16 text: save it as CSV UTF-8 or as .xlsx")
    elif data.startswith(b"PK\x03\x04"):
        raise _refuse(filename, "the file is an Excel workbook, not CSV: name it .xlsx")
    else:
        candidates = ("utf-8", "gbk", "gb18030")
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        if encoding.startswith("gb") and not _CJK.search(text):
            break
        return text, encoding
    position = first_error.start if first_error else 0
    byte = data[position : position + 1].hex() or "?"
    raise _refuse(
        filename,
        f"the file is not UTF-8 text (byte 0x{byte} at offset {position}) nor GBK Chinese text: "
        "save it as CSV UTF-8",
    )


def cell_text(value: Any) -> str:
    """A cell as import reads it: text, stripped; whole-day datetimes as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _csv_rows(data: bytes, filename: str) -> tuple[list[list[str]], str]:
    text, encoding = decode_csv(data, filename=filename)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _refuse(filename, f"the file is not readable as CSV: {exc}") from None
    return [[cell_text(cell) for cell in row] for row in rows], encoding


def _xlsx_rows(data: bytes, filename: str) -> tuple[list[list[str]], str]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _refuse(filename, f"the file is not a readable .xlsx workbook ({exc})") from None
    try:
        names = {name.strip().lower(): name for name in book.sheetnames}
        sheet = book[names.get(SHEET_NAME, book.sheetnames[0])]
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        return rows, sheet.title
    finally:
        book.close()


def _header(cells: list[str], filename: str) -> list[str]:
    problems = []
    seen: set[str] = set()
    for index, name in enumerate(cells):
        if name and name in seen:
            problems.append(ImportProblem(HEADER_ROW, name, name, "the column appears twice"))
        seen.add(name)
        if name and name not in EXPORT_COLUMNS:
            close = difflib.get_close_matches(name.lower(), EXPORT_COLUMNS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                ImportProblem(
                    HEADER_ROW,
                    name,
                    name,
                    f"{name!r} (column {index + 1}) is not a ledger column{hint}; "
                    f"the columns are: {', '.join(LEDGER_COLUMNS)}",
                )
            )
    for name in LEDGER_COLUMNS:
        if name not in seen:
            problems.append(
                ImportProblem(
                    HEADER_ROW,
                    name,
                    "",
                    f"the column {name!r} is missing; the columns are: {', '.join(LEDGER_COLUMNS)}",
                )
            )
    if problems:
        raise LedgerImportError(problems, filename=filename)
    return cells


def read_ledger_file(data: bytes, *, filename: str) -> pd.DataFrame:
    """A ledger file (CSV or .xlsx, by extension) as text cells in ``LEDGER_COLUMNS``.

    The index is the row number a spreadsheet shows (header = 1); blank rows are dropped and
    read-only export columns ignored. ``frame.attrs`` holds ``encoding`` (None for .xlsx) and
    ``sheet``. Raises ``LedgerImportError`` for an unknown extension, an empty or unreadable
    file, or a missing, unknown or repeated column (each named, with the expected columns).
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data.strip():
        raise _refuse(filename, "the file is empty")
    encoding: str | None = None
    sheet: str | None = None
    if extension in ("csv", "txt"):
        rows, encoding = _csv_rows(data, filename)
    elif extension in ("xlsx", "xlsm"):
        rows, sheet = _xlsx_rows(data, filename)
    else:
        raise _refuse(
            filename, f"{filename!r} is neither .csv nor .xlsx (save an .xls file as .xlsx)"
        )
    if not rows or not any(rows[0]):
        raise _refuse(filename, "the first row is empty: it should be the header", row=HEADER_ROW)
    width = len(rows[0])
    while width and not rows[0][width - 1]:
        width -= 1
    header = _header(rows[0][:width], filename)
    unnamed = [i for i, name in enumerate(header) if not name]
    records: list[dict[str, str]] = []
    lines: list[int] = []
    problems: list[ImportProblem] = []
    for line, cells in enumerate(rows[1:], start=HEADER_ROW + 1):
        if not any(cells):
            continue
        stray = [cell for i, cell in enumerate(cells) if cell and (i >= width or i in unnamed)]
        if stray:
            problems.append(
                ImportProblem(line, "", stray[0], f"{stray[0]!r} is in a column with no header")
            )
        padded = [*cells[:width], *[""] * (width - len(cells))]
        records.append({name: cell for name, cell in zip(header, padded, strict=True) if name})
        lines.append(line)
    if problems:
        raise LedgerImportError(problems, filename=filename)
    if not records:
        raise _refuse(filename, "the file has a header but no ledger rows")
    frame = pd.DataFrame.from_records(records, columns=list(LEDGER_COLUMNS))
    frame = frame.fillna("").astype(object)
    frame.index = pd.Index(lines, name="row")
    frame.attrs.update(encoding=encoding, sheet=sheet)
    return frame


# --- writing --------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def write_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    """``EXPORT_COLUMNS`` as UTF-8 CSV with a BOM (so Excel shows Chinese names)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_plain(row.get(name)) for name in EXPORT_COLUMNS])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


_NUMBER_FORMATS = {
    "date": "yyyy-mm-dd",
    "amount": "#,##0.00",
    "pre_money": "#,##0.00",
    "post_money": "#,##0.00",
    "cost_released": "#,##0.00",
    "amount_fund": "#,##0.00",
}


def write_xlsx(rows: Iterable[dict[str, Any]]) -> bytes:
    """``EXPORT_COLUMNS`` as a workbook with one sheet, "ledger": dates and amounts typed."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    sheet.append(list(EXPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=HEADER_ROW + 1):
        values = [row.get(name) for name in EXPORT_COLUMNS]
        sheet.append([v.isoformat() if isinstance(v, datetime) else v for v in values])
        for name, fmt in _NUMBER_FORMATS.items():
            sheet.cell(number, EXPORT_COLUMNS.index(name) + 1).number_format = fmt
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
