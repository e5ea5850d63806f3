"""The audit log as read back: filters, changed values, the row before and after, ledger
reversal chains, and the "Audit log" page (analysts and administrators only)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from app_pages.navigation import BY_ROLE, pages_for
from fund.access import Actor
from fund.audit_views import (
    AuditEntry,
    audit_choices,
    audit_entries,
    before_and_after,
    changes,
    reversal_chain,
)
from fund.ledger import record_call, reverse_entry
from models.audit import AuditLog
from models.db import make_engine, session_scope
from models.fund import Commitment, Fund, Lp
from models.hub import Firm, Hub, Park
from models.ledger import LedgerEntry
from models.ledger_inputs import CapitalCallCreate, ReversalCreate
from models.types import utcnow

ROOT = Path(__file__).resolve().parent.parent
MANAGER = Actor(name="chen", role="fund_manager")


@pytest.fixture
def log(empty_db):
    """Three changes by three people: li adds a hub, a park and a firm; wang renames the
    hub's plan; root removes the park."""
    with session_scope(empty_db, actor="bureau:li") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        park = Park(hub_id=hub.id, name="Xinghai Park", district="Shahekou", focus="payments")
        s.add_all([park, Firm(name_en="Haibin Pay", name_zh="大连数科", sector="payments",
                              hub_id=hub.id)])  # fmt: skip
    with session_scope(empty_db, actor="bureau:wang") as s:
        s.get(Hub, hub.id).plan_name = "Dalian fintech plan"
    with session_scope(empty_db, actor="admin:root") as s:
        s.delete(s.get(Park, park.id))
    return empty_db


def _read(engine, **filters) -> tuple[list[tuple[str, str, str]], int]:
    with Session(engine) as s:
        rows, total = audit_entries(session=s, **filters)
    return [(r.actor, r.action, r.table_name) for r in rows], total


NEWEST_FIRST = [
    ("admin:root", "delete", "park"),
    ("bureau:wang", "update", "hub"),
    ("bureau:li", "insert", "firm"),
    ("bureau:li", "insert", "park"),
    ("bureau:li", "insert", "hub"),
]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, NEWEST_FIRST),
        ({"actors": ["bureau:wang", "admin:root"]}, NEWEST_FIRST[:2]),
        ({"tables": ["park"]}, [NEWEST_FIRST[0], NEWEST_FIRST[3]]),
        ({"actions": ["insert"], "tables": ["hub", "firm"]}, [NEWEST_FIRST[2], NEWEST_FIRST[4]]),
        ({"text": "fintech PLAN"}, [NEWEST_FIRST[1]]),  # in the values, any case
        ({"text": "大连数科"}, [NEWEST_FIRST[2]]),  # stored as a JSON escape
        ({"text": "xinghai"}, [NEWEST_FIRST[0], NEWEST_FIRST[3]]),  # old values of a delete
        ({"text": "dalian_fintech"}, []),  # LIKE wildcards are taken literally
        ({"text": "fintech%plan"}, []),
        ({"actors": ["nobody"]}, []),
    ],
)
def test_audit_entries_are_filtered_newest_first(log, filters, expected):
    assert _read(log, **filters) == (expected, len(expected))


@pytest.mark.parametrize(
    ("since", "until", "count"),
    [(-1, 1, 5), (1, None, 0), (None, -1, 0), (None, None, 5)],
)
def test_audit_entries_by_time(log, since, until, count):
    hour = timedelta(hours=1)
    window = {"since": None if since is None else utcnow() + since * hour,
              "until": None if until is None else utcnow() + until * hour}  # fmt: skip
    assert _read(log, **window)[1] == count


def test_audit_entries_page_through_with_the_total(log):
    assert _read(log, limit=2, offset=0) == (NEWEST_FIRST[:2], 5)
    assert _read(log, limit=2, offset=4) == (NEWEST_FIRST[4:], 5)


def test_audit_choices_list_actors_and_tables(log):
    with Session(log) as s:
        choices = audit_choices(session=s)
    assert choices.actors == ["admin:root", "bureau:li", "bureau:wang"]
    assert choices.tables == ["firm", "hub", "park"]
    assert choices.first_at is not None and choices.first_at <= utcnow()


def _entry(engine, action: str, table: str) -> AuditEntry:
    with Session(engine) as s:
        rows, _ = audit_entries(session=s, actions=[action], tables=[table])
    return rows[0]


