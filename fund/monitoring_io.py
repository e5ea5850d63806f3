"""Portfolio reports in and out of files: the template a fund sends its companies, and the
all-or-nothing import of the filled-in template (CSV or Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError
from sqlmodel import Session, select

from fund.access import Actor, require, require_fund
from fund.ledger import fund_of
from fund.monitoring import (
    FIGURES,
    REPORT_COLUMNS,
    WRITERS,
    Books,
    CompanyReportInput,
    company_name,
    held_companies,
    metrics_of,
)
from models.hub import Firm
from models.validation import InputError, to_decimal


def last_quarter_end(today: date) -> date:
    """The end of the calendar quarter before the one ``today`` is in."""
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(days=1)


def report_template(
    *, session: Session, fund_id: int, fmt: str = "xlsx", period_end: date | None = None
) -> bytes:
    """The import template: ``REPORT_COLUMNS`` and the fund's metric codes, one row per company
    held today with its name, ``period_end`` (default: the last quarter end) and the fund's
    currency, figures empty. ``fmt`` "csv" (UTF-8 with BOM) or "xlsx" (sheet "reports", and a
    sheet "metrics" naming each code)."""
    fund = fund_of(session=session, fund_id=fund_id)
    metrics = metrics_of(session=session, fund_id=fund_id)
    period = period_end or last_quarter_end(date.today())
    header = [*REPORT_COLUMNS, *(m.code for m in metrics)]
    blanks = [None] * (len(header) - 3)
    rows = [
        [company_name(f), period, fund.currency, *blanks]
        for f, _ in held_companies(session, fund_id, period)
    ]
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[r[0], r[1].isoformat(), r[2], *[""] * len(blanks)] for r in rows])
        return text.getvalue().encode("utf-8-sig")
    if fmt != "xlsx":
        raise InputError(f"fmt: {fmt!r} is not csv or xlsx")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "reports"
    for row in [header, *rows]:
        sheet.append(row)
    for cell in sheet["B"][1:]:
        cell.number_format = "yyyy-mm-dd"
    about = book.create_sheet("metrics")
    about.append(["code", "name", "unit"])
    for metric in metrics:
        about.append([metric.code, metric.name, metric.unit])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(data: bytes, filename: str) -> list[list[Any]]:
    """The file's rows (header first) as cell values: CSV (UTF-8, BOM or not) or xlsx."""
    kind = filename.lower().rsplit(".", 1)[-1]
    if kind == "csv":
        try:
            return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{filename}: not UTF-8 text (byte {exc.start}); save as UTF-8"
            ) from None
    if kind != "xlsx":
        raise InputError(f"filename: {filename!r} is neither a .csv nor an .xlsx file")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, key and value errors for a bad file
        raise InputError(f"{filename}: not a readable xlsx workbook ({exc})") from None
    sheet = book["reports"] if "reports" in book.sheetnames else book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _cell(value: Any) -> Any:
    """A cell as input: blanks None, text stripped, floats exact via their shortest text."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float):
        return Decimal(repr(value))
    return value.date() if isinstance(value, datetime) else value


def _companies(session: Session) -> dict[str, list[Firm]]:
    index: dict[str, list[Firm]] = {}
    for firm in session.exec(select(Firm)).all():
        keys = {(firm.name_en or "").casefold(), (firm.name_zh or "").casefold(), firm.uscc}
        for key in keys - {"", None}:
            index.setdefault(str(key).casefold(), []).append(firm)
    return index


def _row(
    books: Books, index: dict[str, list[Firm]], got: dict[str, Any]
) -> tuple[CompanyReportInput | None, list[tuple[str, str]]]:
    """One import row's report (None when it does not validate) and its (column, problem)s."""
    found: list[tuple[str, str]] = []
    name = got["company"]
    matches = index.get(str(name or "").casefold(), [])
    if name is None or len(matches) != 1:
        why = (
            f"matches {len(matches)} companies: give its USCC"
            if matches
            else ("is no company's English or Chinese name or USCC")
        )
        found.append(("company", "empty" if name is None else f"{name!r} {why}"))
    raw = {"fund_id": books.fund.id, "firm_id": matches[0].id if len(matches) == 1 else 0}
    raw |= {n: got.get(n) for n in REPORT_COLUMNS[1:]}
    raw["metrics"] = {}
    for code in (c for c in books.codes if got.get(c) is not None):
        try:
            raw["metrics"][code] = to_decimal(got[code], field=code)
        except InputError as exc:
            found.append((code, str(exc).split(": ", 1)[-1]))
    try:
        report = CompanyReportInput.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            message, value = str(error["msg"]).removeprefix("Value error, "), error.get("input")
            shown = "" if repr(value) in message else f" (value: {value!r})"
            found.append((str(error["loc"][0]), message + shown))
        return None, found
    return report, found + (books.problems(matches[0], report) if len(matches) == 1 else [])


def import_reports(
    *,
    session: Session,
    actor: Actor,
    fund_id: int,
    data: bytes,
    filename: str,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Import company reports from a filled template (CSV or xlsx); returns how many.
    ``progress(done, total)`` is told after each report is written.

    The file is checked as a whole: every problem is listed by row (as numbered in a
    spreadsheet, the header being row 1) and column in one ``InputError``, and nothing is
    written unless every row passes. Companies by English or Chinese name or USCC; rows with
    no figure and no metric (the template's unfilled rows) are skipped.
    """
    require(actor, *WRITERS, action="import company reports")
    require_fund(actor, fund_id, action="import company reports")
    books = Books.load(session, fund_id)
    rows = _table(data, filename)
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]] if rows else []
    known = {*REPORT_COLUMNS, *books.codes}
    missing = [c for c in REPORT_COLUMNS[:3] if c not in header]
    unknown = [h for h in header if h and h not in known]
    doubled = sorted({h for h in header if h and header.count(h) > 1})
    if missing or unknown or doubled:
        raise InputError(
            f"{filename}: header: missing {missing or 'nothing'}; not a report column nor a "
            f"metric of {books.fund.name}: {unknown or 'none'}; repeated: {doubled or 'none'}"
        )
    places = {name: i for i, name in enumerate(header) if name}
    index, problems, accepted = _companies(session), [], []
    for number, cells in enumerate(rows[1:], start=2):
        got = {n: _cell(cells[i]) if i < len(cells) else None for n, i in places.items()}
        if all(got.get(n) is None for n in (*FIGURES, *books.codes)):
            continue
        report, found = _row(books, index, got)
        if report is not None and not found:
            accepted.append(report)
            books.taken[(report.firm_id, report.period_end)] = f"row {number} of this file"
        found.sort(key=lambda problem: places.get(problem[0], 0))  # in column order
        problems += [f"row {number}, {field}: {message}" for field, message in found]
    if problems:
        head = f"{filename}: {len(problems)} problem(s), nothing imported"
        raise InputError("\n".join([head, *problems]))
    for done, report in enumerate(accepted, start=1):
        books.write(session, report)
        if progress is not None:
            progress(done, len(accepted))
    return len(accepted)
