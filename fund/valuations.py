"""Valuation marks: recording a holding's fair value, and reading the fair value on a date.

A mark is the fair value of the fund's whole position in a company on ``valued_on``, in the
mark's own currency. The rule for a holding's fair value on a day (``valuation``):

- the latest mark dated on or before the day (for two marks of the same date, the one recorded
  last: a correction), converted to the fund's currency at the rate as of the day (the current
  rate: a holding marked in dollars moves with the dollar until it is marked again, and a
  dollar report shows a dollar mark as itself);
- else, while the holding still carries cost, its remaining cost (method ``"cost"``);
- a holding whose cost has all been released (sold or written off) is worth 0 (method
  ``"exited"`` or ``"written off"``) unless a mark dated after the release says otherwise.

A mark stands until the next one: a follow-on or a partial exit after a mark does not move the
fair value until the holding is marked again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from sqlmodel import Session, col, select

from fund.access import Actor, require, require_fund
from fund.ledger import fund_of
from fund.positions import Position, ledger_frame, position_of
from models.fx import MissingFxRate, RateTable, rate_on
from models.hub import Firm
from models.validation import InputError, check
from models.valuation import ValuationMark, ValuationMarkCreate, ValuationMarkPublic

WRITERS = ("fund_manager",)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MarkLike(Protocol):
    """What ``valuation`` reads from a mark (``ValuationMarkPublic`` has it all)."""

    id: int
    firm_id: int
    valued_on: date
    recorded_at: datetime
    fair_value: Decimal
    currency: str
    method: str


@dataclass(frozen=True)
class FairValue:
    """A holding's fair value in the fund's currency, the method that set it and its date."""

    value: Decimal
    method: str
    valued_on: date | None  # the mark's date; None when no mark set the value
    mark_id: int | None = None


def latest_mark(marks: Iterable[MarkLike], *, firm_id: int, on: date) -> MarkLike | None:
    """The mark of ``firm_id`` dated last on or before ``on`` (the last recorded on that date)."""
    found = [m for m in marks if m.firm_id == firm_id and m.valued_on <= on]
    if not found:
        return None
    return max(found, key=lambda m: (m.valued_on, m.recorded_at, m.id))


def valuation(
    *,
    marks: Iterable[MarkLike],
    position: Position,
    on: date,
    currency: str,
    rates: RateTable | None = None,
    closed_on: date | None = None,
) -> FairValue:
    """The holding's fair value on ``on`` in the fund's ``currency`` (see the module rule).

    ``closed_on`` is the date the holding's cost was last released (when its remaining cost is
    0); a mark counts then only if dated after it. ``rates`` converts a mark in another currency
    at the rate as of ``on`` (``MissingFxRate`` names the pair and the date when it cannot).
    """
    mark = latest_mark(marks, firm_id=position.firm_id, on=on)
    closed = position.remaining_cost <= 0
    if mark is not None and not (closed and (closed_on is None or mark.valued_on <= closed_on)):
        if mark.currency == currency:
            value = mark.fair_value
        else:
            if rates is None:
                raise MissingFxRate(
                    f"no {mark.currency}/{currency} rate given for {on.isoformat()}"
                )
            rate = rates.rate(base=mark.currency, quote=currency, on=on)
            value = (mark.fair_value * rate).quantize(CENT)
        return FairValue(value, mark.method, mark.valued_on, mark.id)
    if closed:
        return FairValue(ZERO, "written off" if position.written_off else "exited", None)
    return FairValue(position.remaining_cost, "cost", None)


def fair_value(
    *,
    marks: Iterable[MarkLike],
    position: Position,
    on: date,
    currency: str,
    rates: RateTable | None = None,
    closed_on: date | None = None,
) -> tuple[Decimal, str]:
    """(fair value in the fund's currency, method) of the holding on ``on``: see ``valuation``."""
    found = valuation(
        marks=marks, position=position, on=on, currency=currency, rates=rates, closed_on=closed_on
    )
    return found.value, found.method


def marks_of(
    *, session: Session, fund_ids: Iterable[int], until: date | None = None
) -> list[ValuationMarkPublic]:
    """The funds' marks dated on or before ``until`` (all when None), by date and recording."""
    query = select(ValuationMark).where(col(ValuationMark.fund_id).in_(list(fund_ids)))
    if until is not None:
        query = query.where(ValuationMark.valued_on <= until)
    query = query.order_by(
        col(ValuationMark.valued_on), col(ValuationMark.recorded_at), col(ValuationMark.id)
    )
    return [ValuationMarkPublic.model_validate(m) for m in session.exec(query).all()]


def record_valuation(
    *, session: Session, actor: Actor, mark_in: ValuationMarkCreate, today: date | None = None
) -> ValuationMarkPublic:
    """Record a fair-value mark of the fund's position in a company; fund managers only.

    Refused with ``InputError`` naming the field and the value, nothing written: an unknown
    fund or company, a company the fund holds no investment in by ``valued_on``, a date before
    the fund's vintage or in the future, a currency with no rate to the fund's currency as of
    ``valued_on``, and anything ``ValuationMarkCreate`` refuses (negative value, unknown
    method or currency).
    """
    require(actor, *WRITERS, action="record a valuation")
    data: ValuationMarkCreate = check(ValuationMarkCreate, mark_in.model_dump())
    require_fund(actor, data.fund_id, action="record a valuation")
    fund = fund_of(session=session, fund_id=data.fund_id)
    if session.get(Firm, data.firm_id) is None:
        raise InputError(f"firm_id: {data.firm_id!r} is not a known company")
    day = data.valued_on
    today = today or date.today()
    if day > today:
        raise InputError(
            f"valued_on: {day.isoformat()} is in the future (today is {today.isoformat()})"
        )
    if day < fund.vintage:
        raise InputError(
            f"valued_on: {day.isoformat()} is before the vintage of {fund.name} "
            f"({fund.vintage.isoformat()})"
        )
    entries = ledger_frame(session=session, fund_ids=[data.fund_id], until=day)
    if position_of(entries, data.firm_id).invested <= 0:
        raise InputError(
            f"firm_id: {fund.name} holds no investment in company {data.firm_id} on "
            f"{day.isoformat()}"
        )
    try:
        rate_on(session=session, base=data.currency, quote=fund.currency, on=day)
    except MissingFxRate as exc:
        raise InputError(f"currency: {data.currency!r}: {exc}") from None
    mark = ValuationMark.model_validate(data.model_dump())
    session.add(mark)
    session.flush()
    return ValuationMarkPublic.model_validate(mark)
