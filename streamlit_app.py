"""Hubfund's entry point: page config, the signed-in actor, and the page list for the role."""

import streamlit as st

from app_pages.common import current_actor
from fund.access import ROLE_LABELS

st.set_page_config(page_title="Hubfund", page_icon=":material/hub:", layout="wide")

PAGES = {
    "hub_targets": st.Page("app_pages/hub_targets.py", title="Hub targets", icon=":material/flag:"),
    "hub_comparison": st.Page(
        "app_pages/hub_comparison.py", title="Hub comparison", icon=":material/compare_arrows:"
    ),
    "parks": st.Page("app_pages/parks.py", title="Parks & clusters", icon=":material/map:"),
    "firms_funding": st.Page(
        "app_pages/firms_funding.py", title="Firms & funding", icon=":material/business:"
    ),
}
BY_ROLE = {
    "bureau": ["hub_targets", "hub_comparison", "parks", "firms_funding"],
    "fund_manager": ["hub_comparison", "firms_funding", "parks", "hub_targets"],
    "analyst": ["hub_comparison", "hub_targets", "parks", "firms_funding"],
    "admin": ["hub_targets", "hub_comparison", "parks", "firms_funding"],
}

actor = current_actor()
with st.sidebar:
    st.caption(f"Signed in as **{actor.name}** ({ROLE_LABELS[actor.role]}), local mode")
page = st.navigation({"Hub": [PAGES[name] for name in BY_ROLE[actor.role]]})
page.run()
