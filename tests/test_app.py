"""Every page, through Streamlit's AppTest, on the demo data and on an empty store."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from sqlmodel import Session, func, select
from streamlit.testing.v1 import AppTest

from app_pages.navigation import BY_ROLE, HUB, pages_for
from app_pages.navigation import PAGES as NAV_PAGES
from fund.access import Actor
from models.db import make_engine
from models.hub import Hub
from models.kpi import KpiObservation, Target

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
PAGES = {name: f"app_pages/{name}.py" for name in NAV_PAGES}
TITLES = {name: title for name, (title, _) in NAV_PAGES.items()}
ROLE_PAGES = [(role, page) for role in BY_ROLE for page in pages_for(role)]


def _app(url: str, monkeypatch: pytest.MonkeyPatch, role: str = "admin") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["actor"] = Actor(name="tester", role=role)
    return at


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == TITLES[page]
    return at


def _chart_data(at: AppTest, index: int = 0) -> pd.DataFrame:
    """The data behind the page's ``index``-th Altair chart (Streamlit ships it as Arrow)."""
    chart = at.get("vega_lite_chart")[index].proto
    assert json.loads(chart.spec)["layer"], "not a layered chart"
    return pa.ipc.open_stream(chart.datasets[0].data.data).read_all().to_pandas()


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_default_page_for_admin_is_hub_targets(demo_sqlite_url, monkeypatch):
    at = _app(demo_sqlite_url, monkeypatch)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Hub targets"
    assert "Signed in as **tester** (Administrator)" in at.sidebar.caption[0].value


@pytest.mark.parametrize(
    ("role", "first_title"),
    [("bureau", "Hub targets"), ("fund_manager", "Fund overview"), ("analyst", "Fund overview")],
)
def test_each_role_lands_on_its_first_page(demo_sqlite_url, monkeypatch, role, first_title):
    at = _app(demo_sqlite_url, monkeypatch, role)
    at.run()
    assert not at.exception
    assert at.title[0].value == first_title


@pytest.mark.parametrize(("role", "page"), ROLE_PAGES)
def test_every_page_renders_for_every_role(demo_sqlite_url, monkeypatch, role, page):
    _open(_app(demo_sqlite_url, monkeypatch, role), page)


def test_hub_targets_shows_every_demo_target_with_a_status(demo_sqlite_url, monkeypatch):
    at = _open(_app(demo_sqlite_url, monkeypatch), "hub_targets")
    with Session(make_engine(demo_sqlite_url)) as session:
        targets = session.exec(select(func.count()).select_from(Target)).one()
    table = at.dataframe[0].value
    assert len(table) == targets
    counts = [int(_metric(at, s)) for s in ("Met", "On track", "At risk", "Off track")]
    assert sum(counts) == targets
    assert set(table["status"]) <= {"met", "on track", "at risk", "off track"}
    shenzhen_parks = table[(table["hub"] == "Shenzhen") & (table["kpi_name"].str.contains("parks"))]
    assert shenzhen_parks["target"].iloc[0] == "5"
    assert all("seeds/" in s or "demo" in s for s in table["source"])
    labels = set(_chart_data(at)["label"])
    assert len(labels) == targets and "Shenzhen · Fintech parks and clusters" in labels
    assert any("How the status is set" in e.label for e in at.expander)


def test_hub_targets_offers_forms_to_the_bureau_only(demo_sqlite_url, monkeypatch):
    bureau = _open(_app(demo_sqlite_url, monkeypatch, "bureau"), "hub_targets")
    assert [b.label for b in bureau.button] == ["Record observation", "Save target"]
    analyst = _open(_app(demo_sqlite_url, monkeypatch, "analyst"), "hub_targets")
    assert len(analyst.button) == 0
    assert any("Read-only for your role" in c.value for c in analyst.caption)


def _observation_count(url: str) -> int:
    with Session(make_engine(url)) as session:
        return session.exec(select(func.count()).select_from(KpiObservation)).one()


