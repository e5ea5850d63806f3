"""Due diligence: checklists from templates, red flags, the weighted scorecard and the IC gate.

A deal's checklist holds items per area (``DD_AREAS``; "custom" for items outside the
templates), each with an owner, due date, status, finding and evidence link. An item can carry
a red flag: open until resolved or waived, either with a reason. Scores are 1-5 per scored
area (every area but "custom"); a fund's weights (percent, summing to 100) turn them into

    weighted = sum_a w_a * s_a / sum_a w_a   over the areas with w_a > 0,

undefined while any of those areas is unscored. ``dd_gate`` lists what keeps a deal from the
investment committee. Writes are for fund managers; refusals raise ``InputError`` naming the
field and the value (or ``PermissionDenied``) before anything is written.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlmodel import Session, select

from fund.access import Actor, require, require_fund
from fund.dd_templates import CHECKLIST_TEMPLATES
from fund.results import Undefined
from models.fund import Fund
from models.pipeline import DD_AREAS, DD_STATUSES, DdItem, DdScore, Deal, ScoreWeight
from models.validation import InputError

WRITERS = ("fund_manager",)
SCORED_AREAS: tuple[str, ...] = tuple(a for a in DD_AREAS if a != "custom")
SCORE_RANGE = (1, 5)
_SHOWN = 3  # titles named in a gate reason before "and N more"

DEFAULT_WEIGHTS: dict[str, int] = {
    "team": 25,
    "market": 15,
    "product": 15,
    "financials": 15,
    "legal": 10,
    "regulatory": 20,
}


@dataclass(frozen=True)
class DdItemView:
    id: int
    deal_id: int
    area: str
    title: str
    owner: str | None
    due_on: date | None
    status: str
    finding: str | None
    evidence_url: str | None
    red_flag: bool
    red_flag_status: str | None  # open | resolved | waived (None: never flagged)
    resolution: str | None  # how a flag was resolved, or why it was waived


@dataclass(frozen=True)
class Scorecard:
    deal_id: int
    scores: dict[str, int | None]  # per scored area; None: not scored
    weights: dict[str, int]
    weighted: Decimal | Undefined  # 1.00-5.00, two decimals
    red_flags_open: int
    red_flags: list[DdItemView]  # every flagged item, open, resolved or waived


def _view(item: DdItem) -> DdItemView:
    assert item.id is not None
    return DdItemView(
        item.id, item.deal_id, item.area, item.title, item.owner, item.due_on, item.status,
        item.finding, item.evidence_url, item.red_flag, item.red_flag_status, item.resolution,
    )  # fmt: skip


def _whole(value: Any) -> int | None:
    """``value`` as an int when it is a whole number type (numpy's too), not a bool."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    return int(value) if ok else None


def _deal(session: Session, deal_id: Any) -> Deal:
    key = _whole(deal_id)
    deal = session.get(Deal, key) if key is not None else None
    if deal is None:
        raise InputError(f"deal_id: {deal_id!r} is not a known deal")
    return deal


def _item(session: Session, item_id: Any) -> DdItem:
    key = _whole(item_id)
    item = session.get(DdItem, key) if key is not None else None
    if item is None:
        raise InputError(f"item_id: {item_id!r} is not a known due-diligence item")
    return item


def _one_of(value: Any, allowed: Iterable[str], field: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise InputError(f"{field}: {value!r} is not one of: {', '.join(allowed)}")
    return str(value)


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str | None:
    """Stripped text of at most ``limit`` characters; "" is None (refused when required)."""
    if value is not None and not isinstance(value, str):
        raise InputError(f"{field}: {value!r} is not text")
    text = (value or "").strip()
    if required and not text:
        raise InputError(f"{field}: {value!r} is empty; it is required")
    if len(text) > limit:
        raise InputError(f"{field}: {text[:40]!r}... is {len(text)} characters, over {limit}")
    return text or None


def _due(value: Any, deal: Deal) -> date | None:
    if value is None:
        return None
    if not isinstance(value, date):
        raise InputError(f"due_on: {value!r} is not a date")
    if value < deal.opened_on:
        raise InputError(
            f"due_on: {value.isoformat()} is before the deal was opened "
            f"({deal.opened_on.isoformat()}): dates in the wrong order"
        )
    return value


def _url(value: Any) -> str | None:
    url = _text(value, "evidence_url", 500)
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise InputError(f"evidence_url: {url!r} is not an http(s) link")
    return url


def _items(session: Session, deal_id: int) -> list[DdItem]:
    rows = session.exec(select(DdItem).where(DdItem.deal_id == deal_id)).all()
    return sorted(rows, key=lambda i: (DD_AREAS.index(i.area), i.id or 0))


def start_checklist(
    *, session: Session, actor: Actor, deal_id: int, areas: Iterable[str] | None = None
) -> list[DdItemView]:
    """Create the template items (``CHECKLIST_TEMPLATES``) for ``areas`` (all by default),
    owned by the deal's owner; refused for an area whose template items the deal already has."""
    require(actor, *WRITERS, action="start a due-diligence checklist")
    deal = _deal(session, deal_id)
    require_fund(actor, deal.fund_id, action="start a due-diligence checklist")
    areas = [areas] if isinstance(areas, str) else areas
    wanted = list(CHECKLIST_TEMPLATES) if areas is None else list(dict.fromkeys(areas))
    if not wanted:
        raise InputError("areas: no area given")
    for area in wanted:
        _one_of(area, CHECKLIST_TEMPLATES, "areas")
    have = {(i.area, i.title) for i in _items(session, deal.id or 0)}
    started = [a for a in wanted if any((a, t) in have for t in CHECKLIST_TEMPLATES[a])]
    if started:
        raise InputError(
            f"areas: deal {deal.id} already has the template items for {', '.join(started)}"
        )
    rows = [
        DdItem(deal_id=deal.id, area=area, title=title, owner=deal.owner)
        for area in wanted
        for title in CHECKLIST_TEMPLATES[area]
    ]
    session.add_all(rows)
    session.flush()
    return [_view(r) for r in rows]


def add_item(
    *,
    session: Session,
    actor: Actor,
    deal_id: int,
    area: str,
    title: str,
    owner: str | None = None,
    due_on: date | None = None,
) -> DdItemView:
    """Add one item (a custom one, or an extra in a template area), status "open"."""
    require(actor, *WRITERS, action="add a due-diligence item")
    deal = _deal(session, deal_id)
    require_fund(actor, deal.fund_id, action="add a due-diligence item")
    item = DdItem(
        deal_id=deal.id,
        area=_one_of(area, DD_AREAS, "area"),
        title=_text(title, "title", 200, required=True),
        owner=_text(owner, "owner", 120),
        due_on=_due(due_on, deal),
    )
    session.add(item)
    session.flush()
    return _view(item)


def update_item(
    *,
    session: Session,
    actor: Actor,
    item_id: int,
    status: str | None = None,
    finding: str | None = None,
    evidence_url: str | None = None,
    owner: str | None = None,
    due_on: date | None = None,
) -> DdItemView:
    """Change the given fields (None: unchanged; "" clears a text field)."""
    require(actor, *WRITERS, action="update a due-diligence item")
    item = _item(session, item_id)
    require_fund(actor, _deal(session, item.deal_id).fund_id, action="update a due-diligence item")
    changes: dict[str, Any] = {}
    if status is not None:
        changes["status"] = _one_of(status, DD_STATUSES, "status")
    if finding is not None:
        changes["finding"] = _text(finding, "finding", 2000)
    if evidence_url is not None:
        changes["evidence_url"] = _url(evidence_url)
    if owner is not None:
        changes["owner"] = _text(owner, "owner", 120)
    if due_on is not None:
        changes["due_on"] = _due(due_on, _deal(session, item.deal_id))
    for name, value in changes.items():
        setattr(item, name, value)
    session.flush()
    return _view(item)


def raise_red_flag(*, session: Session, actor: Actor, item_id: int, finding: str) -> DdItemView:
    """Flag the item with ``finding`` (required): the flag is open and blocks the IC."""
    require(actor, *WRITERS, action="raise a red flag")
    item = _item(session, item_id)
    require_fund(actor, _deal(session, item.deal_id).fund_id, action="raise a red flag")
    text = _text(finding, "finding", 2000, required=True)
    if item.red_flag and item.red_flag_status == "open":
        raise InputError(f"item_id: {item_id} ({item.title!r}) already has an open red flag")
    item.red_flag, item.red_flag_status, item.finding, item.resolution = True, "open", text, None
    session.flush()
    return _view(item)


def resolve_red_flag(
    *, session: Session, actor: Actor, item_id: int, how: str, waive: bool = False
) -> DdItemView:
    """Close the item's open flag as "resolved" (or "waived"), with ``how`` as the reason."""
    require(actor, *WRITERS, action="resolve a red flag")
    item = _item(session, item_id)
    require_fund(actor, _deal(session, item.deal_id).fund_id, action="resolve a red flag")
    reason = _text(how, "how", 1000, required=True)
    if not (item.red_flag and item.red_flag_status == "open"):
        raise InputError(f"item_id: {item_id} ({item.title!r}) has no open red flag")
    item.red_flag_status, item.resolution = ("waived" if waive else "resolved"), reason
    session.flush()
    return _view(item)


def set_weights(
    *, session: Session, actor: Actor, fund_id: int, weights: Mapping[str, int]
) -> dict[str, int]:
    """Store the fund's scorecard weights (percent per scored area; missing areas are 0)."""
    require(actor, *WRITERS, action="set scorecard weights")
    key = _whole(fund_id)
    fund = session.get(Fund, key) if key is not None else None
    if fund is None:
        raise InputError(f"fund_id: {fund_id!r} is not a known fund")
    require_fund(actor, fund_id, action="set scorecard weights")
    for area, weight in weights.items():
        _one_of(area, SCORED_AREAS, "weights")
        if _whole(weight) is None or not 0 <= weight <= 100:
            raise InputError(f"weights: {area} {weight!r} is not a whole percent 0-100")
    if (total := sum(int(w) for w in weights.values())) != 100:
        raise InputError(f"weights sum to {total} %, not 100 %")
    stored = {
        w.area: w for w in session.exec(select(ScoreWeight).where(ScoreWeight.fund_id == fund_id))
    }
    result = {area: int(weights.get(area, 0)) for area in SCORED_AREAS}
    for area, weight in result.items():
        if area in stored:
            stored[area].weight = weight
        else:
            session.add(ScoreWeight(fund_id=fund_id, area=area, weight=weight))
    session.flush()
    return result


def weights_of(*, session: Session, fund_id: int) -> dict[str, int]:
    """The fund's stored weights per scored area, else ``DEFAULT_WEIGHTS``."""
    rows = session.exec(select(ScoreWeight).where(ScoreWeight.fund_id == fund_id)).all()
    if not rows:
        return dict(DEFAULT_WEIGHTS)
    stored = {w.area: w.weight for w in rows}
    return {area: stored.get(area, 0) for area in SCORED_AREAS}


def score(
    *, session: Session, actor: Actor, deal_id: int, area: str, value: int, note: str | None = None
) -> None:
    """Score the deal 1-5 in ``area`` (a later score replaces the earlier one)."""
    require(actor, *WRITERS, action="score a deal")
    deal = _deal(session, deal_id)
    require_fund(actor, deal.fund_id, action="score a deal")
    _one_of(area, SCORED_AREAS, "area")
    low, high = SCORE_RANGE
    if _whole(value) is None or not low <= value <= high:
        raise InputError(f"score: {value!r} is out of range {low}-{high}")
    value = int(value)
    text = _text(note, "note", 500)
    found = session.exec(
        select(DdScore).where(DdScore.deal_id == deal.id, DdScore.area == area)
    ).first()
    row = found or DdScore(deal_id=deal.id, area=area, score=value, scored_by=actor.name)
    row.score, row.scored_by, row.note = value, actor.name[:120], text
    session.add(row)
    session.flush()


def checklist(*, session: Session, deal_id: int) -> list[DdItemView]:
    """The deal's items, by area (in ``DD_AREAS`` order) then as added."""
    return [_view(i) for i in _items(session, _deal(session, deal_id).id or 0)]


def scorecard(*, session: Session, deal_id: int) -> Scorecard:
    """Scores, the fund's weights, the weighted score (module docstring) and the red flags."""
    deal = _deal(session, deal_id)
    weights = weights_of(session=session, fund_id=deal.fund_id)
    rows = session.exec(select(DdScore).where(DdScore.deal_id == deal.id)).all()
    given = {r.area: r.score for r in rows}
    scores = {area: given.get(area) for area in SCORED_AREAS}
    counted = [a for a in SCORED_AREAS if weights.get(a, 0) > 0]
    missing = [a for a in counted if scores[a] is None]
    weighted: Decimal | Undefined
    if missing:
        weighted = Undefined(f"not scored: {', '.join(missing)}")
    elif not counted:
        weighted = Undefined("no area has a weight above 0")
    else:
        total = sum(weights[a] * (scores[a] or 0) for a in counted)
        weighted = (Decimal(total) / sum(weights[a] for a in counted)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    flags = [v for v in checklist(session=session, deal_id=deal_id) if v.red_flag]
    open_ = sum(1 for v in flags if v.red_flag_status == "open")
    return Scorecard(deal.id or 0, scores, weights, weighted, open_, flags)


def _named(titles: list[str]) -> str:
    shown = "; ".join(titles[:_SHOWN])
    return shown + (f"; and {len(titles) - _SHOWN} more" if len(titles) > _SHOWN else "")


def dd_gate(*, session: Session, deal_id: int) -> list[str]:
    """Why the deal may not go to the investment committee yet; empty when it may."""
    items = checklist(session=session, deal_id=deal_id)
    reasons = [] if items else ["the due-diligence checklist has not been started"]
    pending = [i.title for i in items if i.status in ("open", "in progress")]
    if pending:
        reasons.append(
            f"{len(pending)} checklist items still open or in progress: {_named(pending)}"
        )
    flags = [i.title for i in items if i.red_flag and i.red_flag_status == "open"]
    if flags:
        reasons.append(f"{len(flags)} open red flags (resolve or waive them): {_named(flags)}")
    card = scorecard(session=session, deal_id=deal_id)
    unscored = [a for a, w in card.weights.items() if w > 0 and card.scores.get(a) is None]
    if unscored:
        reasons.append(f"areas with a weight above 0 not scored: {', '.join(unscored)}")
    return reasons
