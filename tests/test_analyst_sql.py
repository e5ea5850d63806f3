"""The analysts' read-only SQL: what it refuses and why, the time limit, the row cap, the
Postgres role, saved queries and the downloads; every refusal changes nothing."""

from __future__ import annotations

import io
import re
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from fund.access import Actor, PermissionDenied
from fund.analyst_export import csv_bytes, excel_bytes, parquet_bytes
from fund.analyst_pg import run_postgres
from fund.analyst_role import create_analyst_role
from fund.analyst_sql import QueryFailed, QueryRefused, QueryResult, run_query, sql_limits
from fund.analyst_sqlite import run_sqlite
from fund.saved_queries import delete_query, list_queries, save_query
from fund.settings import set_setting
from fund.sql_examples import EXAMPLES
from fund.sql_guard import check_sql
from models.db import session_scope
from models.validation import InputError

SLOW = (
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000) "
    "SELECT COUNT(*) FROM c"
)
COUNTS = "SELECT (SELECT COUNT(*) FROM kpi) AS kpis, (SELECT COUNT(*) FROM audit_log) AS audit"
ANALYST, OTHER = Actor(name="ana", role="analyst"), Actor(name="bo", role="analyst")
ADMIN = Actor(name="root", role="admin")


def _url(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _run(engine: sa.Engine, sql: str, **limits: float) -> QueryResult:
    options = {"time_limit_s": 1.0, "row_cap": 10000} | limits
    return run_query(sql, url=_url(engine), **options)  # type: ignore[arg-type]


def _state(engine: sa.Engine) -> tuple:
    with engine.connect() as conn:
        names = sorted(sa.inspect(conn).get_table_names())
        return (names, *conn.execute(sa.text(COUNTS)).one())


REFUSED = [
    ("DELETE FROM kpi", "DELETE is refused"),
    ("UPDATE kpi SET name = 'x'", "UPDATE is refused"),
    ("INSERT INTO kpi (code) VALUES ('x')", "INSERT is refused"),
    ("DROP TABLE kpi", "DROP is refused"),
    ("CREATE TABLE t (a INTEGER)", "CREATE is refused"),
    ("ALTER TABLE kpi ADD COLUMN x INTEGER", "ALTER is refused"),
    ("ATTACH DATABASE '/tmp/x.db' AS x", "ATTACH is refused"),
    ("PRAGMA query_only = OFF", "PRAGMA is refused"),
    ("SELECT 1; DELETE FROM kpi", "one statement at a time"),
    ("SELECT 1; SELECT 2;", "one statement at a time"),
    ("WITH gone AS (DELETE FROM kpi RETURNING *) SELECT * FROM gone", "data-modifying WITH"),
    ("SELECT * INTO copy FROM kpi", "SELECT ... INTO is refused"),
    ("SELECT * FROM kpi FOR UPDATE", "UPDATE is refused"),
    ("EXPLAIN ANALYZE SELECT 1", "EXPLAIN ANALYZE is refused"),
    ("EXPLAIN DELETE FROM kpi", "EXPLAIN is allowed of a SELECT"),
    ("SELECT set_config('role', 'none', false)", "function set_config() is refused"),
    ("SELECT load_extension('/tmp/evil')", "function load_extension() is refused"),
    ("BEGIN", "BEGIN is refused: a query starts with SELECT"),
    ("", "the query is empty"),
    ("-- only a comment", "the query is empty"),
    ("SELECT 'unterminated", "unterminated string"),
]


@pytest.mark.parametrize(("sql", "message"), REFUSED)
def test_bad_queries_are_refused_with_the_reason_and_change_nothing(empty_db, sql, message):
    before = _state(empty_db)
    with pytest.raises(QueryRefused, match=re.escape(message)):
        _run(empty_db, sql)
    assert _state(empty_db) == before


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("SELECT 'a; DROP TABLE kpi' AS s", "sqlite"),
        ("SELECT x FROM (SELECT 1 AS x) -- a comment with ; DELETE\n;", "sqlite"),
        ('SELECT "update", [delete] FROM (SELECT 1 AS "update", 2 AS [delete])', "sqlite"),
        ("SELECT E'\\'; DELETE FROM kpi; --' AS s", "postgresql"),
        ("SELECT $tag$; DELETE FROM kpi; $tag$ AS s", "postgresql"),
        ("/* nested /* ; DELETE */ still a comment ; */ SELECT 1", "postgresql"),
        ("(SELECT 1) UNION (SELECT 2)", "postgresql"),
        ("VALUES (1, 'a'), (2, 'b')", "sqlite"),
        ("EXPLAIN QUERY PLAN SELECT * FROM kpi", "sqlite"),
        ("EXPLAIN (FORMAT JSON) SELECT * FROM kpi", "postgresql"),
    ],
)
def test_reading_statements_pass_the_lexical_check_without_their_last_semicolon(sql, dialect):
    assert check_sql(sql, dialect=dialect) == sql.rstrip().rstrip(";").rstrip()


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("SELECT E'\\''; DELETE FROM kpi", "postgresql"),  # the E-string closes before ;
        ("SELECT $a$ x $a$; DELETE FROM kpi", "postgresql"),
        ("/* ; */ SELECT 1 /* a */; /* b */ DELETE FROM kpi", "sqlite"),
        ("SELECT \"set_config\"('role', 'none', false)", "postgresql"),
        ("SELECT pg_catalog.pg_read_file('/etc/passwd')", "postgresql"),
        ("SELECT * FROM dblink('host=x', 'SELECT 1') AS t(a int)", "postgresql"),
    ],
)
def test_hidden_second_statements_and_quoted_functions_are_refused(sql, dialect):
    with pytest.raises(QueryRefused):
        check_sql(sql, dialect=dialect)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM kpi", "DELETE is refused"),
        ("CREATE TABLE t (a INTEGER)", "changing the schema (CREATE, DROP, ALTER) is refused"),
        ("CREATE TEMP VIEW v AS SELECT 1", "is refused"),
        ("ATTACH DATABASE ':memory:' AS x", "ATTACH is refused"),
        ("PRAGMA query_only = OFF", "PRAGMA query_only is refused"),
        ("SELECT * FROM pragma_database_list", "PRAGMA database_list is refused"),
        ("SELECT load_extension('x')", "function load_extension() is refused"),
        ("SELECT password_hash FROM app_user", "app_user.password_hash is not readable"),
    ],
)
def test_the_sqlite_authorizer_refuses_without_the_lexical_check(empty_db, sql, message):
    if empty_db.dialect.name != "sqlite":
        pytest.skip("the authorizer is SQLite's")
    before = _state(empty_db)
    with pytest.raises(QueryRefused, match=re.escape(message)):
        run_sqlite(sql, url=_url(empty_db), time_limit_s=1.0, row_cap=10)
    assert _state(empty_db) == before


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("EXPLAIN ANALYZE DELETE FROM kpi", "cannot execute DELETE in a read-only transaction"),
        ("SELECT nextval('hub_id_seq')", "read-only transaction"),
        ("SELECT 1; DELETE FROM kpi", "one statement at a time"),
    ],
)
def test_postgres_read_only_transactions_refuse_without_the_lexical_check(empty_db, sql, message):
    if empty_db.dialect.name != "postgresql":
        pytest.skip("read-only transactions are Postgres'")
    before = _state(empty_db)
    with pytest.raises(QueryRefused, match=message):
        run_postgres(sql, url=_url(empty_db), time_limit_s=1.0, row_cap=10)
    assert _state(empty_db) == before


