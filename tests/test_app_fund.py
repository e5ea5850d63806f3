"""The fund pages through AppTest on the demo data: figures match the domain, forms write
what they say and refuse bad input writing nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from streamlit.testing.v1 import AppTest

from fund.access import Actor
from fund.performance import fund_performance, holdings
from models.db import make_engine
from models.ledger import LedgerEntry

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def _open(url: str, monkeypatch: pytest.MonkeyPatch, page: str, role: str = "fund_manager"):
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["actor"] = Actor(name="tester", role=role)
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _entries(url: str, fund_id: int | None = None) -> int:
    query = select(func.count()).select_from(LedgerEntry)
    if fund_id is not None:
        query = query.where(LedgerEntry.fund_id == fund_id)
    with Session(make_engine(url)) as s:
        return s.exec(query).one()


def test_fund_overview_tiles_match_the_returns_engine(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "fund_overview")
    with Session(make_engine(demo_sqlite_url)) as s:
        perf = fund_performance(session=s, fund_id=1, as_of=date.today())
    assert _metric(at, "TVPI") == f"{float(perf.tvpi):.2f}x"
    assert _metric(at, "DPI") == f"{float(perf.dpi):.2f}x"
    assert _metric(at, "Net IRR") == f"{perf.net_irr * 100:.1f} %"
    assert at.title[0].value == "Fund overview"
    ilpa = next(d.value for d in at.dataframe if "item" in d.value)
    assert ilpa.set_index("item").loc["TVPI", "value"] == f"{float(perf.tvpi):.2f}x"
    assert ilpa.set_index("item").loc["Total commitments", "value"] == "1,000,000,000.00"


def test_holdings_table_lists_every_company_with_moic(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "holdings")
    with Session(make_engine(demo_sqlite_url)) as s:
        expected = holdings(session=s, fund_id=1, as_of=date.today())
    table = at.dataframe[0].value
    assert sorted(table["company"]) == sorted(h.company for h in expected)
    assert int(_metric(at, "Companies")) == len(expected)
    assert [b.label for b in at.get("download_button")][:2] == ["Download CSV", "Download Excel"]


def _fill_call(at: AppTest, amount: str, when: date) -> None:
    at.date_input(key="call_date").set_value(when)
    at.text_input(key="call_amount").input(amount)
    next(b for b in at.button if b.label == "Record call").click().run()


def test_a_capital_call_recorded_through_the_form(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "fund_ledger")
    before = _entries(demo_sqlite_url)
    _fill_call(at, "1,250,000.50", date.today() - timedelta(days=1))
    assert not at.error, [e.value for e in at.error]
    assert "Recorded capital call" in at.success[0].value
    assert "CNY 1,250,000.50" in at.success[0].value
    assert _entries(demo_sqlite_url) == before + 1


@pytest.mark.parametrize(
    ("amount", "when", "message"),
    [
        ("1.001", date.today(), "more than 2 decimal places"),
        ("-500", date.today(), "zero or negative"),
        ("500", date(2018, 1, 1), "before the vintage"),  # vintage 2018-06-30
    ],
)
def test_a_bad_capital_call_is_refused_and_nothing_written(
    demo_sqlite_url, monkeypatch, amount, when, message
):
    at = _open(demo_sqlite_url, monkeypatch, "fund_ledger")
    before = _entries(demo_sqlite_url)
    _fill_call(at, amount, when)
    assert message in at.error[0].value
    assert _entries(demo_sqlite_url) == before


def test_reversing_a_reversal_is_refused(demo_sqlite_url, monkeypatch):
    with Session(make_engine(demo_sqlite_url)) as s:
        reversal = s.exec(select(LedgerEntry).where(LedgerEntry.reverses_id.is_not(None))).first()
    at = _open(demo_sqlite_url, monkeypatch, "fund_ledger")
    before = _entries(demo_sqlite_url)
    at.number_input(key="rev_id").set_value(reversal.id)
    at.text_input(key="rev_memo").input("undo the undo")
    next(b for b in at.button if b.label == "Reverse entry").click().run()
    assert "a reversal cannot be reversed" in at.error[0].value
    assert _entries(demo_sqlite_url) == before


def test_analysts_see_the_ledger_without_forms(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "fund_ledger", role="analyst")
    assert not [b for b in at.button if b.label.startswith("Record")]
    assert any("Read-only for your role" in c.value for c in at.caption)
    assert len(at.dataframe[0].value) == _entries(demo_sqlite_url, fund_id=1)


def test_portfolio_reports_list_the_overdue_companies(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "portfolio_reports")
    overdue = at.dataframe[0].value
    assert len(overdue) > 0 and (overdue["days_overdue"] > 0).all()
    assert any(s.value.startswith("Overdue reports") for s in at.subheader)


def test_bureau_sees_the_funds_contribution_on_hub_comparison(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "hub_comparison", role="bureau")
    contributions = at.dataframe[-1].value
    assert "Dalian Internet Finance Development Fund" in set(contributions["fund"])
    assert (contributions["crowd_in"].dropna() >= 1).all()
