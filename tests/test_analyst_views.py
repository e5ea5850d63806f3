"""The analysts' views on both databases, against the domain's own numbers on the demo data;
the schema documentation generated from the models."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, func, select

from fund.funding import rounds_frame
from fund.hub_targets import hub_targets
from fund.performance import holdings
from fund.pipeline_analytics import deals, history_frame, time_in_stage
from fund.positions import cash_on
from fund.results import Undefined
from fund.schema_doc import schema_docs, table_docs
from models import migrate
from models.db import session_scope
from models.fund import Fund
from models.fx import FxRate
from models.hub import Firm, FundingRound, Hub
from models.ledger import LedgerEntry
from models.snapshots import PerformanceSnapshot
from models.views import BY_NAME, VIEWS, create_all

ROOT = Path(__file__).resolve().parent.parent
CENT = Decimal("0.01")


def _rows(engine: sa.Engine, sql: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.text(sql)).mappings()]


def _money(value: object) -> Decimal | None:
    """A view's money value (NUMERIC on Postgres, REAL on SQLite) as an exact Decimal."""
    return None if value is None else Decimal(str(value)).quantize(CENT)


def _view_names(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_view_names())


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_each_view_has_exactly_its_documented_columns(empty_db, view):
    with empty_db.connect() as conn:
        result = conn.execute(sa.text(f"SELECT * FROM {view.name} WHERE 1 = 0"))
        assert list(result.keys()) == view.column_names


def test_the_migration_drops_and_recreates_the_views(empty_db):
    assert _view_names(empty_db) == set(BY_NAME)
    migrate.downgrade(empty_db, "0005")
    assert _view_names(empty_db) == set()
    migrate.upgrade(empty_db)
    assert _view_names(empty_db) == set(BY_NAME)
    assert migrate.current_revision(empty_db) == migrate.head_revision()


def test_creating_the_views_again_replaces_them(empty_db):
    with empty_db.begin() as conn:
        create_all(conn.connection.cursor(), empty_db.dialect.name)
        create_all(conn.connection.cursor(), empty_db.dialect.name)
    assert _view_names(empty_db) == set(BY_NAME)
    assert _rows(empty_db, "SELECT COUNT(*) AS n FROM v_ledger") == [{"n": 0}]


def test_v_ledger_has_every_entry_and_sums_to_the_funds_cash(demo_db):
    rows = _rows(demo_db, "SELECT * FROM v_ledger")
    with Session(demo_db) as session:
        entries = {e.id: e for e in session.exec(select(LedgerEntry)).all()}
        cash = {f: cash_on(session=session, fund_id=f, on=date.today()) for f in (1, 2)}
    assert len(rows) == len(entries) == 724
    for row in rows:
        entry = entries[row["entry_id"]]
        assert (_money(row["amount"]), row["currency"]) == (entry.amount, entry.currency)
        assert _money(row["amount_fund"]) == entry.amount_fund
        assert Decimal(str(row["fx_rate"])) == entry.fx_rate
    for fund_id, held in cash.items():
        flows = sum(_money(r["cash_flow_fund"]) for r in rows if r["fund_id"] == fund_id)
        assert flows == held


def test_v_ledger_links_each_reversal_both_ways(demo_db):
    rows = {r["entry_id"]: r for r in _rows(demo_db, "SELECT * FROM v_ledger")}
    reversals = [r for r in rows.values() if r["is_reversal"]]
    assert len(reversals) == 3
    for reversal in reversals:
        original = rows[reversal["reverses_id"]]
        assert original["reversed_by_id"] == reversal["entry_id"]
        assert _money(reversal["amount"]) == -_money(original["amount"])
    linked = [r for r in rows.values() if r["reversed_by_id"] is not None]
    assert len(linked) == 3