def test_a_runaway_query_is_stopped_at_the_time_limit(empty_db):
    started = time.monotonic()
    with pytest.raises(QueryRefused, match=r"stopped after 1\.0 s"):
        _run(empty_db, SLOW)
    assert 0.9 < time.monotonic() - started < 5


def test_a_longer_time_limit_is_kept(empty_db):
    started = time.monotonic()
    with pytest.raises(QueryRefused, match=r"stopped after 2\.0 s"):
        _run(empty_db, SLOW, time_limit_s=2.0)
    assert time.monotonic() - started > 1.9


@pytest.mark.parametrize(("cap", "rows", "truncated"), [(10, 10, True), (25, 25, False)])
def test_the_row_cap_truncates_and_says_so(empty_db, cap, rows, truncated):
    numbers = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 25) "
    result = _run(empty_db, numbers + "SELECT n FROM c ORDER BY n", row_cap=cap)
    assert (len(result.rows), result.truncated, result.row_cap) == (rows, truncated, cap)
    assert [r[0] for r in result.rows] == list(range(1, rows + 1))


def test_a_query_reads_and_binds_parameters(empty_db):
    result = run_query("SELECT code, kind FROM kpi WHERE code = :code", url=_url(empty_db),
                       time_limit_s=1, row_cap=5, params={"code": "gfci_rank"})  # fmt: skip
    assert result.columns == ("code", "kind") and result.rows == (("gfci_rank", "rank"),)


