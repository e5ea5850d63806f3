"""Users & settings (administrators): who may sign in, with which role and funds; settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from fund import users as accounts
from fund.access import ROLE_LABELS, ROLES, PermissionDenied
from fund.settings import SETTINGS, all_settings, get_setting, set_settings
from models.db import database_url
from models.validation import InputError

REFUSED = (InputError, PermissionDenied)


def _users_frame(rows: list[accounts.UserView], fund_label: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"username": u.username, "name": u.display_name, "role": ROLE_LABELS[u.role],
          "active": u.active, "password": "set" if u.has_password else "none",
          "locked until": u.locked_until, "failed attempts": u.failed_attempts,
          "funds": ", ".join(fund_label.get(f, str(f)) for f in u.funds),
          "last sign-in": u.last_login_at} for u in rows],
        columns=["username", "name", "role", "active", "password", "locked until",
                 "failed attempts", "funds", "last sign-in"],
    )  # fmt: skip


def _add_user(fund_label: dict[int, str]) -> None:
    with st.form("add_user", clear_on_submit=True):
        st.subheader("Add a user")
        cols = st.columns(3)
        username = cols[0].text_input("Username (the e-mail in OIDC mode)")
        name = cols[1].text_input("Display name")
        role = cols[2].selectbox("Role", ROLES, format_func=ROLE_LABELS.get)
        least = common.read(get_setting, key="password_min_length")
        password = st.text_input(
            f"Password (at least {least} characters; leave empty for OIDC-only users)",
            type="password",
        )
        funds = st.multiselect(
            "Funds (fund managers)", list(fund_label), format_func=fund_label.get
        )
        if not st.form_submit_button("Add user", type="primary"):
            return
    user_in = accounts.UserCreate(username=username, display_name=name, role=role,
                                  password=password or None, funds=funds)  # fmt: skip
    try:
        added = common.write(accounts.create_user, user_in=user_in)
    except REFUSED as exc:
        st.error(str(exc))
        return
    common.flash(f"Added {added.username} ({ROLE_LABELS[added.role]}).")


def _manage(user: accounts.UserView, fund_label: dict[int, str]) -> None:
    def run(label: str, fn: Callable[..., Any], **kwargs: Any) -> None:
        try:
            common.write(fn, user_id=user.id, **kwargs)
        except REFUSED as exc:
            st.error(str(exc))
            return
        common.flash(f"{user.username}: {label}.")

    left, middle, right = st.columns(3)
    with left.form("set_role"):
        role = st.selectbox(
            "Role", ROLES, index=ROLES.index(user.role), format_func=ROLE_LABELS.get
        )
        if st.form_submit_button("Set role"):
            run(f"role set to {ROLE_LABELS[role]}", accounts.set_role, role=role)
    with middle.form("assign_funds"):
        funds = st.multiselect("Funds", list(fund_label), default=[f for f in user.funds
                               if f in fund_label], format_func=fund_label.get)  # fmt: skip
        if st.form_submit_button("Assign funds", disabled=user.role != "fund_manager"):
            run("funds assigned", accounts.assign_funds, fund_ids=funds)
    with right.form("reset_password", clear_on_submit=True):
        password = st.text_input("New password", type="password")
        if st.form_submit_button("Reset password"):
            run("password reset", accounts.set_password, password=password)
    unlock_col, active_col = st.columns(2)
    if unlock_col.button("Unlock", disabled=user.locked_until is None and not user.failed_attempts):
        run("unlocked", accounts.unlock)
    verb = "Deactivate" if user.active else "Reactivate"
    if active_col.button(verb, key="toggle_active"):
        run(f"{verb.lower()}d", accounts.set_active, active=not user.active)


def _settings() -> None:
    current = common.read(all_settings)
    with st.form("settings"):
        values: dict[str, object] = {}
        for key, s in SETTINGS.items():
            number = (s.kind(s.low), s.kind(s.high), s.kind(current[key]))
            step = 1 if s.kind is int else 0.1
            values[key] = st.number_input(s.label, *number, step=step, help=s.description, key=key)
        if not st.form_submit_button("Save settings", type="primary"):
            return
    try:
        changed = common.write(set_settings, values=values)
    except REFUSED as exc:
        st.error(str(exc))
        return
    done = ", ".join(f"{k} = {v}" for k, v in changed.items()) or "nothing changed"
    common.flash(f"Settings saved: {done}.")


st.title("Users & settings")
common.guard("admin")
common.show_flash()
fund_label = {f[0]: f[1] for f in common.fund_names(database_url())}
users = common.read(accounts.list_users)
st.caption(
    f"Sign-in mode: **{common.auth_mode()}**. Users sign in in password mode (username and "
    "password) or OIDC mode (username = e-mail); local mode needs no users."
)
if users:
    st.dataframe(_users_frame(users, fund_label), hide_index=True, width="stretch")
else:
    st.info("No users yet: add the first below, or with `hubfund user add` on the server.")
_add_user(fund_label)
if users:
    st.subheader("Change a user")
    by_id = {u.id: u for u in users}
    chosen = st.selectbox("User", list(by_id), format_func=lambda i: by_id[i].username)
    _manage(by_id[chosen], fund_label)
st.subheader("Settings")
_settings()
