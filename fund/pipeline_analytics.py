"""Reading the pipeline: deals as the board and the list show them, their history, and the
analytics (the funnel, time in stage, the slowest deals, hit rates, pass reasons).

The analytics are computed from a history frame (``history_frame``: one row per stage change
with the deal's owner, channel, sector and opening date), so the same functions run on the
store, on a test's hand-made frame or in a notebook. Definitions:

- a deal *reached* a stage when its history ever went that far along ``STAGES`` (a deal moved
  back from IC still reached IC); conversion = reached / reached at the previous stage;
- a deal's *current* stage is its last change's; a passed or on-hold deal *sits at* the last
  stage of ``STAGES`` it was in before (where it was passed or held);
- time in a stage is the sum of a deal's stays in it, each from its move in to its next move
  (open stays run to ``as_of``); the median and p90 are over deals, p90 interpolated linearly
  (numpy's default); passed and invested are ends, not stages one spends time in;
- decided = invested or passed (now: a reopened deal is not decided); hit rate = invested /
  decided.

Filters: ``filter_history`` keeps the deals opened in a period (inclusive) and by owners.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from models.fund import Fund
from models.hub import Firm
from models.pipeline import STAGES, Deal, DealStageChange
from models.validation import InputError

HISTORY_COLUMNS = ["change_id", "deal_id", "fund_id", "firm_id", "company", "owner",
                   "source_channel", "sector", "opened_on", "from_stage", "to_stage", "moved_on",
                   "moved_by", "reason", "note"]  # fmt: skip
DEAL_FIELDS = ("fund_id", "firm_id", "owner", "source_channel", "sector", "opened_on")
CHANGE_FIELDS = ("deal_id", "from_stage", "to_stage", "moved_on", "moved_by", "reason", "note")
TIMED_STAGES: tuple[str, ...] = (*STAGES[:-1], "on_hold")
DECIDED = ("invested", "passed")
HIT_RATE_BY = ("source_channel", "sector")
SAME_FIELDS = ("fund_id", "firm_id", "owner", "source_channel", "source_detail", "sector",
               "round_sought", "amount_sought", "currency", "next_step", "next_step_on",
               "opened_on", "is_demo")  # fmt: skip


@dataclass(frozen=True)
class DealView:
    """A deal as the pages show it; ``days_in_stage`` counts from its last move to the as-of."""

    id: int
    fund_id: int
    fund: str
    firm_id: int
    company: str
    owner: str
    source_channel: str
    source_detail: str | None
    sector: str
    round_sought: str | None
    amount_sought: Decimal | None
    currency: str
    stage: str
    next_step: str | None
    next_step_on: date | None
    pass_reason: str | None
    pass_note: str | None
    opened_on: date
    days_in_stage: int
    investment_entry_id: int | None
    is_demo: bool


@dataclass(frozen=True)
class StageMove:
    """One recorded move: from (None for the opening) and to which stage, when, who, why."""

    from_stage: str | None
    to_stage: str
    moved_on: date
    moved_by: str
    reason: str | None
    note: str | None


def company_name(firm: Firm) -> str:
    """The firm's English name, else its Chinese name (``Firm.display_name``)."""
    return firm.display_name


def stage_changes(session: Session, deal_ids: Iterable[int]) -> list[DealStageChange]:
    """The deals' stage changes, by date and order recorded."""
    query = select(DealStageChange).where(col(DealStageChange.deal_id).in_(list(deal_ids)))
    order = (col(DealStageChange.moved_on), col(DealStageChange.id))
    return list(session.exec(query.order_by(*order)).all())


def deal_views(session: Session, rows: list[Deal], as_of: date | None = None) -> list[DealView]:
    """Views of ``rows`` as they stood at the end of ``as_of`` (as they are, when None)."""
    funds = {f.id: f.name for f in session.exec(select(Fund)).all()}
    firm_ids = {d.firm_id for d in rows}
    firms = {f.id: f for f in session.exec(select(Firm).where(col(Firm.id).in_(firm_ids)))}
    last: dict[int, DealStageChange] = {}
    for move in stage_changes(session, [d.id or 0 for d in rows]):
        if as_of is None or move.moved_on <= as_of:
            last[move.deal_id] = move
    views = []
    for deal in rows:
        move = last.get(deal.id or 0)
        then = as_of is not None and move is not None  # as it was then, else as it is
        stage = move.to_stage if then and move else deal.stage
        why = (move.reason, move.note) if then and move else (deal.pass_reason, deal.pass_note)
        why = why if stage == "passed" else (None, None)
        since = move.moved_on if move else deal.opened_on
        views.append(DealView(
            **{name: getattr(deal, name) for name in SAME_FIELDS},
            id=deal.id or 0, fund=funds[deal.fund_id], company=company_name(firms[deal.firm_id]),
            stage=stage, pass_reason=why[0], pass_note=why[1],
            days_in_stage=((as_of or date.today()) - since).days,
            investment_entry_id=deal.investment_entry_id if stage == "invested" else None,
        ))  # fmt: skip
    return views


