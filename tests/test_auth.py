"""Signing in and managing users: Argon2 hashes, the password policy, lockout, the same answer
for unknown users and wrong passwords, OIDC identities, settings, and the ``hubfund user``
command (SQLite and Postgres)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session, func, select

import fund.auth as auth
from fund import cli
from fund.access import Actor, PermissionDenied, require_fund
from fund.settings import SETTINGS, get_setting, set_setting, set_settings
from fund.users import (
    UserCreate,
    actor_for_identity,
    actor_for_username,
    assign_funds,
    create_user,
    deactivate,
    list_users,
    set_password,
    set_role,
    unlock,
)
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Fund
from models.users import AppSetting, AppUser, UserFund
from models.validation import InputError

ADMIN = Actor(name="root", role="admin")
REAL_HASHER = auth.HASHER
PASSWORD = "correct horse battery"
NOW = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


class QuickHasher(PasswordHasher):
    """Argon2id with tiny costs, so tests do not spend seconds hashing; counts verifications."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified.append(str(hash))
        return super().verify(hash, password)


@pytest.fixture(autouse=True)
def quick(monkeypatch) -> QuickHasher:
    hasher = QuickHasher()
    monkeypatch.setattr(auth, "HASHER", hasher)
    return hasher


@pytest.fixture
def people(empty_db):
    """An administrator, a fund manager of fund A (password set) and two funds A and B."""
    with session_scope(empty_db, actor="seed") as s:
        funds = [Fund(name=f"Fund {n}", vintage=NOW.date(), size=1, gp="GP") for n in "AB"]
        s.add_all(funds)
        s.flush()
        boss = create_user(session=s, actor=ADMIN, user_in=UserCreate(username="Boss",
                           role="admin", password=PASSWORD))  # fmt: skip
        chen = create_user(session=s, actor=ADMIN, user_in=UserCreate(username="chen@fund.cn",
                           display_name="Chen", role="fund_manager", password=PASSWORD,
                           funds=[funds[0].id]))  # fmt: skip
    return empty_db, boss.id, chen.id, funds[0].id, funds[1].id


def _run(engine, fn, /, **kwargs):
    with session_scope(engine, actor=ADMIN.audit_name) as s:
        return fn(session=s, **kwargs)


def _sign_in(engine, username="chen@fund.cn", password=PASSWORD, now=NOW):
    with session_scope(engine, actor=f"sign-in:{username}") as s:
        return auth.authenticate(session=s, username=username, password=password, now=now)


def _counts(engine) -> tuple[int, ...]:
    with Session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one()
                     for t in (AppUser, UserFund, AppSetting, AuditLog))  # fmt: skip


def test_a_password_is_stored_as_an_argon2id_hash_that_verifies(quick):
    hashed = auth.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert auth.HASHER.verify(hashed, PASSWORD)
    real = REAL_HASHER.hash(PASSWORD)  # the app's own parameters: argon2-cffi's defaults
    assert real.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_correct_password_signs_in_as_the_user_with_their_funds(people):
    engine, _, chen, fund_a, _ = people
    actor = _sign_in(engine, username="  CHEN@fund.cn ")
    assert actor == Actor(name="chen@fund.cn", role="fund_manager", funds=frozenset({fund_a}))
    with Session(engine) as s:
        assert s.get(AppUser, chen).last_login_at == NOW


@pytest.mark.parametrize(
    ("username", "password"),
    [("nobody", PASSWORD), ("chen@fund.cn", "wrong password!"), ("chen@fund.cn", ""), ("", "")],
)
def test_unknown_users_and_wrong_passwords_get_the_same_answer(people, username, password):
    with pytest.raises(auth.SignInFailed, match=r"^unknown username or wrong password$"):
        _sign_in(people[0], username, password)


def test_an_unknown_user_still_costs_one_hash_verification(people, quick):
    with pytest.raises(auth.SignInFailed):
        _sign_in(people[0], "nobody")
    assert quick.verified == [auth._dummy_hash()]


def test_failures_lock_the_account_which_then_refuses_even_the_right_password(people):
    engine, _, chen, *_ = people
    for attempt in range(4):
        with pytest.raises(auth.SignInFailed, match="wrong password"):
            _sign_in(engine, password=f"wrong {attempt}", now=NOW + timedelta(seconds=attempt))
    with Session(engine) as s:  # committed, although each sign-in's unit of work rolled back
        assert s.get(AppUser, chen).failed_attempts == 4
    with pytest.raises(auth.SignInFailed, match=r"^too many .*locked until 09:15 UTC$"):
        _sign_in(engine, password="wrong 5")
    with pytest.raises(auth.SignInFailed, match="locked until 09:15 UTC"):
        _sign_in(engine, now=NOW + timedelta(minutes=14))
    assert _sign_in(engine, now=NOW + timedelta(minutes=15, seconds=1)).role == "fund_manager"
    with Session(engine) as s:
        user = s.get(AppUser, chen)
        assert (user.failed_attempts, user.locked_until) == (0, None)


