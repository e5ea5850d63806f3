"""The ledger file: export and import (CSV and Excel), round trips, idempotent re-runs, and every
kind of refused row, each named by row and column, with nothing written."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from fund.ledger import record_call, record_distribution, record_investment, reverse_entry
from fund.ledger_io import (
    EXPORT_COLUMNS,
    LEDGER_COLUMNS,
    ImportProblem,
    LedgerImportError,
    export_ledger,
    import_ledger,
    read_ledger_file,
)
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Commitment, Fund, Lp
from models.fx import FxRate
from models.hub import Firm, Hub
from models.ledger import LedgerEntry
from models.ledger_inputs import (
    CapitalCallCreate,
    DistributionCreate,
    InvestmentCreate,
    ReversalCreate,
)

D = Decimal
MANAGER = Actor(name="chen", role="fund_manager")
VINTAGE = date(2020, 1, 1)
LP_NAME, LP_ZH = "Dalian City Investment Group", "大连市城市建设投资集团"
ALPHA_USCC = "91110000600037341L"


@pytest.fixture
def books(empty_db):
    """Two CNY funds (vintage 2020; the second empty, for round trips), an LP committed to both,
    an LP committed to neither, two companies (Chinese names, a USCC) and USD/CNY 7 in 2021."""
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        funds = [Fund(name=name, vintage=VINTAGE, size=D("1000000000"), gp="GP", hub_id=hub.id)
                 for name in ("Dalian IF Fund", "Fresh Fund")]  # fmt: skip
        city = Lp(name=LP_NAME, name_zh=LP_ZH, kind="city investment group")
        outsider = Lp(name="Outsider Bank", kind="bank")
        alpha = Firm(name_en="Alpha Pay", name_zh="阿尔法支付", uscc=ALPHA_USCC,
                     sector="payments", hub_id=hub.id)  # fmt: skip
        beta = Firm(name_en="Beta Lend", name_zh="贝塔借贷", sector="lending", hub_id=hub.id)
        s.add_all([*funds, city, outsider, alpha, beta])
        s.flush()
        for fund in funds:
            s.add(Commitment(fund_id=fund.id, lp_id=city.id, amount=D("600000000"),
                             committed_on=VINTAGE))  # fmt: skip
        s.add(FxRate(on=date(2021, 1, 1), base="USD", quote="CNY", rate=D("7")))
    return {"engine": empty_db, "fund": funds[0].id, "fresh": funds[1].id, "alpha": alpha.id,
            "beta": beta.id, "lp": city.id}  # fmt: skip


def _csv(rows, *, columns=LEDGER_COLUMNS, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return out.getvalue().encode(encoding)


def _import(b, data, *, fund=None, filename="ledger.csv", actor=MANAGER):
    with session_scope(b["engine"], actor=actor.audit_name) as s:
        return import_ledger(session=s, actor=actor, fund_id=fund or b["fund"], data=data,
                             filename=filename)  # fmt: skip


def _export(b, *, fund=None, fmt="csv") -> bytes:
    with Session(b["engine"]) as s:
        return export_ledger(session=s, fund_id=fund or b["fund"], fmt=fmt)


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one()
                     for t in (LedgerEntry, AuditLog))  # fmt: skip


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


CALL = {"ref": "C-1", "type": "capital_call", "date": "2020-06-30", "amount": "1,000,000.00",
        "currency": "CNY", "lp": LP_NAME}  # fmt: skip
INVEST = {"ref": "I-1", "type": "investment", "date": "2020-07-01", "amount": "400000",
          "currency": "CNY", "company": "Alpha Pay"}  # fmt: skip

FILE_ROWS = [
    {"ref": "C-10", "type": "capital_call", "date": "2020-06-30", "amount": "10,000,000",
     "currency": "CNY", "category": "investment", "lp": LP_NAME},
    {"ref": "I-10", "type": "investment", "date": "2021-01-15", "amount": "100000",
     "currency": "USD", "company": ALPHA_USCC, "instrument": "equity", "round_stage": "A",
     "shares": "1,000", "pre_money": "1,900,000", "post_money": "2000000", "memo": "Series A"},
    {"ref": "I-20", "type": "investment", "date": "2021-01-20", "amount": "300000",
     "currency": "CNY", "category": "initial", "company": "贝塔借贷"},
    {"ref": "F-1", "type": "fund_payment", "date": "2021-02-01", "amount": "200000",
     "currency": "CNY", "category": "management_fee"},
    {"ref": "R-1", "type": "reversal", "date": "2021-02-02", "reverses": "F-1",
     "memo": "wrong period"},
    {"ref": "P-1", "type": "proceeds", "date": "2021-03-01", "amount": "400000",
     "currency": "CNY", "category": "partial_exit", "company": "Alpha Pay",
     "cost_released": "300000"},
    {"ref": "W-1", "type": "write_off", "date": "2021-04-01", "company": "Beta Lend",
     "memo": "closed"},
    {"ref": "P-2", "type": "proceeds", "date": "2021-04-02", "amount": "12345.67",
     "currency": "CNY", "category": "dividend", "company": "阿尔法支付"},
]  # fmt: skip


def _build_source(b) -> None:
    """Fund 1's book: eight rows imported with refs, four entries recorded through the forms
    (no ref): a fee call, a follow-on, a distribution and its reversal."""
    _import(b, _csv(FILE_ROWS))
    fund, lp, alpha = b["fund"], b["lp"], b["alpha"]
    with session_scope(b["engine"], actor=MANAGER.audit_name) as s:
        record_call(
            session=s,
            actor=MANAGER,
            call_in=CapitalCallCreate(
                fund_id=fund,
                lp_id=lp,
                entry_date=date(2020, 6, 30),
                amount="500000",
                currency="CNY",
                category="management_fee",
                memo="管理费, 2020",
            ),
        )
        record_investment(
            session=s,
            actor=MANAGER,
            investment_in=InvestmentCreate(
                fund_id=fund,
                firm_id=alpha,
                entry_date=date(2021, 1, 20),
                amount="50000.10",
                currency="CNY",
            ),
        )
        paid = record_distribution(
            session=s,
            actor=MANAGER,
            distribution_in=DistributionCreate(
                fund_id=fund,
                lp_id=lp,
                entry_date=date(2021, 3, 5),
                amount="250000.50",
                currency="CNY",
                category="gain",
            ),
        )
        reverse_entry(
            session=s,
            actor=MANAGER,
            reversal_in=ReversalCreate(
                entry_id=paid.id, entry_date=date(2021, 3, 6), memo="paid twice"
            ),
        )


def _comparable(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Export rows without what differs between funds: id, recorded_at, a reversal's own ref
    (fund.ledger does not store a reversal's ref)."""
    kept = []
    for row in rows:
        row = {k: v for k, v in row.items() if k not in ("id", "recorded_at")}
        if row["type"] == "reversal":
            row.pop("ref")
        kept.append(row)
    return kept


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_into_a_fresh_fund_with_the_same_entries_to_the_cent(books, fmt):
    _build_source(books)
    exported = _export(books, fmt=fmt)
    result = _import(books, exported, fund=books["fresh"], filename=f"ledger.{fmt}")
    assert (result.written, result.skipped, result.problems) == (12, 0, ())
    assert result.encoding == ("utf-8-sig" if fmt == "csv" else None)
    source, copy = _rows(_export(books)), _rows(_export(books, fund=books["fresh"]))
    assert len(source) == 12 and _comparable(copy) == _comparable(source)
    by_ref = {row["ref"]: row for row in source}
    assert by_ref["I-10"]["amount_fund"] == "700000.00" and by_ref["I-10"]["fx_rate"] == "7"
    assert by_ref["P-2"]["amount"] == "12345.67" and by_ref["W-1"]["cost_released"] == "300000.00"
    assert by_ref["I-20"]["company"] == "Beta Lend" and by_ref["I-10"]["category"] == "initial"
    refs, file_refs = {row["ref"] for row in source}, {row["ref"] for row in FILE_ROWS}
    assert {ref for ref in file_refs if ref != "R-1"} <= refs  # R-1: fund.ledger keeps no ref
    assert all(ref in file_refs or ref.startswith("#") for ref in refs)  # form entries: #<id>-...


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_writes_nothing_and_reports_skips(books, fmt):
    _build_source(books)
    exported = _export(books, fmt=fmt)
    before = _counts(books["engine"])
    result = _import(books, exported, filename=f"ledger.{fmt}")
    assert (result.written, result.skipped) == (0, 12)
    again = _import(books, _csv(FILE_ROWS))  # the original file, its reversal included
    assert (again.written, again.skipped) == (0, 8)
    assert _counts(books["engine"]) == before


