"""Progress on long work: the demo load prints a line per step, ledger and report imports tell
how far they are, and the fund overview recomputes the snapshots with a progress bar."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from streamlit.testing.v1 import AppTest

from fund.access import Actor
from fund.cli import main
from fund.demo import DEMO_STEPS
from fund.ledger_io import LEDGER_COLUMNS, import_ledger
from fund.monitoring_io import import_reports, report_template
from models.db import make_engine, session_scope
from models.fund import Commitment, Fund, Lp
from models.snapshots import PerformanceSnapshot

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
MANAGER = Actor(name="chen", role="fund_manager")
D = Decimal


def _steady(calls: list[tuple[int, int]]) -> bool:
    """Whether the (done, total) calls only move forward and end complete."""
    shares = [done / total for done, total in calls]
    return shares == sorted(shares) and calls[-1][0] == calls[-1][1] > 0


def test_hubfund_demo_prints_a_line_per_step(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["demo", "--if-empty"]) == 0
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert lines == [
        f"demo: step {n} of {len(DEMO_STEPS)}: {step}..."
        for n, step in enumerate(DEMO_STEPS, start=1)
    ]
    assert "demo loaded" in out


LP = "Dalian City Investment Group"


@pytest.fixture
def fund(empty_db):
    """A CNY fund (vintage 2020) with one committed LP, on every backend."""
    with session_scope(empty_db, actor="seed") as s:
        fund = Fund(name="Dalian IF Fund", vintage=date(2020, 1, 1), size=D("1e9"), gp="GP")
        lp = Lp(name=LP, kind="city investment group")
        s.add_all([fund, lp])
        s.flush()
        s.add(Commitment(fund_id=fund.id, lp_id=lp.id, amount=D("6e8"), committed_on=fund.vintage))
    return empty_db, fund.id


def _ledger_csv(calls: int) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(LEDGER_COLUMNS)
    for n in range(calls):
        row = {"ref": f"C-{n}", "type": "capital_call", "lp": LP, "currency": "CNY",
               "date": f"2021-0{n + 1}-15", "amount": "1000"}  # fmt: skip
        writer.writerow([row.get(column, "") for column in LEDGER_COLUMNS])
    return text.getvalue().encode("utf-8")


def _import_ledger(engine, fund_id: int, data: bytes) -> tuple[object, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    with session_scope(engine, actor=MANAGER.audit_name) as session:
        result = import_ledger(session=session, actor=MANAGER, fund_id=fund_id, data=data,
                               filename="calls.csv",
                               progress=lambda *c: calls.append(c))  # fmt: skip
    return result, calls


def test_a_ledger_import_tells_its_progress_to_the_end(fund):
    engine, fund_id = fund
    data = _ledger_csv(3)
    result, calls = _import_ledger(engine, fund_id, data)
    assert result.written == 3 and _steady(calls)
    assert calls[-1] == (6, 6)  # 3 rows checked, 3 entries recorded
    again, calls = _import_ledger(engine, fund_id, data)  # nothing new: still ends complete
    assert (again.written, again.skipped) == (0, 3) and _steady(calls) and calls[-1] == (3, 3)


def test_a_report_import_tells_each_report_written(demo_sqlite_url):
    engine = make_engine(demo_sqlite_url)
    with Session(engine) as session:
        template = report_template(session=session, fund_id=1, fmt="csv", period_end=date.today())
    rows = list(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    filled = [rows[0]] + [[*row[:3], "1000", "100", "5000", "7", *row[7:]] for row in rows[1:]]
    text = io.StringIO()
    csv.writer(text).writerows(filled)
    calls: list[tuple[int, int]] = []
    with session_scope(engine, actor=MANAGER.audit_name) as session:
        count = import_reports(session=session, actor=MANAGER, fund_id=1, filename="q.csv",
                               data=text.getvalue().encode(),
                               progress=lambda *c: calls.append(c))  # fmt: skip
    assert count == len(rows) - 1 > 0
    assert calls == [(n, count) for n in range(1, count + 1)]


@pytest.mark.parametrize(("language", "button", "done"), [
    ("en", "Recompute snapshots", "snapshot rows written"),
    ("zh", "重新计算快照", "行快照"),
])  # fmt: skip
def test_the_fund_overview_recomputes_the_snapshots_with_a_progress_bar(
    demo_sqlite_url, monkeypatch, language, button, done
):
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    monkeypatch.setenv("HUBFUND_LANG", language)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["actor"] = Actor(name="tester", role="fund_manager")
    at.switch_page("app_pages/fund_overview.py").run()
    next(b for b in at.button if b.label == button).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert done in at.success[0].value
    assert at.get("progress")
    with Session(make_engine(demo_sqlite_url)) as session:
        rows = session.exec(select(func.count()).select_from(PerformanceSnapshot)).one()
    assert rows > 0


def test_analysts_are_not_offered_the_recompute(demo_sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    monkeypatch.delenv("HUBFUND_LANG", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["actor"] = Actor(name="tester", role="analyst")
    at.switch_page("app_pages/fund_overview.py").run()
    assert not [b for b in at.button if b.label == "Recompute snapshots"]