def test_a_query_the_database_rejects_fails_with_its_message(empty_db):
    with pytest.raises(QueryFailed, match="nosuch"):
        _run(empty_db, "SELECT * FROM nosuch")


@pytest.mark.parametrize(("field", "value"), [("time_limit_s", 0), ("row_cap", 0)])
def test_limits_out_of_range_are_refused(empty_db, field, value):
    with pytest.raises(InputError, match="outside"):
        _run(empty_db, "SELECT 1", **{field: value})


def test_the_limits_come_from_the_settings(empty_db):
    with Session(empty_db) as session:
        assert sql_limits(session=session) == (1.0, 10000)
    with session_scope(empty_db) as session:
        set_setting(session=session, actor=ADMIN, key="sql_time_limit_seconds", value="2.5")
        set_setting(session=session, actor=ADMIN, key="sql_row_cap", value="50")
    with Session(empty_db) as session:
        assert sql_limits(session=session) == (2.5, 50)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_example_query_runs_on_the_demo(demo_db, name):
    result = _run(demo_db, EXAMPLES[name], time_limit_s=5.0)
    assert result.columns
    assert (len(result.rows) > 0) == (name != "Fund performance, latest snapshot")


def test_duplicate_column_names_get_a_number_in_the_frame(empty_db):
    frame = _run(empty_db, "SELECT 1 AS a, 2 AS a, 3 AS b").frame()
    assert list(frame.columns) == ["a", "a (2)", "b"]


@pytest.fixture
def analyst_role(empty_db):
    if empty_db.dialect.name != "postgresql":
        pytest.skip("roles are Postgres'")
    role = f"hubfund_t6_{uuid.uuid4().hex[:8]}"
    yield role
    with empty_db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f"DROP OWNED BY {role}"))
        conn.execute(sa.text(f"DROP ROLE {role}"))


def test_the_analyst_role_reads_everything_but_password_hashes(empty_db, analyst_role):
    url = _url(empty_db)
    first = create_analyst_role(url=url, role=analyst_role)
    assert first[0] == f'CREATE ROLE "{analyst_role}" NOLOGIN'
    again = create_analyst_role(url=url, role=analyst_role)  # idempotent: no second CREATE
    assert not any(s.startswith("CREATE ROLE") for s in again)
    run = {"url": url, "time_limit_s": 1.0, "row_cap": 10, "role": analyst_role}
    assert run_query("SELECT COUNT(*) FROM v_ledger", **run).note is None
    assert run_query("SELECT username, role FROM app_user", **run).rows == ()
    with pytest.raises(QueryFailed, match="permission denied"):
        run_query("SELECT password_hash FROM app_user", **run)
    note = run_query("SELECT 1", **(run | {"role": "hubfund_no_such_role"})).note
    assert "hubfund_no_such_role does not exist" in (note or "")


def test_a_login_analyst_role_gets_read_only_sessions(empty_db, analyst_role):
    create_analyst_role(url=_url(empty_db), role=analyst_role, password="correct horse battery")
    parts = empty_db.url
    with psycopg.connect(host=parts.host, port=parts.port, dbname=parts.database,
                         user=analyst_role, password="correct horse battery") as conn:  # fmt: skip
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
        assert conn.execute("SELECT COUNT(*) FROM kpi").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("DELETE FROM kpi")


