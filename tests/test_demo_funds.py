"""The demo funds: counts, determinism, provenance, the ledger's invariants, returns, marks,
reports and the synthetic benchmark (SQLite, and Postgres where one answers)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from fund import demo_fund_facts
from fund.demo import DEMO_COUNTS, DEMO_SEED, count_rows, load_demo
from fund.demo_facts import DEMO_END, SEED_DALIAN
from fund.demo_fund_facts import DALIAN_FUND, SHENZHEN_FUND
from fund.demo_funds import DEMO_LEDGER_COUNTS, DEMO_REVERSALS, plan_demo_funds
from fund.demo_generate import generate
from fund.positions import cash_balance, ledger_frame, positions
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Commitment, Fund, Lp
from models.hub import Firm, FundingRound, Hub
from models.ledger import LedgerEntry
from models.monitoring import GRACE, REPORT_EVERY, CompanyReport, MetricDefinition
from models.validation import InputError
from models.valuation import BenchmarkIndex, IndexLevel, ValuationMark

TODAY = date(2026, 11, 22)
FUND_FIELDS = (
    "funds", "lps", "commitments", "ledger_entries", "valuation_marks", "benchmark_indexes",
    "index_levels", "metric_definitions", "company_reports",
)  # fmt: skip


def _load(engine: Engine, **kwargs):
    with session_scope(engine, actor="test") as session:
        return load_demo(session=session, **kwargs)


def _funds(session: Session) -> dict[str, Fund]:
    return {f.name: f for f in session.exec(select(Fund)).all()}


def _digest(engine: Engine) -> str:
    """The fund side as text: ledger (names, not ids), marks and reports."""
    with Session(engine) as s:
        funds = {f.id: f.name for f in s.exec(select(Fund)).all()}
        lps = {lp.id: lp.name for lp in s.exec(select(Lp)).all()}
        firms = {f.id: f.name_en for f in s.exec(select(Firm)).all()}
        entries = s.exec(select(LedgerEntry).order_by(LedgerEntry.id)).all()
        by_id = {e.id: e for e in entries}
        parts = [
            f"{funds[e.fund_id]}|{e.entry_type}|{e.category}|{e.entry_date}|{e.amount}|"
            f"{e.currency}|{e.fx_rate}|{e.amount_fund}|{lps.get(e.lp_id)}|{firms.get(e.firm_id)}|"
            f"{e.cost_released}|{e.post_money}|{e.ownership}|{e.memo}|"
            f"{by_id[e.reverses_id].memo if e.reverses_id else ''}"
            for e in entries
        ]
        parts += sorted(f"{funds[m.fund_id]}|{firms[m.firm_id]}|{m.valued_on}|{m.fair_value}|"
                        f"{m.method}" for m in s.exec(select(ValuationMark)).all())  # fmt: skip
        parts += sorted(f"{funds[r.fund_id]}|{firms[r.firm_id]}|{r.period_end}|{r.revenue}|"
                        f"{r.cash}|{r.headcount}|{sorted(r.metrics.items())}"
                        for r in s.exec(select(CompanyReport)).all())  # fmt: skip
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _live(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """The entries that stand: neither reversals nor reversed."""
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    return [e for e in entries if e.reverses_id is None and e.id not in reversed_ids]


def _nav(session: Session, fund: Fund, frame, on: date) -> Decimal:
    """The holdings' fair value on ``on``: the latest mark of each holding with cost left."""
    marks = session.exec(select(ValuationMark).where(ValuationMark.fund_id == fund.id)).all()
    total = Decimal(0)
    for firm_id, held in positions(frame[frame["entry_date"] <= on]).items():
        if held.remaining_cost > 0:
            found = [m for m in marks if m.firm_id == firm_id and m.valued_on <= on]
            total += max(found, key=lambda m: m.valued_on).fair_value if found else held.invested
    return total


