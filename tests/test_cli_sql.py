"""``hubfund sql`` and ``hubfund db analyst-role``: output formats, limits, and refusals that
exit 2 with ``error: ...`` and change nothing."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from fund.access import Actor
from fund.cli import main
from fund.settings import set_setting
from models.db import make_engine, session_scope

SLOW = (
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000) "
    "SELECT COUNT(*) FROM c"
)


@pytest.fixture
def demo(monkeypatch, demo_sqlite_url) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    monkeypatch.delenv("HUBFUND_ANALYST_DATABASE_URL", raising=False)
    return demo_sqlite_url


def _fingerprint(url: str) -> tuple:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.text(
            "SELECT (SELECT COUNT(*) FROM fund), (SELECT COUNT(*) FROM ledger_entry), "
            "(SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM sqlite_master)"
        )).one()  # fmt: skip
    engine.dispose()
    return tuple(found)


def test_sql_prints_a_table_with_the_row_count(demo, capsys):
    assert main(["sql", "SELECT entry_type, COUNT(*) AS n FROM v_ledger GROUP BY entry_type "
                 "ORDER BY entry_type"]) == 0  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["entry_type", "n"]
    assert out[2].split() == ["capital_call", "534"]
    assert out[-1].startswith("(6 rows in ")


def test_sql_writes_csv_and_warns_on_stderr_when_truncated(demo, capsys):
    assert main(["sql", "SELECT entry_id, fund FROM v_ledger ORDER BY entry_id",
                 "--format", "csv", "--row-cap", "3"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert rows[0] == ["entry_id", "fund"] and [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert "truncated at 3 rows" in captured.err


def test_sql_json_carries_the_truncated_flag(demo, capsys):
    assert main(["sql", "SELECT fund, invested FROM v_holdings ORDER BY invested DESC",
                 "--format", "json", "--row-cap", "2"]) == 0  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert payload["columns"] == ["fund", "invested"]
    assert len(payload["rows"]) == 2 and payload["truncated"] is True and payload["row_cap"] == 2
    assert payload["rows"][0][1] == 126760000.0


def test_sql_reads_the_query_from_stdin(demo, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT COUNT(*) AS n FROM v_pipeline;\n"))
    assert main(["sql", "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == [[61]]


def test_sql_uses_the_row_cap_setting(demo, capsys):
    engine = make_engine(demo)
    with session_scope(engine) as session:
        set_setting(session=session, actor=Actor(name="root", role="admin"), key="sql_row_cap",
                    value=4)  # fmt: skip
    engine.dispose()
    assert main(["sql", "SELECT entry_id FROM v_ledger", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 5 and "truncated at 4 rows" in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["DELETE FROM ledger_entry"], "DELETE is refused"),
        (["DROP TABLE fund"], "DROP is refused"),
        (["ATTACH DATABASE '/tmp/evil.db' AS evil"], "ATTACH is refused"),
        (["PRAGMA journal_mode = DELETE"], "PRAGMA is refused"),
        (["SELECT 1; DELETE FROM fund"], "one statement at a time"),
        (["SELECT * FROM nosuch"], "no such table: nosuch"),
        ([SLOW], "stopped after 0.5 s"),
        (["SELECT 1", "--time-limit", "abc"], "--time-limit: 'abc' is not a number"),
        (["SELECT 1", "--row-cap", "0"], "--row-cap: '0' is outside 1 to 1000000"),
    ],
)
def test_sql_refusals_exit_2_with_the_message_and_change_nothing(demo, capsys, args, message):
    before = _fingerprint(demo)
    extra = ["--time-limit", "0.5"] if args == [SLOW] else []
    assert main(["sql", *args, *extra]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and message in captured.err
    assert captured.out == ""
    assert _fingerprint(demo) == before


def test_sql_on_a_missing_store_says_so_and_creates_nothing(tmp_path, monkeypatch, capsys):
    path = tmp_path / "missing.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert main(["sql", "SELECT 1"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not path.exists()


def test_analyst_role_on_sqlite_is_refused(demo, capsys):
    assert main(["db", "analyst-role"]) == 2
    assert "error: db analyst-role is for Postgres" in capsys.readouterr().err


def test_analyst_role_creates_a_login_role_on_postgres(postgres_url, monkeypatch, capsys):
    role = f"hubfund_t6_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    try:
        assert main(["db", "analyst-role", "--role", role, "--login", "--password-stdin"]) == 0
        out = capsys.readouterr().out
        assert f"ALTER ROLE {role} LOGIN PASSWORD ***" in out and "password\n" not in out
        assert f"role {role} reads the store read-only" in out
        engine = make_engine(postgres_url)
        with Session(engine) as session:
            login, read_only = session.execute(sa.text(
                "SELECT rolcanlogin, array_to_string(rolconfig, ',') FROM pg_roles "
                "WHERE rolname = :r"), {"r": role}).one()  # fmt: skip
        assert login and "default_transaction_read_only=on" in read_only
    finally:
        engine = make_engine(postgres_url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
        engine.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--login"], "--login and --password-stdin go together"),
        (["--role", "Bad-Name"], "--role: 'Bad-Name' is not a role name"),
    ],
)
def test_analyst_role_refusals_exit_2(postgres_url, monkeypatch, capsys, args, message):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    assert main(["db", "analyst-role", *args]) == 2
    assert message in capsys.readouterr().err