def deal_history(*, session: Session, deal_id: int) -> list[StageMove]:
    """Every move of the deal, oldest first (the opening: from None to sourced)."""
    if session.get(Deal, deal_id) is None:
        raise InputError(f"deal_id: {deal_id!r} is not a known deal")
    return [StageMove(m.from_stage, m.to_stage, m.moved_on, m.moved_by, m.reason, m.note)
            for m in stage_changes(session, [deal_id])]  # fmt: skip


def deals(
    *, session: Session, fund_id: int | None = None, as_of: date | None = None,
    stages: Iterable[str] | None = None, owners: Iterable[str] | None = None,
    channels: Iterable[str] | None = None,
) -> list[DealView]:  # fmt: skip
    """The deals, by opening date. With ``as_of``: those opened by then, in the stage they were
    in at the end of that day; ``stages``, ``owners`` and ``channels`` filter."""
    query = select(Deal).order_by(col(Deal.opened_on), col(Deal.id))
    if fund_id is not None:
        query = query.where(Deal.fund_id == fund_id)
    if as_of is not None:
        query = query.where(Deal.opened_on <= as_of)
    if owners is not None:
        query = query.where(col(Deal.owner).in_(list(owners)))
    if channels is not None:
        query = query.where(col(Deal.source_channel).in_(list(channels)))
    views = deal_views(session, list(session.exec(query).all()), as_of)
    wanted = None if stages is None else set(stages)
    return [v for v in views if wanted is None or v.stage in wanted]


def deals_frame(rows: Iterable[DealView]) -> pd.DataFrame:
    """One row per deal, the ``DealView`` fields as columns (object dtype: dates stay dates)."""
    columns = [f.name for f in fields(DealView)]
    return pd.DataFrame([asdict(r) for r in rows], columns=columns, dtype=object)


# --- analytics -------------------------------------------------------------------------------


def history_frame(*, session: Session, fund_id: int | None = None) -> pd.DataFrame:
    """One row per stage change (``HISTORY_COLUMNS``), by deal, date and order recorded."""
    query = (
        select(DealStageChange, Deal, Firm)
        .join(Deal, col(Deal.id) == DealStageChange.deal_id)
        .join(Firm, col(Firm.id) == Deal.firm_id)
        .order_by(col(Deal.id), col(DealStageChange.moved_on), col(DealStageChange.id))
    )
    if fund_id is not None:
        query = query.where(Deal.fund_id == fund_id)
    rows = [
        {"change_id": change.id, "company": company_name(firm)}
        | {name: getattr(deal, name) for name in DEAL_FIELDS}
        | {name: getattr(change, name) for name in CHANGE_FIELDS}
        for change, deal, firm in session.exec(query).all()
    ]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS, dtype=object)


