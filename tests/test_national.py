"""The national-scale demo: its sizes, the same store for a seed, books that hold together."""

from __future__ import annotations

import functools
import itertools
from datetime import date

import pandas as pd
import pytest
from sqlmodel import Session, col, func, select

import fund.cli_scale
from fund.cli import main
from fund.demo_facts import HUBS
from fund.demo_national import load_national
from fund.national_plan import NATIONAL, NationalSize, plan_national, size_at
from fund.performance import fund_performance
from fund.positions import cash_on
from models.audit import AuditLog
from models.db import make_engine, session_scope
from models.fund import Fund
from models.hub import Firm, Hub
from models.ledger import LedgerEntry
from models.pipeline import Deal, DealStageChange
from models.validation import InputError, validate_uscc

SCALE = 0.001


@pytest.mark.parametrize(
    ("scale", "size"),
    [
        (1.0, NationalSize(10, 100, 50_000, 1_000_000, 20_000, 5_000)),
        (0.001, NationalSize(10, 2, 50, 1_000, 20, 5)),
        (0.01, NationalSize(10, 2, 500, 10_000, 200, 50)),
    ],
)
def test_size_at_scales_the_national_store(scale, size):
    assert size_at(scale) == size
    assert size_at(1.0) == NATIONAL


def test_the_plan_is_the_same_for_a_seed_and_differs_for_another():
    one, two, other = (plan_national(size_at(SCALE), seed) for seed in (3, 3, 4))
    pd.testing.assert_frame_equal(one.ledger, two.ledger)
    pd.testing.assert_frame_equal(one.firms, two.firms)
    pd.testing.assert_frame_equal(one.deals.moves, two.deals.moves)
    assert not one.ledger["amount_minor"].equals(other.ledger["amount_minor"])


@pytest.fixture
def national(empty_db):
    with session_scope(empty_db, actor="admin:tester") as session:
        summary = load_national(session=session, scale=SCALE, seed=3)
    return empty_db, summary


def test_load_writes_the_sizes_and_one_audit_row_per_table(national):
    engine, summary = national
    size = size_at(SCALE)
    assert (
        summary.hubs,
        summary.funds,
        summary.firms,
        summary.ledger_entries,
        summary.valuation_marks,
        summary.deals,
    ) == (size.hubs, size.funds, size.firms, size.ledger_entries, size.valuation_marks, size.deals)
    with Session(engine) as session:
        hubs = session.exec(select(Hub)).all()
        bulk = session.exec(
            select(AuditLog.table_name).where(col(AuditLog.row_key).startswith("bulk "))
        ).all()
    assert {h["name"] for h in HUBS} < {h.name for h in hubs} and len(hubs) == 10
    assert all(h.name_zh and h.source for h in hubs)
    assert sorted(bulk) == sorted(
        [
            "firm",
            "fund",
            "lp",
            "commitment",
            "ledger_entry",
            "valuation_mark",
            "deal",
            "deal_stage_change",
        ]
    )


def test_firms_have_valid_distinct_codes_and_are_marked_generated(national):
    engine, _ = national
    with Session(engine) as session:
        firms = session.exec(select(Firm)).all()
    assert len({f.uscc for f in firms}) == len(firms)
    assert all(validate_uscc(f.uscc) == f.uscc for f in firms)
    assert all(f.is_demo and "generated" in f.source and f.name_en and f.name_zh for f in firms)


def test_books_hold_together_cash_never_negative_and_metrics_defined(national):
    engine, _ = national
    with Session(engine) as session:
        for fund in session.exec(select(Fund)).all():
            days = session.exec(
                select(LedgerEntry.entry_date).where(LedgerEntry.fund_id == fund.id).distinct()
            ).all()
            assert min(days) >= fund.vintage and max(days) <= date(2026, 6, 30)
            assert all(cash_on(session=session, fund_id=fund.id, on=d) >= 0 for d in days)
            perf = fund_performance(session=session, fund_id=fund.id, as_of=date(2026, 6, 30))
            assert perf.called > 0 and perf.nav > 0 and perf.invested > 0


def test_deals_follow_the_pipeline_rules(national):
    engine, _ = national
    with Session(engine) as session:
        deals = session.exec(select(Deal)).all()
        for deal in deals:
            moves = session.exec(
                select(DealStageChange)
                .where(DealStageChange.deal_id == deal.id)
                .order_by(col(DealStageChange.id))
            ).all()
            assert moves[0].to_stage == "sourced" and moves[-1].to_stage == deal.stage
            assert [m.moved_on for m in moves] == sorted(m.moved_on for m in moves)
            assert all(a.to_stage == b.from_stage for a, b in itertools.pairwise(moves))
            if deal.stage == "invested":
                entry = session.get(LedgerEntry, deal.investment_entry_id)
                assert (entry.entry_type, entry.fund_id, entry.firm_id) == (
                    "investment",
                    deal.fund_id,
                    deal.firm_id,
                )
                assert moves[-1].moved_on == entry.entry_date
            if deal.stage == "passed":
                assert deal.pass_reason and moves[-1].reason == deal.pass_reason
    open_pairs = [(d.fund_id, d.firm_id) for d in deals if d.stage not in ("passed", "invested")]
    assert len(open_pairs) == len(set(open_pairs))


def test_load_is_refused_into_a_store_holding_data(national):
    engine, _ = national
    with pytest.raises(InputError, match="already holds data"):
        with session_scope(engine, actor="admin:tester") as session:
            load_national(session=session, scale=SCALE)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Hub)).one() == 10


def test_cli_demo_scale_national_loads_with_a_progress_line(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setattr(
        fund.cli_scale, "load_national", functools.partial(load_national, scale=SCALE)
    )
    assert main(["demo", "--scale", "national", "--seed", "3"]) == 0
    out = capsys.readouterr()
    assert "national demo loaded (seed 3)" in out.out and "1000 ledger entries" in out.out
    assert "ledger_entry: 1,000/1,000" in out.err
    assert main(["demo", "--scale", "national", "--if-empty"]) == 0
    assert "not loaded" in capsys.readouterr().out
    assert main(["demo", "--scale", "galactic"]) == 2
    with Session(make_engine(sqlite_url)) as session:
        assert session.exec(select(func.count()).select_from(LedgerEntry)).one() == 1000
