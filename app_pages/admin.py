"""Users & settings (administrators): who may sign in, with which role and funds; settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common, display
from app_pages.i18n import N_, t, term
from fund import users as accounts
from fund.access import ROLE_LABELS, ROLES, PermissionDenied
from fund.settings import SETTINGS, all_settings, get_setting, set_settings
from models.db import database_url
from models.validation import InputError

REFUSED = (InputError, PermissionDenied)
USER_COLUMNS = {
    "username": N_("username"),
    "name": N_("Display name"),
    "role": N_("role"),
    "active": N_("active"),
    "password": N_("password"),
    "locked until": N_("locked until"),
    "failed attempts": N_("failed attempts"),
    "funds": N_("funds"),
    "last sign-in": N_("last sign-in"),
}


def _users_frame(rows: list[accounts.UserView], fund_label: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"username": u.username, "name": u.display_name, "role": term(ROLE_LABELS[u.role]),
          "active": u.active, "password": t("set") if u.has_password else t("none"),
          "locked until": u.locked_until, "failed attempts": u.failed_attempts,
          "funds": ", ".join(fund_label.get(f, str(f)) for f in u.funds),
          "last sign-in": u.last_login_at} for u in rows],
        columns=["username", "name", "role", "active", "password", "locked until",
                 "failed attempts", "funds", "last sign-in"],
    )  # fmt: skip


def _add_user(fund_label: dict[int, str]) -> None:
    with st.form("add_user", clear_on_submit=True):
        st.subheader(t("Add a user"))
        cols = st.columns(3)
        username = cols[0].text_input(t("Username (the e-mail in OIDC mode)"))
        name = cols[1].text_input(t("Display name"))
        role = cols[2].selectbox(t("Role"), ROLES, format_func=lambda r: term(ROLE_LABELS[r]))
        least = common.read(get_setting, key="password_min_length")
        password = st.text_input(
            t(
                "Password (at least {least} characters; leave empty for OIDC-only users)",
                least=least,
            ),
            type="password",
        )
        funds = st.multiselect(
            t("Funds (fund managers)"),
            list(fund_label),
            format_func=lambda f: display.fund(fund_label[f]),
        )
        if not st.form_submit_button(t("Add user"), type="primary"):
            return
    user_in = accounts.UserCreate(username=username, display_name=name, role=role,
                                  password=password or None, funds=funds)  # fmt: skip
    try:
        added = common.write(accounts.create_user, user_in=user_in)
    except REFUSED as exc:
        st.error(str(exc))
        return
    common.flash(
        t("Added {user} ({role}).", user=added.username, role=term(ROLE_LABELS[added.role]))
    )


def _manage(user: accounts.UserView, fund_label: dict[int, str]) -> None:
    def run(label: str, fn: Callable[..., Any], **kwargs: Any) -> None:
        try:
            common.write(fn, user_id=user.id, **kwargs)
        except REFUSED as exc:
            st.error(str(exc))
            return
        common.flash(t("{user}: {done}.", user=user.username, done=label))

    left, middle, right = st.columns(3)
    with left.form("set_role"):
        role = st.selectbox(
            t("Role"),
            ROLES,
            index=ROLES.index(user.role),
            format_func=lambda r: term(ROLE_LABELS[r]),
        )
        if st.form_submit_button(t("Set role")):
            run(t("role set to {role}", role=term(ROLE_LABELS[role])), accounts.set_role, role=role)
    with middle.form("assign_funds"):
        funds = st.multiselect(t("Funds"), list(fund_label), default=[f for f in user.funds
                               if f in fund_label],
                               format_func=lambda f: display.fund(fund_label[f]))  # fmt: skip
        if st.form_submit_button(t("Assign funds"), disabled=user.role != "fund_manager"):
            run(t("funds assigned"), accounts.assign_funds, fund_ids=funds)
    with right.form("reset_password", clear_on_submit=True):
        password = st.text_input(t("New password"), type="password")
        if st.form_submit_button(t("Reset password")):
            run(t("password reset"), accounts.set_password, password=password)
    unlock_col, active_col = st.columns(2)
    if unlock_col.button(
        t("Unlock"), disabled=user.locked_until is None and not user.failed_attempts
    ):
        run(t("unlocked"), accounts.unlock)
    if user.active and active_col.button(t("Deactivate"), key="toggle_active"):
        run(t("deactivated"), accounts.set_active, active=False)
    elif not user.active and active_col.button(t("Reactivate"), key="toggle_active"):
        run(t("reactivated"), accounts.set_active, active=True)


def _settings() -> None:
    current = common.read(all_settings)
    with st.form("settings"):
        values: dict[str, object] = {}
        for key, s in SETTINGS.items():
            number = (s.kind(s.low), s.kind(s.high), s.kind(current[key]))
            step = 1 if s.kind is int else 0.1
            values[key] = st.number_input(
                term(s.label), *number, step=step, help=term(s.description), key=key
            )
        if not st.form_submit_button(t("Save settings"), type="primary"):
            return
    try:
        changed = common.write(set_settings, values=values)
    except REFUSED as exc:
        st.error(str(exc))
        return
    done = ", ".join(f"{k} = {v}" for k, v in changed.items()) or t("nothing changed")
    common.flash(t("Settings saved: {done}.", done=done))


st.title(t("Users & settings"))
common.guard("admin")
common.show_flash()
common.empty_store_note()
fund_label = {f[0]: f[1] for f in common.fund_names(database_url())}
users = common.read(accounts.list_users)
st.caption(
    t(
        "Sign-in mode: **{mode}**. Users sign in in password mode (username and password) or "
        "OIDC mode (username = e-mail); local mode needs no users.",
        mode=common.auth_mode(),
    )
)
if users:
    st.dataframe(
        _users_frame(users, fund_label),
        hide_index=True,
        width="stretch",
        column_config={c: t(label) for c, label in USER_COLUMNS.items()},
    )
else:
    st.info(t("No users yet: add the first below, or with `hubfund user add` on the server."))
_add_user(fund_label)
if users:
    st.subheader(t("Change a user"))
    by_id = {u.id: u for u in users}
    chosen = st.selectbox(t("User"), list(by_id), format_func=lambda i: by_id[i].username)
    _manage(by_id[chosen], fund_label)
st.subheader(t("Settings"))
_settings()
