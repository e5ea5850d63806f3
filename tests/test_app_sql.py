"""The SQL and Schema pages through Streamlit's AppTest: results, refusals, the time limit, the
truncated warning, downloads, saved queries, and the schema generated from the models."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel
from streamlit.testing.v1 import AppTest

from app_pages.navigation import BY_ROLE, pages_for
from app_pages.text import md_text
from fund.access import Actor
from fund.settings import set_setting
from fund.sql_examples import EXAMPLES
from models.db import make_engine, session_scope

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
SLOW = (
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000) "
    "SELECT COUNT(*) FROM c"
)


def _page(url: str, monkeypatch: pytest.MonkeyPatch, page: str, role: str = "analyst") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("HUBFUND_ANALYST_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["actor"] = Actor(name="tester", role=role)
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _query(at: AppTest, sql: str) -> AppTest:
    at.text_area(key="sql_text").input(sql).run()
    at.button(key="sql_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _fingerprint(url: str) -> tuple:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.text(
            "SELECT (SELECT COUNT(*) FROM fund), (SELECT COUNT(*) FROM ledger_entry), "
            "(SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM saved_query), "
            "(SELECT COUNT(*) FROM sqlite_master)"
        )).one()  # fmt: skip
    engine.dispose()
    return tuple(found)


@pytest.mark.parametrize(
    ("role", "sees"),
    [("analyst", True), ("admin", True), ("fund_manager", False), ("bureau", False)],
)
def test_the_sql_page_is_for_analysts_and_admins_the_schema_for_everyone(role, sees):
    assert ("sql" in pages_for(role)) is sees
    assert "schema" in pages_for(role)
    assert ("Analysis" in BY_ROLE[role]) is True


def test_a_fund_manager_cannot_reach_the_sql_page_nor_run_it(demo_sqlite_url, monkeypatch):
    at = _page(demo_sqlite_url, monkeypatch, "sql", role="fund_manager")
    assert at.title[0].value == "Fund overview"  # not in the menu: the landing page instead
    direct = AppTest.from_file(str(ROOT / "app_pages" / "sql.py"), default_timeout=90)
    direct.session_state["actor"] = Actor(name="tester", role="fund_manager")
    direct.run()
    assert "may not open this page" in direct.error[0].value
    assert not direct.text_area and not direct.button


def test_a_query_shows_its_rows_limits_and_downloads(demo_sqlite_url, monkeypatch):
    at = _page(demo_sqlite_url, monkeypatch, "sql")
    assert at.title[0].value == "SQL"
    assert "stops after 1.0 s and returns at most 10,000 rows" in at.caption[0].value
    _query(at, "SELECT fund, company, invested FROM v_holdings ORDER BY invested DESC")
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["fund", "company", "invested"] and len(frame) == 32
    assert any(c.value.startswith("32 rows in ") for c in at.caption)
    assert not at.warning and not at.error
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Excel", "Download Parquet"]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM ledger_entry", "DELETE is refused"),
        ("UPDATE fund SET name = 'x'", "UPDATE is refused"),
        ("DROP VIEW v_ledger", "DROP is refused"),
        ("CREATE TABLE t (a INTEGER)", "CREATE is refused"),
        ("ATTACH DATABASE '/tmp/evil.db' AS evil", "ATTACH is refused"),
        ("PRAGMA query_only = OFF", "PRAGMA is refused"),
        ("SELECT 1; DELETE FROM fund", "one statement at a time"),
        ("SELECT password_hash FROM app_user", "app_user.password_hash is not readable"),
        ("SELECT * FROM nosuch", "no such table: nosuch"),
    ],
)
def test_refusals_show_the_reason_and_change_nothing(demo_sqlite_url, monkeypatch, sql, message):
    before = _fingerprint(demo_sqlite_url)
    at = _query(_page(demo_sqlite_url, monkeypatch, "sql"), sql)
    assert md_text(message) in at.error[0].value
    assert not at.dataframe
    assert _fingerprint(demo_sqlite_url) == before


def test_a_runaway_query_is_stopped_at_the_time_limit(demo_sqlite_url, monkeypatch):
    at = _query(_page(demo_sqlite_url, monkeypatch, "sql"), SLOW)
    assert at.error[0].value.startswith(md_text("stopped after 1.0 s"))


def test_a_result_over_the_row_cap_is_marked_truncated(demo_sqlite_url, monkeypatch):
    engine = make_engine(demo_sqlite_url)
    with session_scope(engine) as session:
        set_setting(session=session, actor=Actor(name="root", role="admin"), key="sql_row_cap",
                    value=5)  # fmt: skip
    engine.dispose()
    at = _query(_page(demo_sqlite_url, monkeypatch, "sql"), "SELECT * FROM v_ledger")
    assert len(at.dataframe[0].value) == 5
    assert at.warning[0].value.startswith("Truncated at 5 rows")


def test_an_example_loads_into_the_editor_and_runs(demo_sqlite_url, monkeypatch):
    at = _page(demo_sqlite_url, monkeypatch, "sql")
    name = "Pipeline: deals by stage"
    at.selectbox(key="sql_example").select(name).run()
    at.button(key="sql_load_example").click().run()
    assert at.text_area(key="sql_text").value == EXAMPLES[name]
    at.button(key="sql_run").click().run()
    assert not at.error and set(at.dataframe[0].value["stage"]) >= {"invested", "passed"}


def test_a_query_is_saved_loaded_shown_as_text_and_deleted(demo_sqlite_url, monkeypatch):
    at = _query(_page(demo_sqlite_url, monkeypatch, "sql"), "SELECT COUNT(*) FROM v_pipeline")
    name = "<b>deals</b> <script>alert(1)</script>"
    at.text_input[0].input(name)
    at.text_input[1].input("<i>note</i>")
    at.button[-1].click().run()  # the form's "Save query"
    assert not at.exception
    assert at.success[0].value == f"Saved the query {md_text(repr(name))}."  # Markdown as text
    picker = at.selectbox(key="sql_saved")
    assert picker.options == [f"{name} (tester)"]  # the name as text, never as HTML
    at.text_area(key="sql_text").input("SELECT 1").run()
    at.selectbox(key="sql_saved").select_index(0).run()
    assert any(t.value == "Note: <i>note</i>" for t in at.text)
    at.button(key="sql_load_saved").click().run()
    assert at.text_area(key="sql_text").value == "SELECT COUNT(*) FROM v_pipeline"
    at.button(key="sql_delete_saved").click().run()
    assert "Deleted the saved query" in at.success[0].value
    assert at.selectbox(key="sql_saved").options == []


def test_a_write_cannot_be_saved(demo_sqlite_url, monkeypatch):
    before = _fingerprint(demo_sqlite_url)
    at = _query(_page(demo_sqlite_url, monkeypatch, "sql"), "DELETE FROM fund")
    at.text_input[0].input("wipe")
    at.button[-1].click().run()
    assert any(md_text("sql: DELETE is refused") in e.value for e in at.error)
    assert _fingerprint(demo_sqlite_url) == before


def _expanders(at: AppTest) -> list[str]:
    return [e.label.split(":")[0] for e in at.expander]


def test_the_schema_page_lists_every_table_and_view_with_meanings(demo_sqlite_url, monkeypatch):
    at = _page(demo_sqlite_url, monkeypatch, "schema", role="bureau")
    assert at.title[0].value == "Schema"
    names = _expanders(at)
    assert set(SQLModel.metadata.tables) <= set(names)
    assert names[:2] == ["v_ledger", "v_holdings"]
    at.text_input(key="schema_find").input("investors").run()
    assert "funding_round" in _expanders(at)
    meanings = [
        row["meaning"]
        for frame in (d.value for d in at.dataframe)
        if "column" in frame
        for row in frame.to_dict("records")
        if row["column"] == "investors"
    ]
    assert '"; "-separated' in meanings


def test_the_schema_page_says_when_nothing_matches(demo_sqlite_url, monkeypatch):
    at = _page(demo_sqlite_url, monkeypatch, "schema")
    at.text_input(key="schema_find").input("no such thing anywhere").run()
    assert "Nothing in the schema mentions" in at.info[0].value
    assert not at.expander
