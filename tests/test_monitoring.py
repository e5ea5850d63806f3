"""Portfolio monitoring: metrics, reports and their refusals, runway, overdue, import."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, func, select
from stdnum.cn import uscc as stdnum_uscc

from fund.access import Actor, PermissionDenied
from fund.ledger import record_call, record_investment, record_proceeds
from fund.monitoring import (
    REPORT_COLUMNS,
    CompanyReportInput,
    define_metric,
    overdue,
    record_report,
    reports_frame,
    runway_months,
)
from fund.monitoring_io import import_reports, last_quarter_end, report_template
from fund.results import Undefined
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Commitment, Fund, Lp
from models.hub import Firm, Hub
from models.ledger_inputs import CapitalCallCreate, InvestmentCreate, ProceedsCreate
from models.monitoring import CompanyReport
from models.validation import InputError

D = Decimal
MANAGER = Actor(name="chen", role="fund_manager")
ANALYST = Actor(name="zhao", role="analyst")
USCC_GAMMA = "91210202MA0000000" + stdnum_uscc.calc_check_digit("91210202MA0000000")


@pytest.fixture
def book(empty_db):
    """A CNY fund holding Alpha Pay (from 2024-01-15), Gamma Data (2023-01-10) and Epsilon
    Bank (2024-01-15), having exited Delta Chain, never invested in Beta Lend; metric
    ``active_users``; reports: Alpha Pay 2024-03-31, Epsilon Bank 2024-05-31."""
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        fund = Fund(name="Dalian IF Fund", vintage=date(2020, 1, 1), size=D("1000000000"),
                    gp="GP", hub_id=hub.id)  # fmt: skip
        lp = Lp(name="Dalian City Investment Group", kind="city investment group")
        names = {"A": ("Alpha Pay", "阿尔法支付", None), "B": ("Beta Lend", None, None),
                 "C": ("Gamma Data", None, USCC_GAMMA), "D": ("Delta Chain", None, None),
                 "E": ("Epsilon Bank", None, None)}  # fmt: skip
        firms = {k: Firm(name_en=en, name_zh=zh, uscc=code, sector="payments", hub_id=hub.id)
                 for k, (en, zh, code) in names.items()}  # fmt: skip
        s.add_all([fund, lp, *firms.values()])
        s.flush()
        s.add(Commitment(fund_id=fund.id, lp_id=lp.id, amount=D("600000000"),
                         committed_on=date(2020, 1, 1)))  # fmt: skip
        ids = {k: f.id for k, f in firms.items()} | {"fund": fund.id}
    with session_scope(empty_db, actor=MANAGER.audit_name) as s:
        record_call(session=s, actor=MANAGER, call_in=CapitalCallCreate(
            fund_id=ids["fund"], lp_id=lp.id, entry_date=date(2023, 1, 2), amount="10000000",
            currency="CNY"))  # fmt: skip
        for firm, on in (("C", date(2023, 1, 10)), ("D", date(2023, 2, 1)),
                         ("A", date(2024, 1, 15)), ("E", date(2024, 1, 15))):  # fmt: skip
            record_investment(session=s, actor=MANAGER, investment_in=InvestmentCreate(
                fund_id=ids["fund"], firm_id=ids[firm], entry_date=on, amount="1000000",
                currency="CNY"))  # fmt: skip
        record_proceeds(session=s, actor=MANAGER, proceeds_in=ProceedsCreate(
            fund_id=ids["fund"], firm_id=ids["D"], entry_date=date(2024, 2, 1),
            amount="1500000", currency="CNY"))  # fmt: skip
        define_metric(session=s, actor=MANAGER, fund_id=ids["fund"], code="active_users",
                      name="Monthly active users", unit="users")  # fmt: skip
        record_report(session=s, actor=MANAGER, report_in=_report(ids, "A", date(2024, 3, 31),
                      metrics={"active_users": "12000"}))  # fmt: skip
        record_report(session=s, actor=MANAGER, report_in=_report(ids, "E", date(2024, 5, 31)))
    return empty_db, ids


def _report(ids, firm, period_end, **figures):
    given = {"revenue": "1000000.00", "burn": "200000", "cash": "2400000", "headcount": 40}
    return CompanyReportInput(fund_id=ids["fund"], firm_id=ids[firm], period_end=period_end,
                              currency="CNY", **(given | figures))  # fmt: skip


def _count(engine, table=CompanyReport) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(table)).one()


def test_a_report_is_recorded_with_its_metrics_and_runway(book):
    engine, ids = book
    with session_scope(engine, actor=MANAGER.audit_name) as s:
        june = _report(ids, "A", date(2024, 6, 30), burn="0", metrics={"active_users": "1.5E+4"})
        public = record_report(session=s, actor=MANAGER, report_in=june)
    assert (public.firm_id, public.metrics, public.burn) == (ids["A"], {"active_users": 15000}, 0)
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.table_name == "company_report")).all()
        stored = s.get(CompanyReport, public.id)
    assert audit[-1].actor == "fund_manager:chen" and stored.metrics == {"active_users": "15000"}
    with session_scope(engine) as s:
        frame = reports_frame(session=s, fund_id=ids["fund"])
        alpha = reports_frame(session=s, fund_id=ids["fund"], firm_id=ids["A"])
    assert list(frame["company"]) == ["Alpha Pay", "Alpha Pay", "Epsilon Bank"]
    assert (frame.iloc[1]["runway_months"], frame.iloc[1]["runway_note"]) == (
        None, "not burning cash")  # fmt: skip
    assert list(frame.columns[2:9]) == list(REPORT_COLUMNS)
    row = alpha.iloc[0]
    assert (row["revenue"], row["cash"], row["headcount"]) == (D("1000000.00"), D("2400000"), 40)
    assert (row["runway_months"], row["runway_note"]) == (D("12.0"), None)
    assert row["active_users"] == D("12000") and frame.iloc[2]["active_users"] is None


def test_runway_is_cash_over_monthly_burn_and_undefined_without_burn():
    assert runway_months(cash=D("1000000"), burn=D("300000")) == D("3.3")
    assert runway_months(cash=D("0"), burn=D("10")) == D("0.0")
    for burn in (D("0"), D("-5")):
        result = runway_months(cash=D("5"), burn=burn)
        assert isinstance(result, Undefined) and result.reason == "not burning cash"
    assert isinstance(runway_months(cash=None, burn=D("5")), Undefined)


def _refusals(ids):
    today = date.today()
    return {
        "never invested": (lambda: _report(ids, "B", date(2024, 3, 31)), "not a holding"),
        "invested after the period": (lambda: _report(ids, "A", date(2023, 12, 31)),
                                      "not a holding of Dalian IF Fund on 2023-12-31"),
        "future period end": (lambda: _report(ids, "A", today + timedelta(days=30)),
                              "in the future"),
        "unknown metric": (lambda: _report(ids, "A", date(2024, 6, 30), metrics={
            "nps": "40", "churn": "2"}), "unknown metric code.*churn, nps"),
        "second report for the period": (lambda: _report(ids, "A", date(2024, 3, 31)),
                                          "already has a report .* corrections"),
        "three decimals": (lambda: _report(ids, "A", date(2024, 6, 30), revenue="1.005"),
                           "more than 2 decimal"),
        "negative cash": (lambda: _report(ids, "A", date(2024, 6, 30), cash="-1"), "negative"),
        "no figures": (lambda: _report(ids, "A", date(2024, 6, 30), revenue=None, burn=None,
                                       cash=None, headcount=None), "no figure"),
        "by an analyst": (lambda: _report(ids, "A", date(2024, 6, 30)), "may not"),
    }  # fmt: skip


@pytest.mark.parametrize("case", list(_refusals({})))
def test_refused_reports_write_nothing(book, case):
    engine, ids = book
    build, message = _refusals(ids)[case]
    actor, error = (ANALYST, PermissionDenied) if "analyst" in case else (MANAGER, ValueError)
    before = (_count(engine), _count(engine, AuditLog))
    with pytest.raises(error, match=message), session_scope(engine) as s:
        record_report(session=s, actor=actor, report_in=build())
    assert (_count(engine), _count(engine, AuditLog)) == before


@pytest.mark.parametrize(
    ("code", "message"),
    [("Active Users", "a-z, 0-9"), ("active_users", "already has"), ("cash", "standard")],
)
def test_metric_codes_are_checked(book, code, message):
    engine, ids = book
    with pytest.raises(InputError, match=message), session_scope(engine) as s:
        define_metric(session=s, actor=MANAGER, fund_id=ids["fund"], code=code, name="x", unit="")
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        define_metric(session=s, actor=ANALYST, fund_id=ids["fund"], code="nps", name="NPS",
                      unit="")  # fmt: skip


def test_overdue_lists_held_companies_past_their_reporting_deadline(book):
    engine, ids = book
    with session_scope(engine) as s:
        late = overdue(session=s, fund_id=ids["fund"], today=date(2024, 9, 1))
        on_the_day = overdue(session=s, fund_id=ids["fund"], today=date(2024, 8, 15))
    # Gamma: never reported, invested 2023-01-10 + 92 + 45 days; Alpha: 2024-03-31 + 137 days.
    # Epsilon reported 2024-05-31 (due 2024-10-15); Delta was exited; Beta never held.
    assert late.to_dict("records") == [
        {"firm_id": ids["C"], "company": "Gamma Data", "last_period_end": None,
         "due_since": date(2023, 5, 27), "days_overdue": 463},
        {"firm_id": ids["A"], "company": "Alpha Pay", "last_period_end": date(2024, 3, 31),
         "due_since": date(2024, 8, 15), "days_overdue": 17},
    ]  # fmt: skip
    assert list(on_the_day["company"]) == ["Gamma Data"]


def _csv(rows):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def test_csv_template_filled_and_imported(book):
    engine, ids = book
    with session_scope(engine) as s:
        template = report_template(session=s, fund_id=ids["fund"], fmt="csv",
                                   period_end=date(2024, 6, 30))  # fmt: skip
    assert template.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    assert rows == [
        [*REPORT_COLUMNS, "active_users"],
        ["Alpha Pay", "2024-06-30", "CNY", "", "", "", "", ""],
        ["Epsilon Bank", "2024-06-30", "CNY", "", "", "", "", ""],
        ["Gamma Data", "2024-06-30", "CNY", "", "", "", "", ""],
    ]
    rows[1] = ["阿尔法支付", "2024-06-30", "CNY", "1,234.50", "100", "1200", "12", "15000"]
    rows[3] = [USCC_GAMMA, "2024-06-30", "CNY", "0", "", "500000.25", "3", ""]  # Epsilon: blank
    with session_scope(engine) as s:
        assert import_reports(session=s, actor=MANAGER, fund_id=ids["fund"], data=_csv(rows),
                              filename="q2.csv") == 2  # fmt: skip
    with session_scope(engine) as s:
        frame = reports_frame(session=s, fund_id=ids["fund"]).set_index(["company", "period_end"])
    alpha, gamma = (
        frame.loc[("Alpha Pay", date(2024, 6, 30))],
        frame.loc[("Gamma Data", date(2024, 6, 30))],
    )
    assert (alpha["revenue"], alpha["runway_months"], alpha["active_users"]) == (
        D("1234.50"), D("12.0"), D("15000"))  # fmt: skip
    assert (gamma["cash"], gamma["burn"], gamma["headcount"]) == (D("500000.25"), None, 3)
    assert gamma["runway_months"] is None and gamma["runway_note"] == "cash or burn not reported"


def test_xlsx_template_filled_and_imported(book):
    engine, ids = book
    with session_scope(engine) as s:
        template = report_template(session=s, fund_id=ids["fund"], period_end=date(2024, 6, 30))
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["reports"]
    assert [c.value for c in sheet[1]] == [*REPORT_COLUMNS, "active_users"]
    assert [c.value for c in workbook["metrics"][2]] == ["active_users", "Monthly active users",
                                                         "users"]  # fmt: skip
    assert sheet["A2"].value == "Alpha Pay" and sheet["B2"].value.date() == date(2024, 6, 30)
    for column, value in zip("DEFGH", (1234.5, 100, 1200, 12, 15000), strict=True):
        sheet[f"{column}2"] = value
    sheet["D3"], sheet["F3"] = "99.99", 0.1  # Epsilon Bank
    out = io.BytesIO()
    workbook.save(out)
    with session_scope(engine) as s:
        assert import_reports(session=s, actor=MANAGER, fund_id=ids["fund"],
                              data=out.getvalue(), filename="Q2.XLSX") == 2  # fmt: skip
    with session_scope(engine) as s:
        frame = reports_frame(session=s, fund_id=ids["fund"])
    june = frame[frame["period_end"] == date(2024, 6, 30)].set_index("company")
    assert list(june.index) == ["Alpha Pay", "Epsilon Bank"]
    assert june.loc["Alpha Pay", "revenue"] == D("1234.50")
    assert (june.loc["Epsilon Bank", "revenue"], june.loc["Epsilon Bank", "cash"]) == (
        D("99.99"), D("0.10"))  # fmt: skip


def test_an_import_with_bad_rows_lists_every_problem_and_writes_nothing(book):
    engine, ids = book
    rows = [
        [*REPORT_COLUMNS, "active_users"],
        ["Nobody Ltd", "2024-06-30", "CNY", "1", "", "", "", ""],
        ["Alpha Pay", "30/06/2024", "CNY", "1", "", "", "", ""],
        ["alpha pay", "2024-06-30", "RMB", "-5", "1.005", "", "", ""],
        ["Alpha Pay", "2024-03-31", "CNY", "1", "", "", "", ""],
        ["Beta Lend", "2024-06-30", "CNY", "1", "", "", "", ""],
        ["Gamma Data", "2024-06-30", "CNY", "1", "", "", "many", "lots"],
        ["Epsilon Bank", "2024-06-30", "CNY", "1", "", "", "", ""],
        ["Epsilon Bank", "2024-06-30", "CNY", "2", "", "", "", ""],
        ["", "2024-06-30", "CNY", "5", "", "", "", ""],
        ["Gamma Data", "", "", "", "", "", "", ""],  # nothing reported: skipped
    ]
    before = (_count(engine), _count(engine, AuditLog))
    with pytest.raises(InputError) as caught, session_scope(engine) as s:
        import_reports(session=s, actor=MANAGER, fund_id=ids["fund"], data=_csv(rows),
                       filename="bad.csv")  # fmt: skip
    lines = str(caught.value).splitlines()
    assert lines[0] == "bad.csv: 11 problem(s), nothing imported"
    expected = [
        "row 2, company: 'Nobody Ltd' is no company's",
        "row 3, period_end: ",
        "row 4, currency: 'RMB' is not an ISO 4217",
        "row 4, revenue: '-5' is negative",
        "row 4, burn: '1.005' has more than 2 decimal",
        "row 5, period_end: Alpha Pay already has a report for the period ending 2024-03-31",
        "row 6, company: Beta Lend is not a holding",
        "row 7, headcount: ",
        "row 7, active_users: 'lots' is not a number",
        "row 9, period_end: Epsilon Bank already has a report for the period ending 2024-06-30 "
        "(row 8 of this file)",
        "row 10, company: empty",
    ]
    assert len(lines) == 1 + len(expected)
    for line, start in zip(lines[1:], expected, strict=True):
        assert line.startswith(start), line
    assert (_count(engine), _count(engine, AuditLog)) == before


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (_csv([["company", "period_end", "currency", "profit"]]), "a.csv", "profit"),
        (_csv([["company", "revenue"]]), "a.csv", r"missing \['period_end', 'currency'\]"),
        (b"company", "a.txt", "neither a .csv nor an .xlsx"),
        (b"not a zip", "a.xlsx", "not a readable xlsx"),
        ("company\n\xe9".encode("latin-1"), "a.csv", "not UTF-8"),
    ],
)
def test_unreadable_files_and_headers_are_refused(book, data, filename, message):
    engine, ids = book
    with pytest.raises(InputError, match=message), session_scope(engine) as s:
        import_reports(session=s, actor=MANAGER, fund_id=ids["fund"], data=data, filename=filename)


def test_last_quarter_end():
    assert last_quarter_end(date(2024, 5, 10)) == date(2024, 3, 31)
    assert last_quarter_end(date(2024, 1, 1)) == date(2023, 12, 31)