def _multiples(session: Session, fund: Fund, on: date) -> tuple[Decimal, Decimal]:
    """(DPI, TVPI) on ``on``: distributions and NAV over the capital called."""
    frame = ledger_frame(session=session, fund_ids=[fund.id], until=on)
    called = frame[frame["entry_type"] == "capital_call"]["amount_fund"].sum()
    paid = frame[frame["entry_type"] == "distribution"]["amount_fund"].sum()
    return paid / called, (paid + _nav(session, fund, frame, on)) / called


# --- loading ---------------------------------------------------------------------------------


def test_load_demo_writes_the_documented_fund_rows(demo_db):
    with Session(demo_db) as s:
        summary = count_rows(session=s)
    assert summary == DEMO_COUNTS
    assert {k: summary.as_dict()[k] for k in FUND_FIELDS} == {
        "funds": 2, "lps": 9, "commitments": 10, "ledger_entries": 724, "valuation_marks": 255,
        "benchmark_indexes": 1, "index_levels": 102, "metric_definitions": 5,
        "company_reports": 472,
    }  # fmt: skip
    with Session(demo_db) as s:
        entries = s.exec(select(LedgerEntry)).all()
        audited = s.exec(
            select(func.count()).select_from(AuditLog).where(AuditLog.table_name == "ledger_entry")
        ).one()
    assert dict(Counter(e.entry_type for e in entries)) == DEMO_LEDGER_COUNTS
    assert sum(DEMO_LEDGER_COUNTS.values()) == DEMO_COUNTS.ledger_entries
    assert len([e for e in entries if e.reverses_id]) == DEMO_REVERSALS
    assert audited == len(entries)  # every entry went through the session: audited
    assert {e.recorded_by for e in entries} == {"admin:demo"}
    assert all(e.memo and e.memo.startswith("demo:") for e in entries)


def test_fund_side_is_deterministic_across_databases(demo_db, second_demo_sqlite):
    assert _digest(demo_db) == _digest(second_demo_sqlite)
    data = generate(DEMO_SEED)
    assert plan_demo_funds(data, DEMO_SEED) == plan_demo_funds(data, DEMO_SEED)
    other_seed = plan_demo_funds(generate(DEMO_SEED + 1), DEMO_SEED + 1)
    assert other_seed.ops != plan_demo_funds(data, DEMO_SEED).ops


def test_replace_is_refused_once_the_ledger_holds_entries(demo_db):
    with pytest.raises(InputError, match="append-only") as refused:
        _load(demo_db, replace=True)
    assert "fresh database" in str(refused.value) and "data/hubfund.db" in str(refused.value)
    with Session(demo_db) as s:
        assert count_rows(session=s) == DEMO_COUNTS
        deletes = s.exec(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "delete")
        ).one()
    assert deletes == 0


def test_a_bad_fund_fact_is_refused_and_nothing_is_written(empty_db, monkeypatch):
    monkeypatch.setitem(demo_fund_facts.FUNDS[0], "management_fee_rate", Decimal("1.5"))
    with pytest.raises(InputError) as refused:
        _load(empty_db)
    message = str(refused.value)
    assert DALIAN_FUND in message and "management_fee_rate" in message and "1.5" in message
    with Session(empty_db) as s:
        assert not any(count_rows(session=s).as_dict().values())
        assert s.exec(select(func.count()).select_from(AuditLog)).one() == 0


# --- what the demo holds (the shared demo database: read only) -------------------------------


