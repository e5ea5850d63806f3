"""The investment-committee memo of a deal, in Markdown, generated from what the store holds.

Sections: title (company, fund, date); summary (company names, sector, source channel, round
and amount sought, owner, stage); the due-diligence scorecard (area, weight, score) and the
weighted score; red flags and how each was resolved or waived (or that it is still open); the
projection (years, exit value, NPV at the discount rate, IRR, MOIC) or "no projection";
proposed terms. The scorecard comes from ``fund.diligence`` and the projection from
``fund.projection`` (imported when a memo is made).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from sqlmodel import Session

from models.fund import Fund
from models.hub import Firm
from models.money import format_money
from models.pipeline import DD_AREAS, Deal
from models.validation import InputError

MAX_MEMO = 20000
TRUNCATED = "\n\n_(memo cut at 20,000 characters: the full record is on the deal's pages)_\n"


class HasCompanyAndDate(Protocol):
    """What ``memo_filename`` reads (an ``AgendaItemView`` has it)."""

    @property
    def deal_id(self) -> int: ...
    @property
    def company(self) -> str: ...
    @property
    def held_on(self) -> date: ...


def _cell(value: object) -> str:
    """A Markdown table cell: pipes escaped, line breaks folded."""
    return " ".join(str(value).replace("|", "\\|").split())


def _money(value: Any, currency: str) -> str:
    if isinstance(value, Decimal | int):
        return format_money(Decimal(value), currency)
    if isinstance(value, float):
        return format_money(Decimal(str(round(value, 2))), currency)
    return str(value)  # an Undefined says why


def _percent(value: Any) -> str:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return f"{float(value) * 100:.1f} %"
    return str(value)


def _multiple(value: Any) -> str:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return f"{float(value):.2f}x"
    return str(value)


def _summary(deal: Deal, firm: Firm | None, fund: Fund) -> list[str]:
    names = " / ".join(n for n in (firm.name_en, firm.name_zh) if n) if firm else "?"
    channel = deal.source_channel + (f" ({deal.source_detail})" if deal.source_detail else "")
    amount = format_money(deal.amount_sought, deal.currency) if deal.amount_sought else "-"
    rows = [
        ("Company", names),
        ("Fund", fund.name + (f" / {fund.name_zh}" if fund.name_zh else "")),
        ("Sector", deal.sector),
        ("Source channel", channel),
        ("Round sought", deal.round_sought or "-"),
        ("Amount sought", amount),
        ("Owner", deal.owner),
        ("Stage", deal.stage),
    ]
    return ["## Summary", "", "| | |", "|---|---|", *(f"| {k} | {_cell(v)} |" for k, v in rows)]


def _scorecard(session: Session, deal_id: int) -> tuple[list[str], list[Any]]:
    from fund.diligence import scorecard

    card = scorecard(session=session, deal_id=deal_id)
    areas = [a for a in DD_AREAS if a in card.weights or a in card.scores]
    areas += sorted((set(card.weights) | set(card.scores)) - set(areas))
    lines = ["## Due diligence scorecard", "", "| Area | Weight | Score |", "|---|---:|---:|"]
    for area in areas:
        weight = card.weights.get(area)
        score = card.scores.get(area)
        shown_weight = f"{weight} %" if weight is not None else "-"
        lines.append(f"| {_cell(area)} | {shown_weight} | {score if score is not None else '-'} |")
    weighted = card.weighted
    shown = f"{weighted:.2f} of 5" if isinstance(weighted, Decimal) else str(weighted)
    lines += ["", f"**Weighted score:** {shown}"]
    return lines, list(card.red_flags)


def _red_flags(flags: list[Any]) -> list[str]:
    lines = ["## Red flags", ""]
    if not flags:
        return [*lines, "No red flags were raised in due diligence."]
    for flag in flags:
        status = flag.red_flag_status or "open"
        head = f"- **{_cell(flag.area)}: {_cell(flag.title)}**: {status}"
        if status != "open" and flag.resolution:
            head += f": {_cell(flag.resolution)}"
        lines.append(head)
        if flag.finding:
            lines.append(f"  - finding: {_cell(flag.finding)}")
    return lines


def _projection(session: Session, deal_id: int) -> list[str]:
    from fund.projection import load_projection, project

    lines = ["## Projection", ""]
    try:
        p = load_projection(session=session, deal_id=deal_id)
        result = project(p) if p is not None else None
    except InputError as exc:  # a stored projection the engine cannot read: say so, go on
        return [*lines, f"No usable projection: {exc}"]
    if p is None or result is None:
        return [*lines, "No projection."]
    cur = p.currency
    lines += ["| Year | Revenue | Costs | Cash flow |", "|---|---:|---:|---:|"]
    for year, flow in zip(p.years, result.cash_flows, strict=True):
        lines.append(
            f"| {year.year} | {_money(year.revenue, cur)} | {_money(year.costs, cur)} "
            f"| {_money(flow, cur)} |"
        )
    lines += [
        "",
        f"- **Fund's cheque:** {_money(p.investment, cur)} for {_percent(p.ownership)} at exit",
        f"- **Exit value** ({_multiple(p.exit_multiple)} the last year's revenue): "
        f"{_money(result.exit_value, cur)}",
        f"- **NPV** at {_percent(p.discount_rate)}: {_money(result.npv, cur)}",
        f"- **IRR:** {_percent(result.irr)}",
        f"- **MOIC:** {_multiple(result.moic)}",
    ]
    return lines


def generate_memo(
    *, session: Session, deal_id: int, proposed_terms: str | None = None, on: date | None = None
) -> str:
    """The deal's committee memo in Markdown, dated ``on`` (default today)."""
    deal = session.get(Deal, deal_id) if isinstance(deal_id, int) else None
    if deal is None:
        raise InputError(f"deal_id: {deal_id!r} is not a known deal")
    assert deal.id is not None
    firm = session.get(Firm, deal.firm_id)
    fund = session.get(Fund, deal.fund_id)
    assert fund is not None
    company = (firm.name_en or firm.name_zh or f"firm {firm.id}") if firm else "?"
    day = (on or date.today()).isoformat()
    scores, flags = _scorecard(session, deal.id)
    terms = proposed_terms.strip() if proposed_terms and proposed_terms.strip() else None
    parts = [
        [f"# Investment committee memo: {company}", "", f"**Fund:** {fund.name} · **Date:** {day}"],
        _summary(deal, firm, fund),
        scores,
        _red_flags(flags),
        _projection(session, deal.id),
        ["## Proposed terms", "", terms or "_To be proposed by the deal owner._"],
    ]
    memo = "\n\n".join("\n".join(p) for p in parts) + "\n"
    if len(memo) > MAX_MEMO:
        memo = memo[: MAX_MEMO - len(TRUNCATED)] + TRUNCATED
    return memo


def memo_filename(view: HasCompanyAndDate) -> str:
    """``ic-memo-<company>-<meeting date>.md``, the company as an ASCII slug (else the deal)."""
    ascii_name = unicodedata.normalize("NFKD", view.company).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or f"deal-{view.deal_id}"
    return f"ic-memo-{slug}-{view.held_on.isoformat()}.md"