def test_changes_of_an_update_are_only_the_changed_columns(log):
    assert changes(_entry(log, "update", "hub")) == [("plan_name", None, "Dalian fintech plan")]
    inserted = changes(_entry(log, "insert", "hub"))
    assert ("name", None, "Dalian") in inserted and all(old is None for _, old, _ in inserted)
    deleted = changes(_entry(log, "delete", "park"))
    assert ("name", "Xinghai Park", None) in deleted and all(n is None for _, _, n in deleted)


def test_an_update_shows_the_whole_row_before_and_after(log):
    update = _entry(log, "update", "hub")
    with Session(log) as s:
        rows = {c: (old, new, changed) for c, old, new, changed in
                before_and_after(session=s, entry_id=update.id)}  # fmt: skip
    assert rows["plan_name"] == (None, "Dalian fintech plan", True)
    assert rows["name"] == ("Dalian", "Dalian", False)
    assert [c for c, (_, _, changed) in rows.items() if changed] == ["plan_name"]


@pytest.fixture
def reversed_call(empty_db):
    """A capital call, reversed; and a second call, not."""
    with session_scope(empty_db, actor="seed") as s:
        fund = Fund(name="Fund", vintage=date(2020, 1, 1), size=Decimal("1000000"), gp="GP")
        lp = Lp(name="City", kind="city investment group")
        s.add_all([fund, lp])
        s.flush()
        s.add(Commitment(fund_id=fund.id, lp_id=lp.id, amount=Decimal("1000000"),
                         committed_on=date(2020, 1, 1)))  # fmt: skip
    with session_scope(empty_db, actor=MANAGER.audit_name) as s:
        calls = [record_call(session=s, actor=MANAGER, call_in=CapitalCallCreate(
            fund_id=fund.id, lp_id=lp.id, entry_date=date(2020, 2, day), amount="5000",
            currency="CNY")) for day in (1, 2)]  # fmt: skip
        undo = reverse_entry(session=s, actor=MANAGER, reversal_in=ReversalCreate(
            entry_id=calls[0].id, entry_date=date(2020, 2, 3), memo="typo"))  # fmt: skip
    return empty_db, calls[0].id, undo.id, calls[1].id


def test_reversal_chain_from_either_end_is_original_then_reversal(reversed_call):
    engine, original, reversal, single = reversed_call
    with Session(engine) as s:
        for start in (original, reversal):
            chain = reversal_chain(session=s, entry_id=start)
            assert [(e.id, e.amount, e.reverses_id) for e in chain] == [
                (original, Decimal("5000.00"), None),
                (reversal, Decimal("-5000.00"), original),
            ]
        assert [e.id for e in reversal_chain(session=s, entry_id=single)] == [single]
        assert reversal_chain(session=s, entry_id=999999) == []


# --- the page -----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "section"), [("admin", "Admin"), ("analyst", "Analysis")])
def test_the_audit_page_is_in_the_menu_of_admins_and_analysts_only(role, section):
    assert "audit" in BY_ROLE[role][section]
    assert [r for r in BY_ROLE if "audit" in pages_for(r)] == ["analyst", "admin"]


def _page(url: str, monkeypatch, role: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "app_pages" / "audit.py"), default_timeout=90)
    at.session_state["actor"] = Actor(name="tester", role=role)
    return at.run()


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_admins_and_analysts_open_it_from_the_menu(demo_sqlite_url, monkeypatch, role):
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.session_state["actor"] = Actor(name="tester", role=role)
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception and at.title[0].value == "Audit log"


@pytest.mark.parametrize("role", ["fund_manager", "bureau"])
def test_other_roles_are_refused_the_page(demo_sqlite_url, monkeypatch, role):
    at = _page(demo_sqlite_url, monkeypatch, role)
    assert not at.exception
    assert "may not open this page" in at.error[0].value
    assert len(at.dataframe) == 0


