"""Which pages exist and which sections each role sees (data only; the router builds them)."""

from __future__ import annotations

PAGES: dict[str, tuple[str, str]] = {  # file stem -> (title, material icon)
    "fund_overview": ("Fund overview", "monitoring"),
    "holdings": ("Holdings", "pie_chart"),
    "fund_ledger": ("Ledger", "receipt_long"),
    "portfolio_reports": ("Portfolio reports", "assignment"),
    "hub_targets": ("Hub targets", "flag"),
    "hub_comparison": ("Hub comparison", "compare_arrows"),
    "parks": ("Parks & clusters", "map"),
    "firms_funding": ("Firms & funding", "business"),
}
FUND = ["fund_overview", "holdings", "fund_ledger", "portfolio_reports"]
HUB = ["hub_targets", "hub_comparison", "parks", "firms_funding"]
BY_ROLE: dict[str, dict[str, list[str]]] = {
    "fund_manager": {"Fund": FUND, "Hub": ["hub_comparison", "firms_funding", "parks",
                                           "hub_targets"]},
    "bureau": {"Hub": HUB, "Fund": ["fund_overview"]},
    "analyst": {"Fund": FUND, "Hub": HUB},
    "admin": {"Hub": HUB, "Fund": FUND},
}  # fmt: skip


def pages_for(role: str) -> list[str]:
    """The page stems ``role`` may open, in menu order (the first is its landing page)."""
    return [name for names in BY_ROLE[role].values() for name in names]
