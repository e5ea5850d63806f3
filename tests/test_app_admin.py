"""Sign-in in the app (local, password, OIDC), the fund picker per fund manager, the role
guard behind the menu, and the Users & settings page, through Streamlit's AppTest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from argon2 import PasswordHasher
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

import fund.auth as auth
from app_pages.common import SIGNED_IN
from fund.access import Actor
from fund.settings import get_setting
from fund.users import UserCreate, create_user, deactivate, list_users, set_role
from models.db import make_engine, session_scope
from models.fund import Fund
from models.users import AppUser

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
ADMIN = Actor(name="root", role="admin")
PASSWORD = "correct horse battery"
METADATA = "https://id.example.org/.well-known/openid-configuration"
AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s",
                 "client_id": "hubfund", "client_secret": "x",
                 "server_metadata_url": METADATA}}  # fmt: skip


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(
        auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def store(sqlite_url, monkeypatch):
    """An empty store with funds A and B, an administrator and a fund manager of fund A."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    engine = make_engine(sqlite_url)
    with session_scope(engine, actor="seed") as s:
        funds = [Fund(name=f"Fund {n}", vintage=date(2020, 1, 1), size=1, gp="GP") for n in "AB"]
        s.add_all(funds)
        s.flush()
        for name, role, assigned in (
            ("boss@example.org", "admin", []),
            ("chen", "fund_manager", [funds[0].id]),
        ):
            create_user(session=s, actor=ADMIN, user_in=UserCreate(username=name, role=role,
                        password=PASSWORD, funds=assigned))  # fmt: skip
    return engine, funds[0].id, funds[1].id


def _app(monkeypatch, mode: str = "local") -> AppTest:
    monkeypatch.setenv("HUBFUND_AUTH_MODE", mode)
    return AppTest.from_file(APP, default_timeout=90)


def _by_label(widgets, label: str):
    return next(w for w in widgets if w.label.startswith(label))


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    _by_label(at.text_input, "Username").input(username)
    _by_label(at.text_input, "Password").input(password)
    return at.button[0].click().run()


def test_password_mode_shows_the_sign_in_form_until_the_password_is_right(store, monkeypatch):
    at = _app(monkeypatch, "password").run()
    assert [t.value for t in at.title] == ["Sign in"] and not at.sidebar.caption
    _sign_in(at, "chen", "not the password")
    assert [e.value for e in at.error] == ["unknown username or wrong password"]
    _sign_in(at, "CHEN", PASSWORD)
    assert not at.exception and at.title[0].value == "Fund overview"
    assert at.sidebar.caption[0].value == "Signed in as **chen** (Fund manager), password mode"
    at.sidebar.button[0].click().run()  # Sign out
    assert [t.value for t in at.title] == ["Sign in"] and "actor" not in at.session_state


def test_a_session_actor_without_the_sign_in_marker_is_ignored_in_password_mode(store, monkeypatch):
    at = _app(monkeypatch, "password")
    at.session_state["actor"] = ADMIN
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]


def test_role_changes_and_deactivation_apply_at_the_next_run(store, monkeypatch):
    engine = store[0]
    at = _app(monkeypatch, "password")
    at.session_state["actor"], at.session_state[SIGNED_IN] = (
        Actor("chen", "fund_manager"),
        "password",
    )
    at.run()
    assert at.title[0].value == "Fund overview"
    with session_scope(engine) as s:
        chen = s.exec(select(AppUser).where(AppUser.username == "chen")).one()
        set_role(session=s, actor=ADMIN, user_id=chen.id, role="bureau")
    at.run()
    assert at.sidebar.caption[0].value.startswith("Signed in as **chen** (Development bureau)")
    with session_scope(engine) as s:
        deactivate(session=s, actor=ADMIN, user_id=chen.id)
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]


def test_local_mode_refuses_to_run_on_a_public_address(store, monkeypatch):
    real = st.get_option
    monkeypatch.setattr(st, "get_option", lambda k: "0.0.0.0" if k == "server.address" else real(k))
    at = _app(monkeypatch, "local").run()
    assert not at.title and "HUBFUND_AUTH_MODE=password" in at.error[0].value
    assert "server.address is '0.0.0.0'" in at.error[0].value


def test_an_unknown_mode_stops_the_app_naming_it(store, monkeypatch):
    at = _app(monkeypatch, "kerberos").run()
    assert at.error[0].value.startswith("HUBFUND_AUTH_MODE: 'kerberos' is not one of")


def test_oidc_mode_without_an_auth_section_says_how_to_configure_it(store, monkeypatch):
    at = _app(monkeypatch, "oidc").run()
    assert at.title[0].value == "Sign in" and "[auth] section" in at.error[0].value


