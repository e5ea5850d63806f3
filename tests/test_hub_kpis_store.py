"""Hub KPI series, actuals, target progress and their writes, on every backend."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from fund.hub_kpis import Forecast, forecast_at, target_status
from fund.hub_targets import (
    FRAME_COLUMNS,
    actual_at,
    add_observation,
    create_target,
    hub_targets,
    kpi_series,
    observations,
    targets_frame,
    update_target,
)
from fund.results import Undefined
from models.audit import AuditLog
from models.db import session_scope
from models.fx import FxRate, MissingFxRate
from models.hub import Firm, FundingRound, Hub, Park, TrialProject
from models.kpi import KpiObservation, KpiObservationCreate, Target, TargetCreate, TargetUpdate
from models.validation import InputError

D = Decimal
BUREAU = Actor(name="li", role="bureau")
ANALYST = Actor(name="zhao", role="analyst")
START, END = date(2020, 1, 1), date(2021, 2, 1)
DATES = [START, date(2020, 3, 31), date(2020, 6, 30), date(2020, 9, 30), date(2020, 12, 31), END]
RENOWN = "top-50 fintech list"


def _firm(hub_id, name, **fields):
    return Firm(name_en=name, sector="payments", hub_id=hub_id, **fields)


@pytest.fixture
def hub_db(empty_db):
    """A small hub with parks, firms, rounds in CNY and USD, trial projects, and a neighbour."""
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Testhub", city="Dalian", province="Liaoning", currency="CNY")
        other = Hub(name="Otherhub", city="Shenzhen", province="Guangdong", currency="CNY")
        s.add_all([hub, other])
        s.flush()
        h = hub.id
        s.add_all(
            [
                Park(hub_id=h, name="P1", district="A", focus="x", opened=date(2020, 2, 15)),
                Park(hub_id=h, name="P2", district="A", focus="x", opened=date(2020, 6, 30)),
                Park(hub_id=h, name="P3", district="A", focus="x", opened=None),
                Park(hub_id=h, name="P4", district="A", focus="x", opened=date(2021, 1, 10)),
                Park(hub_id=other.id, name="P9", district="B", focus="x", opened=date(2019, 1, 1)),
            ]
        )
        f1 = _firm(h, "F1", founded=date(2019, 5, 1), renowned=True,
                   renowned_since=date(2020, 3, 31), renowned_criterion=RENOWN)  # fmt: skip
        f2 = _firm(h, "F2", founded=date(2020, 5, 1), renowned=True,
                   renowned_since=date(2020, 11, 1), renowned_criterion=RENOWN)  # fmt: skip
        f3 = _firm(h, "F3", status="closed", closed_on=date(2020, 9, 30))
        f4 = _firm(h, "F4", founded=START, status="closed", closed_on=date(2020, 12, 1))
        f5 = _firm(h, "F5", founded=date(2021, 1, 15))
        f9 = _firm(other.id, "F9", founded=date(2019, 1, 1))
        s.add_all([f1, f2, f3, f4, f5, f9])
        s.flush()
        s.add_all(
            [
                FxRate(on=date(2020, 5, 1), base="USD", quote="CNY", rate=D("7.1")),
                FxRate(on=date(2021, 1, 20), base="CNY", quote="USD", rate=D("0.15")),
            ]
        )
        rounds = [
            (f1, date(2019, 12, 31), "1000000", "CNY"),
            (f1, START, "500000", "CNY"),
            (f2, date(2020, 5, 10), "100000", "USD"),  # 710,000.00 CNY at 7.1
            (f2, date(2020, 10, 15), "250000.50", "CNY"),
            (f5, END, "10000", "USD"),  # 66,666.67 CNY at 1 / 0.15
            (f9, date(2020, 6, 1), "999999", "CNY"),
        ]
        s.add_all(
            FundingRound(firm_id=f.id, announced=d, stage="A", amount=D(a), currency=c)
            for f, d, a, c in rounds
        )
        s.add_all(
            [
                TrialProject(hub_id=h, name="T1", entities=3, approved=date(2020, 3, 1)),
                TrialProject(hub_id=h, name="T2", entities=5, approved=date(2020, 3, 31)),
                TrialProject(hub_id=h, name="T3", entities=2, approved=date(2020, 11, 11)),
                TrialProject(hub_id=other.id, name="T9", entities=9, approved=START),
            ]
        )
    return empty_db, hub.id, other.id


@pytest.mark.parametrize(
    ("kpi", "expected"),
    [
        ("parks_clusters", [0, 1, 2, 2, 2, 3]),
        ("fintech_firms", [3, 3, 4, 3, 2, 3]),
        ("renowned_firms", [0, 1, 1, 1, 2, 2]),
        ("funding_raised",
         ["500000", "500000", "1210000", "1210000", "1460000.50", "1526667.17"]),
        ("trial_projects", [0, 2, 2, 2, 3, 3]),
        ("trial_entities", [0, 8, 8, 8, 10, 10]),
    ],
)  # fmt: skip
def test_computed_series_at_start_quarter_ends_and_end(hub_db, kpi, expected):
    engine, hub_id, _ = hub_db
    with Session(engine) as s:
        series = kpi_series(session=s, hub_id=hub_id, kpi_code=kpi, start=START, end=END)
    assert series == list(zip(DATES, [D(v) for v in expected], strict=True))
    assert all(isinstance(v, Decimal) for _, v in series)


def _observe(s, hub_id, on, value, recorded, code="gfci_rank"):
    s.add(
        KpiObservation(hub_id=hub_id, kpi_code=code, observed_on=on, value=D(value), source="Z/Yen",
                       recorded_at=datetime(2024, 1, recorded, tzinfo=UTC))
    )  # fmt: skip


def test_observed_series_keeps_one_value_per_date_the_latest_recorded(hub_db):
    engine, hub_id, other_id = hub_db
    with session_scope(engine) as s:
        _observe(s, hub_id, date(2020, 9, 1), "22", recorded=5)  # recorded later, stored first
        _observe(s, hub_id, date(2020, 9, 1), "25", recorded=2)
        _observe(s, hub_id, date(2020, 3, 1), "30", recorded=1)
        _observe(s, hub_id, date(2019, 9, 1), "35", recorded=1)  # before start
        _observe(s, hub_id, date(2021, 3, 1), "20", recorded=1)  # after end
        _observe(s, other_id, date(2020, 6, 1), "5", recorded=1)  # another hub
    with Session(engine) as s:
        series = kpi_series(session=s, hub_id=hub_id, kpi_code="gfci_rank", start=START, end=END)
        latest = actual_at(session=s, hub_id=hub_id, kpi_code="gfci_rank", as_of=date(2020, 10, 1))
        none = actual_at(session=s, hub_id=hub_id, kpi_code="gfci_rank", as_of=date(2019, 1, 1))
        listed = observations(session=s, hub_id=hub_id, kpi_code="gfci_rank")
    assert series == [(date(2020, 3, 1), D(30)), (date(2020, 9, 1), D(22))]
    assert latest == (date(2020, 9, 1), D(22))
    assert none == Undefined("no observation of gfci_rank for Testhub on or before 2019-01-01")
    assert [o.value for o in listed] == [D(35), D(30), D(25), D(22), D(20)]


@pytest.mark.parametrize(
    ("kpi", "as_of", "since", "expected"),
    [
        ("parks_clusters", date(2020, 7, 1), None, D(2)),
        ("fintech_firms", date(2020, 12, 1), None, D(2)),
        ("funding_raised", date(2020, 12, 31), date(2020, 5, 1), D("960000.50")),
        ("funding_raised", date(2020, 12, 31), None, D("2460000.50")),
    ],
)
def test_actual_of_a_computed_kpi_is_its_value_on_the_as_of_date(
    hub_db, kpi, as_of, since, expected
):
    engine, hub_id, _ = hub_db
    with Session(engine) as s:
        found = actual_at(session=s, hub_id=hub_id, kpi_code=kpi, as_of=as_of, since=since)
    assert found == (as_of, expected)


def test_a_round_without_fx_rate_makes_funding_undefined_not_wrong(hub_db):
    engine, hub_id, _ = hub_db
    with session_scope(engine) as s:
        firm = s.exec(select(Firm).where(Firm.name_en == "F1")).one()
        s.add(FundingRound(firm_id=firm.id, announced=date(2020, 8, 8), stage="B",
                           amount=D(5), currency="EUR"))  # fmt: skip
    with Session(engine) as s:
        found = actual_at(session=s, hub_id=hub_id, kpi_code="funding_raised", as_of=END)
        with pytest.raises(MissingFxRate, match="EUR/CNY"):
            kpi_series(session=s, hub_id=hub_id, kpi_code="funding_raised", start=START, end=END)
    assert isinstance(found, Undefined) and "EUR/CNY" in found.reason


def _target(hub_id, **fields):
    values = {
        "hub_id": hub_id, "kpi_code": "parks_clusters", "target_low": D(5),
        "target_high": D(10), "plan_start": START, "deadline": date(2022, 12, 31),
        "source": "plan.md",
    } | fields  # fmt: skip
    return TargetCreate(**values)


def test_hub_targets_end_to_end_for_one_target(hub_db):
    engine, hub_id, _ = hub_db
    with session_scope(engine, actor=BUREAU.audit_name) as s:
        create_target(session=s, actor=BUREAU, target_in=_target(hub_id))
    with Session(engine) as s:
        (row,) = hub_targets(session=s, as_of=END)
        assert hub_targets(session=s, as_of=END, hub_id=hub_id + 1) == []
    series = list(zip(DATES, [D(v) for v in (0, 1, 2, 2, 2, 3)], strict=True))
    elapsed = D(397) / D(1095)  # 2020-01-01 .. 2021-02-01 of 2020-01-01 .. 2022-12-31
    forecast = forecast_at(series, at=date(2022, 12, 31))
    assert isinstance(forecast, Forecast) and forecast.points == 6
    assert (row.hub, row.kpi_code, row.unit, row.actual, row.actual_on) == (
        "Testhub", "parks_clusters", "count", D(3), END,
    )  # fmt: skip
    assert (row.attainment, row.elapsed, row.gap) == (D("0.6"), elapsed, D("0.6") - elapsed)
    assert row.series == tuple(series) and row.forecast == forecast
    assert (row.status, row.status_reason) == target_status(
        actual=D(3), target_low=D(5), direction="higher", deadline=date(2022, 12, 31),
        as_of=END, forecast=forecast, gap=D("0.6") - elapsed,
    )  # fmt: skip
    assert row.status == "on track" and row.status_reason.startswith("forecast ")
    frame = targets_frame([row])
    assert list(frame.columns) == FRAME_COLUMNS
    record = frame.iloc[0]
    assert (record["target"], record["attainment"], record["status"]) == ("5-10", 0.6, "on track")
    assert record["forecast"] == forecast.central


def test_hub_targets_without_fx_rate_or_forecast_say_why(hub_db):
    engine, hub_id, _ = hub_db
    with session_scope(engine, actor=BUREAU.audit_name) as s:
        firm = s.exec(select(Firm).where(Firm.name_en == "F1")).one()
        s.add(FundingRound(firm_id=firm.id, announced=date(2020, 8, 8), stage="B",
                           amount=D(5), currency="EUR"))  # fmt: skip
        _observe(s, hub_id, date(2020, 3, 1), "30", recorded=1)
        _observe(s, hub_id, date(2020, 9, 1), "22", recorded=1)
        for kpi, low in (("funding_raised", D(10**9)), ("gfci_rank", D(10))):
            target = _target(hub_id, kpi_code=kpi, target_low=low, target_high=None)
            create_target(session=s, actor=BUREAU, target_in=target)
    with Session(engine) as s:
        funding, rank = hub_targets(session=s, as_of=END, hub_id=hub_id)
    assert (funding.kpi_code, funding.actual, funding.series) == ("funding_raised", None, ())
    assert "EUR/CNY" in funding.actual_note and funding.unit == "CNY"
    assert (funding.status, funding.status_reason) == ("off track", "no actual recorded")
    assert (rank.actual, rank.actual_on, rank.attainment) == (
        D(22),
        date(2020, 9, 1),
        D(10) / D(22),
    )
    assert isinstance(rank.forecast, Undefined) and "only 2 dated points" in rank.forecast.reason
    assert rank.gap == D(10) / D(22) - D(397) / D(1095)  # +0.09: ahead of schedule
    assert (
        rank.status == "on track" and "schedule gap +0.09 is -0.10 or better" in rank.status_reason
    )
    frame = targets_frame([funding, rank])
    assert frame["target"].tolist() == ["1,000,000,000", "10"]
    assert frame["attainment"].tolist()[0] is None and frame["forecast"].isna().all()


def _counts(engine):
    with Session(engine) as s:
        return tuple(
            s.exec(select(func.count()).select_from(table)).one()
            for table in (KpiObservation, Target, AuditLog)
        )


def _observation(hub_id, **fields):
    values = {"hub_id": hub_id, "kpi_code": "gfci_rank", "observed_on": date(2020, 6, 1),
              "value": D(25), "source": "GFCI 28"} | fields  # fmt: skip
    return KpiObservationCreate.model_construct(**values)  # unvalidated: the domain must check


FUTURE = date.today() + timedelta(days=1)
REFUSALS = [
    ("observation by an analyst", "obs", {"actor": ANALYST}, PermissionDenied,
     "Analyst 'zhao' may not add a KPI observation"),
    ("observation of a computed KPI", "obs", {"kpi_code": "parks_clusters"}, InputError,
     "kpi: 'parks_clusters' is computed from the hub's parks (table park); record the park"),
    ("observation of an unknown hub", "obs", {"hub_id": 999}, InputError,
     "hub_id: 999 is not a known hub"),
    ("observation of an unknown KPI", "obs", {"kpi_code": "unicorns"}, InputError,
     "kpi: 'unicorns' is not a known KPI"),
    ("observation dated in the future", "obs", {"observed_on": FUTURE}, InputError,
     f"observed_on: {FUTURE.isoformat()} is in the future"),
    ("observation of rank 0", "obs", {"value": D(0)}, InputError,
     "value: 0 is not a gfci_rank (ranks start at 1)"),
    ("negative observation", "obs", {"kpi_code": "financing_disbursed", "value": D(-5)},
     InputError, "value: -5 is negative"),
    ("observation without a source", "obs", {"source": None}, InputError, "source"),
    ("target by an analyst", "new", {"actor": ANALYST}, PermissionDenied,
     "may not create a hub target"),
    ("target of an unknown hub", "new", {"hub_id": 999}, InputError,
     "hub_id: 999 is not a known hub"),
    ("target of an unknown KPI", "new", {"kpi_code": "unicorns"}, InputError,
     "kpi: 'unicorns' is not a known KPI"),
    ("duplicate target", "new", {"target_high": D(12)}, InputError,
     "Testhub already has a parks_clusters target with deadline 2022-12-31"),
    ("new target with deadline before start", "new", {"deadline": date(2019, 1, 1)},
     InputError, "deadline 2019-01-01 is not after plan_start 2020-01-01"),
    ("target update by an analyst", "upd", {"actor": ANALYST}, PermissionDenied,
     "may not update a hub target"),
    ("update of an unknown target", "upd", {"target_id": 999}, InputError,
     "target_id: 999 is not a known target"),
    ("update with deadline before start", "upd", {"deadline": date(2019, 12, 31)},
     InputError, "deadline 2019-12-31 is not after plan_start 2020-01-01"),
    ("update with min above max", "upd", {"target_low": D(11)}, InputError,
     "target_low (range min) 11 is greater than target_high (range max) 10"),
    ("update with a negative target", "upd", {"target_low": D(-1)}, InputError,
     "target_low: -1 is not a non-negative number"),
    ("update removing the source", "upd", {"source": None}, InputError, "source"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("write", "change", "error", "message"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_refused_writes_write_nothing(hub_db, write, change, error, message):
    engine, hub_id, _ = hub_db
    with session_scope(engine, actor=BUREAU.audit_name) as s:
        target_id = create_target(session=s, actor=BUREAU, target_in=_target(hub_id)).id
    before = _counts(engine)
    change = dict(change)
    actor = change.pop("actor", BUREAU)
    with session_scope(engine, actor=actor.audit_name) as s:
        with pytest.raises(error, match=re.escape(message)):
            if write == "obs":
                add_observation(
                    session=s,
                    actor=actor,
                    observation_in=_observation(change.pop("hub_id", hub_id), **change),
                )
            elif write == "new":
                target_in = TargetCreate.model_construct(**(_target(hub_id).model_dump() | change))
                create_target(session=s, actor=actor, target_in=target_in)
            else:
                update_target(session=s, actor=actor, target_id=change.pop("target_id", target_id),
                              target_in=TargetUpdate(**change))  # fmt: skip
    assert _counts(engine) == before
    with Session(engine) as s:
        stored = s.get(Target, target_id)
        assert (stored.target_low, stored.target_high, stored.source) == (D(5), D(10), "plan.md")


def test_bureau_writes_are_stored_and_audited(hub_db):
    engine, hub_id, _ = hub_db
    before = _counts(engine)
    with session_scope(engine, actor=BUREAU.audit_name) as s:
        observed = add_observation(session=s, actor=BUREAU, observation_in=_observation(hub_id))
        created = create_target(session=s, actor=BUREAU, target_in=_target(hub_id))
        change = TargetUpdate(target_high=None, target_low=D(6))
        updated = update_target(session=s, actor=BUREAU, target_id=created.id, target_in=change)
    assert (observed.kpi_code, observed.value, observed.id) == ("gfci_rank", D(25), 1)
    assert (updated.target_low, updated.target_high, updated.source) == (D(6), None, "plan.md")
    assert _counts(engine) == (before[0] + 1, before[1] + 1, before[2] + 3)
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert (audit.actor, audit.action, audit.table_name) == ("bureau:li", "update", "target")
    assert audit.new_values == {"target_low": "6", "target_high": None}


@pytest.mark.parametrize(
    ("target", "status", "reason"),
    [(D(3), "off track", "deadline 2020-12-31 passed"), (D(2), "met", "reaches target 2")],
)
def test_after_the_deadline_a_target_is_judged_at_the_deadline(hub_db, target, status, reason):
    engine, hub_id, _ = hub_db  # parks open 2020-02-15, 2020-06-30 and (late) 2021-01-10
    deadline = date(2020, 12, 31)
    with session_scope(engine, actor=BUREAU.audit_name) as s:
        create_target(
            session=s, actor=BUREAU,
            target_in=_target(hub_id, target_low=target, target_high=None, deadline=deadline),
        )  # fmt: skip
    with Session(engine) as s:
        (row,) = hub_targets(session=s, as_of=END)
    assert (row.actual, row.actual_on) == (D(2), deadline)
    assert row.series[-1] == (END, D(3))  # the chart still shows what came after
    assert isinstance(row.forecast, Undefined) and "has passed" in row.forecast.reason
    assert row.status == status and reason in row.status_reason
