"""The analysts' views: documented, read-only shapes of the store, the same on SQLite and Postgres.

Each ``View`` says what one row is, what each column means, and gives its SQL for a dialect
(``models.view_sql``). Migration 0006 creates them (``create_all``) and drops them on downgrade
(``drop_all``); the schema page and ``docs/analyst-store.md`` list the same columns.

Money in a view is in major units (``<field>_minor / 100`` of the table, the same for every
currency: the store keeps hundredths even for JPY) beside its currency code; see
``models.view_sql`` for the types on each database.

A later migration that changes a table a view reads calls ``drop_all`` first and ``create_all``
after (Postgres refuses to alter a column a view uses; SQLite's batch mode rebuilds tables). If a
view's SQL changes, the new SQL goes in a new migration and the old one keeps what it created.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from models.view_sql import (
    Sql,
    fund_performance_sql,
    funding_rounds_sql,
    holdings_sql,
    hub_kpis_sql,
    ledger_sql,
    pipeline_sql,
    stage_history_sql,
)


class _Executor(Protocol):
    def execute(self, sql: str) -> object: ...


@dataclass(frozen=True)
class View:
    """An analysts' view: its name, what a row is, its columns (name, meaning) and its SQL."""

    name: str
    doc: str
    columns: tuple[tuple[str, str], ...]
    body: Callable[[Sql], str]

    def sql(self, dialect: str) -> str:
        """The SELECT that defines the view on ``dialect`` ("sqlite" or "postgresql")."""
        return self.body(Sql(dialect)).strip()

    def create(self, dialect: str) -> list[str]:
        """The statements that (re)create the view on ``dialect``."""
        return [
            f"DROP VIEW IF EXISTS {self.name}",
            f"CREATE VIEW {self.name} AS\n{self.sql(dialect)}",
        ]

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]


FUND = ("fund_id", "the fund (fund.id)"), ("fund", "the fund's name")
COMPANY = ("company", "the company's English name, else its Chinese name")
IS_DEMO = ("is_demo", "generated demo row")