@pytest.mark.parametrize(
    ("role", "password", "message"),
    [("Robert'); DROP", None, "not a role name"), ("analyst", "short", "shorter than 12")],
)
def test_bad_role_names_and_short_passwords_are_refused(postgres_url, role, password, message):
    with pytest.raises(InputError, match=message):
        create_analyst_role(url=postgres_url, role=role, password=password)


def test_saved_queries_save_replace_list_and_delete(empty_db):
    with session_scope(empty_db) as session:
        saved = save_query(session=session, actor=ANALYST, name="holdings",
                           sql="SELECT * FROM v_holdings", note="<b>first</b>")  # fmt: skip
        save_query(session=session, actor=ANALYST, name="holdings", sql="SELECT 1")
        save_query(session=session, actor=OTHER, name="mine", sql="SELECT 2")
    with Session(empty_db) as session:
        own = list_queries(session=session, actor=ANALYST)
        everyone = list_queries(session=session, actor=ADMIN)
    assert [(q.id, q.name, q.sql, q.note) for q in own] == [
        (saved.id, "holdings", "SELECT 1", None)
    ]
    assert [(q.owner, q.name) for q in everyone] == [("ana", "holdings"), ("bo", "mine")]
    with pytest.raises(PermissionDenied, match="only its owner"), session_scope(empty_db) as s:
        delete_query(session=s, actor=OTHER, query_id=saved.id)
    with session_scope(empty_db) as session:
        delete_query(session=session, actor=ADMIN, query_id=saved.id)
    with Session(empty_db) as session:
        assert [q.name for q in list_queries(session=session, actor=ADMIN)] == ["mine"]


@pytest.mark.parametrize(
    ("actor", "name", "sql", "error", "message"),
    [
        (ANALYST, "wipe", "DELETE FROM kpi", InputError, "sql: DELETE is refused"),
        (ANALYST, "two", "SELECT 1; SELECT 2", InputError, "one statement at a time"),
        (ANALYST, "  ", "SELECT 1", InputError, "name: give a name"),
        (ANALYST, "x" * 121, "SELECT 1", InputError, "more than 120"),
        (ANALYST, "empty", "", InputError, "sql: give a sql"),
        (Actor(name="fm", role="fund_manager"), "q", "SELECT 1", PermissionDenied, "may not"),
        (Actor(name="li", role="bureau"), "q", "SELECT 1", PermissionDenied, "may not"),
    ],
)
def test_bad_saved_queries_are_refused_and_nothing_is_written(
    empty_db, actor, name, sql, error, message
):
    before = _state(empty_db)
    with pytest.raises(error, match=message), session_scope(empty_db) as session:
        save_query(session=session, actor=actor, name=name, sql=sql)
    assert _state(empty_db) == before


def test_downloads_keep_the_values_and_never_make_formulas():
    frame = QueryResult(
        columns=("name", "amount", "at", "payload", "mixed"),
        rows=(("=HYPERLINK(\"http://x\")", Decimal("1.50"), datetime(2024, 1, 2, tzinfo=UTC),
               {"a": 1}, 1), ("大连", None, None, None, "two")),
        truncated=False, elapsed_s=0.0, time_limit_s=1.0, row_cap=10,
    ).frame()  # fmt: skip
    assert csv_bytes(frame).startswith("\ufeffname,amount".encode())
    assert "大连".encode() in csv_bytes(frame)
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame))).active
    assert sheet["A2"].value == '=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"
    assert sheet["C2"].value == datetime(2024, 1, 2) and sheet["D2"].value == '{"a": 1}'
    back = pd.read_parquet(io.BytesIO(parquet_bytes(frame)))
    assert list(back["name"]) == ['=HYPERLINK("http://x")', "大连"]
    assert back["amount"].iloc[0] == Decimal("1.50") and list(back["mixed"]) == ["1", "two"]