def _prepared(history: pd.DataFrame) -> pd.DataFrame:
    """A copy with Timestamp dates, sorted by deal and date (recording order breaks ties)."""
    frame = history.copy()
    for name in ("moved_on", "opened_on"):
        frame[name] = pd.to_datetime(frame[name])
    keys = ["deal_id", "moved_on", *(["change_id"] if "change_id" in frame else [])]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def filter_history(
    history: pd.DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    owners: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The rows of the deals opened between ``start`` and ``end`` (inclusive) and owned by one
    of ``owners`` (each filter only when given)."""
    opened = pd.to_datetime(history["opened_on"])
    keep = pd.Series(True, index=history.index)
    if start is not None:
        keep &= opened >= pd.Timestamp(start)
    if end is not None:
        keep &= opened <= pd.Timestamp(end)
    if owners is not None:
        keep &= history["owner"].isin(list(owners))
    return history[keep]


def _frame(rows: list[dict[str, object]], *optional: str) -> pd.DataFrame:
    """``rows`` as a frame, the ``optional`` columns as objects (None stays None, not NaN)."""
    frame = pd.DataFrame(rows)
    for name in optional:
        frame[name] = pd.Series([row[name] for row in rows], index=frame.index, dtype=object)
    return frame


def _current(frame: pd.DataFrame) -> pd.DataFrame:
    """Per deal (the index): its last row, and ``sits_at``, the last stage of ``STAGES``."""
    last = frame.groupby("deal_id", sort=True).tail(1).set_index("deal_id")
    in_stages = frame[frame["to_stage"].isin(STAGES)]
    sits_at = in_stages.groupby("deal_id")["to_stage"].last()
    return last.assign(sits_at=sits_at.reindex(last.index))


def funnel(
    history: pd.DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    owners: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per stage of ``STAGES``: ``deals`` that reached it, ``conversion`` from the previous
    stage (None for the first, or when the previous had none), and the deals now there:
    ``current`` in it, ``on_hold`` and ``passed`` from it."""
    frame = _prepared(filter_history(history, start=start, end=end, owners=owners))
    rank = frame["to_stage"].map({stage: i for i, stage in enumerate(STAGES)})
    furthest = rank.groupby(frame["deal_id"]).max()
    now = _current(frame)
    rows, before = [], None
    for i, stage in enumerate(STAGES):
        reached = int((furthest >= i).sum())
        here = now[now["sits_at"] == stage]["to_stage"]
        rows.append({
            "stage": stage, "deals": reached,
            "conversion": reached / before if before else None,
            "current": int((here == stage).sum()), "on_hold": int((here == "on_hold").sum()),
            "passed": int((here == "passed").sum()),
        })  # fmt: skip
        before = reached
    return _frame(rows, "conversion")


def _stays(history: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Each change up to ``as_of`` with ``days``: until the deal's next change, or ``as_of``."""
    day = pd.Timestamp(as_of)
    frame = _prepared(history)
    frame = frame[frame["moved_on"] <= day].copy()
    until = frame.groupby("deal_id")["moved_on"].shift(-1).fillna(day)
    return frame.assign(days=(until - frame["moved_on"]).dt.days.astype(int))


def time_in_stage(history: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Per stage (``TIMED_STAGES``): ``deals`` that spent time in it by ``as_of``, and the
    ``median_days`` and ``p90_days`` they spent (None when no deal did)."""
    stays = _stays(history, as_of)
    per_deal = stays.groupby(["to_stage", "deal_id"])["days"].sum()
    spent = {stage: group.to_numpy() for stage, group in per_deal.groupby(level="to_stage")}
    rows = []
    for stage in TIMED_STAGES:
        days = spent.get(stage, np.array([], dtype=int))
        found = len(days) > 0
        rows.append({
            "stage": stage, "deals": len(days),
            "median_days": float(np.median(days)) if found else None,
            "p90_days": float(np.quantile(days, 0.9)) if found else None,
        })  # fmt: skip
    return _frame(rows, "median_days", "p90_days")


def slowest(history: pd.DataFrame, *, as_of: date, n: int = 10) -> pd.DataFrame:
    """The ``n`` open deals (not on hold) longest in their stage at ``as_of``: ``deal_id``,
    ``company``, ``owner``, ``stage``, ``since`` and ``days``, longest first."""
    stays = _stays(history, as_of)
    now = _current(stays).reset_index()
    now = now[now["to_stage"].isin(STAGES[:-1])]
    found = pd.DataFrame({
        "deal_id": now["deal_id"], "company": now["company"], "owner": now["owner"],
        "stage": now["to_stage"], "since": now["moved_on"].dt.date, "days": now["days"],
    })  # fmt: skip
    found = found.sort_values(["days", "deal_id"], ascending=[False, True], kind="stable")
    return found.head(n).reset_index(drop=True)


def hit_rate(history: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Per value of ``by`` ("source_channel" or "sector"): ``deals``, ``decided`` (invested or
    passed now), ``invested`` and ``hit_rate`` = invested / decided (None when none decided)."""
    if by not in HIT_RATE_BY:
        raise InputError(f"by: {by!r} is not one of: {', '.join(HIT_RATE_BY)}")
    now = _current(_prepared(history))
    stage = now["to_stage"]
    found = pd.DataFrame({
        by: now[by], "deals": 1, "decided": stage.isin(DECIDED).astype(int),
        "invested": (stage == "invested").astype(int),
    })  # fmt: skip
    totals = found.groupby(by, sort=True)[["deals", "decided", "invested"]].sum().reset_index()
    rates = [
        i / d if d else None for i, d in zip(totals["invested"], totals["decided"], strict=True)
    ]
    return totals.assign(hit_rate=pd.Series(rates, index=totals.index, dtype=object))


def pass_reasons(history: pd.DataFrame) -> pd.DataFrame:
    """The reasons of the deals passed now: ``reason``, ``count`` and ``share`` of them, most
    frequent first."""
    now = _current(_prepared(history))
    reasons = now[now["to_stage"] == "passed"]["reason"].fillna("(none given)")
    counts = reasons.value_counts().rename_axis("reason").reset_index(name="count")
    counts = counts.sort_values(["count", "reason"], ascending=[False, True], kind="stable")
    total = int(counts["count"].sum())
    return counts.assign(share=counts["count"] / total if total else 0.0).reset_index(drop=True)