def test_funds_commitments_and_the_seed_lps(demo_db):
    with Session(demo_db) as s:
        funds = _funds(s)
        hubs = {h.id: h.name for h in s.exec(select(Hub)).all()}
        lps = {lp.name: lp for lp in s.exec(select(Lp)).all()}
        commitments = s.exec(select(Commitment)).all()
    dalian, shenzhen = funds[DALIAN_FUND], funds[SHENZHEN_FUND]
    assert (dalian.name_zh, dalian.currency, dalian.vintage) == (
        "大连互联网金融发展基金", "CNY", date(2018, 6, 30))  # fmt: skip
    assert dalian.size == Decimal(1_000_000_000) and shenzhen.size == Decimal(2_000_000_000)
    assert (hubs[dalian.hub_id], hubs[shenzhen.hub_id]) == ("Dalian", "Shenzhen")
    terms = (dalian.management_fee_rate, dalian.carry_rate, dalian.hurdle_rate, dalian.term_years)
    assert terms == (Decimal("0.02"), Decimal("0.2"), Decimal("0.08"), 10)
    assert SEED_DALIAN in dalian.source and "demo assumption" in dalian.source
    assert not dalian.is_demo and shenzhen.is_demo
    for fund in funds.values():
        own = [c for c in commitments if c.fund_id == fund.id]
        assert sum(c.amount for c in own) == fund.size
        assert all(c.committed_on == fund.vintage and c.is_demo for c in own)
    dfiig, dianrong = lps["Dalian Financial Industry Investment Group"], lps["Dianrong"]
    assert (dfiig.kind, dfiig.name_zh) == ("city investment group", "大连金融产业投资集团")
    assert (dianrong.kind, dianrong.name_zh) == ("fintech partner", "点融")
    assert SEED_DALIAN in dfiig.source and SEED_DALIAN in dianrong.source
    assert not dfiig.is_demo and not dianrong.is_demo and dfiig.is_public
    others = [lp for lp in lps.values() if lp.name not in ("Dianrong", dfiig.name)]
    assert all(lp.is_demo and "(demo)" in lp.name and lp.source.startswith("demo") for lp in others)
    dalian_lps = {lp.kind for lp in lps.values()
                  for c in commitments if c.lp_id == lp.id and c.fund_id == dalian.id}  # fmt: skip
    assert {"government guidance fund", "bank", "family office"} <= dalian_lps
    assert any(lp.kind == "government guidance fund" for lp in lps.values()
               for c in commitments if c.lp_id == lp.id and c.fund_id == shenzhen.id)  # fmt: skip


def test_reversals_keep_their_originals_and_are_re_recorded(demo_db):
    with Session(demo_db) as s:
        entries = {e.id: e for e in s.exec(select(LedgerEntry)).all()}
    reversals = [e for e in entries.values() if e.reverses_id is not None]
    assert len(reversals) == DEMO_REVERSALS
    for rev in reversals:
        original = entries[rev.reverses_id]
        assert original.reverses_id is None and rev.entry_date >= original.entry_date
        assert (rev.entry_type, rev.category, rev.fund_id) == (
            original.entry_type, original.category, original.fund_id)  # fmt: skip
        assert rev.amount == -original.amount and rev.amount_fund == -original.amount_fund
        assert "re-recorded" in rev.memo
        redone = [e for e in entries.values() if e.id > rev.id and e.reverses_id is None
                  and e.entry_type == original.entry_type and e.memo == original.memo
                  and e.entry_date == original.entry_date]  # fmt: skip
        assert redone, rev.memo  # the right entry, keyed after the reversal
        fixed = redone[0]
        assert (fixed.amount, fixed.currency, fixed.lp_id) != (
            original.amount, original.currency, original.lp_id)  # fmt: skip


def test_the_ledger_keeps_its_invariants(demo_db):
    with Session(demo_db) as s:
        for fund in _funds(s).values():
            frame = ledger_frame(session=s, fund_ids=[fund.id])
            assert frame["entry_date"].min() >= fund.vintage
            assert frame["entry_date"].max() <= DEMO_END
            for day in sorted(set(frame["entry_date"])):  # cash never below zero
                held = cash_balance(frame[frame["entry_date"] <= day])
                assert held >= 0, (fund.name, day, held)
            for _, row in frame[frame["entry_type"] == "distribution"].iterrows():
                before = frame[(frame["entry_date"] <= row["entry_date"])
                               & (frame["id"] < row["id"])]  # fmt: skip
                assert row["amount_fund"] <= cash_balance(before), (fund.name, row["id"])
            invested: dict[int, Decimal] = defaultdict(Decimal)
            released: dict[int, Decimal] = defaultdict(Decimal)
            for _, row in frame.sort_values(["entry_date", "id"]).iterrows():
                if row["entry_type"] == "investment":
                    invested[row["firm_id"]] += row["amount_fund"]
                elif row["cost_released"] is not None and not _missing(row["cost_released"]):
                    released[row["firm_id"]] += row["cost_released"]
                    assert released[row["firm_id"]] <= invested[row["firm_id"]], row["id"]
            for held in positions(frame).values():
                assert held.remaining_cost >= 0 and held.invested > 0
            commitments = s.exec(select(Commitment).where(Commitment.fund_id == fund.id)).all()
            calls = frame[frame["entry_type"] == "capital_call"]
            for c in commitments:
                assert calls[calls["lp_id"] == c.lp_id]["amount_fund"].sum() <= c.amount
            usd = frame[frame["currency"] == "USD"]
            assert all(r.amount_fund == (r.amount * r.fx_rate).quantize(Decimal("0.01"))
                       and r.fx_rate > 6 for r in usd.itertuples())  # fmt: skip


