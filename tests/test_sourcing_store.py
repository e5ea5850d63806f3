"""The sourcing store: verdicts before writing, idempotent writes with provenance, resolving
likely duplicates, resumable runs, roles, and pushing a sourced company to the pipeline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Fund
from models.hub import Firm, Hub
from models.pipeline import Deal
from models.sourcing import DuplicateDecision, FieldProvenance, ImportRun, SourceRecord
from models.validation import InputError
from sourcing import store, views
from sourcing.match import find_matches
from sourcing.plan import plan_records
from sourcing.records import CompanyRecord
from sourcing.runs import fail_run, resumable_run, start_run

MANAGER = Actor(name="chen", role="fund_manager")
BUREAU = Actor(name="li", role="bureau")
USCC = "91110000600037341L"
USCC_2 = "91440300MA5DC6QX9C"
LEI = "5493001KJTIIGC8Y1R12"
WHEN = datetime(2025, 3, 1, tzinfo=UTC)


def _record(external_id: str, source: str = "feed:test", **fields: object) -> CompanyRecord:
    return CompanyRecord(source=source, kind=source.split(":")[0], external_id=external_id,
                         fetched_at=WHEN, payload={"id": external_id, **fields},
                         fields=dict(fields))  # fmt: skip


@pytest.fixture
def hub_id(empty_db) -> int:
    with session_scope(empty_db) as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        s.add(Firm(name_en="Known Pay Co., Ltd.", name_zh="已知支付有限公司", sector="payments",
                   hub_id=hub.id, uscc=USCC))  # fmt: skip
        s.add(Firm(name_en="Nameonly Lending Ltd", sector="lending", hub_id=hub.id))
        s.add(Fund(name="Dalian Fintech Fund", vintage=date(2020, 1, 1), size=1000, gp="GP",
                   hub_id=hub.id))  # fmt: skip
    return hub.id or 0


def _plan(engine, records, hub_id, **options):
    with Session(engine) as s:
        return plan_records(session=s, records=records, hub_id=hub_id,
                            default_sector="payments", **options)  # fmt: skip


def _apply(engine, records, hub_id, actor=MANAGER, **options):
    with session_scope(engine, actor=actor.audit_name) as s:
        return store.apply_records(session=s, actor=actor, records=records, hub_id=hub_id,
                                   default_sector="payments", **options)  # fmt: skip


def _count(engine, table) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(table)).one()


def _firm(engine, **where) -> Firm:
    with Session(engine) as s:
        query = select(Firm)
        for name, value in where.items():
            query = query.where(getattr(Firm, name) == value)
        return s.exec(query).one()


def test_verdicts_before_anything_is_written(empty_db, hub_id):
    records = [
        _record("a", name_zh="新公司有限公司", uscc="91440300MA5DC6QX9C", employees="12"),
        _record("b", name_en="KNOWN PAY LIMITED", uscc=USCC),  # same company, same name
        _record("c", name_en="Known Pay Ltd", uscc=USCC, employees=40),  # USCC decides
        _record("d", name_en="Nameonly Lending Limited", employees=7),
    ]
    before = _count(empty_db, AuditLog)
    verdicts = _plan(empty_db, records, hub_id)
    assert [v.action for v in verdicts] == ["create", "unchanged", "reject", "update"]
    assert verdicts[0].changes["employees"] == (None, 12)
    assert "sector: payments (the default)" in verdicts[0].reason
    assert "uscc: '91110000600037341L' repeats record 2" in verdicts[2].reason
    assert verdicts[3].changes == {"employees": (None, 7)}
    assert verdicts[3].candidates[0].kind == "name"
    assert _count(empty_db, AuditLog) == before


def test_import_writes_firms_with_provenance_and_a_rerun_writes_nothing(empty_db, hub_id):
    records = [
        _record("a", name_zh="新公司有限公司", uscc=USCC_2, founded="2019-05-01", sector="支付"),
        _record("b", name_en="Known Pay Ltd", lei=LEI, employees=40, uscc=USCC),
    ]
    summary = _apply(empty_db, records, hub_id)
    assert (summary.created, summary.updated, summary.stored) == (1, 1, 2)
    new = _firm(empty_db, uscc=USCC_2)
    assert (new.name_zh, new.founded, new.sector, new.hub_id) == (
        "新公司有限公司", date(2019, 5, 1), "payments", hub_id)  # fmt: skip
    known = _firm(empty_db, uscc=USCC)
    assert (known.lei, known.employees, known.name_en) == (LEI, 40, "Known Pay Co., Ltd.")
    with Session(empty_db) as s:
        rows = views.provenance(session=s, firm_id=known.id)
    assert {(r.field, r.value, r.current) for r in rows} == {("lei", LEI, True),
                                                             ("employees", "40", True)}  # fmt: skip
    assert rows[0].payload["id"] == "b" and rows[0].fetched_at == WHEN
    counts = [_count(empty_db, t) for t in (Firm, SourceRecord, FieldProvenance, AuditLog)]
    again = _apply(empty_db, records, hub_id)
    assert (again.created, again.updated, again.unchanged, again.stored) == (0, 0, 2, 0)
    assert [_count(empty_db, t) for t in (Firm, SourceRecord, FieldProvenance, AuditLog)] == counts


def test_a_changed_payload_updates_and_keeps_the_old_value_history(empty_db, hub_id):
    _apply(empty_db, [_record("x", name_en="Feed Pay Ltd", employees=10)], hub_id)
    verdicts = _plan(empty_db, [_record("x", name_en="Feed Payments Ltd", employees=25)], hub_id)
    assert verdicts[0].candidates[0].kind == "source"
    assert verdicts[0].changes["employees"] == (10, 25)
    assert verdicts[0].changes["other_names"] == (None, "Feed Pay Ltd")
    _apply(empty_db, [_record("x", name_en="Feed Payments Ltd", employees=25)], hub_id)
    firm = _firm(empty_db, name_en="Feed Payments Ltd")
    with Session(empty_db) as s:
        rows = [r for r in views.provenance(session=s, firm_id=firm.id) if r.field == "employees"]
        matches = find_matches(session=s, record=_record("x", name_en="Feed Payments Ltd"))
    assert [(r.value, r.current) for r in rows] == [("25", True), ("10", False)]
    assert matches[0].kind == "source" and matches[0].firm_id == firm.id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name_en": "Bad Check", "uscc": "91110000600037341X"}, "uscc: '91110000600037341X'"),
        ({"name_en": "Bad Lei", "lei": "5493001KJTIIGC8Y1R13"}, "lei: '5493001KJTIIGC8Y1R13'"),
        ({"name_en": "Odd Sector", "sector": "crypto"}, "sector: 'crypto' is not a known"),
        ({"name_en": "Odd Date", "founded": "2020-02-30"}, "founded: '2020-02-30'"),
        ({"name_en": "Odd Count", "employees": "many"}, "employees: 'many'"),
        ({"name_en": "Too Many", "employees": -3}, "employees: -3 is not"),
        ({"employees": 3}, "a firm needs a name"),
        ({"name_en": "Extra", "colour": "red"}, "colour: is not a firm field"),
    ],
)
def test_bad_values_are_rejected_naming_field_and_value(empty_db, hub_id, fields, message):
    verdicts = _plan(empty_db, [_record("z", **fields)], hub_id)
    assert verdicts[0].action == "reject"
    assert message in verdicts[0].reason
    before = _count(empty_db, SourceRecord)
    assert _apply(empty_db, [_record("z", **fields)], hub_id).rejected == 1
    assert _count(empty_db, SourceRecord) == before


def test_likely_duplicates_wait_for_a_person_then_merge_or_stay_apart(empty_db, hub_id):
    record = _record("n", name_en="NAMEONLY LENDING CO., LTD.", uscc=USCC_2)
    [verdict] = _plan(empty_db, [record], hub_id)
    assert verdict.action == "needs review" and "likely duplicate of #2" in verdict.reason
    summary = _apply(empty_db, [record], hub_id)
    assert (summary.skipped, summary.stored, _count(empty_db, Firm)) == (1, 0, 2)
    as_new = _apply(empty_db, [record], hub_id, resolutions={"n": "new"})
    assert as_new.created == 1 and _count(empty_db, Firm) == 3
    with Session(empty_db) as s:
        decision = s.exec(select(DuplicateDecision)).one()
    assert (decision.firm_a_id, decision.firm_b_id) == (2, 3)


def test_a_resolution_to_a_firm_updates_it(empty_db, hub_id):
    record = _record("n", name_en="NAMEONLY LENDING CO., LTD.", uscc=USCC_2)
    summary = _apply(empty_db, [record], hub_id, resolutions={"n": 2})
    assert summary.updated == 1
    assert _firm(empty_db, id=2).uscc == USCC_2


def test_same_name_different_uscc_never_merges(empty_db, hub_id):
    record = _record("k", name_en="Known Pay Limited", uscc=USCC_2)
    [verdict] = _plan(empty_db, [record], hub_id)
    assert verdict.action == "needs review" and "uscc differs" in verdict.reason
    [forced] = _plan(empty_db, [record], hub_id, resolutions={"k": 1})
    assert forced.action == "reject" and "uscc differs" in forced.reason


def test_keys_naming_two_firms_are_rejected(empty_db, hub_id):
    _apply(empty_db, [_record("l", name_en="Lei Holder Ltd", lei=LEI)], hub_id)
    [verdict] = _plan(empty_db, [_record("m", name_en="Mixed", uscc=USCC, lei=LEI)], hub_id)
    assert verdict.action == "reject" and "names two firms" in verdict.reason


def test_a_resumed_run_skips_what_was_committed(empty_db, hub_id, monkeypatch):
    monkeypatch.setattr(store, "CHUNK", 2)
    records = [_record(f"r{i}", name_en=f"Resumable {chr(65 + i)} Ltd") for i in range(5)]
    with session_scope(empty_db, actor=MANAGER.audit_name) as s:
        run_id = start_run(session=s, actor=MANAGER, source="feed:test",
                           parameters={"feed": "test"}, total=5)  # fmt: skip

    def crash(done: int, total: int) -> None:
        if done >= 2:
            raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError), session_scope(empty_db) as s:
        store.apply_records(session=s, actor=MANAGER, records=records, hub_id=hub_id,
                            default_sector="payments", run_id=run_id, progress=crash)  # fmt: skip
    with session_scope(empty_db) as s:
        fail_run(session=s, actor=MANAGER, run_id=run_id, error="connection lost")
        run = resumable_run(session=s, source="feed:test", parameters={"feed": "test"})
    assert (run.processed, run.created, run.status) == (2, 2, "failed")
    seen: list[tuple[int, int]] = []
    summary = _apply(empty_db, records, hub_id, run_id=run_id,
                     progress=lambda d, t: seen.append((d, t)))  # fmt: skip
    assert summary.resumed_at == 2 and summary.created == 5 and seen == [(4, 5), (5, 5)]
    with Session(empty_db) as s:
        done = s.get(ImportRun, run_id)
    assert (done.status, done.processed, done.created, _count(empty_db, Firm)) == ("done", 5, 5, 7)
    with Session(empty_db) as s:
        linked = s.exec(select(func.count()).where(SourceRecord.import_run_id == run_id)).one()
    assert linked == 5


def test_roles_and_bad_parameters_are_refused_before_writing(empty_db, hub_id):
    records = [_record("q", name_en="Quiet Ltd")]
    with pytest.raises(PermissionDenied):
        _apply(empty_db, records, hub_id, actor=Actor(name="wu", role="analyst"))
    assert _apply(empty_db, records, hub_id, actor=BUREAU).created == 1
    with pytest.raises(InputError, match="hub_id: 99"):
        _apply(empty_db, records, 99)
    with pytest.raises(InputError, match="default_sector: 'crypto'"), Session(empty_db) as s:
        plan_records(session=s, records=records, hub_id=hub_id, default_sector="crypto")


def test_push_to_pipeline_opens_one_deal_in_one_step(empty_db, hub_id):
    _apply(empty_db, [_record("p", name_en="Pushed Pay Ltd")], hub_id)
    firm = _firm(empty_db, name_en="Pushed Pay Ltd")
    with session_scope(empty_db) as s:
        deal = store.push_to_pipeline(session=s, actor=MANAGER, firm_id=firm.id, fund_id=1,
                                      owner="chen")  # fmt: skip
    assert (deal.stage, deal.source_channel) == ("sourced", "registry search")
    with Session(empty_db) as s:
        assert s.get(Deal, deal.id).source_detail == "sourced from feed:test"
    with pytest.raises(InputError, match="one open deal"), session_scope(empty_db) as s:
        store.push_to_pipeline(session=s, actor=MANAGER, firm_id=firm.id, fund_id=1, owner="x")
    with pytest.raises(PermissionDenied), session_scope(empty_db) as s:
        store.push_to_pipeline(session=s, actor=BUREAU, firm_id=firm.id, fund_id=1, owner="x")
    assert _count(empty_db, Deal) == 1


def test_firm_fields_say_where_each_value_came_from(empty_db, hub_id):
    _apply(empty_db, [_record("f", name_en="Known Pay Ltd", uscc=USCC, employees=12)], hub_id)
    with Session(empty_db) as s:
        fields = {row["field"]: row for row in views.firm_fields(session=s, firm_id=1)}
        found = views.search_firms(session=s, text="known")
        by_code = views.search_firms(session=s, text=USCC[:8])
        latest = views.search_firms(session=s, text="")
    assert (fields["employees"]["value"], fields["employees"]["source"]) == ("12", "feed:test")
    assert fields["uscc"]["source"] is None  # entered before any source
    assert found == [(1, "Known Pay Co., Ltd.")] == by_code == latest


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"url": "ftp://x.test/f.json"}, "url: 'ftp://x.test/f.json' is not an http"),
        ({"mapping": {"colour": "c"}}, "'colour' is not a firm field"),
        ({"mapping": {}}, "at least one firm field"),
        ({"id_field": " "}, "id_field: give the path"),
        ({"default_sector": "crypto"}, "default_sector: 'crypto'"),
        ({"name": "Partner"}, "name: 'Partner' is already a feed"),
    ],
)
def test_a_feed_needs_a_url_an_id_and_a_mapping(empty_db, hub_id, change, message):
    from sourcing.runs import add_feed, feed_configs

    feed = {"name": "Partner", "url": "https://x.test/f.json", "id_field": "id",
            "mapping": {"name_zh": "name"}, "hub_id": hub_id,
            "default_sector": "lending"}  # fmt: skip
    with session_scope(empty_db) as s:
        assert add_feed(session=s, actor=BUREAU, **feed).mapping == {"name_zh": "name"}
    with pytest.raises(InputError, match=message), session_scope(empty_db) as s:
        add_feed(session=s, actor=BUREAU, **(feed | {"name": "Other"} | change))
    with Session(empty_db) as s:
        assert [f.name for f in feed_configs(session=s)] == ["Partner"]
