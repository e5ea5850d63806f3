"""File import: reading CSV (UTF-8 with BOM, GBK...) and Excel, refusing malformed files,
mapping columns, and a per-row verdict on bad rows before anything is written."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from fund.access import Actor
from models.db import session_scope
from models.hub import Firm, Hub
from models.sourcing import FieldProvenance, SourceRecord
from models.validation import InputError
from sourcing.files import check_mapping, read_table, records_from_table, suggest_mapping
from sourcing.plan import plan_records
from sourcing.store import apply_records

DATA = Path(__file__).parent / "data" / "sourcing"
UTF8_BOM = (DATA / "firms_utf8_bom.csv").read_bytes()
GBK = (DATA / "firms_gbk.csv").read_bytes()
MANAGER = Actor(name="chen", role="fund_manager")
# file row -> (action, what the reason says)
EXPECTED = {
    2: ("create", ""),
    3: ("reject", "uscc: '91210200MA0QC56781' is not a valid unified social credit code"),
    4: ("reject", "sector: '加密货币' is not a known sector"),
    5: ("reject", "external id: '91210200MA0QC1234F' repeats row 2"),
    6: ("create", ""),
    9: ("reject", "external id: 'name:大连智汇网络科技' repeats row 6"),
    10: ("reject", "founded: '2020-02-30' is not a date"),
    11: ("reject", "employees: 'many' is not a whole number"),
}


def _csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [(UTF8_BOM, "utf-8-sig"), (GBK, "gbk"), (UTF8_BOM[3:], "utf-8")],
    ids=["utf-8 with BOM", "GBK", "utf-8"],
)
def test_chinese_csv_reads_the_same_in_every_encoding(data, encoding):
    frame = read_table(data, "firms.csv")
    assert frame.attrs["encoding"] == encoding
    assert list(frame.index) == [2, 3, 4, 5, 6, 8, 9, 10, 11]  # blank row 7 dropped
    assert frame.loc[2, "企业名称"] == "大连云链科技有限公司"
    assert frame.loc[6, "成立日期"] == "2020/3/1"


def test_excel_cells_become_text_and_semicolons_are_found():
    frame = read_table(_xlsx([["Company name", "Founded", "Employees"],
                              ["Alpha Pay Ltd", datetime(2019, 5, 1), 35]]), "f.xlsx")  # fmt: skip
    assert frame.loc[2].tolist() == ["Alpha Pay Ltd", "2019-05-01", "35"]
    assert frame.attrs["sheet"] == "Sheet"
    semi = read_table(b"name;uscc\nAlpha Pay Ltd;\n", "f.csv")
    assert list(semi.columns) == ["name", "uscc"] and semi.loc[2, "name"] == "Alpha Pay Ltd"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "f.csv", "f.csv: the file is empty"),
        ("名称\nAlpha\n".encode("utf-16"), "f.csv", "UTF-16"),
        ("name\ncafé crème\n".encode("latin-1"), "f.csv", "not UTF-8 text"),
        (b"name,uscc\n", "f.csv", "a header but no rows"),
        (b"name,name\nA,B\n", "f.csv", "'name' appears twice"),
        (b"name,,uscc\nA,,\n", "f.csv", "column 2 of the header row has no name"),
        (b"name\nA,stray\n", "f.csv", "row 2 has 'stray' in a column with no header"),
        (b"name\nA\n", "f.xls", "neither .csv nor .xlsx"),
        (b"PK\x03\x04 broken", "f.xlsx", "not a readable .xlsx"),
        (b"PK\x03\x04 broken", "f.csv", "Excel workbook, not CSV"),
    ],
)
def test_malformed_files_are_refused_with_the_reason(data, filename, message):
    with pytest.raises(InputError, match=message):
        read_table(data, filename)


@pytest.mark.parametrize(
    ("columns", "mapping"),
    [
        (["企业名称", "统一社会信用代码", "行业", "成立日期", "员工人数", "注册地址"],
         {"name_zh": "企业名称", "uscc": "统一社会信用代码", "sector": "行业",
          "founded": "成立日期", "employees": "员工人数", "legal_address": "注册地址"}),
        (["Company Name", "USCC", "Industry", "Founded on", "Headcount", "LEI", "Notes"],
         {"name_en": "Company Name", "uscc": "USCC", "sector": "Industry", "founded": "Founded on",
          "employees": "Headcount", "lei": "LEI"}),
        (["名称", "英文名称", "name_en"], {"name_zh": "名称", "name_en": "英文名称"}),
    ],
)  # fmt: skip
def test_suggested_mapping_reads_english_and_chinese_headers(columns, mapping):
    assert suggest_mapping(columns) == mapping


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"uscc": "统一社会信用代码"}, "choose the column with the company name"),
        ({"name_zh": "企业名称", "name_en": "企业名称"}, "'企业名称' is mapped to two fields"),
        ({"name_zh": "Firm"}, "'Firm' is not a column"),
        ({"name_zh": "企业名称", "colour": "行业"}, "'colour' is not a firm field"),
    ],
)
def test_a_bad_mapping_is_refused(mapping, message):
    with pytest.raises(InputError, match=message):
        check_mapping(mapping, ["企业名称", "统一社会信用代码", "行业"])


def test_rows_become_records_with_row_numbers_and_a_row_without_a_name_is_a_problem():
    frame = read_table(UTF8_BOM, "firms.csv")
    found = records_from_table(frame, suggest_mapping(list(frame.columns)), "firms.csv")
    assert found.rows == [2, 3, 4, 5, 6, 9, 10, 11]
    assert [str(p) for p in found.problems] == ["row 8, 企业名称: the row has no name"]
    first = found.records[0]
    assert (first.source, first.kind, first.external_id) == ("file:firms.csv", "file",
                                                             "91210200MA0QC1234F")  # fmt: skip
    assert first.payload["注册地址"] == "大连市高新园区软件园路1号"
    assert found.records[4].external_id == "name:大连智汇网络科技"


@pytest.fixture
def hub_id(empty_db) -> int:
    with session_scope(empty_db) as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        return hub.id or 0


def _verdicts(engine, data: bytes, hub_id: int) -> dict[int, tuple[str, str]]:
    frame = read_table(data, "firms.csv")
    found = records_from_table(frame, suggest_mapping(list(frame.columns)), "firms.csv")
    with Session(engine) as s:
        verdicts = plan_records(session=s, records=found.records, hub_id=hub_id,
                                default_sector="payments",
                                labels=[f"row {r}" for r in found.rows])  # fmt: skip
    return {row: (v.action, v.reason) for row, v in zip(found.rows, verdicts, strict=True)}


@pytest.mark.parametrize("data", [UTF8_BOM, GBK], ids=["utf-8 with BOM", "GBK"])
def test_every_bad_row_gets_a_verdict_naming_field_and_value(empty_db, hub_id, data):
    verdicts = _verdicts(empty_db, data, hub_id)
    assert set(verdicts) == set(EXPECTED)
    for row, (action, reason) in EXPECTED.items():
        assert verdicts[row][0] == action, (row, verdicts[row])
        assert reason in verdicts[row][1], (row, verdicts[row])


def test_importing_the_file_twice_writes_it_once(empty_db, hub_id):
    frame = read_table(GBK, "firms.csv")
    found = records_from_table(frame, suggest_mapping(list(frame.columns)), "firms.csv")

    def run() -> tuple[int, int, int]:
        with session_scope(empty_db) as s:
            summary = apply_records(session=s, actor=MANAGER, records=found.records,
                                    hub_id=hub_id, default_sector="payments")  # fmt: skip
        return summary.created, summary.rejected, summary.stored

    assert run() == (2, 6, 2)
    with Session(empty_db) as s:
        firm = s.exec(select(Firm).where(Firm.uscc == "91210200MA0QC1234F")).one()
        assert (firm.sector, firm.founded, firm.employees) == ("payments", date(2019, 5, 1), 35)
        counts = [s.exec(select(func.count()).select_from(t)).one()
                  for t in (Firm, SourceRecord, FieldProvenance)]  # fmt: skip
    assert run() == (0, 6, 0)
    with Session(empty_db) as s:
        assert counts == [s.exec(select(func.count()).select_from(t)).one()
                          for t in (Firm, SourceRecord, FieldProvenance)]  # fmt: skip
    # the UTF-8 file with the same cells is the same source rows: nothing new either
    mapping = suggest_mapping(list(frame.columns))
    utf8 = records_from_table(read_table(UTF8_BOM, "firms.csv"), mapping, "firms.csv")
    assert [r.payload for r in utf8.records] == [r.payload for r in found.records]
