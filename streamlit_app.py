"""Hubfund's entry point: page config, sign-in, and the page list for the signed-in role."""

import streamlit as st

from app_pages.common import auth_mode, sign_out, signed_in_actor
from app_pages.i18n import language_switch, t, term
from app_pages.navigation import BY_ROLE, PAGES
from fund.access import ROLE_LABELS

st.set_page_config(page_title="Hubfund", page_icon=":material/hub:", layout="wide")
with st.sidebar:
    language_switch()

actor = signed_in_actor()
if actor is None:  # password or OIDC mode, nobody signed in yet
    sign_in = st.Page("app_pages/signin.py", title=t("Sign in"), icon=":material/login:")
    st.navigation([sign_in], position="hidden").run()
    st.stop()
mode = auth_mode()
with st.sidebar:
    st.caption(
        t(
            "Signed in as **{name}** ({role}), {mode} mode",
            name=actor.name,
            role=term(ROLE_LABELS[actor.role]),
            mode=term(mode),
        )
    )
    if mode != "local" and st.button(t("Sign out"), key="sign_out"):
        sign_out()
sections = {
    t(label): [
        st.Page(
            f"app_pages/{name}.py", title=t(PAGES[name][0]), icon=f":material/{PAGES[name][1]}:"
        )
        for name in names
    ]
    for label, names in BY_ROLE[actor.role].items()
}
st.navigation(sections).run()