VIEWS: tuple[View, ...] = (
    View(
        "v_ledger",
        "One row per ledger entry (reversals included) with its fund, LP or company, the amount "
        "in its own currency and in the fund's, signed as the fund's cash sees it.",
        (
            ("entry_id", "the ledger entry (ledger_entry.id)"),
            *FUND,
            ("fund_currency", "the fund's currency (its books)"),
            ("entry_date", "the date of the movement"),
            (
                "entry_type",
                "capital_call, distribution, investment, proceeds, fund_payment, write_off",
            ),
            ("category", "the entry type's category (e.g. management_fee, follow_on, exit)"),
            ("lp_id", "the LP of a call or distribution (lp.id)"),
            ("lp", "the LP's name"),
            ("firm_id", "the company of an investment, proceeds or write-off (firm.id)"),
            COMPANY,
            ("amount", "the amount as stored, in currency: positive; negative for a reversal"),
            ("currency", "ISO 4217 code of amount"),
            (
                "cash_flow",
                "amount as the fund's cash sees it: + calls and proceeds, - investments, "
                "fund payments and distributions, 0 for a write-off",
            ),
            ("fx_rate", "1 currency = fx_rate fund_currency, the rate as of entry_date, stored"),
            ("amount_fund", "amount in the fund's currency at fx_rate (stored, to the cent)"),
            ("cash_flow_fund", "cash_flow in the fund's currency"),
            ("instrument", "investments: equity, safe, convertible_note, venture_debt"),
            ("round_stage", "investments: the round's stage"),
            ("funding_round_id", "investments: the funding round (funding_round.id)"),
            ("shares", "investments: shares bought"),
            ("pre_money", "investments: pre-money valuation, in currency"),
            ("post_money", "investments: post-money valuation, in currency"),
            ("ownership", "investments: the fund's fraction of the company (0-1)"),
            (
                "cost_released",
                "exits and write-offs: the holding's cost they release (fund currency)",
            ),
            ("reverses_id", "a reversal: the entry it reverses"),
            ("reversed_by_id", "the reversal of this entry, if it was reversed"),
            ("is_reversal", "whether this entry is a reversal"),
            ("memo", "free text"),
            ("external_ref", "the import row it came from"),
            ("recorded_at", "when it was booked (UTC)"),
            ("recorded_by", "who booked it"),
            IS_DEMO,
        ),
        ledger_sql,
    ),
    View(
        "v_holdings",
        "One row per fund and company it invested in (net of reversals; exited and written-off "
        "holdings too), in the fund's currency at historical rates, with the latest valuation "
        "mark. The app's fair value also applies the exit rule (fund.valuations).",
        (
            *FUND,
            ("fund_currency", "the currency of invested, cost_released, remaining_cost, realized"),
            ("firm_id", "the company (firm.id)"),
            COMPANY,
            ("sector", "the company's sector"),
            ("first_investment", "date of the first investment still standing"),
            ("invested", "sum of investments"),
            ("cost_released", "cost released by exits, partial exits and write-offs"),
            ("remaining_cost", "invested - cost_released: cost still held"),
            ("realized", "sum of proceeds (exits, dividends, interest)"),
            ("is_closed", "no cost left (sold or written off)"),
            ("mark_on", "date of the latest valuation mark (the last recorded on that date)"),
            ("mark_value", "its fair value of the whole position, in mark_currency"),
            ("mark_currency", "the mark's currency"),
            ("mark_method", "cost, last round, comparables, DCF, offer, write-down, write-off"),
            ("entries", "ledger entries of the holding (investments, proceeds, write-offs)"),
        ),
        holdings_sql,
    ),
    View(
        "v_pipeline",
        "One row per deal: company, fund, the current stage and since when, owner, next step.",
        (
            ("deal_id", "the deal (deal.id)"),
            *FUND,
            ("firm_id", "the company (firm.id)"),
            COMPANY,
            ("sector", "the deal's sector"),
            ("owner", "who runs the deal"),
            ("source_channel", "referral, event, registry search, inbound, accelerator"),
            ("source_detail", "who or what referred it"),
            ("round_sought", "the round the company raises"),
            ("amount_sought", "the amount it raises, in currency"),
            ("currency", "ISO 4217 code of amount_sought"),
            (
                "stage",
                "sourced, screening, due_diligence, investment_committee, term_sheet, "
                "invested, passed, on_hold",
            ),
            ("stage_since", "date of the last stage move (else the opening date)"),
            ("days_in_stage", "days from stage_since to today"),
            ("is_open", "neither passed nor invested"),
            ("next_step", "the next step"),
            ("next_step_on", "its date"),
            ("pass_reason", "passed deals: the reason"),
            ("pass_note", "passed deals: the note"),
            ("opened_on", "when the deal was opened"),
            ("investment_entry_id", "invested deals: the ledger entry of the investment"),
            IS_DEMO,
        ),
        pipeline_sql,
    ),
    View(
        "v_deal_stage_history",
        "One row per stage a deal entered: when it entered, when it left, days in the stage.",
        (
            ("change_id", "the move (deal_stage_change.id)"),
            ("deal_id", "the deal"),
            *FUND,
            COMPANY,
            ("owner", "the deal's owner"),
            ("from_stage", "the stage it left (NULL for the opening)"),
            ("stage", "the stage it entered"),
            ("entered_on", "the date of the move"),
            ("left_on", "the date of the deal's next move (NULL: still in the stage)"),
            ("days_in_stage", "left_on (else today) - entered_on, in days"),
            ("is_current", "the deal is still in this stage"),
            ("moved_by", "who moved it"),
            ("reason", "why (pass reason, hold reason)"),
            ("note", "free text"),
        ),
        stage_history_sql,
    ),
    View(
        "v_funding_rounds",
        "One row per funding round of a hub firm, with its amount in the hub's currency at the "
        "rate as of the announcement (the latest rate on or before it, at most 31 days old; "
        "NULL when there is none).",
        (
            ("round_id", "the round (funding_round.id)"),
            ("firm_id", "the company (firm.id)"),
            COMPANY,
            ("sector", "the company's sector"),
            ("hub_id", "the company's hub"),
            ("hub", "the hub's name"),
            ("announced", "announcement date"),
            ("stage", "angel, seed, A, B, C, D+, strategic, IPO"),
            ("amount", "the round's size, in currency"),
            ("currency", "ISO 4217 code of amount"),
            ("hub_currency", "the hub's currency"),
            ("fx_rate", "1 currency = fx_rate hub_currency as of announced (NULL: no rate)"),
            ("amount_hub", "amount * fx_rate, to the cent"),
            ("investors", '"; "-separated investor names'),
            ("source", "the document the round comes from"),
            IS_DEMO,
        ),
        funding_rounds_sql,
    ),
    View(
        "v_hub_kpis_vs_targets",
        "One row per hub target: the KPI's actual on the earlier of today and the deadline "
        "(observed KPIs: the latest observation; computed ones: counted from the hub tables as "
        "fund.hub_series does), attainment, time elapsed and schedule gap (ARCHITECTURE.md).",
        (
            ("target_id", "the target (target.id)"),
            ("hub_id", "the hub (hub.id)"),
            ("hub", "the hub's name"),
            ("kpi_code", "the KPI (kpi.code)"),
            ("kpi", "the KPI's name"),
            ("kind", "count, money or rank"),
            ("direction", "higher or lower is better"),
            ("measure", "observed, or how it is computed (parks_clusters, fintech_firms, ...)"),
            ("target_low", "the target (a range's lower end)"),
            ("target_high", "a range's upper end"),
            ("target_text", "the target in the plan's words"),
            ("baseline", "the value at plan start"),
            ("plan_start", "the plan's start"),
            ("deadline", "the target's deadline"),
            ("judged_on", "the earlier of today and the deadline"),
            (
                "actual",
                "the KPI's value on judged_on (NULL: no observation, or a round without "
                "an FX rate)",
            ),
            ("actual_on", "the date of that value"),
            (
                "attainment",
                "actual / target_low; target_low / actual for ranks (NULL: no actual or a zero)",
            ),
            ("time_elapsed", "(today - plan_start) / (deadline - plan_start), between 0 and 1"),
            ("schedule_gap", "min(attainment, 1) - time_elapsed: negative is behind schedule"),
            ("source", "the document that sets the target"),
        ),
        hub_kpis_sql,
    ),
    View(
        "v_fund_performance",
        "One row per fund, as-of date and reporting currency from the stored performance "
        "snapshots (performance_snapshot, level 'fund'; the last computed one per key). Empty "
        "until the snapshots are computed.",
        (
            *FUND,
            ("as_of", "the date the figures are as of"),
            ("currency", "the reporting currency of the money columns"),
            ("invested", "sum of investments"),
            ("realized", "sum of proceeds"),
            ("fair_value", "the holdings' fair value on as_of"),
            ("called", "paid-in capital (PIC)"),
            ("distributed", "distributions to LPs"),
            ("nav", "cash held + holdings' fair value"),
            ("dpi", "distributed / called"),
            ("rvpi", "nav / called"),
            ("tvpi", "(distributed + nav) / called"),
            ("moic", "gross: (realized + fair_value) / invested"),
            ("gross_irr", "XIRR of investments, proceeds and fair value (fraction a year)"),
            ("net_irr", "XIRR of calls, distributions and NAV (fraction a year)"),
            ("note", "why a figure is NULL"),
            ("computed_at", "when the snapshot was computed (UTC)"),
            ("is_latest", "the fund's latest as-of date in this currency"),
        ),
        fund_performance_sql,
    ),
)
BY_NAME: dict[str, View] = {view.name: view for view in VIEWS}


def create_all(op: _Executor, dialect: str) -> None:
    """(Re)create every view: drop them all (dependents first), then create them in order
    (call from a migration's upgrade)."""
    drop_all(op, dialect)
    for view in VIEWS:
        op.execute(view.create(dialect)[-1])


def drop_all(op: _Executor, dialect: str) -> None:
    """Drop every view, dependents first (call from a migration's downgrade)."""
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view.name}")