def _missing(value: object) -> bool:
    return value != value  # NaN from pandas


def test_investments_follow_the_hub_rounds(demo_db):
    with Session(demo_db) as s:
        hubs = {h.name: h.id for h in s.exec(select(Hub)).all()}
        firms = {f.id: f for f in s.exec(select(Firm)).all()}
        rounds = {r.id: r for r in s.exec(select(FundingRound)).all()}
        for name, hub in ((DALIAN_FUND, "Dalian"), (SHENZHEN_FUND, "Shenzhen")):
            fund = _funds(s)[name]
            entries = s.exec(
                select(LedgerEntry).where(
                    LedgerEntry.fund_id == fund.id, LedgerEntry.entry_type == "investment"
                )
            ).all()
            cheques = _live(entries)
            companies = {e.firm_id for e in cheques}
            assert 12 <= len(companies) <= 20
            local = [f for f in companies if firms[f].hub_id == hubs[hub]]
            assert len(local) >= 0.75 * len(companies)
            assert any(e.category == "follow_on" for e in cheques)
            for e in cheques:
                rnd = rounds[e.funding_round_id]
                assert rnd.firm_id == e.firm_id and e.round_stage == rnd.stage
                assert timedelta(0) <= e.entry_date - rnd.announced <= timedelta(days=20)
                assert e.currency == rnd.currency and e.amount <= rnd.amount
                assert e.post_money and e.pre_money and 0 < e.ownership < 1
                firm = firms[e.firm_id]
                assert firm.founded < e.entry_date
                assert firm.closed_on is None or e.entry_date < firm.closed_on
        entries = _live(s.exec(select(LedgerEntry)).all())
    assert any(e.currency == "USD" and e.entry_type == "investment" for e in entries)


def test_exits_write_offs_and_distributions(demo_db):
    with Session(demo_db) as s:
        funds = _funds(s)
        entries = _live(s.exec(select(LedgerEntry)).all())
    by_fund = {name: [e for e in entries if e.fund_id == f.id] for name, f in funds.items()}
    dalian, shenzhen = by_fund[DALIAN_FUND], by_fund[SHENZHEN_FUND]
    exits = [e for e in dalian if e.category in ("exit", "partial_exit")]
    assert 2 <= len(exits) <= 4 and min(e.entry_date for e in exits) >= date(2022, 1, 1)
    assert any(e.category == "partial_exit" for e in exits)
    assert 1 <= len([e for e in dalian if e.entry_type == "write_off"]) <= 2
    assert len([e for e in shenzhen if e.entry_type == "write_off"]) == 1
    paid = Counter(e.category for e in dalian if e.entry_type == "distribution")
    assert paid["return_of_capital"] and paid["gain"]
    for fund in (dalian, shenzhen):  # every payment out is called in, category by category
        for category in ("management_fee", "fund_expense"):
            called = sum(e.amount for e in fund if e.entry_type == "capital_call"
                         and e.category == category)  # fmt: skip
            spent = sum(e.amount for e in fund if e.entry_type == "fund_payment"
                        and e.category == category)  # fmt: skip
            assert called == spent > 0