def test_the_page_shows_a_corrected_ledger_entry_with_its_reversal_chain(
    demo_sqlite_url, monkeypatch
):
    engine = make_engine(demo_sqlite_url)
    with Session(engine) as s:
        reversal = s.exec(select(LedgerEntry).where(LedgerEntry.reverses_id.is_not(None))).first()
        key = f"[{reversal.id}]"
        audit_id = s.exec(select(AuditLog.id).where(AuditLog.table_name == "ledger_entry",
                                                    AuditLog.row_key == key)).one()  # fmt: skip
    engine.dispose()
    at = _page(demo_sqlite_url, monkeypatch, "analyst")
    assert not at.exception and at.title[0].value == "Audit log"
    assert len(at.dataframe[0].value) == 100  # a page of the demo's log
    at.multiselect(key="audit_tables").set_value(["ledger_entry"])
    at.text_input(key="audit_text").input(f"[{reversal.id}]").run()
    assert list(at.dataframe[0].value["id"]) == [audit_id]
    at.selectbox(key="audit_entry").set_value(audit_id).run()
    detail = at.dataframe[1].value.set_index("column")
    assert detail.loc["reverses_id", "after"] == str(reversal.reverses_id)
    assert detail["changed"].all() and (detail["before"] == "").all()
    chain = at.dataframe[2].value
    assert list(chain["id"]) == [reversal.reverses_id, reversal.id]
    assert chain["amount"].iloc[0] == -chain["amount"].iloc[1]
    assert any("original first" in c.value for c in at.caption)


def test_the_page_filters_to_nothing_with_a_message(demo_sqlite_url, monkeypatch):
    at = _page(demo_sqlite_url, monkeypatch, "admin")
    at.text_input(key="audit_text").input("no such text anywhere").run()
    assert not at.exception
    assert at.info[0].value == "No change matches these filters."


def test_the_page_on_a_store_with_no_changes_says_so(sqlite_url, monkeypatch):
    at = _page(sqlite_url, monkeypatch, "admin")
    assert not at.exception
    assert at.info[0].value.startswith("Nothing has been written yet")


# --- an audit row for every row every write path changes ----------------------------------

BUREAU = Actor(name="li", role="bureau")
D = Decimal


@pytest.fixture
def world(empty_db):
    """A fund holding PayCo, with a metric, a deal at sourced (LendCo), one in due diligence
    with an item (DdCo), one at the committee with a member and a meeting (IcCo), a hub target
    and a call to reverse; all written by "seed"."""
    from fund import committee as ic
    from fund.ledger import record_investment
    from fund.monitoring import define_metric
    from fund.pipeline import DealCreate, open_deal
    from models.kpi import Target
    from models.ledger_inputs import InvestmentCreate
    from models.pipeline import DdItem, Deal

    w: dict = {"engine": empty_db}
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        fund = Fund(name="Dalian IF Fund", vintage=date(2020, 1, 1), size=D("1000000000"),
                    gp="GP", hub_id=hub.id)  # fmt: skip
        lp = Lp(name="Dalian City Investment Group", kind="city investment group")
        firms = {n: Firm(name_en=n, sector="payments", hub_id=hub.id)
                 for n in ("PayCo", "LendCo", "DdCo", "IcCo")}  # fmt: skip
        s.add_all([fund, lp, *firms.values()])
        s.flush()
        s.add(Commitment(fund_id=fund.id, lp_id=lp.id, amount=D("600000000"),
                         committed_on=date(2020, 1, 1)))  # fmt: skip
        stages = {"DdCo": "due_diligence", "IcCo": "investment_committee"}
        deals = {n: Deal(fund_id=fund.id, firm_id=firms[n].id, owner="chen", sector="payments",
                         source_channel="referral", stage=stage, opened_on=date(2024, 1, 10))
                 for n, stage in stages.items()}  # fmt: skip
        s.add_all([*deals.values(), Target(hub_id=hub.id, kpi_code="fintech_firms",
                   target_low=D(100), plan_start=date(2020, 1, 1), deadline=date(2025, 12, 31),
                   source="plan")])  # fmt: skip
        s.flush()
        item = DdItem(deal_id=deals["DdCo"].id, area="team", title="References", owner="chen")
        s.add(item)
        s.flush()
        call = record_call(session=s, actor=MANAGER, call_in=CapitalCallCreate(
            fund_id=fund.id, lp_id=lp.id, entry_date=date(2023, 1, 2), amount="10000000",
            currency="CNY"))  # fmt: skip
        record_investment(session=s, actor=MANAGER, investment_in=InvestmentCreate(
            fund_id=fund.id, firm_id=firms["PayCo"].id, entry_date=date(2023, 1, 10),
            amount="1000000", currency="CNY"))  # fmt: skip
        define_metric(session=s, actor=MANAGER, fund_id=fund.id, code="active_users",
                      name="Active users", unit="users")  # fmt: skip
        sourced = open_deal(session=s, actor=MANAGER, deal_in=DealCreate(
            fund_id=fund.id, firm_id=firms["LendCo"].id, owner="chen",
            source_channel="referral", opened_on=date(2024, 1, 10)))  # fmt: skip
        member = ic.add_member(session=s, actor=MANAGER, fund_id=fund.id, name="Ma")
        meeting = ic.schedule_meeting(session=s, actor=MANAGER, fund_id=fund.id,
                                      held_on=date(2024, 3, 15), title="IC 2024-03")  # fmt: skip
        agenda = ic.add_to_agenda(session=s, actor=MANAGER, meeting_id=meeting.id,
                                  deal_id=deals["IcCo"].id)  # fmt: skip
        target_id = s.exec(select(Target.id)).one()
    w |= {n: f.id for n, f in firms.items()}
    w |= {"hub": hub.id, "fund": fund.id, "lp": lp.id, "call": call.id, "item": item.id,
          "sourced": sourced.id, "member": member.id, "agenda": agenda.id, "target": target_id,
          "dd_deal": deals["DdCo"].id}  # fmt: skip
    return w


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode()