def test_a_file_partly_stored_writes_only_the_new_rows(books):
    _import(books, _csv([CALL]))
    result = _import(books, _csv([CALL, INVEST]))
    assert (result.written, result.skipped) == (1, 1)


def test_a_stored_ref_with_different_content_is_a_problem(books):
    _import(books, _csv([CALL]))
    before = _counts(books["engine"])
    with pytest.raises(LedgerImportError) as info:
        _import(books, _csv([{**CALL, "amount": "2000000", "memo": "typo"}, INVEST]))
    problems = {(p.row, p.column) for p in info.value.problems}
    assert problems == {(2, "amount"), (2, "memo")}
    assert "is already entry #1 of Dalian IF Fund, with amount '1000000.00'" in str(info.value)
    assert _counts(books["engine"]) == before


REVERSAL = {"ref": "R-1", "type": "reversal", "date": "2020-07-02", "reverses": "C-1",
            "memo": "typo"}  # fmt: skip
BAD_ROWS = {
    "more than 2 decimals": ([{**CALL, "ref": "X", "amount": "1.005"}], 4, "amount",
                             "'1.005' has more than 2 decimal places"),
    "negative amount": ([{**CALL, "ref": "X", "amount": "-5"}], 4, "amount", "zero or negative"),
    "unknown currency": ([{**CALL, "ref": "X", "currency": "RMB"}], 4, "currency",
                         "'RMB' is not an ISO 4217"),
    "unknown type": ([{**CALL, "ref": "X", "type": "loan"}], 4, "type",
                     "'loan' is not an entry type"),
    "unknown category": ([{**CALL, "ref": "X", "category": "bonus"}], 4, "category",
                         "'bonus' is not a capital_call category"),
    "unknown LP": ([{**CALL, "ref": "X", "lp": "Nobody Ltd"}], 4, "lp",
                   "'Nobody Ltd' is not an LP"),
    "LP without commitment": ([{**CALL, "ref": "X", "lp": "Outsider Bank"}], 4, "lp",
                              "has no commitment"),
    "unknown company": ([{**INVEST, "ref": "X", "company": "Gamma"}], 4, "company",
                        "'Gamma' is not a company"),
    "date before vintage": ([{**CALL, "ref": "X", "date": "2019-12-31"}], 4, "date",
                            "before the vintage"),
    "date not a date": ([{**CALL, "ref": "X", "date": "30.06.2020"}], 4, "date",
                        "not a date in the form YYYY-MM-DD"),
    "missing FX rate": ([{**INVEST, "ref": "X", "currency": "USD", "date": "2020-08-01"}], 4,
                        "currency", "no USD/CNY rate"),
    "distribution above cash": ([{**CALL, "ref": "X", "type": "distribution",
                                  "date": "2020-08-01", "amount": "700000"}], 4, "amount",
                                "more than the 600,000.00 CNY"),
    "duplicate ref": ([{**CALL, "amount": "5"}], 4, "ref", "'C-1' is also the ref of row 2"),
    "duplicate identical rows": ([CALL], 4, "ref", "repeats row 2 in every column"),
    "reversal of a reversal": ([REVERSAL, {**REVERSAL, "ref": "R-2", "reverses": "R-1"}], 5,
                               "reverses", "is itself a reversal"),
    "reverses an unknown ref": ([{**REVERSAL, "reverses": "C-9"}], 4, "reverses",
                                "'C-9' is neither an entry of Dalian IF Fund nor a row above"),
    "reversal before its entry": ([{**REVERSAL, "date": "2020-06-29"}], 4, "date",
                                  "before the entry it reverses"),
    "amount on a write-off": ([{"ref": "X", "type": "write_off", "date": "2020-08-01",
                                "company": "Alpha Pay", "amount": "5"}], 4, "amount",
                              "'5' does not apply to a write_off"),
    "missing LP": ([{**CALL, "ref": "X", "lp": ""}], 4, "lp", "a capital_call needs the LP"),
    "wrong investment category": ([{**INVEST, "ref": "X", "category": "initial"}], 4,
                                  "category", "the books make this investment 'follow_on'"),
    "future date": ([{**CALL, "ref": "X", "date": "2999-01-01"}], 4, "date", "in the future"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(books, case):
    extra, row, column, message = BAD_ROWS[case]
    before = _counts(books["engine"])
    with pytest.raises(LedgerImportError) as info:
        _import(books, _csv([CALL, INVEST, *extra]))
    found = [p for p in info.value.problems if (p.row, p.column) == (row, column)]
    assert found and message in found[0].message, info.value.problems
    assert f"row {row}, {column}: " in str(info.value)
    assert _counts(books["engine"]) == before


def test_every_problem_of_a_file_is_listed_at_once(books):
    rows = [CALL, {**CALL, "ref": "A", "amount": "1.005"}, {**INVEST, "company": "Gamma"},
            {**CALL, "ref": "B", "currency": "RMB"}]  # fmt: skip
    with pytest.raises(LedgerImportError) as info:
        _import(books, _csv(rows))
    assert [(p.row, p.column) for p in info.value.problems] == [
        (3, "amount"),
        (4, "company"),
        (5, "currency"),
    ]
    assert info.value.problems[0] == ImportProblem(
        3, "amount", "1.005", "'1.005' has more than 2 decimal places"
    )
    assert "row 3, amount: '1.005' has more than 2 decimal places" in str(info.value)


def test_a_refused_import_writes_nothing_even_when_the_caller_commits(books):
    bad = _csv([CALL, INVEST, {**CALL, "ref": "X", "amount": "1.005"}])
    before = _counts(books["engine"])
    with session_scope(books["engine"]) as s:
        with pytest.raises(LedgerImportError):
            import_ledger(session=s, actor=MANAGER, fund_id=books["fund"], data=bad,
                          filename="ledger.csv")  # fmt: skip
    assert _counts(books["engine"]) == before


def test_an_analyst_may_not_import(books):
    before = _counts(books["engine"])
    with pytest.raises(PermissionDenied):
        _import(books, _csv([CALL]), actor=Actor(name="zhao", role="analyst"))
    assert _counts(books["engine"]) == before


def test_gbk_csv_with_chinese_names_imports_and_says_so(books):
    rows = [{**CALL, "lp": LP_ZH, "memo": "首期出资"}, {**INVEST, "company": "阿尔法支付"}]
    result = _import(books, _csv(rows, encoding="gbk"))
    assert (result.written, result.encoding) == (2, "gbk")
    with Session(books["engine"]) as s:
        entries = s.exec(select(LedgerEntry).order_by(LedgerEntry.id)).all()
    assert (entries[0].lp_id, entries[0].memo) == (books["lp"], "首期出资")
    assert entries[1].firm_id == books["alpha"]


def test_utf8_with_bom_and_excel_dates_import(books):
    rows = [{**CALL, "date": "2020/6/30", "lp": LP_ZH}, {**INVEST, "company": "贝塔借贷"}]
    result = _import(books, b"\xef\xbb\xbf" + _csv(rows))
    assert (result.written, result.encoding) == (2, "utf-8-sig")
    with Session(books["engine"]) as s:
        call = s.exec(select(LedgerEntry).where(LedgerEntry.external_ref == "C-1")).one()
    assert (call.entry_date, call.amount) == (date(2020, 6, 30), D("1000000.00"))


def test_xlsx_export_has_the_columns_typed_and_a_ledger_sheet(books):
    _import(books, _csv([CALL, INVEST]))
    book = openpyxl.load_workbook(io.BytesIO(_export(books, fmt="xlsx")))
    sheet = book["ledger"]
    header, first = list(sheet.iter_rows(max_row=2, values_only=True))
    assert header == EXPORT_COLUMNS
    assert first[:5] == ("C-1", "capital_call", first[2], 1000000, "CNY")
    assert first[2].date() == date(2020, 6, 30)


# --- reading the file alone (no database) ---------------------------------------------------


def test_a_missing_column_is_named_with_the_expected_columns():
    data = _csv([CALL], columns=[c for c in LEDGER_COLUMNS if c != "memo"])
    with pytest.raises(LedgerImportError, match="the column 'memo' is missing") as info:
        read_ledger_file(data, filename="ledger.csv")
    assert ", ".join(LEDGER_COLUMNS) in str(info.value)
    assert info.value.problems[0].column == "memo"


def test_an_unknown_column_is_named_and_read_only_export_columns_are_accepted():
    with pytest.raises(LedgerImportError, match=r"'Notes' \(column 17\) is not a ledger column"):
        read_ledger_file(_csv([CALL], columns=[*LEDGER_COLUMNS, "Notes"]), filename="x.csv")
    frame = read_ledger_file(_csv([CALL], columns=EXPORT_COLUMNS[::-1]), filename="x.csv")
    assert tuple(frame.columns) == LEDGER_COLUMNS and frame.loc[2, "amount"] == "1,000,000.00"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "ledger.csv", "the file is empty"),
        (_csv([]), "ledger.csv", "a header but no ledger rows"),
        (b"\xff\xff\xfe\x00", "ledger.csv", "not UTF-8 text"),
        ("ref,type".encode("utf-16"), "ledger.csv", "UTF-16"),
        (b"ref,type\n", "ledger.xls", "neither .csv nor .xlsx"),
        (b"PK\x03\x04junk", "ledger.xlsx", "not a readable .xlsx"),
    ],
)
def test_unreadable_files_are_refused_clearly(data, filename, message):
    with pytest.raises(LedgerImportError, match=message):
        read_ledger_file(data, filename=filename)


