"""Who may do what: every domain write for every role (refused ones write nothing, not even an
audit row), fund managers kept to their funds, and every page for every role (SQLite and
Postgres for the writes)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, func, select
from streamlit.testing.v1 import AppTest

import fund.committee as ic
import fund.diligence as dd
import fund.ledger as book
import fund.pipeline as flow
from app_pages.navigation import PAGES, pages_for
from fund import users
from fund.access import ROLE_LABELS, Actor, PermissionDenied
from fund.benchmarks import import_index
from fund.firms import add_firm
from fund.kpi_records import add_observation, create_target, update_target
from fund.ledger_columns import LEDGER_COLUMNS
from fund.ledger_io import import_ledger
from fund.monitoring import CompanyReportInput, define_metric, record_report
from fund.monitoring_io import import_reports
from fund.projection import ProjectionInput, YearLine, save_projection
from fund.settings import set_setting
from fund.valuations import record_valuation
from models.audit import AuditLog
from models.db import make_engine, session_scope
from models.fund import Commitment, Fund, Lp
from models.hub import Firm, FirmCreate, Hub
from models.kpi import KpiObservationCreate, TargetCreate, TargetUpdate
from models.ledger_inputs import (
    CapitalCallCreate,
    DistributionCreate,
    FundPaymentCreate,
    InvestmentCreate,
    ProceedsCreate,
    ReversalCreate,
    WriteOffCreate,
)
from models.pipeline import Deal
from models.users import AppUser
from models.valuation import ValuationMarkCreate
from tests.conftest import _truncate

D = Decimal
ADMIN = Actor(name="root", role="admin")
DAY = date(2024, 3, 15)
LATER = date(2024, 4, 1)
CNY = {"currency": "CNY"}


@dataclass
class Side:
    """One fund's objects that the writes act on."""

    fund: int
    lp: int
    fee: int  # a fee payment (to reverse)
    ic_free: int  # a deal at the IC stage, not on an agenda
    sourced: int
    held: int  # on hold
    passed: int
    item: int  # a DD item without a flag
    flagged: int  # a DD item with an open red flag
    meeting: int
    member: int
    agenda: int  # undecided agenda item
    condition: int  # open condition of an approval


def _ic_deal(s: Session, fund_id: int, firm_id: int) -> int:
    deal = Deal(fund_id=fund_id, firm_id=firm_id, owner="chen", source_channel="event", sector="x",
                stage="investment_committee", opened_on=date(2023, 9, 1))  # fmt: skip
    s.add(deal)
    s.flush()
    return deal.id or 0


def _side(s: Session, fund_id: int, lp_id: int, firms: list[int]) -> Side:
    a = {"session": s, "actor": ADMIN}
    book.record_call(**a, call_in=CapitalCallCreate(fund_id=fund_id, lp_id=lp_id,
                     entry_date=date(2020, 6, 30), amount="10000000", **CNY))  # fmt: skip
    book.record_investment(**a, investment_in=InvestmentCreate(fund_id=fund_id, firm_id=firms[0],
                           entry_date=date(2020, 7, 1), amount="400000", **CNY))  # fmt: skip
    fee = book.record_fund_payment(**a, payment_in=FundPaymentCreate(fund_id=fund_id,
                                   entry_date=date(2020, 8, 1), amount="1000", **CNY))  # fmt: skip
    opened = {"owner": "chen", "source_channel": "referral", "opened_on": date(2024, 1, 10)}
    deals = [
        flow.open_deal(**a, deal_in=flow.DealCreate(fund_id=fund_id, firm_id=f, **opened)).id
        for f in firms[1:4]
    ]
    flow.hold_deal(**a, deal_id=deals[1], on=date(2024, 1, 15))
    flow.pass_deal(**a, deal_id=deals[2], on=date(2024, 1, 15), reason="valuation")
    item = dd.add_item(**a, deal_id=deals[0], area="team", title="References")
    flagged = dd.add_item(**a, deal_id=deals[0], area="legal", title="Founder dispute")
    dd.raise_red_flag(**a, item_id=flagged.id, finding="A co-founder claims 5 %")
    ic_free, ic_open, ic_done = (_ic_deal(s, fund_id, f) for f in firms[4:7])
    member = ic.add_member(**a, fund_id=fund_id, name="Ma")
    meeting = ic.schedule_meeting(**a, fund_id=fund_id, held_on=DAY, title="IC 1")
    agenda = ic.add_to_agenda(**a, meeting_id=meeting.id, deal_id=ic_open)
    later = ic.schedule_meeting(**a, fund_id=fund_id, held_on=LATER, title="IC 2")
    done = ic.add_to_agenda(**a, meeting_id=later.id, deal_id=ic_done)
    decided = ic.decide(**a, agenda_item_id=done.id, decision="approve with conditions",
                        on=LATER, conditions=["Licence"])  # fmt: skip
    return Side(fund_id, lp_id, fee.id, ic_free, *deals, item.id, flagged.id, meeting.id,
                member.id, agenda.id, decided.conditions[0].id)  # fmt: skip