def _write_paths():
    """(name, actor, write(session, actor, world)) for each write the pages make."""
    from fund import committee as ic
    from fund import diligence as dd
    from fund.firms import add_firm
    from fund.hub_targets import add_observation, create_target, update_target
    from fund.ledger_io import LEDGER_COLUMNS, import_ledger
    from fund.monitoring import CompanyReportInput, record_report
    from fund.monitoring_io import import_reports
    from fund.pipeline import DealCreate, move_deal, open_deal
    from fund.valuations import record_valuation
    from models.hub import FirmCreate
    from models.kpi import KpiObservationCreate, TargetCreate, TargetUpdate
    from models.valuation import ValuationMarkCreate

    m, b = MANAGER, BUREAU
    return [
        ("ledger call", m, lambda s, a, w: record_call(session=s, actor=a,
            call_in=CapitalCallCreate(fund_id=w["fund"], lp_id=w["lp"],
                entry_date=date(2023, 6, 30), amount="500", currency="CNY"))),
        ("ledger reversal", m, lambda s, a, w: reverse_entry(session=s, actor=a,
            reversal_in=ReversalCreate(entry_id=w["call"], entry_date=date(2023, 1, 3),
                                       memo="typo"))),
        ("valuation", m, lambda s, a, w: record_valuation(session=s, actor=a,
            mark_in=ValuationMarkCreate(fund_id=w["fund"], firm_id=w["PayCo"],
                valued_on=date(2023, 12, 31), fair_value="2000000", currency="CNY",
                method="last round"))),
        ("monitoring report", m, lambda s, a, w: record_report(session=s, actor=a,
            report_in=CompanyReportInput(fund_id=w["fund"], firm_id=w["PayCo"],
                period_end=date(2023, 3, 31), currency="CNY", revenue="1000",
                metrics={"active_users": "12"}))),
        ("report import", m, lambda s, a, w: import_reports(session=s, actor=a,
            fund_id=w["fund"], filename="q2.csv", data=_csv([
                ["company", "period_end", "currency", "revenue", "active_users"],
                ["PayCo", "2023-06-30", "CNY", "2000", "15"]]))),
        ("ledger import", m, lambda s, a, w: import_ledger(session=s, actor=a,
            fund_id=w["fund"], filename="ledger.csv", data=_csv([list(LEDGER_COLUMNS),
                [LEDGER_ROW.get(c, "") for c in LEDGER_COLUMNS]]))),
        ("deal open", m, lambda s, a, w: open_deal(session=s, actor=a, deal_in=DealCreate(
            fund_id=w["fund"], firm_id=w["PayCo"], owner="chen", source_channel="event",
            opened_on=date(2024, 2, 1)))),
        ("deal move", m, lambda s, a, w: move_deal(session=s, actor=a, deal_id=w["sourced"],
            to_stage="screening", on=date(2024, 2, 1))),
        ("dd item add", m, lambda s, a, w: dd.add_item(session=s, actor=a,
            deal_id=w["dd_deal"], area="legal", title="Licences")),
        ("dd item update", m, lambda s, a, w: dd.update_item(session=s, actor=a,
            item_id=w["item"], status="done", finding="solid")),
        ("ic vote", m, lambda s, a, w: ic.cast_vote(session=s, actor=a,
            agenda_item_id=w["agenda"], member_id=w["member"], vote="approve")),
        ("ic decision", m, lambda s, a, w: ic.decide(session=s, actor=a,
            agenda_item_id=w["agenda"], decision="decline", on=date(2024, 3, 15))),
        ("kpi observation", b, lambda s, a, w: add_observation(session=s, actor=a,
            observation_in=KpiObservationCreate(hub_id=w["hub"], kpi_code="gfci_rank",
                observed_on=date(2024, 3, 1), value=D(12), source="GFCI 35"))),
        ("target create", b, lambda s, a, w: create_target(session=s, actor=a,
            target_in=TargetCreate(hub_id=w["hub"], kpi_code="fintech_firms",
                target_low=D(200), plan_start=date(2020, 1, 1), deadline=date(2030, 12, 31),
                source="plan 2030"))),
        ("target update", b, lambda s, a, w: update_target(session=s, actor=a,
            target_id=w["target"], target_in=TargetUpdate(target_low=D(150)))),
        ("firm add", b, lambda s, a, w: add_firm(session=s, actor=a, firm_in=FirmCreate(
            name_en="NewCo", sector="lending", hub_id=w["hub"]))),
    ]  # fmt: skip