def test_returns_have_the_planned_shape(demo_db):
    with Session(demo_db) as s:
        funds = _funds(s)
        dalian = {on: _multiples(s, funds[DALIAN_FUND], on)
                  for on in (date(2022, 6, 30), date(2023, 12, 31), DEMO_END)}  # fmt: skip
        young_dpi, young_tvpi = _multiples(s, funds[SHENZHEN_FUND], DEMO_END)
    assert dalian[date(2022, 6, 30)][0] == 0
    assert 0 < dalian[date(2023, 12, 31)][0] < dalian[DEMO_END][0]  # DPI grows after 2022
    assert Decimal("1.4") <= dalian[DEMO_END][1] <= Decimal("1.8")
    assert young_dpi == 0 and Decimal("1.1") <= young_tvpi <= Decimal("1.3")


def test_marks_every_half_year(demo_db):
    with Session(demo_db) as s:
        funds = _funds(s)
        marks = s.exec(select(ValuationMark)).all()
        for fund in funds.values():
            frame = ledger_frame(session=s, fund_ids=[fund.id])
            for half in (date(2023, 6, 30), date(2025, 12, 31), DEMO_END):
                held = positions(frame[frame["entry_date"] <= half])
                marked = {m.firm_id for m in marks if m.fund_id == fund.id and m.valued_on == half}
                assert {f for f, p in held.items() if p.remaining_cost > 0} == marked
    assert all(m.is_demo and m.currency == "CNY" and m.valued_on <= DEMO_END for m in marks)
    assert {m.valued_on.month for m in marks if m.method != "write-off"} == {6, 12}
    assert {"cost", "last round", "comparables", "write-down", "write-off"} <= {
        m.method for m in marks
    }
    assert all(m.fair_value == 0 for m in marks if m.method == "write-off")


def test_reports_and_overdue_companies(demo_db):
    with Session(demo_db) as s:
        funds = _funds(s)
        reports = s.exec(select(CompanyReport)).all()
        metrics = s.exec(select(MetricDefinition)).all()
        overdue = {}
        for fund in funds.values():
            codes = {m.code for m in metrics if m.fund_id == fund.id}
            assert codes
            for day in (DEMO_END, TODAY):
                late = []
                frame = ledger_frame(session=s, fund_ids=[fund.id], until=day)
                for firm_id, held in positions(frame).items():
                    if held.remaining_cost <= 0:
                        continue
                    own = [r for r in reports if r.fund_id == fund.id and r.firm_id == firm_id]
                    assert own, firm_id  # every holding reports
                    last = max(r.period_end for r in own)
                    if last + REPORT_EVERY + GRACE < day:
                        late.append(last)
                overdue[(fund.name, day)] = late
            own_reports = [r for r in reports if r.fund_id == fund.id]
            assert all(set(r.metrics) <= codes for r in own_reports)
            assert all(Decimal(v) >= 0 for r in own_reports for v in r.metrics.values())
    assert {m.code for m in metrics} >= {"active_users", "loan_book"}
    assert all(r.is_demo and r.period_end <= DEMO_END and r.currency == "CNY" for r in reports)
    # at the demo's end, only the laggards (last report a year old) are overdue
    assert overdue[(DALIAN_FUND, DEMO_END)] == [date(2025, 6, 30)] * 2
    assert overdue[(SHENZHEN_FUND, DEMO_END)] == [date(2025, 6, 30)]
    for name in (DALIAN_FUND, SHENZHEN_FUND):
        assert overdue[(name, TODAY)].count(date(2025, 6, 30)) == len(overdue[(name, DEMO_END)])


def test_the_benchmark_is_synthetic(demo_db):
    with Session(demo_db) as s:
        index = s.exec(select(BenchmarkIndex)).one()
        levels = s.exec(select(IndexLevel).order_by(IndexLevel.on)).all()
    assert (index.code, index.currency, index.is_demo) == ("DEMO-CN-TR", "CNY", True)
    assert "not real data" in index.name and "not a real index" in index.source
    assert len(levels) == 102 and all(lv.index_code == "DEMO-CN-TR" for lv in levels)
    assert (levels[0].on, levels[-1].on) == (date(2018, 1, 31), DEMO_END)
    assert all((lv.on + timedelta(days=1)).day == 1 and lv.level > 0 for lv in levels)
    assert levels[0].level == 1000
