"""The bulk ledger path: the same rows as fund.ledger writes, the same refusals, one audit row."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from sqlmodel import Session, col, func, select

from fund import ledger
from fund.access import Actor, PermissionDenied
from fund.bulk import BulkLoadError
from fund.bulk_ledger import load_ledger
from fund.demo_national import check_plan, ledger_rows, write_references
from fund.national_plan import plan_national, size_at
from models import migrate
from models.audit import AuditLog
from models.db import make_engine, session_scope
from models.ledger import LedgerEntry
from models.ledger_inputs import (
    CapitalCallCreate,
    DistributionCreate,
    FundPaymentCreate,
    InvestmentCreate,
    ProceedsCreate,
    WriteOffCreate,
)

ADMIN = Actor(name="tester", role="admin")
COMPARED = (
    "fund_id",
    "entry_type",
    "category",
    "entry_date",
    "amount",
    "currency",
    "fx_rate",
    "amount_fund",
    "lp_id",
    "firm_id",
    "instrument",
    "round_stage",
    "post_money",
    "ownership",
    "cost_released",
    "recorded_by",
)


@pytest.fixture(scope="module")
def plan():
    made = plan_national(size_at(0.001), seed=7)
    check_plan(made)
    return made


def _store(engine, plan) -> pd.DataFrame:
    """Write the plan's references; the ledger rows of the fund with the most entry types."""
    with session_scope(engine, actor=ADMIN.audit_name) as session:
        ids = write_references(session=session, actor=ADMIN, plan=plan)
    rows = ledger_rows(
        plan,
        fund_first=ids["fund"].first_id,
        lp_first=ids["lp"].first_id,
        firm_first=ids["firm"].first_id,
    )
    kinds = rows.groupby("fund_id")["entry_type"].nunique()
    return rows[rows["fund_id"] == kinds.idxmax()]


def _record(session: Session, row: dict) -> None:
    """One planned row through fund.ledger's record_* function."""
    base = {
        "fund_id": int(row["fund_id"]),
        "entry_date": row["entry_date"].date(),
        "currency": row["currency"],
        "amount": Decimal(int(row["amount_minor"])) / 100,
    }
    kind, category = row["entry_type"], row["category"]
    firm = {} if pd.isna(row["firm_id"]) else {"firm_id": int(row["firm_id"])}
    released = int(row["cost_released_minor"])
    cost = {"cost_released": Decimal(released) / 100} if released else {}
    if kind == "capital_call":
        ledger.record_call(
            session=session,
            actor=ADMIN,
            call_in=CapitalCallCreate(**base, lp_id=int(row["lp_id"]), category=category),
        )
    elif kind == "distribution":
        ledger.record_distribution(
            session=session,
            actor=ADMIN,
            distribution_in=DistributionCreate(**base, lp_id=int(row["lp_id"]), category=category),
        )
    elif kind == "fund_payment":
        ledger.record_fund_payment(
            session=session, actor=ADMIN, payment_in=FundPaymentCreate(**base, category=category)
        )
    elif kind == "investment":
        post = Decimal(int(row["post_money_minor"])) / 100
        ledger.record_investment(
            session=session,
            actor=ADMIN,
            investment_in=InvestmentCreate(
                **base, **firm, round_stage=row["round_stage"], post_money=post
            ),
        )
    elif kind == "proceeds":
        ledger.record_proceeds(
            session=session,
            actor=ADMIN,
            proceeds_in=ProceedsCreate(**base, **firm, category=category, **cost),
        )
    else:
        ledger.record_write_off(
            session=session,
            actor=ADMIN,
            write_off_in=WriteOffCreate(
                fund_id=base["fund_id"], entry_date=base["entry_date"], **firm, **cost
            ),
        )


def _stored(engine) -> list[dict]:
    with Session(engine) as session:
        entries = session.exec(select(LedgerEntry).order_by(col(LedgerEntry.id))).all()
        return [{name: getattr(e, name) for name in COMPARED} for e in entries]


def test_bulk_load_stores_what_the_record_functions_store(empty_db, plan, tmp_path):
    rows = _store(empty_db, plan)
    assert {"capital_call", "fund_payment", "investment", "proceeds", "distribution"} <= set(
        rows["entry_type"]
    )
    with session_scope(empty_db, actor=ADMIN.audit_name) as session:
        done = load_ledger(session=session, actor=ADMIN, rows=rows.drop(columns=["is_demo"]))
    assert done.count == len(rows) and done.last_id - done.first_id + 1 == len(rows)
    other = make_engine(f"sqlite:///{tmp_path / 'recorded.db'}")
    migrate.upgrade(other)
    _store(other, plan)
    with session_scope(other, actor=ADMIN.audit_name) as session:
        for row in rows.to_dict("records"):
            _record(session, row)
    assert _stored(empty_db) == _stored(other)
    other.dispose()