def _build(engine: Engine) -> SimpleNamespace:
    """Two CNY funds A and B, each with an LP's call, a holding, deals in every state the
    writes need, DD items, a committee with an open item and an open condition; a hub
    target; a fund manager's account."""
    with session_scope(engine, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        funds = [Fund(name=f"Fund {n}", vintage=date(2020, 1, 1), size=D("1000000000"), gp="GP",
                      hub_id=hub.id) for n in "AB"]  # fmt: skip
        lp = Lp(name="City Investment Group", kind="city investment group")
        firms = [Firm(name_en=f"Co{i}", sector="payments", hub_id=hub.id) for i in range(8)]
        s.add_all([*funds, lp, *firms])
        s.flush()
        s.add_all(Commitment(fund_id=f.id, lp_id=lp.id, amount=D("600000000"),
                             committed_on=date(2020, 1, 1)) for f in funds)  # fmt: skip
        firm_ids = [f.id or 0 for f in firms]
        a, b = (_side(s, f.id or 0, lp.id or 0, firm_ids) for f in funds)
        target = create_target(session=s, actor=ADMIN, target_in=TargetCreate(hub_id=hub.id,
                               kpi_code="parks_clusters", target_low=D(5), plan_start=date(2020,
                               1, 1), deadline=date(2025, 12, 31), source="plan"))  # fmt: skip
        user = AppUser(username="zhou", display_name="Zhou", role="fund_manager",
                       failed_attempts=2)  # fmt: skip
        s.add(user)
        s.flush()
    with Session(engine) as s:
        audited = s.exec(select(func.count()).select_from(AuditLog)).one()
    return SimpleNamespace(engine=engine, hub=hub.id, A=a, B=b, firms=firm_ids,
                           target=target.id, user=user.id, audited=audited)  # fmt: skip


def _intact(w: SimpleNamespace) -> bool:
    with Session(w.engine) as s:
        fund = s.get(Fund, w.A.fund)
        audited = s.exec(select(func.count()).select_from(AuditLog)).one()
    return fund is not None and fund.name == "Fund A" and audited == w.audited


@pytest.fixture(scope="module")
def _store(backend: str, request: pytest.FixtureRequest, tmp_path_factory) -> SimpleNamespace:
    """The world, built once per backend for this module (each test rolls its write back)."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("access") / "world.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        return _build(make_engine(f"sqlite:///{path}"))
    engine = request.getfixturevalue("_postgres_empty")
    _truncate(engine)
    return _build(engine)


@pytest.fixture
def world(_store: SimpleNamespace) -> Iterator[SimpleNamespace]:
    """The world, on one connection whose transaction is rolled back after the test: the
    write's own unit of work commits into it (or would, after a refusal), so the test sees
    exactly what a committed write leaves. Rebuilt if another module emptied the database."""
    if not _intact(_store):
        _truncate(_store.engine)
        _store.__dict__.update(_build(_store.engine).__dict__)
    with _store.engine.connect() as connection:
        outer = connection.begin()
        yield SimpleNamespace(**(_store.__dict__ | {"engine": connection}))
        outer.rollback()


Kwargs = Callable[[SimpleNamespace, Side], dict[str, Any]]
YEARS = (YearLine(2025, D("1000000"), D("1500000")), YearLine(2026, D("3000000"), D("2000000")))
CALL_ROW = {"ref": "M-1", "type": "capital_call", "date": "2024-03-15", "amount": "1000",
            "currency": "CNY", "lp": "City Investment Group"}  # fmt: skip
LEDGER_CSV = "\n".join(
    [",".join(LEDGER_COLUMNS), ",".join(CALL_ROW.get(c, "") for c in LEDGER_COLUMNS)]
).encode()
REPORTS_CSV = b"company,period_end,currency,revenue\nCo0,2024-06-30,CNY,1\n"
INDEX_CSV = b"date,level\n2020-01-31,100\n2020-02-29,101\n"
FUND_WRITES: dict[str, tuple[Callable[..., Any], Kwargs]] = {
    "record_call": (book.record_call, lambda w, x: {"call_in": CapitalCallCreate(
        fund_id=x.fund, lp_id=x.lp, entry_date=DAY, amount="1000", **CNY)}),
    "record_distribution": (book.record_distribution, lambda w, x: {"distribution_in":
        DistributionCreate(fund_id=x.fund, lp_id=x.lp, entry_date=DAY, amount="1000", **CNY)}),
    "record_fund_payment": (book.record_fund_payment, lambda w, x: {"payment_in":
        FundPaymentCreate(fund_id=x.fund, entry_date=DAY, amount="1000", **CNY)}),
    "record_investment": (book.record_investment, lambda w, x: {"investment_in": InvestmentCreate(
        fund_id=x.fund, firm_id=w.firms[0], entry_date=DAY, amount="1000", **CNY)}),
    "record_proceeds": (book.record_proceeds, lambda w, x: {"proceeds_in": ProceedsCreate(
        fund_id=x.fund, firm_id=w.firms[0], entry_date=DAY, amount="1000", category="dividend",
        **CNY)}),
    "record_write_off": (book.record_write_off, lambda w, x: {"write_off_in": WriteOffCreate(
        fund_id=x.fund, firm_id=w.firms[0], entry_date=DAY, cost_released="1000")}),
    "reverse_entry": (book.reverse_entry, lambda w, x: {"reversal_in": ReversalCreate(
        entry_id=x.fee, entry_date=DAY, memo="wrong period")}),
    "import_ledger": (import_ledger, lambda w, x: {"fund_id": x.fund, "data": LEDGER_CSV,
                                                   "filename": "ledger.csv"}),
    "record_valuation": (record_valuation, lambda w, x: {"mark_in": ValuationMarkCreate(
        fund_id=x.fund, firm_id=w.firms[0], valued_on=DAY, fair_value="500000", method="last round",
        **CNY)}),
    "define_metric": (define_metric, lambda w, x: {"fund_id": x.fund, "code": "nps",
                                                   "name": "NPS", "unit": ""}),
    "record_report": (record_report, lambda w, x: {"report_in": CompanyReportInput(
        fund_id=x.fund, firm_id=w.firms[0], period_end=date(2024, 3, 31), revenue=D(1), **CNY)}),
    "import_reports": (import_reports, lambda w, x: {"fund_id": x.fund, "data": REPORTS_CSV,
                                                     "filename": "q2.csv"}),
    "open_deal": (flow.open_deal, lambda w, x: {"deal_in": flow.DealCreate(fund_id=x.fund,
        firm_id=w.firms[7], owner="chen", source_channel="inbound", opened_on=DAY)}),
    "move_deal": (flow.move_deal, lambda w, x: {"deal_id": x.sourced, "to_stage": "screening",
                                                "on": DAY}),
    "pass_deal": (flow.pass_deal, lambda w, x: {"deal_id": x.sourced, "on": DAY, "reason": "team"}),
    "hold_deal": (flow.hold_deal, lambda w, x: {"deal_id": x.sourced, "on": DAY}),
    "resume_deal": (flow.resume_deal, lambda w, x: {"deal_id": x.held, "on": DAY}),
    "reopen_deal": (flow.reopen_deal, lambda w, x: {"deal_id": x.passed, "on": DAY,
                                                    "note": "new round"}),
    "start_checklist": (dd.start_checklist, lambda w, x: {"deal_id": x.sourced,
                                                          "areas": ["market"]}),
    "add_dd_item": (dd.add_item, lambda w, x: {"deal_id": x.sourced, "area": "market",
                                               "title": "Market size"}),
    "update_dd_item": (dd.update_item, lambda w, x: {"item_id": x.item, "status": "done"}),
    "raise_red_flag": (dd.raise_red_flag, lambda w, x: {"item_id": x.item, "finding": "x"}),
    "resolve_red_flag": (dd.resolve_red_flag, lambda w, x: {"item_id": x.flagged,
                                                            "how": "settled"}),
    "set_weights": (dd.set_weights, lambda w, x: {"fund_id": x.fund, "weights": {"team": 100}}),
    "score": (dd.score, lambda w, x: {"deal_id": x.sourced, "area": "team", "value": 3}),
    "save_projection": (save_projection, lambda w, x: {"deal_id": x.sourced, "projection_in":
        ProjectionInput(currency="CNY", discount_rate=D("0.2"), exit_multiple=D("3"),
                        years=YEARS, investment=D("2000000"), ownership=D("0.1"))}),
    "add_member": (ic.add_member, lambda w, x: {"fund_id": x.fund, "name": "Sun"}),
    "schedule_meeting": (ic.schedule_meeting, lambda w, x: {"fund_id": x.fund, "held_on": DAY,
                                                            "title": "IC 3"}),
    "add_to_agenda": (ic.add_to_agenda, lambda w, x: {"meeting_id": x.meeting,
                                                      "deal_id": x.ic_free}),
    "edit_memo": (ic.edit_memo, lambda w, x: {"agenda_item_id": x.agenda, "memo": "x"}),
    "cast_vote": (ic.cast_vote, lambda w, x: {"agenda_item_id": x.agenda, "member_id": x.member,
                                              "vote": "approve"}),
    "decide": (ic.decide, lambda w, x: {"agenda_item_id": x.agenda, "decision": "decline",
                                        "on": DAY}),
    "complete_condition": (ic.complete_condition, lambda w, x: {"condition_id": x.condition,
                                                                "on": LATER}),
}  # fmt: skip
OTHER_WRITES: dict[str, tuple[tuple[str, ...], Callable[..., Any], Kwargs]] = {
    "add_firm": (("fund_manager", "bureau"), add_firm, lambda w, x: {"firm_in": FirmCreate(
        name_en="New Co", sector="lending", hub_id=w.hub)}),
    "import_index": (("fund_manager", "analyst"), import_index, lambda w, x: {"code": "CSI",
        "name": "CSI 300", "currency": "CNY", "source": "file", "data": INDEX_CSV,
        "filename": "i.csv"}),
    "add_observation": (("bureau",), add_observation, lambda w, x: {"observation_in":
        KpiObservationCreate(hub_id=w.hub, kpi_code="gfci_rank", observed_on=date(2020, 6, 1),
                             value=D(25), source="GFCI 28")}),
    "create_target": (("bureau",), create_target, lambda w, x: {"target_in": TargetCreate(
        hub_id=w.hub, kpi_code="gfci_rank", target_low=D(10), plan_start=date(2020, 1, 1),
        deadline=date(2025, 12, 31), source="plan")}),
    "update_target": (("bureau",), update_target, lambda w, x: {
        "target_id": w.target, "target_in": TargetUpdate(target_low=D(6))}),
    "set_setting": ((), set_setting, lambda w, x: {"key": "sql_row_cap", "value": "500"}),
    "create_user": ((), users.create_user, lambda w, x: {"user_in": users.UserCreate(
        username="qian", role="analyst")}),
    "set_role": ((), users.set_role, lambda w, x: {"user_id": w.user, "role": "analyst"}),
    "assign_funds": ((), users.assign_funds, lambda w, x: {"user_id": w.user,
                                                           "fund_ids": [x.fund]}),
    "set_password": ((), users.set_password, lambda w, x: {"user_id": w.user,
                                                           "password": "another long password"}),
    "deactivate": ((), users.deactivate, lambda w, x: {"user_id": w.user}),
    "unlock": ((), users.unlock, lambda w, x: {"user_id": w.user}),
}  # fmt: skip
ROLES = ["fund_manager", "manager_of_A", "manager_of_B", "bureau", "analyst", "admin"]


def _actor(w: SimpleNamespace, role: str) -> Actor:
    if role.startswith("manager_of_"):
        return Actor(name=role, role="fund_manager", funds=frozenset({getattr(w, role[-1]).fund}))
    return Actor(name=role, role=role)


def _counts(s: Session) -> dict[str, int]:
    """Rows per table, as the session sees them (its own unflushed-then-flushed writes too)."""
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name != "alembic_version"]
    return {t.name: s.exec(select(func.count()).select_from(t)).one() for t in tables}


def _attempt(w: SimpleNamespace, actor: Actor, fn: Callable[..., Any], kwargs: dict) -> bool:
    """Run one write as ``actor`` in a unit of work that commits whatever the session holds:
    True if it was made (and audited), False if refused with nothing written at all."""
    with Session(w.engine) as s:
        before = _counts(s)
    with session_scope(w.engine, actor=actor.audit_name) as s:
        try:
            fn(session=s, actor=actor, **kwargs)
            made = True
        except PermissionDenied:
            made = False
    with Session(w.engine) as s:
        after = _counts(s)
    if made:
        assert after["audit_log"] > before["audit_log"], "a write left no audit row"
    else:
        assert after == before, "a refused write changed the store"
    return made


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", FUND_WRITES)
def test_fund_writes_are_for_fund_managers_of_that_fund_and_admins(world, write, role):
    fn, kwargs = FUND_WRITES[write]
    made = _attempt(world, _actor(world, role), fn, kwargs(world, world.A))
    assert made == (role in ("fund_manager", "manager_of_A", "admin"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", OTHER_WRITES)
def test_other_writes_are_for_their_roles_and_admins(world, write, role):
    roles, fn, kwargs = OTHER_WRITES[write]
    made = _attempt(world, _actor(world, role), fn, kwargs(world, world.A))
    assert made == (_actor(world, role).role in (*roles, "admin"))


@pytest.mark.parametrize("write", FUND_WRITES)
def test_a_manager_of_fund_a_cannot_write_to_fund_b(world, write):
    fn, kwargs = FUND_WRITES[write]
    manager = _actor(world, "manager_of_A")
    assert not _attempt(world, manager, fn, kwargs(world, world.B))


# --- pages ---------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
FUND_PAGES = {"fund_overview", "holdings", "fund_ledger", "portfolio_reports"}
DEAL_PAGES = {"pipeline", "deal_room", "committee", "pipeline_analytics", "company_sourcing"}
HUB_PAGES = {"hub_targets", "hub_comparison", "parks", "firms_funding"}
EXPECTED_PAGES = {  # the issue's roles, page by page ("schema" documents the store for all)
    "fund_manager": FUND_PAGES | DEAL_PAGES | HUB_PAGES | {"schema"},
    "bureau": HUB_PAGES | {"fund_overview", "schema"},
    "analyst": FUND_PAGES | DEAL_PAGES | HUB_PAGES | {"sql", "schema", "audit"},
    "admin": set(PAGES),
}
BLOCKED = [(r, p) for r in EXPECTED_PAGES for p in sorted(set(PAGES) - EXPECTED_PAGES[r])]
MATRIX = [(r, p) for r in EXPECTED_PAGES for p in sorted(EXPECTED_PAGES[r] & set(PAGES))]


@pytest.mark.parametrize(("role", "page"), MATRIX + BLOCKED)
def test_each_role_sees_exactly_its_pages_in_the_menu(role, page):
    assert (page in pages_for(role)) == (page in EXPECTED_PAGES[role])


@pytest.mark.parametrize(("role", "page"), BLOCKED)
def test_a_page_opened_by_a_role_it_is_not_for_stops_after_its_title(
    sqlite_url, monkeypatch, role, page
):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{page}.py"), default_timeout=60)
    at.session_state["actor"] = Actor(name="intruder", role=role)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == [PAGES[page][0]]
    refusal = f"{ROLE_LABELS[role]} 'intruder' may not open this page."
    assert [e.value for e in at.error] == [refusal]
    assert len(at.main.children) == 2  # the title and the refusal: nothing else rendered