def test_rows_are_numbered_as_a_spreadsheet_shows_them_blank_rows_skipped():
    data = _csv([CALL]) + b",,,,,,,,,,,,,,,\r\n" + _csv([INVEST]).split(b"\r\n", 1)[1]
    frame = read_ledger_file(data, filename="ledger.csv")
    assert list(frame.index) == [2, 4] and frame.attrs["encoding"] == "utf-8"


def test_an_xlsx_sheet_named_ledger_is_read_before_the_first_sheet():
    book = openpyxl.Workbook()
    book.active.append(["notes"])
    sheet = book.create_sheet("Ledger")
    sheet.append(list(LEDGER_COLUMNS))
    typed = {**CALL, "amount": 1000000.5, "date": date(2020, 6, 30)}
    sheet.append([typed.get(c) for c in LEDGER_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    frame = read_ledger_file(out.getvalue(), filename="ledger.xlsx")
    assert (frame.loc[2, "date"], frame.loc[2, "amount"]) == ("2020-06-30", "1000000.5")
    assert frame.attrs["sheet"] == "Ledger"


def test_an_import_is_part_of_the_callers_transaction(books):
    before = _counts(books["engine"])
    with pytest.raises(RuntimeError), session_scope(books["engine"]) as s:
        import_ledger(session=s, actor=MANAGER, fund_id=books["fund"], data=_csv([CALL, INVEST]),
                      filename="ledger.csv")  # fmt: skip
        raise RuntimeError("the caller fails after the import")
    assert _counts(books["engine"]) == before


def test_an_ambiguous_company_name_is_a_problem_and_the_export_names_it_unambiguously(books):
    _import(books, _csv([CALL, INVEST]))
    with session_scope(books["engine"]) as s:
        s.add(Firm(name_en="Alpha Pay", sector="payments", hub_id=s.exec(select(Hub.id)).one()))
    before = _counts(books["engine"])
    with pytest.raises(LedgerImportError, match=r"'Alpha Pay' matches 2 .*give the USCC"):
        _import(books, _csv([{**INVEST, "ref": "I-2"}]))
    assert _counts(books["engine"]) == before
    exported = _rows(_export(books))
    assert exported[1]["company"] == "阿尔法支付"
    assert _import(books, _export(books)).skipped == 2


def test_stored_reversals_are_matched_and_not_reversed_again(books):
    _import(books, _csv([CALL, REVERSAL]))
    stored_reversal = next(r["ref"] for r in _rows(_export(books)) if r["type"] == "reversal")
    before = _counts(books["engine"])
    assert _import(books, _csv([CALL, REVERSAL])).skipped == 2
    cases = [
        ([CALL, {**REVERSAL, "memo": "another reason"}], 3, "already reversed"),
        ([{**REVERSAL, "ref": "R-2", "reverses": stored_reversal}], 2,
         "is itself the reversal of 'C-1'"),
    ]  # fmt: skip
    for rows, row, message in cases:
        with pytest.raises(LedgerImportError) as info:
            _import(books, _csv(rows))
        (problem,) = info.value.problems
        assert (problem.row, problem.column) == (row, "reverses") and message in problem.message
    assert _counts(books["engine"]) == before
