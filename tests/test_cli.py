"""The ``hubfund`` command line, on SQLite files: each command, and every refusal writes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from fund.cli import main
from fund.demo import DEMO_COUNTS, count_rows
from models import migrate
from models.audit import AuditLog
from models.db import make_engine
from models.kpi import KpiObservation, Target

AS_OF = "2026-06-30"


@pytest.fixture
def fresh(monkeypatch, sqlite_url) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


@pytest.fixture
def demo(monkeypatch, demo_sqlite_url) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _rows(url: str) -> tuple[int, int, int]:
    """How many targets, observations and audit rows the database holds."""
    engine = make_engine(url)
    with Session(engine) as session:
        counts = tuple(
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Target, KpiObservation, AuditLog)
        )
    engine.dispose()
    return counts  # type: ignore[return-value]


def _summary(url: str):
    engine = make_engine(url)
    with Session(engine) as session:
        summary = count_rows(session=session)
    engine.dispose()
    return summary


def test_migrate_creates_a_fresh_file(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'new' / 'hubfund.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["migrate"]) == 0
    assert "revision" in capsys.readouterr().out
    engine = make_engine(url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
    assert main(["migrate"]) == 0  # idempotent


def test_demo_if_empty_loads_once(fresh, capsys):
    assert main(["demo", "--if-empty"]) == 0
    assert "demo loaded" in capsys.readouterr().out
    assert _summary(fresh) == DEMO_COUNTS
    audit = _rows(fresh)[2]
    assert main(["demo", "--if-empty"]) == 0
    assert "not loaded" in capsys.readouterr().out
    assert _summary(fresh) == DEMO_COUNTS
    assert _rows(fresh)[2] == audit  # nothing written the second time


def test_demo_reload_is_refused_once_the_ledger_has_entries(demo, capsys):
    before = _summary(demo)
    assert main(["demo", "--seed", "7"]) == 2
    assert "append-only" in capsys.readouterr().err
    assert _summary(demo) == before


def test_kpis_table(demo, capsys):
    assert main(["kpis", "--hub", "Shenzhen", "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    for header in ("hub", "KPI", "target", "actual", "attainment", "deadline", "status"):
        assert header in out
    assert "parks_clusters" in out and "renowned_firms" in out and "off track" in out
    assert "CNY 10,000,000,000" in out and "seeds/001_8aa4a92487690849.txt" in out


def test_kpis_json(demo, capsys):
    assert main(["kpis", "--hub", "深圳", "--as-of", AS_OF, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_kpi = {row["kpi_code"]: row for row in rows}
    parks = by_kpi["parks_clusters"]
    assert parks["hub"] == "Shenzhen"
    assert Decimal(parks["target_low"]) == 5 and Decimal(parks["actual"]) == 5
    assert parks["status"] == "met"
    assert by_kpi["renowned_firms"]["status"] == "off track"
    assert by_kpi["renowned_firms"]["target_text"].startswith("cultivating more than 10")
    assert isinstance(parks["forecast"], dict) and isinstance(parks["attainment"], str)


def test_kpis_json_shows_undefined_with_its_reason(demo, capsys):
    assert main(["kpis", "--hub", "Dalian", "--as-of", "2018-03-31", "--json"]) == 0
    rows = {row["kpi_code"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["platforms_delivered"]["attainment"] == {
        "undefined": rows["platforms_delivered"]["attainment"]["undefined"]
    }
    assert "no observation" in rows["platforms_delivered"]["attainment"]["undefined"]


def test_observe_and_target_write(demo, capsys):
    before = _rows(demo)
    assert main(["observe", "--hub", "Shenzhen", "--kpi", "gfci_rank", "--date", AS_OF,
                 "--value", "9", "--source", "GFCI 39 (test)", "--as", "bureau"]) == 0  # fmt: skip
    target = ["target", "--hub", "Beijing", "--kpi", "trial_projects", "--min", "50",
              "--plan-start", "2019-01-01", "--deadline", "2027-12-31",
              "--source", "test plan"]  # fmt: skip
    assert main(target) == 0
    assert "created" in capsys.readouterr().out
    assert main([*target[:6], "60", *target[7:], "--text", "sixty projects"]) == 0
    assert "updated" in capsys.readouterr().out
    after = _rows(demo)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    engine = make_engine(demo)
    with Session(engine) as session:
        row = session.exec(select(Target).where(Target.kpi_code == "trial_projects")).one()
        audit = session.exec(select(AuditLog).order_by(AuditLog.id.desc())).first()  # type: ignore[union-attr]
    engine.dispose()
    assert (row.target_low, row.target_text) == (60, "sixty projects")
    assert audit.actor == f"admin:{os.environ.get('USER', 'cli')}"


TARGET = ["target", "--hub", "Beijing", "--kpi", "trial_projects", "--source", "test plan"]
OBSERVE = ["observe", "--hub", "Dalian", "--kpi", "gfci_rank", "--source", "test"]
REFUSALS = {
    "deadline before plan start": (
        [*TARGET, "--min", "50", "--plan-start", "2020-01-01", "--deadline", "2019-12-31"],
        ["deadline", "2019-12-31", "2020-01-01"],
    ),
    "negative target": (
        [*TARGET, "--min", "-3", "--plan-start", "2020-01-01", "--deadline", "2027-12-31"],
        ["target_low", "-3"],
    ),
    "min above max": (
        [*TARGET, "--min", "50", "--max", "40", "--plan-start", "2020-01-01",
         "--deadline", "2027-12-31"],
        ["min", "50", "max", "40"],
    ),
    "unknown hub": (
        [*OBSERVE[:2], "Atlantis", *OBSERVE[3:], "--date", "2026-01-01", "--value", "3"],
        ["hub", "'Atlantis'"],
    ),
    "unknown KPI": (
        [*OBSERVE[:4], "happiness", *OBSERVE[5:], "--date", "2026-01-01", "--value", "3"],
        ["kpi", "'happiness'"],
    ),
    "observation in the future": (
        [*OBSERVE, "--date", "2099-01-01", "--value", "3"],
        ["observed_on", "2099-01-01", "future"],
    ),
    "non-numeric value": ([*OBSERVE, "--date", "2026-01-01", "--value", "ten"], ["value", "'ten'"]),
    "bad date": ([*OBSERVE, "--date", "2026-02-30", "--value", "3"], ["--date", "'2026-02-30'"]),
    "analyst may not observe": (
        [*OBSERVE, "--date", "2026-01-01", "--value", "3", "--as", "analyst"],
        ["Analyst", "may not"],
    ),
    "analyst may not set a target": (
        [*TARGET, "--min", "50", "--plan-start", "2020-01-01", "--deadline", "2027-12-31",
         "--as", "analyst"],
        ["Analyst", "may not"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("argv, fragments", REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals_return_2_name_the_value_and_write_nothing(demo, capsys, argv, fragments):
    before = _rows(demo)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    for fragment in fragments:
        assert fragment in captured.err, captured.err
    assert _rows(demo) == before


def test_usage_errors_return_2(demo, capsys):
    assert main(["kpis"]) == 2
    assert "--hub" in capsys.readouterr().err
    assert main(["kpis", "--hub", "Atlantis"]) == 2
    assert "error: hub: 'Atlantis'" in capsys.readouterr().err


def test_console_script_prints_json(demo_sqlite_url):
    script = Path(sys.executable).parent / "hubfund"
    env = {**os.environ, "DATABASE_URL": demo_sqlite_url}
    done = subprocess.run(
        [str(script), "kpis", "--hub", "Shenzhen", "--json"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    parks = next(r for r in rows if r["kpi_code"] == "parks_clusters")
    assert (parks["target_low"], parks["status"]) == ("5", "met")
