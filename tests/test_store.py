"""The store's shared mechanisms on every backend: migrations, money, audit, append-only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

from models import migrate
from models.audit import AuditLog
from models.db import make_engine, normalize_url, session_scope
from models.fx import FxRate, MissingFxRate, rate_on
from models.hub import FundingRound, Hub

from .conftest import POSTGRES


def _hub(session: Session, name: str = "Dalian") -> Hub:
    hub = Hub(name=name, city=name, province="Liaoning", currency="CNY")
    session.add(hub)
    session.flush()
    return hub


def test_migrations_upgrade_downgrade_upgrade_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    migrate.downgrade(engine)
    assert migrate.current_revision(engine) is None
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_migrations_upgrade_downgrade_upgrade_postgres():
    if not POSTGRES:
        pytest.skip("no Postgres server: set TEST_DATABASE_URL")
    admin = make_engine(POSTGRES[0])
    with admin.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA migration_check"))
    engine = sa.create_engine(
        normalize_url(POSTGRES[0]), connect_args={"options": "-csearch_path=migration_check"}
    )
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        migrate.downgrade(engine)
        assert sa.inspect(engine).get_table_names(schema="migration_check") == ["alembic_version"]
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA migration_check CASCADE"))
        admin.dispose()


def test_migrations_match_the_models(empty_db):
    with empty_db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


@pytest.mark.parametrize(
    "amount",
    [
        "0.01",
        "-0.01",
        "0",
        "1234567.89",
        "9999999999999.99",
        "10000000000000.00",
        "-10000000000000",
    ],
)
def test_money_round_trips_to_the_cent(empty_db, amount):
    with session_scope(empty_db) as session:
        hub = _hub(session)
        from models.hub import Firm

        firm = Firm(name_en="Acme", sector="payments", hub_id=hub.id)
        session.add(firm)
        session.flush()
        session.add(
            FundingRound(
                firm_id=firm.id,
                announced=date(2020, 1, 1),
                stage="A",
                amount=Decimal(amount),
                currency="CNY",
            )
        )
    with Session(empty_db) as session:
        stored = session.exec(select(FundingRound)).one().amount
        assert stored == Decimal(amount) and isinstance(stored, Decimal)
    with empty_db.connect() as conn:
        raw = conn.execute(sa.text("SELECT amount_minor FROM funding_round")).scalar_one()
        assert raw == int(Decimal(amount) * 100)


def test_audit_log_records_insert_update_delete_with_actor(empty_db):
    with session_scope(empty_db, actor="bureau:li") as session:
        hub = _hub(session)
    with session_scope(empty_db, actor="bureau:wang") as session:
        hub = session.get(Hub, hub.id)
        hub.plan_name = "Dalian fintech plan"
    with session_scope(empty_db, actor="admin") as session:
        session.delete(session.get(Hub, hub.id))
    with Session(empty_db) as session:
        rows = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
    assert [(r.actor, r.action, r.table_name) for r in rows] == [
        ("bureau:li", "insert", "hub"),
        ("bureau:wang", "update", "hub"),
        ("admin", "delete", "hub"),
    ]
    assert rows[0].new_values["name"] == "Dalian" and rows[0].old_values is None
    assert rows[1].old_values == {"plan_name": None}
    assert rows[1].new_values == {"plan_name": "Dalian fintech plan"}
    assert rows[2].old_values["plan_name"] == "Dalian fintech plan"
    assert rows[0].row_key == f"[{hub.id}]"


def test_audit_log_writes_nothing_when_the_change_rolls_back(empty_db):
    with pytest.raises(RuntimeError), session_scope(empty_db) as session:
        _hub(session)
        raise RuntimeError("abandon")
    with Session(empty_db) as session:
        assert session.exec(select(AuditLog)).all() == []


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"]
)
def test_append_only_table_refuses_raw_update_and_delete(empty_db, statement):
    with session_scope(empty_db) as session:
        _hub(session)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), empty_db.begin() as conn:
        conn.execute(sa.text(statement))
    with empty_db.connect() as conn:
        rows = conn.execute(sa.text("SELECT actor FROM audit_log")).scalars().all()
    assert rows == ["system"]


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_foreign_keys_are_enforced(empty_db):
    from models.hub import Park

    with pytest.raises(sa.exc.IntegrityError), session_scope(empty_db) as session:
        session.add(Park(hub_id=999, name="Nowhere", district="X", focus="Y"))


@pytest.mark.parametrize(
    ("stored_on", "asked_on", "expected"),
    [
        (date(2024, 1, 2), date(2024, 1, 2), Decimal("7.1")),
        (date(2024, 1, 2), date(2024, 1, 20), Decimal("7.1")),
        (date(2024, 1, 2), date(2024, 1, 1), None),  # only a later rate: missing
        (date(2024, 1, 2), date(2024, 3, 1), None),  # too old: missing
    ],
)
def test_fx_rate_as_of_a_date(empty_db, stored_on, asked_on, expected):
    with session_scope(empty_db) as session:
        session.add(FxRate(on=stored_on, base="USD", quote="CNY", rate=Decimal("7.1")))
    with Session(empty_db) as session:
        if expected is None:
            with pytest.raises(MissingFxRate, match=f"USD/CNY.*{asked_on.isoformat()}"):
                rate_on(session=session, base="USD", quote="CNY", on=asked_on)
        else:
            assert rate_on(session=session, base="USD", quote="CNY", on=asked_on) == expected
            inverse = rate_on(session=session, base="CNY", quote="USD", on=asked_on)
            assert inverse == Decimal(1) / expected