def test_v_holdings_matches_the_domain_holdings(demo_db):
    rows = _rows(demo_db, "SELECT * FROM v_holdings")
    with Session(demo_db) as session:
        expected = {
            (h.fund_id, h.firm_id): h
            for fund_id in (1, 2)
            for h in holdings(session=session, fund_id=fund_id, as_of=date.today())
        }
    assert {(r["fund_id"], r["firm_id"]) for r in rows} == set(expected)
    for row in rows:
        held = expected[(row["fund_id"], row["firm_id"])]
        assert _money(row["invested"]) == held.invested
        assert _money(row["realized"]) == held.realized
        assert _money(row["cost_released"]) == held.cost_released
        assert row["company"] == held.company and row["sector"] == held.sector
        assert str(row["first_investment"]) == held.first_investment.isoformat()
        if held.valued_on is not None:  # a mark set the domain's fair value
            assert str(row["mark_on"]) == held.valued_on.isoformat()


def test_v_pipeline_matches_the_pipeline_as_it_is_today(demo_db):
    rows = {r["deal_id"]: r for r in _rows(demo_db, "SELECT * FROM v_pipeline")}
    with Session(demo_db) as session:
        views = deals(session=session)
    assert len(rows) == len(views) == 61
    for deal in views:
        row = rows[deal.id]
        assert (row["stage"], row["company"], row["owner"]) == (
            deal.stage,
            deal.company,
            deal.owner,
        )
        assert row["days_in_stage"] == deal.days_in_stage
        assert row["pass_reason"] == deal.pass_reason


def test_v_deal_stage_history_matches_time_in_stage(demo_db):
    rows = _rows(demo_db, "SELECT * FROM v_deal_stage_history")
    with Session(demo_db) as session:
        history = history_frame(session=session)
    assert len(rows) == len(history) == 290
    assert sum(1 for r in rows if r["is_current"]) == 61
    spent: dict[str, dict[int, int]] = {}
    for row in rows:
        by_deal = spent.setdefault(row["stage"], {})
        by_deal[row["deal_id"]] = by_deal.get(row["deal_id"], 0) + row["days_in_stage"]
    for stage in time_in_stage(history, as_of=date.today()).to_dict("records"):
        days = list(spent.get(stage["stage"], {}).values())
        assert len(days) == stage["deals"]
        if days:
            assert statistics.median(days) == stage["median_days"]


def test_v_funding_rounds_converts_like_the_domain(demo_db):
    rows = {r["round_id"]: r for r in _rows(demo_db, "SELECT * FROM v_funding_rounds")}
    with Session(demo_db) as session:
        frame = rounds_frame(session=session)
    assert len(rows) == len(frame) == 830
    for record in frame.to_dict("records"):
        row = rows[record["round_id"]]
        assert float(row["fx_rate"]) == pytest.approx(float(record["fx_rate"]), rel=1e-12)
        assert abs(_money(row["amount_hub"]) - record["amount_hub"]) <= CENT


def test_v_hub_kpis_vs_targets_matches_the_hub_targets(demo_db):
    rows = {r["target_id"]: r for r in _rows(demo_db, "SELECT * FROM v_hub_kpis_vs_targets")}
    with Session(demo_db) as session:
        progress = hub_targets(session=session, as_of=date.today())
    assert len(rows) == len(progress) == 8
    for target in progress:
        row = rows[target.target_id]
        assert str(row["actual_on"]) == target.actual_on.isoformat()
        assert float(row["actual"]) == pytest.approx(float(target.actual), abs=1.0)
        assert not isinstance(target.attainment, Undefined)
        assert float(row["attainment"]) == pytest.approx(float(target.attainment), rel=1e-9)
        assert float(row["time_elapsed"]) == pytest.approx(float(target.elapsed), rel=1e-9)
        assert float(row["schedule_gap"]) == pytest.approx(float(target.gap), abs=1e-9)


def _world(session: Session) -> tuple[Hub, Firm]:
    hub = Hub(name="Dalian", city="Dalian", province="Liaoning", currency="CNY")
    session.add(hub)
    session.flush()
    firm = Firm(name_en="Acme", sector="payments", hub_id=hub.id)
    session.add(firm)
    session.flush()
    return hub, firm


