"""Sign in: a username and password form (password mode), or the identity provider (OIDC)."""

from __future__ import annotations

import os

import streamlit as st

from app_pages import common
from app_pages.i18n import t
from fund.auth import SignInFailed, authenticate
from fund.users import actor_for_identity
from models.db import session_scope


def _oidc_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` has the ``[auth]`` section ``st.login`` needs."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def _password_form() -> None:
    with st.form("sign_in"):
        username = st.text_input(t("Username"), key="sign_in_username")
        password = st.text_input(t("Password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("Sign in"), type="primary")
    if not submitted:
        return
    try:
        with session_scope(common.engine(), actor=f"sign-in:{username.strip()[:100]}") as s:
            actor = authenticate(session=s, username=username, password=password)
    except SignInFailed as exc:
        st.error(str(exc))
        return
    common.remember(actor, "password")
    st.rerun()


def _oidc() -> None:
    provider = os.environ.get("HUBFUND_OIDC_PROVIDER") or None
    if not _oidc_configured():
        st.error(
            t(
                "OIDC sign-in is not configured: add an [auth] section (redirect_uri, "
                "cookie_secret, client_id, client_secret, server_metadata_url) to "
                ".streamlit/secrets.toml (README, Sign-in)."
            )
        )
        return
    identity = common.oidc_identity()
    if identity is None:
        st.write(t("Sign in with your organisation's account."))
        label = t("Sign in with {provider}", provider=provider) if provider else t("Sign in")
        st.button(label, type="primary", on_click=st.login, args=(provider,) if provider else ())
        return
    try:
        common.read(actor_for_identity, email=identity[0], name=identity[1])
    except SignInFailed as exc:  # signed in with the provider, but not a user of Hubfund
        st.error(str(exc))
        st.button(t("Sign out"), on_click=st.logout)
        return
    st.rerun()  # became a user since the last run


st.title(t("Sign in"))
if common.auth_mode() == "oidc":
    _oidc()
else:
    _password_form()