def test_bulk_load_writes_one_audit_row_with_count_ids_and_hash(empty_db, plan):
    rows = _store(empty_db, plan)
    with Session(empty_db) as session:
        before = session.exec(select(func.count()).select_from(AuditLog)).one()
    with session_scope(empty_db, actor=ADMIN.audit_name) as session:
        done = load_ledger(session=session, actor=ADMIN, rows=rows, note="test load")
    with Session(empty_db) as session:
        audit = session.exec(select(AuditLog).where(col(AuditLog.id) > 0)).all()[before:]
        ids = session.exec(select(LedgerEntry.id).order_by(col(LedgerEntry.id))).all()
    assert len(audit) == 1
    row = audit[0]
    assert (row.actor, row.action, row.table_name) == ("admin:tester", "insert", "ledger_entry")
    assert row.row_key == f"bulk {ids[0]}-{ids[-1]}"
    values = row.new_values
    assert values["count"] == len(ids) == len(rows) and values["note"] == "test load"
    assert (values["first_id"], values["last_id"]) == (ids[0], ids[-1])
    assert values["sha256"] == done.sha256 and len(done.sha256) == 64


def _bad(rows: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, str]:
    """``rows`` with one row broken the way ``kind`` says; the column the refusal names."""
    rows = rows.copy().reset_index(drop=True)
    first = {k: int(rows.index[rows["entry_type"] == k][0]) for k in set(rows["entry_type"])}
    late = rows.index[-1]
    if kind == "currency":
        rows.loc[0, "currency"] = "XYZ"
    elif kind == "decimals":
        rows = rows.drop(columns=["amount_minor"]).assign(amount=rows["amount_minor"].astype(str))
        rows.loc[0, "amount"] = "1.234"
        return rows, "amount"
    elif kind == "negative":
        rows.loc[0, "amount_minor"] = -100
    elif kind == "vintage":
        rows.loc[0, "entry_date"] = pd.Timestamp("2000-01-01")
        return rows, "entry_date"
    elif kind == "future":
        rows.loc[late, "entry_date"] = pd.Timestamp(date.today() + timedelta(days=3))
        return rows, "entry_date"
    elif kind == "lp":
        rows.loc[first["capital_call"], "lp_id"] = 999_999
        return rows, "lp_id"
    elif kind == "firm":
        rows.loc[first["investment"], "firm_id"] = 999_999
        return rows, "firm_id"
    elif kind == "fx":
        rows.loc[first["capital_call"], "currency"] = "EUR"
    elif kind == "cash":
        extra = rows.loc[[first["capital_call"]]].assign(
            entry_type="distribution", category="gain", amount_minor=10**15
        )
        return pd.concat([rows, extra], ignore_index=True), "amount_minor"
    elif kind == "cost":
        extra = rows.loc[[first["investment"]]].assign(
            entry_type="write_off",
            category="write_off",
            amount_minor=0,
            cost_released_minor=10**14,
            round_stage=None,
            post_money_minor=0,
        )
        return pd.concat([rows, extra], ignore_index=True), "cost_released_minor"
    elif kind == "category":
        rows.loc[first["capital_call"], "category"] = "gain"
        return rows, "category"
    return rows, {"currency": "currency", "negative": "amount_minor", "fx": "currency"}[kind]


@pytest.mark.parametrize(
    "kind",
    [
        "currency",
        "decimals",
        "negative",
        "vintage",
        "future",
        "lp",
        "firm",
        "fx",
        "cash",
        "cost",
        "category",
    ],
)
def test_bulk_load_refuses_a_bad_row_naming_it_and_writes_nothing(empty_db, plan, kind):
    rows, column = _bad(_store(empty_db, plan), kind)
    with Session(empty_db) as session:
        audits = session.exec(select(func.count()).select_from(AuditLog)).one()
    with pytest.raises(BulkLoadError) as refused:
        with session_scope(empty_db, actor=ADMIN.audit_name) as session:
            load_ledger(session=session, actor=ADMIN, rows=rows)
    assert any(problem[1] == column for problem in refused.value.problems), refused.value
    assert "nothing written" in str(refused.value) and f", {column}: " in str(refused.value)
    with Session(empty_db) as session:
        assert session.exec(select(func.count()).select_from(LedgerEntry)).one() == 0
        assert session.exec(select(func.count()).select_from(AuditLog)).one() == audits


@pytest.mark.parametrize(
    "actor",
    [
        Actor(name="x", role="analyst"),
        Actor(name="x", role="bureau"),
        Actor(name="x", role="fund_manager", funds=frozenset({999})),
    ],
)
def test_bulk_load_is_refused_to_those_who_may_not_record_in_the_fund(empty_db, plan, actor):
    rows = _store(empty_db, plan)
    with pytest.raises(PermissionDenied):
        with session_scope(empty_db, actor=actor.audit_name) as session:
            load_ledger(session=session, actor=actor, rows=rows)
    with Session(empty_db) as session:
        assert session.exec(select(func.count()).select_from(LedgerEntry)).one() == 0