def test_amounts_in_every_currency_are_hundredths_jpy_too(empty_db):
    day = date(2024, 3, 1)
    with session_scope(empty_db) as session:
        _, firm = _world(session)
        session.add(FxRate(on=day, base="CNY", quote="JPY", rate=Decimal("20")))
        for announced, amount in (
            (day + timedelta(days=10), "1000"),
            (day + timedelta(days=40), "7"),
        ):
            session.add(FundingRound(firm_id=firm.id, announced=announced, stage="seed",
                                     amount=Decimal(amount), currency="JPY"))  # fmt: skip
    rows = _rows(empty_db, "SELECT * FROM v_funding_rounds ORDER BY announced")
    assert [_money(r["amount"]) for r in rows] == [Decimal("1000.00"), Decimal("7.00")]
    assert _rows(empty_db, "SELECT amount_minor FROM funding_round")[0]["amount_minor"] == 100000
    assert float(rows[0]["fx_rate"]) == pytest.approx(0.05)  # the inverse of CNY/JPY 20
    assert _money(rows[0]["amount_hub"]) == Decimal("50.00")
    assert rows[1]["fx_rate"] is None and rows[1]["amount_hub"] is None  # rate 40 days old


def test_v_fund_performance_is_empty_until_snapshots_exist_then_shows_the_latest(empty_db):
    assert _rows(empty_db, "SELECT * FROM v_fund_performance") == []
    with session_scope(empty_db) as session:
        fund = Fund(name="F", vintage=date(2020, 1, 1), size=Decimal("1000000"), gp="GP")
        session.add(fund)
        session.flush()
        money = {"invested": Decimal("100.50"), "realized": Decimal("0"),
                 "fair_value": Decimal("150.25"), "called": Decimal("200")}  # fmt: skip
        for as_of, tvpi in ((date(2024, 6, 30), "1.1"), (date(2024, 12, 31), "1.2"),
                            (date(2024, 12, 31), "1.25")):  # fmt: skip
            session.add(PerformanceSnapshot(fund_id=fund.id, as_of=as_of, currency="CNY",
                                            level="fund", tvpi=Decimal(tvpi), **money))  # fmt: skip
            session.flush()
        session.add(PerformanceSnapshot(fund_id=fund.id, as_of=date(2025, 1, 1), currency="CNY",
                                        level="holding", firm_id=None, **money))  # fmt: skip
    rows = _rows(empty_db, "SELECT * FROM v_fund_performance ORDER BY as_of")
    assert [(str(r["as_of"]), float(r["tvpi"]), bool(r["is_latest"])) for r in rows] == [
        ("2024-06-30", 1.1, False),
        ("2024-12-31", 1.25, True),  # the last computed of the two for that date
    ]
    assert _money(rows[0]["invested"]) == Decimal("100.50")
    assert _money(rows[0]["fair_value"]) == Decimal("150.25") and rows[0]["nav"] is None


def test_the_schema_docs_cover_every_table_and_read_the_model_comments():
    docs = {d.name: d for d in table_docs()}
    assert set(docs) == set(SQLModel.metadata.tables)
    round_columns = {c.name: c for c in docs["funding_round"].columns}
    assert round_columns["investors"].meaning == '"; "-separated'
    assert round_columns["amount_minor"].type == "BIGINT (money, hundredths)"
    assert "amount_minor / 100" in round_columns["amount_minor"].meaning
    assert round_columns["firm_id"].key == "-> firm.id"
    ledger = {c.name: c.meaning for c in docs["ledger_entry"].columns}
    assert ledger["ownership"] == "fraction, 0-1"
    assert docs["saved_query"].doc == "A read-only SQL query an analyst kept under a name."
    assert docs["fund"].doc.startswith("The fund side")  # no class docstring: the module's


def test_the_schema_docs_list_the_views_first():
    names = [d.name for d in schema_docs()]
    assert names[: len(VIEWS)] == [v.name for v in VIEWS]


def test_the_analyst_store_doc_names_every_view_and_column():
    text = (ROOT / "docs" / "analyst-store.md").read_text(encoding="utf-8")
    for view in VIEWS:
        assert f"`{view.name}`" in text
        for column in view.column_names:
            assert f"`{column}`" in text, (view.name, column)


def test_ledger_count_in_sql_equals_the_orm_count(demo_db):
    with Session(demo_db) as session:
        orm = session.exec(select(func.count()).select_from(LedgerEntry)).one()
    assert _rows(demo_db, "SELECT COUNT(*) AS n FROM v_ledger")[0]["n"] == orm