LEDGER_ROW = {"ref": "C-9", "type": "capital_call", "date": "2023-07-01", "amount": "700",
              "currency": "CNY", "lp": "Dalian City Investment Group"}  # fmt: skip
WRITE_PATHS = _write_paths()


def _rows_by_key(engine) -> dict[str, dict[str, tuple]]:
    """Every table but the audit log: row key (as the audit log writes it) -> row."""
    import json

    import sqlalchemy as sa

    meta = sa.MetaData()
    meta.reflect(engine)
    found: dict[str, dict[str, tuple]] = {}
    with engine.connect() as conn:
        for name, table in meta.tables.items():
            if name in ("audit_log", "alembic_version"):
                continue
            keys = list(table.primary_key.columns)
            found[name] = {
                json.dumps([row._mapping[k.name] for k in keys], ensure_ascii=False):
                    dict(row._mapping) for row in conn.execute(sa.select(table))
            }  # fmt: skip
    return found


def _column_names() -> dict[str, dict[str, str]]:
    """Table -> attribute name (as the audit log records it) -> column name in the table."""
    from sqlmodel import SQLModel

    return {m.local_table.name: {a.key: a.columns[0].name for a in m.column_attrs}
            for m in SQLModel._sa_registry.mappers}  # fmt: skip


def _diff(before, after) -> set[tuple[str, str, str, frozenset[str]]]:
    """(action, table, row key, columns) of every row inserted, updated or deleted."""
    out = set()
    for table, rows in after.items():
        old = before.get(table, {})
        for key, row in rows.items():
            if key not in old:
                out.add(("insert", table, key, frozenset(row)))
            elif row != old[key]:
                out.add(("update", table, key,
                         frozenset(c for c in row if row[c] != old[key][c])))  # fmt: skip
        out |= {("delete", table, key, frozenset(old[key])) for key in old.keys() - rows.keys()}
    return out


@pytest.mark.parametrize(("name", "actor", "write"), WRITE_PATHS, ids=[p[0] for p in WRITE_PATHS])
def test_every_write_path_audits_every_row_it_changes(world, name, actor, write):
    engine = world["engine"]
    with Session(engine) as s:
        last = s.exec(select(AuditLog.id).order_by(AuditLog.id.desc())).first() or 0
    before = _rows_by_key(engine)
    with session_scope(engine, actor=actor.audit_name) as s:
        write(s, actor, world)
    changed = _diff(before, _rows_by_key(engine))
    with Session(engine) as s:
        audited = s.exec(select(AuditLog).where(AuditLog.id > last)).all()
    assert changed, f"{name} changed nothing"
    assert {a.actor for a in audited} == {actor.audit_name}
    names = _column_names()
    logged = {(a.action, a.table_name, a.row_key, frozenset(names[a.table_name][k] for k in
               (a.old_values if a.action == "delete" else a.new_values) or {}))
              for a in audited}  # fmt: skip
    assert logged == changed
