"""Merging two firms: every reference to the merged firm moves (or the merge is refused), the
kept firm gains what it lacked, and the merged firm's record is kept; keeping two apart."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Fund
from models.hub import Firm, FundingRound, Hub
from models.ledger import LedgerEntry
from models.monitoring import CompanyReport
from models.pipeline import Deal
from models.snapshots import PerformanceSnapshot
from models.sourcing import DuplicateDecision, FieldProvenance, FirmMerge, SourceRecord
from models.validation import InputError
from models.valuation import ValuationMark
from sourcing.match import likely_duplicates
from sourcing.merge import POLICIES, firm_references, keep_apart, merge_firms
from sourcing.records import CompanyRecord
from sourcing.store import apply_records

MANAGER = Actor(name="chen", role="fund_manager")
USCC = "91110000600037341L"


@pytest.fixture
def firms(empty_db) -> dict[str, int]:
    """Two records of one company (kept: Alpha Pay Ltd; merged: 阿尔法支付 with its history),
    a third firm, and a fund."""
    with session_scope(empty_db) as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        keep = Firm(name_en="Alpha Pay Ltd", sector="payments", hub_id=hub.id)
        merge = Firm(name_zh="阿尔法支付有限公司", other_names="Alpha Pay Limited", uscc=USCC,
                     founded=date(2016, 4, 1), sector="lending", hub_id=hub.id)  # fmt: skip
        third = Firm(name_en="Gamma Ltd", sector="lending", hub_id=hub.id)
        fund = Fund(name="F", vintage=date(2020, 1, 1), size=1000, gp="GP", hub_id=hub.id)
        s.add_all([keep, merge, third, fund])
        s.flush()
        ids = {"keep": keep.id, "merge": merge.id, "third": third.id, "fund": fund.id,
               "hub": hub.id}  # fmt: skip
        s.add(FundingRound(firm_id=merge.id, announced=date(2021, 1, 1), stage="A",
                           amount=Decimal(5_000_000), currency="CNY"))  # fmt: skip
        s.add(ValuationMark(fund_id=fund.id, firm_id=merge.id, valued_on=date(2022, 1, 1),
                            fair_value=Decimal(1), currency="CNY", method="cost"))  # fmt: skip
        s.add(CompanyReport(fund_id=fund.id, firm_id=merge.id, period_end=date(2022, 3, 31),
                            currency="CNY"))  # fmt: skip
        s.add(PerformanceSnapshot(fund_id=fund.id, as_of=date(2022, 1, 1), currency="CNY",
                                  level="holding", firm_id=merge.id, invested=Decimal(1),
                                  realized=Decimal(0), fair_value=Decimal(1)))  # fmt: skip
        s.add(Deal(fund_id=fund.id, firm_id=merge.id, owner="chen", source_channel="event",
                   sector="payments", opened_on=date(2023, 1, 1)))  # fmt: skip
        s.add(DuplicateDecision(firm_a_id=merge.id, firm_b_id=third.id, actor="x"))
    record = CompanyRecord(source="feed:t", kind="feed", external_id="m", payload={"id": "m"},
                           fetched_at=datetime(2025, 1, 1, tzinfo=UTC),
                           fields={"uscc": USCC, "employees": 30})  # fmt: skip
    with session_scope(empty_db) as s:
        apply_records(session=s, actor=MANAGER, records=[record], hub_id=ids["hub"],
                      default_sector="payments")  # fmt: skip
    return ids


def _merge(engine, keep, merge, actor=MANAGER):
    with session_scope(engine, actor=actor.audit_name) as s:
        return merge_firms(session=s, actor=actor, keep_id=keep, merge_id=merge, note="same")


def _rows(engine, model, **where) -> list:
    with Session(engine) as s:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(s.exec(query).all())


def test_every_table_referring_to_firms_has_a_merge_policy():
    tables = {table.name for table, _ in firm_references()}
    assert tables == set(POLICIES)
    assert POLICIES["ledger_entry"] == "refuse"


def test_merge_moves_every_reference_and_keeps_the_merged_record(empty_db, firms):
    keep, merge = firms["keep"], firms["merge"]
    result = _merge(empty_db, keep, merge)
    moved_tables = {"funding_round", "valuation_mark", "company_report", "performance_snapshot",
                    "deal", "source_record", "field_provenance"}  # fmt: skip
    assert moved_tables <= set(result.moved)
    for model in (FundingRound, ValuationMark, CompanyReport, PerformanceSnapshot, Deal,
                  SourceRecord, FieldProvenance):  # fmt: skip
        assert _rows(empty_db, model, firm_id=merge) == []
        assert len(_rows(empty_db, model, firm_id=keep)) >= 1
    with Session(empty_db) as s:
        assert s.get(Firm, merge) is None
        kept = s.get(Firm, keep)
        record = s.get(FirmMerge, result.merge_id)
        decision = s.exec(select(DuplicateDecision)).one()
        deleted = s.exec(select(AuditLog).where(AuditLog.table_name == "firm",
                                                AuditLog.action == "delete")).one()  # fmt: skip
    assert (kept.name_en, kept.name_zh, kept.uscc, kept.founded, kept.employees) == (
        "Alpha Pay Ltd", "阿尔法支付有限公司", USCC, date(2016, 4, 1), 30)  # fmt: skip
    assert kept.sector == "payments" and kept.other_names is None  # its own names are not "other"
    assert {"name_zh", "uscc", "founded", "employees"} <= set(result.filled)
    assert record.merged_record["name_zh"] == "阿尔法支付有限公司"
    assert record.merged_record["founded"] == "2016-04-01"
    assert record.moved["funding_round"] and record.actor == "fund_manager:chen"
    assert (decision.firm_a_id, decision.firm_b_id) == (keep, firms["third"])
    assert deleted.old_values["uscc"] == USCC


def test_merging_a_firm_with_ledger_entries_is_refused_with_the_other_way_round(empty_db, firms):
    with session_scope(empty_db) as s:
        s.add(LedgerEntry(fund_id=firms["fund"], entry_type="investment", category="initial",
                          entry_date=date(2022, 1, 1), amount=Decimal(1), currency="CNY",
                          fx_rate=Decimal(1), amount_fund=Decimal(1),
                          firm_id=firms["merge"]))  # fmt: skip
    with pytest.raises(InputError, match=r"append-only: merge the other way round \(keep #2"):
        _merge(empty_db, firms["keep"], firms["merge"])
    assert len(_rows(empty_db, FundingRound, firm_id=firms["merge"])) == 1
    result = _merge(empty_db, firms["merge"], firms["keep"])  # the suggestion works
    assert result.kept_firm_id == firms["merge"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("open deal", "both in F; one open deal per company and fund"),
        ("report", "company_report: both firms have a row with fund_id=1, period_end=2022-03-31"),
        ("uscc", "uscc: 91210200MA0QC1234F and 91110000600037341L differ"),
        ("same", "merge_id: 1 is the firm to keep"),
    ],
)
def test_conflicting_merges_are_refused_and_nothing_moves(empty_db, firms, setup, message):
    keep = firms["keep"]
    with session_scope(empty_db) as s:
        if setup == "open deal":
            s.add(Deal(fund_id=firms["fund"], firm_id=keep, owner="wu", source_channel="event",
                       sector="payments", opened_on=date(2023, 2, 1)))  # fmt: skip
        elif setup == "report":
            s.add(CompanyReport(fund_id=firms["fund"], firm_id=keep, period_end=date(2022, 3, 31),
                                currency="CNY"))  # fmt: skip
        elif setup == "uscc":
            s.get(Firm, keep).uscc = "91210200MA0QC1234F"
    before = len(_rows(empty_db, AuditLog))
    with pytest.raises(InputError, match=message):
        _merge(empty_db, keep, keep if setup == "same" else firms["merge"])
    assert len(_rows(empty_db, AuditLog)) == before


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        (Actor(name="wu", role="analyst"), "may not merge companies"),
        (Actor(name="zhao", role="fund_manager", funds=frozenset({99})), "not assigned to it"),
    ],
)
def test_analysts_and_managers_of_other_funds_may_not_merge(empty_db, firms, actor, message):
    with pytest.raises(PermissionDenied, match=message):
        _merge(empty_db, firms["keep"], firms["merge"], actor)
    assert len(_rows(empty_db, Firm)) == 3


def test_kept_apart_pairs_leave_the_duplicate_list(empty_db, firms):
    with Session(empty_db) as s:
        pairs = likely_duplicates(session=s)
    assert [(p.firm_a_id, p.firm_b_id) for p in pairs] == [(firms["keep"], firms["merge"])]
    with session_scope(empty_db) as s:
        first = keep_apart(session=s, actor=MANAGER, firm_a_id=firms["merge"],
                           firm_b_id=firms["keep"], note="two companies")  # fmt: skip
        again = keep_apart(session=s, actor=MANAGER, firm_a_id=firms["keep"],
                           firm_b_id=firms["merge"])  # fmt: skip
        assert first == again
        assert likely_duplicates(session=s) == []
    with pytest.raises(InputError, match="firm_b_id: 99"), session_scope(empty_db) as s:
        keep_apart(session=s, actor=MANAGER, firm_a_id=1, firm_b_id=99)


def test_earlier_merges_follow_the_kept_firm(empty_db, firms):
    _merge(empty_db, firms["merge"], firms["third"])
    _merge(empty_db, firms["keep"], firms["merge"])
    merges = _rows(empty_db, FirmMerge)
    assert {m.kept_firm_id for m in merges} == {firms["keep"]}
    assert _rows(empty_db, DuplicateDecision) == []  # the third firm was merged, not apart
    with Session(empty_db) as s:
        assert s.exec(select(func.count()).select_from(Firm)).one() == 1