def _fill_observation(
    at: AppTest, url: str, value: str, when: date, source: str = "GFCI 36"
) -> None:
    assert "Shenzhen" in at.selectbox(key="obs_hub").options
    assert "GFCI rank" in at.selectbox(key="obs_kpi").options
    with Session(make_engine(url)) as session:
        shenzhen = session.exec(select(Hub.id).where(Hub.name == "Shenzhen")).one()
    at.selectbox(key="obs_hub").set_value(shenzhen)
    at.selectbox(key="obs_kpi").set_value("gfci_rank")
    at.date_input(key="obs_date").set_value(when)
    at.text_input(key="obs_value").input(value)
    at.text_input(key="obs_source").input(source)
    at.button[0].click().run()


def test_bureau_records_an_observation(demo_sqlite_url, monkeypatch):
    at = _open(_app(demo_sqlite_url, monkeypatch, "bureau"), "hub_targets")
    before = _observation_count(demo_sqlite_url)
    _fill_observation(at, demo_sqlite_url, "9", date.today() - timedelta(days=1))
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Recorded" in at.success[0].value
    assert _observation_count(demo_sqlite_url) == before + 1


@pytest.mark.parametrize(
    ("value", "when", "source", "message"),
    [
        ("9", date.today() + timedelta(days=3), "GFCI", "observed_on"),
        ("nine", date.today(), "GFCI", "value"),
        ("9", date.today(), "", "source"),
    ],
)
def test_bad_observation_is_refused_and_nothing_written(
    demo_sqlite_url, monkeypatch, value, when, source, message
):
    at = _open(_app(demo_sqlite_url, monkeypatch, "bureau"), "hub_targets")
    before = _observation_count(demo_sqlite_url)
    _fill_observation(at, demo_sqlite_url, value, when, source)
    assert not at.exception
    assert message in at.error[0].value
    assert _observation_count(demo_sqlite_url) == before


def test_target_edit_with_deadline_before_start_is_refused(demo_sqlite_url, monkeypatch):
    at = _open(_app(demo_sqlite_url, monkeypatch, "bureau"), "hub_targets")
    start = at.date_input(key="tgt_start").value
    at.date_input(key="tgt_deadline").set_value(start - timedelta(days=1))
    at.button[1].click().run()
    assert "deadline" in at.error[0].value and "plan_start" in at.error[0].value


def test_hub_comparison_shows_the_four_hubs_and_the_trials(demo_sqlite_url, monkeypatch):
    at = _open(_app(demo_sqlite_url, monkeypatch), "hub_comparison")
    table = at.dataframe[0].value
    assert sorted(table["hub"]) == ["Beijing", "Dalian", "Hangzhou", "Shenzhen"]
    by_hub = at.dataframe[1].value.set_index("hub")
    assert by_hub.loc["Beijing", "projects"] == 46
    assert by_hub.loc["Beijing", "entities"] == 77
    assert len(at.dataframe[2].value) == 10


def test_parks_page_counts_the_parks_on_the_map(demo_sqlite_url, monkeypatch):
    at = _open(_app(demo_sqlite_url, monkeypatch), "parks")
    all_parks = at.dataframe[-1].value
    assert int(_metric(at, "Parks & clusters")) == len(all_parks) > 0
    beijing = all_parks[all_parks["hub"] == "Beijing"]
    assert {"Xicheng", "Haidian", "Shijingshan", "Fangshan", "Tongzhou"} <= set(
        d.split()[0] for d in beijing["district"]
    )


def test_firms_and_funding_totals_in_hub_currency(demo_sqlite_url, monkeypatch):
    at = _open(_app(demo_sqlite_url, monkeypatch), "firms_funding")
    assert _metric(at, "Total raised").startswith("CNY ")
    assert int(_metric(at, "Rounds").replace(",", "")) > 0
    firms = at.dataframe[-2].value
    assert int(_metric(at, "Firms").replace(",", "")) == len(firms)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_explains_an_empty_store(sqlite_url, monkeypatch, page):
    at = _open(_app(sqlite_url, monkeypatch), page)
    expected = "No hubs in the store yet" if page in HUB else "No funds in the store yet"
    assert expected in at.info[0].value