def test_the_lockout_settings_are_read_from_the_store(people):
    engine = people[0]
    _run(engine, set_settings, actor=ADMIN, values={"lockout_attempts": 2, "lockout_minutes": 60})
    with pytest.raises(auth.SignInFailed, match="wrong password"):
        _sign_in(engine, password="wrong one")
    with pytest.raises(auth.SignInFailed, match="locked until 10:00 UTC"):
        _sign_in(engine, password="wrong two")


@pytest.mark.parametrize("fix", [unlock, set_password])
def test_an_admin_unlocks_by_unlocking_or_setting_a_new_password(people, fix):
    engine, _, chen, *_ = people
    with session_scope(engine) as s:
        s.get(AppUser, chen).locked_until = NOW + timedelta(hours=1)
    extra = {"password": "a brand new password"} if fix is set_password else {}
    _run(engine, fix, actor=ADMIN, user_id=chen, **extra)
    assert _sign_in(engine, password=extra.get("password", PASSWORD)).name == "chen@fund.cn"


def test_an_old_hash_is_upgraded_on_sign_in(people):
    engine, _, chen, *_ = people
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with session_scope(engine) as s:
        s.get(AppUser, chen).password_hash = weak
    _sign_in(engine)
    with Session(engine) as s:
        stored = s.get(AppUser, chen).password_hash
    assert stored != weak and not auth.HASHER.check_needs_rehash(stored)


def test_no_audit_row_holds_a_password_hash_but_each_change_is_recorded(people):
    engine, _, chen, *_ = people
    _run(engine, set_password, actor=ADMIN, user_id=chen, password="a brand new password")
    with Session(engine) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.table_name == "app_user")).all()
        assert s.get(AppUser, chen).password_hash.startswith("$argon2id$")
    assert not [r for r in rows if "$argon2" in str(r.old_values) + str(r.new_values)]
    redacted = [r for r in rows if r.row_key == f"[{chen}]" and r.new_values.get("password_hash")]
    assert [(r.actor, r.new_values["password_hash"]) for r in redacted] == [
        ("seed", "[redacted]"), ("admin:root", "[redacted]")]  # fmt: skip
    assert _sign_in(engine, password="a brand new password").name == "chen@fund.cn"


def test_a_deactivated_user_cannot_sign_in_and_loses_their_session(people):
    engine, _, chen, *_ = people
    _run(engine, deactivate, actor=ADMIN, user_id=chen)
    with pytest.raises(auth.SignInFailed, match=r"^unknown username or wrong password$"):
        _sign_in(engine)
    assert _run(engine, actor_for_username, username="chen@fund.cn") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"username": "ab"}, "username: 'ab' is not 3-120 characters"),
        ({"username": "-chen"}, "username: '-chen' is not 3-120"),
        ({"username": "li si"}, "username: 'li si' is not 3-120"),
        ({"username": "BOSS"}, "username: 'boss' is already taken"),
        ({"role": "owner"}, "role: 'owner' is not one of: fund_manager, bureau, analyst, admin"),
        ({"password": "short"}, "password: 5 characters, at least 12 are needed"),
        ({"password": "            "}, "password: empty"),
        ({"funds": [999]}, "funds: 999 is not a known fund"),
        ({"role": "analyst", "funds": [1]}, "only fund managers are assigned to funds"),
    ],
)
def test_bad_user_input_is_refused_by_name_and_nothing_is_written(people, change, message):
    engine = people[0]
    before = _counts(engine)
    data = {"username": "wang", "role": "fund_manager", "password": PASSWORD} | change
    with pytest.raises(InputError, match=message):
        _run(engine, create_user, actor=ADMIN, user_in=UserCreate(**data))
    assert _counts(engine) == before


@pytest.mark.parametrize("role", ["fund_manager", "bureau", "analyst"])
def test_only_an_admin_manages_users_and_settings(people, role):
    engine, _, chen, *_ = people
    actor, before = Actor(name="x", role=role), _counts(engine)
    for fn, kwargs in [
        (create_user, {"user_in": UserCreate(username="wang", role="analyst")}),
        (set_role, {"user_id": chen, "role": "admin"}),
        (set_password, {"user_id": chen, "password": PASSWORD + "!"}),
        (set_setting, {"key": "sql_row_cap", "value": 5}),
    ]:
        with pytest.raises(PermissionDenied):
            _run(engine, fn, actor=actor, **kwargs)
    assert _counts(engine) == before


@pytest.mark.parametrize("change", [(set_role, {"role": "analyst"}), (deactivate, {})])
def test_the_last_active_admin_cannot_be_removed(people, change):
    fn, kwargs = change
    with pytest.raises(InputError, match="'boss' is the last active administrator"):
        _run(people[0], fn, actor=ADMIN, user_id=people[1], **kwargs)


def test_fund_assignments_are_replaced_audited_and_checked_by_require_fund(people):
    engine, _, chen, fund_a, fund_b = people
    view = _run(engine, assign_funds, actor=ADMIN, user_id=chen, fund_ids=[fund_b])
    assert view.funds == (fund_b,)
    actor = _run(engine, actor_for_username, username="chen@fund.cn")
    require_fund(actor, fund_b, action="record a call")
    with pytest.raises(PermissionDenied, match=f"in fund {fund_a}: not assigned"):
        require_fund(actor, fund_a, action="record a call")
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.table_name == "user_fund")).all()
    changes = {(a.action, a.actor, (a.old_values or a.new_values)["fund_id"]) for a in audit}
    assert {("delete", "admin:root", fund_a), ("insert", "admin:root", fund_b)} <= changes


