"""Which pages exist and which sections each role sees (data only; the router builds them)."""

from __future__ import annotations

PAGES: dict[str, tuple[str, str]] = {  # file stem -> (title, material icon)
    "fund_overview": ("Fund overview", "monitoring"),
    "holdings": ("Holdings", "pie_chart"),
    "fund_ledger": ("Ledger", "receipt_long"),
    "portfolio_reports": ("Portfolio reports", "assignment"),
    "pipeline": ("Pipeline", "view_kanban"),
    "deal_room": ("Deal room", "fact_check"),
    "committee": ("Investment committee", "gavel"),
    "pipeline_analytics": ("Pipeline analytics", "insights"),
    "hub_targets": ("Hub targets", "flag"),
    "hub_comparison": ("Hub comparison", "compare_arrows"),
    "parks": ("Parks & clusters", "map"),
    "firms_funding": ("Firms & funding", "business"),
    "company_sourcing": ("Sourcing", "travel_explore"),  # sourcing.py would shadow the package
    "admin": ("Users & settings", "admin_panel_settings"),
    "sql": ("SQL", "terminal"),
    "schema": ("Schema", "schema"),
    "audit": ("Audit log", "history"),
}
FUND = ["fund_overview", "holdings", "fund_ledger", "portfolio_reports"]
DEALS = ["pipeline", "deal_room", "committee", "pipeline_analytics", "company_sourcing"]
HUB = ["hub_targets", "hub_comparison", "parks", "firms_funding"]
ANALYSIS = ["sql", "schema"]
BY_ROLE: dict[str, dict[str, list[str]]] = {
    "fund_manager": {"Fund": FUND, "Deals": DEALS,
                     "Hub": ["hub_comparison", "firms_funding", "parks", "hub_targets"],
                     "Analysis": ["schema"]},
    "bureau": {"Hub": HUB, "Fund": ["fund_overview"], "Analysis": ["schema"]},
    "analyst": {"Fund": FUND, "Deals": DEALS, "Hub": HUB, "Analysis": [*ANALYSIS, "audit"]},
    "admin": {"Hub": HUB, "Fund": FUND, "Deals": DEALS, "Analysis": ANALYSIS,
              "Admin": ["admin", "audit"]},
}  # fmt: skip


def pages_for(role: str) -> list[str]:
    """The page stems ``role`` may open, in menu order (the first is its landing page)."""
    return [name for names in BY_ROLE[role].values() for name in names]
