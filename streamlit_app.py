"""Hubfund's entry point: page config, the signed-in actor, and the page list for the role."""

import streamlit as st

from app_pages.common import current_actor
from fund.access import ROLE_LABELS

st.set_page_config(page_title="Hubfund", page_icon=":material/hub:", layout="wide")


def _page(name: str, title: str, icon: str) -> st.Page:
    return st.Page(f"app_pages/{name}.py", title=title, icon=f":material/{icon}:")


PAGES = {
    "fund_overview": _page("fund_overview", "Fund overview", "monitoring"),
    "holdings": _page("holdings", "Holdings", "pie_chart"),
    "fund_ledger": _page("fund_ledger", "Ledger", "receipt_long"),
    "portfolio_reports": _page("portfolio_reports", "Portfolio reports", "assignment"),
    "hub_targets": _page("hub_targets", "Hub targets", "flag"),
    "hub_comparison": _page("hub_comparison", "Hub comparison", "compare_arrows"),
    "parks": _page("parks", "Parks & clusters", "map"),
    "firms_funding": _page("firms_funding", "Firms & funding", "business"),
}
FUND = ["fund_overview", "holdings", "fund_ledger", "portfolio_reports"]
HUB = ["hub_targets", "hub_comparison", "parks", "firms_funding"]
BY_ROLE = {
    "fund_manager": {"Fund": FUND, "Hub": ["hub_comparison", "firms_funding", "parks",
                                           "hub_targets"]},
    "bureau": {"Hub": HUB, "Fund": ["fund_overview"]},
    "analyst": {"Fund": FUND, "Hub": HUB},
    "admin": {"Hub": HUB, "Fund": FUND},
}  # fmt: skip

actor = current_actor()
with st.sidebar:
    st.caption(f"Signed in as **{actor.name}** ({ROLE_LABELS[actor.role]}), local mode")
sections = BY_ROLE[actor.role]
page = st.navigation({label: [PAGES[name] for name in names] for label, names in sections.items()})
page.run()
