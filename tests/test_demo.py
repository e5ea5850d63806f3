"""The demo data set: counts, determinism, provenance, consistency, refusals (both backends)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from stdnum.cn import uscc as stdnum_uscc

from fund import demo, demo_facts
from fund.demo import DEMO_COUNTS, DEMO_SEED, count_rows, has_hub_data, load_demo
from fund.demo_facts import DEMO_END, SEEDS
from fund.demo_firms import RENOWNED_AT, RENOWNED_CRITERION
from fund.demo_generate import generate
from fund.funding import rounds_frame
from models.audit import AuditLog
from models.db import session_scope
from models.fx import FxRate
from models.hub import STAGES, Firm, FundingRound, Hub, Park, TrialApproval, TrialProject
from models.kpi import KpiObservation, Target
from models.validation import InputError


def _load(engine: Engine, **kwargs):
    with session_scope(engine, actor="test") as session:
        return load_demo(session=session, **kwargs)


def _counts(engine: Engine):
    with Session(engine) as session:
        return count_rows(session=session)


def _digest(engine: Engine) -> str:
    with Session(engine) as session:
        firms = session.exec(select(Firm)).all()
        rounds = session.exec(select(FundingRound)).all()
        parts = sorted(f"{f.name_en}|{f.name_zh}|{f.uscc}" for f in firms)
        parts += sorted(f"{r.announced}|{r.stage}|{r.amount}|{r.currency}" for r in rounds)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def test_load_demo_gives_the_documented_counts(empty_db):
    with Session(empty_db) as session:
        assert not has_hub_data(session=session)
    summary = _load(empty_db)
    assert summary == DEMO_COUNTS
    assert summary.as_dict() == {
        "hubs": 4, "parks": 15, "firms": 407, "funding_rounds": 830, "trial_approvals": 10,
        "trial_projects": 60, "targets": 8, "observations": 63, "fx_rates": 198,
        "funds": 2, "lps": 9, "commitments": 10, "ledger_entries": 724, "valuation_marks": 255,
        "benchmark_indexes": 1, "index_levels": 102, "metric_definitions": 5,
        "company_reports": 472, "deals": 61, "deal_stage_changes": 290, "dd_items": 1872,
        "ic_meetings": 34,
    }  # fmt: skip
    assert _counts(empty_db) == DEMO_COUNTS
    with Session(empty_db) as session:
        assert has_hub_data(session=session)
        assert session.exec(select(func.count()).select_from(AuditLog)).one() > 1500


def test_demo_is_deterministic_across_databases(demo_db, second_demo_sqlite):
    assert _digest(demo_db) == _digest(second_demo_sqlite)
    assert generate(DEMO_SEED) == generate(DEMO_SEED)
    assert generate(DEMO_SEED).firms != generate(DEMO_SEED + 1).firms


def test_every_target_and_observation_names_its_source(demo_db):
    with Session(demo_db) as session:
        targets = session.exec(select(Target)).all()
        observations = session.exec(select(KpiObservation)).all()
        hubs = session.exec(select(Hub)).all()
    for row in [*targets, *observations, *hubs]:
        assert row.source, row
        assert any(seed in row.source for seed in SEEDS) or "demo" in row.source, row.source
    for target in targets:
        from_a_seed = any(seed in target.source for seed in SEEDS)
        assert target.is_demo == (not from_a_seed), target.source
        assert from_a_seed or "demo assumption" in target.source
    seed_facts = [o for o in observations if not o.is_demo]
    assert {(o.kpi_code, o.value, o.observed_on) for o in seed_facts} == {
        ("gfci_rank", Decimal(10), date(2020, 3, 26)),
        ("gfci_rank", Decimal(8), date(2020, 3, 26)),
    }
    generated = [o for o in observations if o.is_demo]
    assert generated and all(o.source.startswith("demo: generated") for o in generated)


def test_seed_targets_are_the_plans_words(demo_db):
    with Session(demo_db) as session:
        rows = session.exec(select(Target, Hub).join(Hub, col(Hub.id) == Target.hub_id)).all()
    found = {(h.name, t.kpi_code): t for t, h in rows}
    assert found[("Shenzhen", "parks_clusters")].target_low == 5
    assert found[("Shenzhen", "renowned_firms")].target_low == 11
    assert "more than 10" in found[("Shenzhen", "renowned_firms")].target_text
    assert found[("Shenzhen", "financing_disbursed")].target_low == Decimal(10) ** 10
    beijing = found[("Beijing", "renowned_firms")]
    assert (beijing.target_low, beijing.target_high) == (5, 10)
    assert beijing.deadline == date(2022, 12, 31)
    clusters = found[("Beijing", "parks_clusters")]
    assert (clusters.target_low, clusters.target_high) == (3, 5)
    assert found[("Dalian", "platforms_delivered")].target_low == 3
    assert [t for t in found.values() if t.deadline > date(2026, 12, 31)]


def test_generated_usccs_validate_and_real_firms_have_none(demo_db):
    with Session(demo_db) as session:
        firms = session.exec(select(Firm)).all()
    codes = [f.uscc for f in firms if f.uscc]
    assert len(codes) == len(set(codes)) == 400
    assert all(stdnum_uscc.is_valid(code) and code.startswith("91") for code in codes)
    named = {f.name_en: f for f in firms if not f.is_demo}
    assert set(named) == {"WeBank", "Tencent", "Huawei", "Shenzhen HTI Group", "Dianrong",
                          "Ant Group", "Alibaba Group"}  # fmt: skip
    assert all(f.uscc is None for f in named.values())


def test_trials_match_the_seeds(demo_db):
    with Session(demo_db) as session:
        hubs = {h.id: h.name for h in session.exec(select(Hub)).all()}
        projects = session.exec(select(TrialProject)).all()
        approvals = session.exec(select(TrialApproval)).all()
    beijing = [p for p in projects if hubs[p.hub_id] == "Beijing"]
    assert len(beijing) == 46
    assert sum(p.entities for p in beijing) == 77
    assert max(p.approved for p in beijing) == date(2019, 12, 7)
    assert len([p for p in projects if hubs[p.hub_id] == "Shenzhen"]) == 9
    assert len(approvals) == 10
    assert all(a.approved_by == date(2019, 12, 31) and a.province_zh for a in approvals)
    linked = {a.province: hubs[a.hub_id] for a in approvals if a.hub_id is not None}
    assert linked == {"Beijing": "Beijing", "Guangdong": "Shenzhen", "Zhejiang": "Hangzhou"}


def _renowned_by(firms, hub_id: int, day: date) -> int:
    return sum(1 for f in firms if f.hub_id == hub_id and f.renowned and f.renowned_since <= day)


def test_firms_rounds_and_parks_are_consistent(demo_db):
    with Session(demo_db) as session:
        hubs = {h.name: h.id for h in session.exec(select(Hub)).all()}
        firms = {f.id: f for f in session.exec(select(Firm)).all()}
        parks = session.exec(select(Park)).all()
        frame = rounds_frame(session=session)  # every round has a USD/CNY rate within 31 days
        last_rate = session.exec(select(func.max(FxRate.on))).one()
    assert len(frame) == DEMO_COUNTS.funding_rounds and frame["is_demo"].all()
    assert 0.10 <= (frame["currency"] == "USD").mean() <= 0.20
    assert max(frame["announced"]) <= DEMO_END and last_rate <= DEMO_END
    cumulative: dict[int, Decimal] = defaultdict(Decimal)
    crossed: dict[int, date] = {}
    ladder = [s for s in STAGES if s not in ("strategic", "IPO")]
    by_firm = frame.sort_values(["announced", "round_id"]).groupby("firm_id")
    for firm_id, rounds in by_firm:
        firm = firms[firm_id]
        assert firm.founded < min(rounds["announced"])
        assert firm.closed_on is None or max(rounds["announced"]) < firm.closed_on
        steps = [ladder.index(s) for s in rounds["stage"] if s in ladder]
        assert steps == sorted(steps), (firm.name_en, list(rounds["stage"]))
        for day, amount in zip(rounds["announced"], rounds["amount_hub"], strict=True):
            cumulative[firm_id] += amount
            if cumulative[firm_id] >= RENOWNED_AT and firm_id not in crossed:
                crossed[firm_id] = day
    generated = {i: f for i, f in firms.items() if f.is_demo}
    assert {i for i, f in generated.items() if f.renowned} == set(crossed)
    for firm_id, day in crossed.items():
        assert generated[firm_id].renowned_since == day
        assert generated[firm_id].renowned_criterion == RENOWNED_CRITERION
    assert 5 <= _renowned_by(firms.values(), hubs["Beijing"], date(2022, 12, 31)) <= 10
    assert _renowned_by(firms.values(), hubs["Shenzhen"], date(2025, 12, 31)) == 10
    assert {f.status for f in generated.values()} == {"active", "closed", "acquired"}
    for park in parks:
        assert park.occupancy <= park.capacity and park.opened <= DEMO_END
        tenants = [f for f in firms.values() if f.park_id == park.id]
        assert all(f.hub_id == park.hub_id for f in tenants)
    assert len([p for p in parks if p.hub_id == hubs["Beijing"]]) == 5
    assert len([p for p in parks if p.hub_id == hubs["Shenzhen"]]) == 5


def test_second_load_is_refused_unless_replacing(demo_db):
    with pytest.raises(InputError, match="already holds hub data"):
        _load(demo_db)
    assert _counts(demo_db) == DEMO_COUNTS
    with pytest.raises(InputError, match="append-only"):  # the ledger cannot be deleted
        _load(demo_db, replace=True)
    assert _counts(demo_db) == DEMO_COUNTS


def test_replace_deletes_every_row_when_the_ledger_is_empty(empty_db, monkeypatch):
    real = demo.write_demo_funds  # load everything but the ledger and the deal history (both
    # append-only), so replacing may delete

    def without_ledger(*, session, plan, data):
        real(session=session, plan=dataclasses.replace(plan, ops=[]), data=data)

    monkeypatch.setattr(demo, "write_demo_funds", without_ledger)
    monkeypatch.setattr(demo, "load_demo_pipeline", lambda **_: None)
    loaded = _load(empty_db)
    no_pipeline = {"deals": 0, "deal_stage_changes": 0, "dd_items": 0, "ic_meetings": 0}
    assert loaded == dataclasses.replace(DEMO_COUNTS, ledger_entries=0, **no_pipeline)
    assert _load(empty_db, replace=True) == loaded
    with Session(empty_db) as session:
        deletes = session.exec(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "delete")
        ).one()
    assert deletes == sum(loaded.as_dict().values())


def test_a_bad_fact_is_refused_and_nothing_is_written(empty_db, monkeypatch):
    monkeypatch.setitem(demo_facts.TARGETS[0], "deadline", date(2019, 6, 30))
    with pytest.raises(InputError) as refused:
        _load(empty_db)
    message = str(refused.value)
    assert "deadline 2019-06-30" in message and "plan_start 2020-01-01" in message
    assert "Shenzhen" in message and "parks_clusters" in message
    assert _counts(empty_db).as_dict() == dict.fromkeys(DEMO_COUNTS.as_dict(), 0)
    with Session(empty_db) as session:
        assert session.exec(select(func.count()).select_from(AuditLog)).one() == 0


def test_an_invalid_uscc_is_refused_and_a_loaded_demo_kept(demo_db, monkeypatch):
    monkeypatch.setitem(demo_facts.FIRMS[0], "uscc", "91440300MA5XXXXXX0")
    with pytest.raises(InputError) as refused:
        _load(demo_db, replace=True)
    message = str(refused.value)
    assert "uscc" in message and "91440300MA5XXXXXX0" in message and "WeBank" in message
    assert _counts(demo_db) == DEMO_COUNTS
