"""Recompute: the snapshot figures are fund.performance's, replaced together, audited once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, func, select

from fund.cli import main
from fund.demo_national import load_national
from fund.performance import fund_performance, holdings, plain
from fund.recompute import compute, recompute
from models.audit import AuditLog
from models.db import make_engine, session_scope
from models.fund import Fund
from models.snapshots import PerformanceSnapshot
from models.validation import InputError

FUND_FIELDS = (
    "invested",
    "realized",
    "called",
    "distributed",
    "nav",
    "dpi",
    "rvpi",
    "tvpi",
    "moic",
    "gross_irr",
    "net_irr",
)
HOLDING_FIELDS = ("invested", "realized", "fair_value", "moic", "irr")


def _domain(session: Session, as_of: date, currency: str | None) -> dict:
    """Every fund's and holding's figures by fund.performance, keyed by (fund, firm)."""
    out = {}
    for fund in session.exec(select(Fund).where(Fund.vintage <= as_of)).all():
        perf = fund_performance(session=session, fund_id=fund.id, as_of=as_of, currency=currency)
        out[(fund.id, None)] = {k: plain(getattr(perf, k)) for k in FUND_FIELDS} | {
            "fair_value": perf.holdings_fair_value
        }
        for h in holdings(session=session, fund_id=fund.id, as_of=as_of, currency=currency):
            out[(fund.id, h.firm_id)] = {k: plain(getattr(h, k)) for k in HOLDING_FIELDS}
    return out


def _computed(session: Session, as_of: date, currency: str | None) -> dict:
    out = {}
    for f in compute(session=session, as_of=as_of, currency=currency):
        out[(f.fund_id, None)] = {k: plain(getattr(f, k)) for k in (*FUND_FIELDS, "fair_value")}
        for h in f.holdings:
            out[(f.fund_id, h.firm_id)] = {k: plain(getattr(h, k)) for k in HOLDING_FIELDS}
    return out


@pytest.mark.parametrize(
    ("as_of", "currency"),
    [
        (date(2026, 6, 30), None),
        (date(2022, 12, 31), None),
        (date(2024, 3, 31), "USD"),
        (date(2020, 6, 30), "CNY"),
    ],
)
def test_figures_equal_fund_performance_on_the_demo(demo_db, as_of, currency):
    with Session(demo_db) as session:
        assert _computed(session, as_of, currency) == _domain(session, as_of, currency)


def test_recompute_writes_the_domain_figures_and_replaces_them(demo_sqlite_url):
    engine = make_engine(demo_sqlite_url)
    as_of = date(2025, 12, 31)
    with session_scope(engine, actor="admin:tester") as session:
        first = recompute(session=session, as_of=as_of)
    with session_scope(engine, actor="admin:tester") as session:
        again = recompute(session=session, as_of=as_of)
    assert first.rows_replaced == 0 and again.rows_replaced == first.rows_written
    assert first.rows_written == first.funds + first.holdings == 2 + first.holdings
    with Session(engine) as session:
        rows = session.exec(select(PerformanceSnapshot)).all()
        expected = _domain(session, as_of, None)
        audits = session.exec(
            select(AuditLog).where(AuditLog.table_name == "performance_snapshot")
        ).all()
    assert len(rows) == first.rows_written
    for row in rows:
        want = expected[(row.fund_id, row.firm_id)]
        assert (row.as_of, row.currency, row.level) == (
            as_of,
            "CNY",
            "fund" if row.firm_id is None else "holding",
        )
        got = {
            "invested": row.invested,
            "realized": row.realized,
            "fair_value": row.fair_value,
            "moic": row.moic,
        }
        assert got == {k: want[k] for k in got}
        assert row.gross_irr == (want["gross_irr"] if row.firm_id is None else want["irr"])
        if row.firm_id is None:
            assert (row.called, row.distributed, row.nav, row.dpi, row.tvpi, row.net_irr) == tuple(
                want[k] for k in ("called", "distributed", "nav", "dpi", "tvpi", "net_irr")
            )
        if row.moic is None or row.gross_irr is None:
            assert row.note
    assert [a.actor for a in audits] == ["admin:tester", "admin:tester"]
    assert audits[1].new_values["count"] == first.rows_written
    engine.dispose()


def test_recompute_of_the_national_store_equals_the_domain(empty_db):
    with session_scope(empty_db, actor="admin:tester") as session:
        load_national(session=session, scale=0.001, seed=11)
    as_of = date(2026, 6, 30)
    with session_scope(empty_db, actor="admin:tester") as session:
        done = recompute(session=session, as_of=as_of)
    with Session(empty_db) as session:
        assert _computed(session, as_of, None) == _domain(session, as_of, None)
        count = session.exec(select(func.count()).select_from(PerformanceSnapshot)).one()
    assert count == done.rows_written == done.funds + done.holdings and done.funds == 2


@pytest.mark.parametrize(
    ("as_of", "currency", "message"),
    [(date.today() + timedelta(days=1), None, "as_of"), (date(2020, 6, 30), "EUR", "EUR")],
)
def test_recompute_refuses_bad_input_and_writes_nothing(demo_sqlite_url, as_of, currency, message):
    engine = make_engine(demo_sqlite_url)
    with pytest.raises(InputError, match=message):
        with session_scope(engine, actor="admin:tester") as session:
            recompute(session=session, as_of=as_of, currency=currency)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(PerformanceSnapshot)).one() == 0
    engine.dispose()


def test_recompute_cli_prints_what_it_did(demo_sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    assert main(["recompute", "--as-of", "2025-06-30", "--fund", "1"]) == 0
    out = capsys.readouterr()
    assert "recomputed 1 funds" in out.out and "snapshot rows written" in out.out
    assert "performance_snapshot" in out.err  # the progress line
    assert main(["recompute", "--as-of", "2025-6-3x"]) == 2
    assert "--as-of" in capsys.readouterr().err
    with Session(make_engine(demo_sqlite_url)) as session:
        funds = session.exec(select(PerformanceSnapshot.fund_id).distinct()).all()
        assert funds == [1]
        assert session.exec(select(func.min(col(PerformanceSnapshot.as_of)))).one() == date(
            2025, 6, 30
        )


def test_a_write_after_the_snapshot_makes_its_fund_stale(demo_sqlite_url):
    from decimal import Decimal

    from fund.access import Actor
    from fund.ledger import record_fund_payment
    from fund.recompute import stale_funds
    from models.ledger_inputs import FundPaymentCreate

    engine = make_engine(demo_sqlite_url)
    as_of = date(2025, 12, 31)
    with Session(engine) as session:
        assert stale_funds(session=session, as_of=as_of) == [1, 2]  # nothing computed yet
    with session_scope(engine, actor="admin:tester") as session:
        recompute(session=session, as_of=as_of)
    with Session(engine) as session:
        assert stale_funds(session=session, as_of=as_of) == []
        assert stale_funds(session=session, as_of=as_of, currency="USD") == [1, 2]
    with session_scope(engine, actor="fund_manager:tester") as session:
        payment = FundPaymentCreate(
            fund_id=2, entry_date=date(2025, 6, 30), amount=Decimal("1000.00"), currency="CNY"
        )
        record_fund_payment(
            session=session, actor=Actor(name="tester", role="fund_manager"), payment_in=payment
        )
    with Session(engine) as session:
        assert stale_funds(session=session, as_of=as_of) == [2]
        assert stale_funds(session=session, as_of=date(2025, 6, 29)) == [1, 2]
    engine.dispose()
