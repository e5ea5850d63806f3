"""Cached reads never outlive a write: the store's data version keys them (app_pages.cached)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from app_pages import cached
from fund.access import Actor
from fund.ecosystem import parks_frame
from models.db import session_scope
from models.hub import Hub, Park

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
CALLS: list[str] = []


def _hub_names(*, session: Session, prefix: str = "") -> list[str]:
    """The hubs' names starting with ``prefix``, counting the calls that reach the store."""
    CALLS.append(prefix)
    return sorted(h.name for h in session.exec(select(Hub)).all() if h.name.startswith(prefix))


def _add_hub(engine: Engine, name: str) -> None:
    with session_scope(engine, actor="admin:test") as session:
        session.add(Hub(name=name, city=name, province="Liaoning"))


@pytest.fixture
def store(empty_db: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DATABASE_URL", empty_db.url.render_as_string(hide_password=False))
    cached.clear()
    CALLS.clear()
    return empty_db


def test_a_write_changes_the_data_version(store):
    before = cached.data_version()
    _add_hub(store, "Dalian")
    after = cached.data_version()
    assert after != before and after[0] > before[0]
    assert cached.data_version() == after  # reading does not move it


def test_a_read_is_served_from_the_cache_until_a_write(store):
    _add_hub(store, "Dalian")
    assert cached.cached_read(_hub_names) == ["Dalian"]
    assert cached.cached_read(_hub_names) == ["Dalian"]
    assert len(CALLS) == 1
    _add_hub(store, "Shenzhen")
    assert cached.cached_read(_hub_names) == ["Dalian", "Shenzhen"]
    assert len(CALLS) == 2


@pytest.mark.parametrize(
    ("first", "second", "calls"),
    [
        (("fund_manager", (1,)), ("fund_manager", (2,)), 2),  # another fund set: another entry
        (("fund_manager", (1,)), ("analyst", None), 2),
        (("admin", None), ("admin", None), 1),
    ],
)
def test_scope_keeps_one_actors_reads_apart_from_anothers(store, first, second, calls):
    _add_hub(store, "Dalian")
    cached.cached_read(_hub_names, scope=first, prefix="D")
    cached.cached_read(_hub_names, scope=second, prefix="D")
    assert len(CALLS) == calls


def test_scope_of_names_the_role_and_the_sorted_fund_set():
    assert cached.scope_of(Actor("a", "fund_manager", frozenset({3, 1}))) == (
        "fund_manager",
        (1, 3),
    )
    assert cached.scope_of(Actor("b", "admin")) == ("admin", None)


def test_arguments_are_part_of_the_key(store):
    _add_hub(store, "Dalian")
    _add_hub(store, "Shenzhen")
    assert cached.cached_read(_hub_names, prefix="S") == ["Shenzhen"]
    assert cached.cached_read(_hub_names, prefix="D") == ["Dalian"]
    assert len(CALLS) == 2


def test_the_parks_page_shows_a_park_written_elsewhere_on_its_next_run(
    demo_sqlite_url, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["actor"] = Actor(name="tester", role="admin")
    at.switch_page("app_pages/parks.py").run()
    assert not at.exception
    engine = cached.common.engine()
    with Session(engine) as session:
        before = len(parks_frame(session=session))
        hub_id = session.exec(select(Hub.id)).first()
    with session_scope(engine, actor="admin:elsewhere") as session:  # e.g. the CLI
        session.add(Park(hub_id=hub_id, name="Cache Test Park", district="Ganjingzi", focus="x"))
    at.run()
    assert not at.exception
    shown = [d.value for d in at.dataframe]
    assert any("Cache Test Park" in frame.to_string() for frame in shown)
    assert any(len(frame) == before + 1 for frame in shown)
