"""Example queries the SQL page offers (kept in code, not in the store), one per view.

Each runs unchanged on SQLite and Postgres: dates are cut with ``SUBSTR(CAST(d AS TEXT), 1, 4)``
and flags compared as they are (1/0 on SQLite, booleans on Postgres).
"""

from __future__ import annotations

EXAMPLES: dict[str, str] = {
    "Holdings by fund, largest first": (
        "SELECT fund, company, sector, invested, realized, remaining_cost, mark_value,\n"
        "       mark_currency, mark_on\n"
        "FROM v_holdings\n"
        "ORDER BY fund, invested DESC"
    ),
    "Ledger cash flows by fund, year and type": (
        "SELECT fund, SUBSTR(CAST(entry_date AS TEXT), 1, 4) AS year, entry_type,\n"
        "       COUNT(*) AS entries, SUM(cash_flow_fund) AS cash_flow, fund_currency\n"
        "FROM v_ledger\n"
        "GROUP BY fund, SUBSTR(CAST(entry_date AS TEXT), 1, 4), entry_type, fund_currency\n"
        "ORDER BY fund, year, entry_type"
    ),
    "Reversed ledger entries and their reversals": (
        "SELECT entry_id, fund, entry_date, entry_type, amount, currency, reversed_by_id, memo\n"
        "FROM v_ledger\n"
        "WHERE reversed_by_id IS NOT NULL\n"
        "ORDER BY entry_date"
    ),
    "Pipeline: deals by stage": (
        "SELECT stage, COUNT(*) AS deals, AVG(days_in_stage) AS average_days\n"
        "FROM v_pipeline\n"
        "GROUP BY stage\n"
        "ORDER BY deals DESC"
    ),
    "Pipeline: the slowest open deals": (
        "SELECT company, fund, owner, stage, stage_since, days_in_stage, next_step\n"
        "FROM v_pipeline\n"
        "WHERE is_open\n"
        "ORDER BY days_in_stage DESC\n"
        "LIMIT 20"
    ),
    "Days spent in each stage": (
        "SELECT stage, COUNT(DISTINCT deal_id) AS deals, AVG(days_in_stage) AS average_days,\n"
        "       MAX(days_in_stage) AS longest\n"
        "FROM v_deal_stage_history\n"
        "GROUP BY stage\n"
        "ORDER BY average_days DESC"
    ),
    "Funding raised by hub and year (hub currency)": (
        "SELECT hub, SUBSTR(CAST(announced AS TEXT), 1, 4) AS year, COUNT(*) AS rounds,\n"
        "       SUM(amount_hub) AS amount_hub, hub_currency\n"
        "FROM v_funding_rounds\n"
        "GROUP BY hub, SUBSTR(CAST(announced AS TEXT), 1, 4), hub_currency\n"
        "ORDER BY hub, year"
    ),
    "Hub targets, most behind schedule first": (
        "SELECT hub, kpi, target_low, target_high, actual, actual_on, attainment,\n"
        "       time_elapsed, schedule_gap, deadline\n"
        "FROM v_hub_kpis_vs_targets\n"
        "ORDER BY schedule_gap"
    ),
    "Fund performance, latest snapshot": (
        "SELECT fund, as_of, currency, called, distributed, nav, dpi, tvpi, net_irr, note\n"
        "FROM v_fund_performance\n"
        "WHERE is_latest\n"
        "ORDER BY fund"
    ),
}