def test_oidc_mode_offers_the_provider_s_sign_in_button(store, monkeypatch):
    monkeypatch.setenv("HUBFUND_OIDC_PROVIDER", "")
    at = _app(monkeypatch, "oidc")
    at.secrets, at.user = AUTH, {}
    at.run()
    assert not at.error and [b.label for b in at.button] == ["Sign in"]


def test_an_identity_that_is_not_a_user_is_told_to_ask_an_admin(store, monkeypatch):
    at = _app(monkeypatch, "oidc")
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "email": "stranger@example.org", "name": "Stranger"}
    at.run()
    assert at.error[0].value.startswith("not authorised: ask an administrator to add Stranger")
    assert [b.label for b in at.button] == ["Sign out"]


def test_a_known_identity_is_signed_in_as_that_user(store, monkeypatch):
    at = _app(monkeypatch, "oidc")
    at.user = {"is_logged_in": True, "email": "Boss@Example.org", "name": "Boss"}
    at.run()
    assert not at.exception and at.title[0].value == "Hub targets"
    assert (
        at.sidebar.caption[0].value
        == "Signed in as **boss@example.org** (Administrator), oidc mode"
    )


@pytest.mark.parametrize(("funds", "offered"), [({"A"}, ["Fund A"]), (set(), [])])
def test_a_fund_manager_is_offered_only_their_funds(store, monkeypatch, funds, offered):
    ids = {"A": store[1], "B": store[2]}
    at = _app(monkeypatch)
    at.session_state["actor"] = Actor("chen", "fund_manager", frozenset(ids[f] for f in funds))
    at.run()
    assert not at.exception
    assert [o for s in at.selectbox if s.label == "Fund" for o in s.options] == offered
    if not offered:
        assert "not assigned to any fund" in at.info[0].value


def test_a_page_outside_the_role_s_menu_falls_back_to_its_landing_page(
    demo_sqlite_url, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    at = _app(monkeypatch)
    at.session_state["actor"] = Actor("wang", "bureau")
    at.switch_page("app_pages/fund_ledger.py").run()  # as a URL to /fund_ledger would
    assert not at.exception and at.title[0].value == "Hub targets"
    assert [t.value for t in at.title] == ["Hub targets"]  # no ledger content


def _admin_page(monkeypatch) -> AppTest:
    at = _app(monkeypatch)
    at.session_state["actor"] = ADMIN
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception and at.title[0].value == "Users & settings"
    return at


def _users(engine) -> dict[str, tuple[str, bool, tuple[int, ...]]]:
    with Session(engine) as s:
        return {u.username: (u.role, u.active, u.funds) for u in list_users(session=s)}


def test_the_admin_adds_a_user_and_bad_input_writes_nothing(store, monkeypatch):
    engine = store[0]
    at = _admin_page(monkeypatch)
    _by_label(at.text_input, "Username").input("Wang@City.gov")
    _by_label(at.selectbox, "Role").set_value("bureau")
    _by_label(at.text_input, "Password (at least").input("short")
    _by_label(at.button, "Add user").click().run()
    assert at.error[0].value == "password: 5 characters, at least 12 are needed"
    assert "wang@city.gov" not in _users(engine)
    _by_label(at.text_input, "Username").input("Wang@City.gov")
    _by_label(at.selectbox, "Role").set_value("bureau")
    _by_label(at.text_input, "Password (at least").input(PASSWORD)
    _by_label(at.button, "Add user").click().run()
    assert at.success[0].value == "Added wang@city.gov (Development bureau)."
    assert _users(engine)["wang@city.gov"] == ("bureau", True, ())


def test_the_admin_changes_a_user_s_funds_and_status(store, monkeypatch):
    engine, _, fund_b = store
    at = _admin_page(monkeypatch)
    _by_label(at.selectbox, "User").set_value(next(u for u in _ids(engine) if u[1] == "chen")[0])
    at.run()
    next(m for m in at.multiselect if m.label == "Funds").set_value([fund_b])
    _by_label(at.button, "Assign funds").click().run()
    assert at.success[0].value == "chen: funds assigned."
    _by_label(at.button, "Deactivate").click().run()
    assert _users(engine)["chen"] == ("fund_manager", False, (fund_b,))


def _ids(engine) -> list[tuple[int, str]]:
    with Session(engine) as s:
        return [(u.id, u.username) for u in list_users(session=s)]


def test_the_admin_saves_settings_and_they_are_read_back(store, monkeypatch):
    engine = store[0]
    at = _admin_page(monkeypatch)
    _by_label(at.number_input, "SQL row cap").set_value(500)
    _by_label(at.button, "Save settings").click().run()
    assert at.success[0].value == "Settings saved: sql_row_cap = 500."
    with Session(engine) as s:
        assert get_setting(session=s, key="sql_row_cap") == 500