@pytest.mark.parametrize("email", ["chen@fund.cn", "Chen@Fund.CN"])
def test_an_oidc_identity_maps_to_the_active_user_with_that_email(people, email):
    actor = _run(people[0], actor_for_identity, email=email, name="Chen Jing")
    assert (actor.name, actor.role, actor.funds) == ("chen@fund.cn", "fund_manager",
                                                     frozenset({people[3]}))  # fmt: skip


@pytest.mark.parametrize("email", ["stranger@fund.cn", None, "chen@fund.cn"])
def test_an_unknown_or_inactive_identity_is_not_authorised(people, email):
    engine, _, chen, *_ = people
    _run(engine, deactivate, actor=ADMIN, user_id=chen)
    with pytest.raises(auth.SignInFailed, match=r"^not authorised: ask an administrator"):
        _run(engine, actor_for_identity, email=email, name="Someone")


def test_settings_read_their_defaults_and_stored_values(people):
    engine = people[0]
    assert {k: _run(engine, get_setting, key=k) for k in SETTINGS} == {
        "sql_time_limit_seconds": 1.0, "sql_row_cap": 10000, "lockout_attempts": 5,
        "lockout_minutes": 15, "password_min_length": 12}  # fmt: skip
    _run(engine, set_setting, actor=ADMIN, key="sql_time_limit_seconds", value="2.5")
    assert _run(engine, get_setting, key="sql_time_limit_seconds") == 2.5


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"sql_row_cap": "many"}, "setting sql_row_cap: 'many' is not a number"),
        ({"sql_row_cap": 0}, "setting sql_row_cap: 0 is outside 1 to 1000000"),
        ({"lockout_attempts": 2.5}, "setting lockout_attempts: 2.5 is not a whole number"),
        ({"password_min_length": 8}, "setting password_min_length: 8 is outside 12 to 128"),
        ({"sql_row_cap": 5, "colour": "red"}, "setting 'colour' is not known"),
        ({"sql_time_limit_seconds": "nan"}, "'nan' is not a finite number"),
    ],
)
def test_bad_settings_are_refused_by_key_and_value_and_none_is_stored(people, values, message):
    engine = people[0]
    before = _counts(engine)
    with pytest.raises(InputError, match=message):
        _run(engine, set_settings, actor=ADMIN, values=values)
    assert _counts(engine) == before


@pytest.mark.parametrize(
    ("environ", "mode"), [({}, "local"), ({"HUBFUND_AUTH_MODE": " Password "}, "password"),
                          ({"HUBFUND_AUTH_MODE": "oidc"}, "oidc")],
)  # fmt: skip
def test_the_mode_comes_from_the_environment(environ, mode):
    assert auth.auth_mode(environ) == mode


def test_an_unknown_mode_is_refused():
    with pytest.raises(InputError, match="HUBFUND_AUTH_MODE: 'ldap' is not one of"):
        auth.auth_mode({"HUBFUND_AUTH_MODE": "ldap"})


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("", False), (None, False), ("192.168.1.5", False), ("::", False)],
)  # fmt: skip
def test_local_mode_accepts_loopback_addresses_only(address, loopback):
    assert auth.is_loopback(address) is loopback


def test_the_cli_creates_the_first_admin_and_manages_users(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["user", "add", "--username", "Alice", "--role", "admin",
                     "--name", "Alice Wang", "--password-stdin"]) == 0  # fmt: skip
    assert cli.main(["user", "add", "--username", "bob", "--role", "analyst",
                     "--no-password"]) == 0  # fmt: skip
    assert cli.main(["user", "set-role", "--username", "BOB", "--role", "bureau"]) == 0
    assert cli.main(["user", "unlock", "--username", "bob"]) == 0
    assert cli.main(["user", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2].startswith("alice  'Alice Wang'  Administrator  active  password: set")
    assert out[-1].startswith("bob  'bob'  Development bureau  active  password: none")
    with session_scope(cli._engine()) as s:
        assert auth.authenticate(session=s, username="alice", password=PASSWORD).role == "admin"


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["user", "add", "--username", "al", "--role", "admin", "--password-stdin"], PASSWORD,
         "error: username: 'al' is not 3-120 characters"),
        (["user", "add", "--username", "alice", "--role", "admin", "--password-stdin"], "short",
         "error: password: 5 characters, at least 12 are needed"),
        (["user", "unlock", "--username", "ghost"], "", "error: --username: 'ghost' is not"),
    ],
)  # fmt: skip
def test_the_cli_refuses_bad_input_with_status_2(sqlite_url, monkeypatch, capsys, argv, stdin,
                                                 message):  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n"))
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.startswith(message)
    with Session(cli._engine()) as s:
        assert list_users(session=s) == []
