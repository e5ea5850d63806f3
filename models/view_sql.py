"""The SQL of the analysts' views (``models.views`` names and documents them), per dialect.

Money: the tables store amounts as BIGINT hundredths in ``<field>_minor`` columns, for every
currency (``models.money``: a JPY amount too is stored in hundredths, not in ISO 4217 minor
units). A view shows ``<field>_minor / 100`` in major units next to its currency: NUMERIC with
2 decimals on Postgres, REAL on SQLite (exact sums: ``SUM(<field>_minor) / 100.0`` on the table).
Exact decimals (FX rates, KPI values, multiples) are NUMERIC on Postgres and REAL in the views
on SQLite (text in its tables). "Today" is the database's date (UTC on SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.ledger import CASH_IN, CASH_OUT


@dataclass(frozen=True)
class Sql:
    """The few expressions that differ between SQLite and Postgres."""

    dialect: str

    def __post_init__(self) -> None:
        if self.dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"analyst views for dialect {self.dialect!r}")

    @property
    def pg(self) -> bool:
        return self.dialect == "postgresql"

    def money(self, minor: str) -> str:
        """Hundredths to major units."""
        return f"ROUND(({minor}) / 100.0, 2)" if self.pg else f"(({minor}) / 100.0)"

    def num(self, column: str) -> str:
        """An exact-decimal column as a number (it is text in SQLite's tables)."""
        return column if self.pg else f"CAST({column} AS REAL)"

    @property
    def today(self) -> str:
        return "CURRENT_DATE" if self.pg else "date('now')"

    def days(self, later: str, earlier: str) -> str:
        """Whole days from ``earlier`` to ``later``."""
        if self.pg:
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"MIN({a}, {b})"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"MAX({a}, {b})"

    def days_before(self, day: str, n: int) -> str:
        return f"({day} - {n})" if self.pg else f"date({day}, '-{n} days')"


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _signed(column: str) -> str:
    """``column`` as a cash flow of the fund: + money in, - money out, 0 (write-off) neither."""
    return (
        f"CASE WHEN e.entry_type IN {_in(CASH_IN)} THEN e.{column} "
        f"WHEN e.entry_type IN {_in(CASH_OUT)} THEN -e.{column} ELSE 0 END"
    )


def ledger_sql(q: Sql) -> str:
    return f"""
SELECT e.id AS entry_id, e.fund_id, fu.name AS fund, fu.currency AS fund_currency,
    e.entry_date, e.entry_type, e.category, e.lp_id, lp.name AS lp, e.firm_id,
    COALESCE(fi.name_en, fi.name_zh) AS company,
    {q.money("e.amount_minor")} AS amount, e.currency,
    {q.money(_signed("amount_minor"))} AS cash_flow,
    {q.num("e.fx_rate")} AS fx_rate,
    {q.money("e.amount_fund_minor")} AS amount_fund,
    {q.money(_signed("amount_fund_minor"))} AS cash_flow_fund,
    e.instrument, e.round_stage, e.funding_round_id, {q.num("e.shares")} AS shares,
    {q.money("e.pre_money_minor")} AS pre_money, {q.money("e.post_money_minor")} AS post_money,
    {q.num("e.ownership")} AS ownership, {q.money("e.cost_released_minor")} AS cost_released,
    e.reverses_id, r.id AS reversed_by_id, (e.reverses_id IS NOT NULL) AS is_reversal,
    e.memo, e.external_ref, e.recorded_at, e.recorded_by, e.is_demo
FROM ledger_entry e
JOIN fund fu ON fu.id = e.fund_id
LEFT JOIN lp ON lp.id = e.lp_id
LEFT JOIN firm fi ON fi.id = e.firm_id
LEFT JOIN ledger_entry r ON r.reverses_id = e.id
"""


def holdings_sql(q: Sql) -> str:
    live = "e.reverses_id IS NULL AND r.id IS NULL"
    return f"""
WITH pos AS (
    SELECT e.fund_id, e.firm_id,
        SUM(CASE WHEN e.entry_type = 'investment' THEN e.amount_fund_minor ELSE 0 END)
            AS invested_minor,
        SUM(CASE WHEN e.entry_type = 'proceeds' THEN e.amount_fund_minor ELSE 0 END)
            AS realized_minor,
        SUM(COALESCE(e.cost_released_minor, 0)) AS released_minor,
        COALESCE(MIN(CASE WHEN e.entry_type = 'investment' AND {live} THEN e.entry_date END),
                 MIN(CASE WHEN e.entry_type = 'investment' THEN e.entry_date END))
            AS first_investment,
        COUNT(*) AS entries
    FROM ledger_entry e
    LEFT JOIN ledger_entry r ON r.reverses_id = e.id
    WHERE e.firm_id IS NOT NULL AND e.entry_type IN ('investment', 'proceeds', 'write_off')
    GROUP BY e.fund_id, e.firm_id
)
SELECT pos.fund_id, fu.name AS fund, fu.currency AS fund_currency, pos.firm_id,
    COALESCE(fi.name_en, fi.name_zh) AS company, fi.sector, pos.first_investment,
    {q.money("pos.invested_minor")} AS invested,
    {q.money("pos.released_minor")} AS cost_released,
    {q.money("pos.invested_minor - pos.released_minor")} AS remaining_cost,
    {q.money("pos.realized_minor")} AS realized,
    (pos.invested_minor - pos.released_minor <= 0) AS is_closed,
    m.valued_on AS mark_on, {q.money("m.fair_value_minor")} AS mark_value,
    m.currency AS mark_currency, m.method AS mark_method, pos.entries
FROM pos
JOIN fund fu ON fu.id = pos.fund_id
JOIN firm fi ON fi.id = pos.firm_id
LEFT JOIN valuation_mark m ON m.id = (
    SELECT v.id FROM valuation_mark v
    WHERE v.fund_id = pos.fund_id AND v.firm_id = pos.firm_id
    ORDER BY v.valued_on DESC, v.recorded_at DESC, v.id DESC LIMIT 1)
WHERE pos.invested_minor > 0
"""


def _last_move(deal: str) -> str:
    return (
        f"(SELECT c.id FROM deal_stage_change c WHERE c.deal_id = {deal} "
        "ORDER BY c.moved_on DESC, c.id DESC LIMIT 1)"
    )


def pipeline_sql(q: Sql) -> str:
    since = "COALESCE(m.moved_on, d.opened_on)"
    return f"""
SELECT d.id AS deal_id, d.fund_id, fu.name AS fund, d.firm_id,
    COALESCE(fi.name_en, fi.name_zh) AS company, d.sector, d.owner, d.source_channel,
    d.source_detail, d.round_sought, {q.money("d.amount_sought_minor")} AS amount_sought,
    d.currency, d.stage, {since} AS stage_since, {q.days(q.today, since)} AS days_in_stage,
    (d.stage NOT IN ('passed', 'invested')) AS is_open, d.next_step, d.next_step_on,
    CASE WHEN d.stage = 'passed' THEN d.pass_reason END AS pass_reason,
    CASE WHEN d.stage = 'passed' THEN d.pass_note END AS pass_note,
    d.opened_on, d.investment_entry_id, d.is_demo
FROM deal d
JOIN fund fu ON fu.id = d.fund_id
JOIN firm fi ON fi.id = d.firm_id
LEFT JOIN deal_stage_change m ON m.id = {_last_move("d.id")}
"""


def stage_history_sql(q: Sql) -> str:
    return f"""
SELECT h.change_id, h.deal_id, h.fund_id, h.fund, h.company, h.owner, h.from_stage, h.stage,
    h.entered_on, h.left_on, {q.days(f"COALESCE(h.left_on, {q.today})", "h.entered_on")}
        AS days_in_stage,
    (h.left_on IS NULL) AS is_current, h.moved_by, h.reason, h.note
FROM (
    SELECT c.id AS change_id, c.deal_id, d.fund_id, fu.name AS fund,
        COALESCE(fi.name_en, fi.name_zh) AS company, d.owner, c.from_stage,
        c.to_stage AS stage, c.moved_on AS entered_on,
        LEAD(c.moved_on) OVER (PARTITION BY c.deal_id ORDER BY c.moved_on, c.id) AS left_on,
        c.moved_by, c.reason, c.note
    FROM deal_stage_change c
    JOIN deal d ON d.id = c.deal_id
    JOIN fund fu ON fu.id = d.fund_id
    JOIN firm fi ON fi.id = d.firm_id
) h
"""


def _rate(q: Sql, base: str, quote: str, day: str) -> str:
    """The rate of ``base`` in ``quote`` as of ``day`` (``models.fx``: the latest on or before
    the day, at most 31 days old, a stored pair answering its inverse too), or NULL."""
    window = f'x."on" <= {day} AND x."on" >= {q.days_before(day, 31)}'
    return f"""CASE WHEN {base} = {quote} THEN 1 ELSE (
        SELECT k.rate FROM (
            SELECT x."on" AS d, 0 AS inverse, {q.num("x.rate")} AS rate FROM fx_rate x
            WHERE x.base = {base} AND x.quote = {quote} AND {window}
            UNION ALL
            SELECT x."on" AS d, 1 AS inverse, 1.0 / {q.num("x.rate")} AS rate FROM fx_rate x
            WHERE x.base = {quote} AND x.quote = {base} AND {window}
        ) k ORDER BY k.d DESC, k.inverse LIMIT 1) END"""


def funding_rounds_sql(q: Sql) -> str:
    return f"""
SELECT r.round_id, r.firm_id, r.company, r.sector, r.hub_id, r.hub, r.announced, r.stage,
    {q.money("r.amount_minor")} AS amount, r.currency, r.hub_currency, r.fx_rate,
    ROUND(r.amount_minor * r.fx_rate / 100.0, 2) AS amount_hub,
    r.investors, r.source, r.is_demo
FROM (
    SELECT fr.id AS round_id, fr.firm_id, COALESCE(fi.name_en, fi.name_zh) AS company,
        fi.sector, fi.hub_id, h.name AS hub, fr.announced, fr.stage, fr.amount_minor,
        fr.currency, h.currency AS hub_currency,
        {_rate(q, "fr.currency", "h.currency", "fr.announced")} AS fx_rate,
        fr.investors, fr.source, fr.is_demo
    FROM funding_round fr
    JOIN firm fi ON fi.id = fr.firm_id
    JOIN hub h ON h.id = fi.hub_id
) r
"""


def _actual(q: Sql) -> str:
    """The KPI's actual for target ``t`` on ``t.judged_on`` (``fund.hub_series`` rules)."""
    on = "t.judged_on"
    latest = (
        "FROM kpi_observation o WHERE o.hub_id = t.hub_id AND o.kpi_code = t.kpi_code "
        f"AND o.observed_on <= {on} ORDER BY o.observed_on DESC, o.recorded_at DESC, o.id DESC "
        "LIMIT 1"
    )
    firms = "FROM firm f WHERE f.hub_id = t.hub_id"
    trials = f"FROM trial_project p WHERE p.hub_id = t.hub_id AND p.approved <= {on}"
    rounds = (
        "FROM v_funding_rounds r WHERE r.hub_id = t.hub_id "
        f"AND r.announced >= t.plan_start AND r.announced <= {on}"
    )
    value = f"""CASE t.measure
        WHEN 'observed' THEN (SELECT {q.num("o.value")} {latest})
        WHEN 'parks_clusters' THEN
            (SELECT COUNT(*) FROM park p WHERE p.hub_id = t.hub_id AND p.opened <= {on})
        WHEN 'fintech_firms' THEN (SELECT COUNT(*) {firms}
            AND (f.founded IS NULL OR f.founded <= {on})
            AND NOT (f.closed_on IS NOT NULL AND f.closed_on <= {on}))
        WHEN 'renowned_firms' THEN (SELECT COUNT(*) {firms}
            AND f.renowned = TRUE AND f.renowned_since <= {on})
        WHEN 'trial_projects' THEN (SELECT COUNT(*) {trials})
        WHEN 'trial_entities' THEN (SELECT COALESCE(SUM(p.entities), 0) {trials})
        WHEN 'funding_raised' THEN (SELECT CASE WHEN COUNT(*) > COUNT(r.amount_hub) THEN NULL
            ELSE COALESCE(SUM(r.amount_hub), 0) END {rounds})
    END"""
    day = f"CASE WHEN t.measure = 'observed' THEN (SELECT o.observed_on {latest}) ELSE {on} END"
    return f"{value} AS actual, {day} AS actual_on"


def hub_kpis_sql(q: Sql) -> str:
    gone, planned = q.days(q.today, "tg.plan_start"), q.days("tg.deadline", "tg.plan_start")
    elapsed = f"1.0 * {gone} / {planned}"
    return f"""
WITH t AS (
    SELECT tg.id AS target_id, tg.hub_id, h.name AS hub, tg.kpi_code, k.name AS kpi,
        k.kind, k.direction, k.measure, {q.num("tg.target_low")} AS target_low,
        {q.num("tg.target_high")} AS target_high, tg.target_text,
        {q.num("tg.baseline")} AS baseline, tg.plan_start, tg.deadline, tg.source,
        {q.least(q.today, "tg.deadline")} AS judged_on,
        {q.least("1.0", q.greatest("0.0", elapsed))} AS time_elapsed
    FROM target tg
    JOIN hub h ON h.id = tg.hub_id
    JOIN kpi k ON k.code = tg.kpi_code
), a AS (
    SELECT t.*, {_actual(q)} FROM t
), b AS (
    SELECT a.*, CASE
        WHEN a.actual IS NULL OR a.target_low = 0 THEN NULL
        WHEN a.direction = 'higher' THEN 1.0 * a.actual / a.target_low
        WHEN a.actual = 0 THEN NULL
        ELSE 1.0 * a.target_low / a.actual END AS attainment
    FROM a
)
SELECT b.target_id, b.hub_id, b.hub, b.kpi_code, b.kpi, b.kind, b.direction, b.measure,
    b.target_low, b.target_high, b.target_text, b.baseline, b.plan_start, b.deadline,
    b.judged_on, b.actual, b.actual_on, b.attainment, b.time_elapsed,
    CASE WHEN b.attainment IS NULL THEN NULL
        ELSE {q.least("b.attainment", "1.0")} - b.time_elapsed END AS schedule_gap,
    b.source
FROM b
"""


def fund_performance_sql(q: Sql) -> str:
    money = ", ".join(
        f"{q.money(f's.{c}_minor')} AS {c}"
        for c in ("invested", "realized", "fair_value", "called", "distributed", "nav")
    )
    ratios = ", ".join(f"{q.num(f's.{c}')} AS {c}" for c in ("dpi", "rvpi", "tvpi", "moic"))
    same = "s2.level = 'fund' AND s2.fund_id = s.fund_id AND s2.currency = s.currency"
    return f"""
SELECT s.fund_id, fu.name AS fund, s.as_of, s.currency, {money}, {ratios},
    s.gross_irr, s.net_irr, s.note, s.computed_at,
    (s.as_of = (SELECT MAX(s2.as_of) FROM performance_snapshot s2 WHERE {same})) AS is_latest
FROM performance_snapshot s
JOIN fund fu ON fu.id = s.fund_id
WHERE s.level = 'fund' AND s.id = (
    SELECT s2.id FROM performance_snapshot s2 WHERE {same} AND s2.as_of = s.as_of
    ORDER BY s2.computed_at DESC, s2.id DESC LIMIT 1)
"""
