"""Hubfund's entry point: page config, the signed-in actor, and the page list for the role."""

import streamlit as st

from app_pages.common import current_actor
from app_pages.navigation import BY_ROLE, PAGES
from fund.access import ROLE_LABELS

st.set_page_config(page_title="Hubfund", page_icon=":material/hub:", layout="wide")

actor = current_actor()
with st.sidebar:
    st.caption(f"Signed in as **{actor.name}** ({ROLE_LABELS[actor.role]}), local mode")
sections = {
    label: [
        st.Page(f"app_pages/{name}.py", title=PAGES[name][0], icon=f":material/{PAGES[name][1]}:")
        for name in names
    ]
    for label, names in BY_ROLE[actor.role].items()
}
st.navigation(sections).run()
