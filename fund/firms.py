"""Adding a company the hub tables do not know yet (e.g. a startup met at an event)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from fund.access import Actor, require
from fund.pipeline import DealCreate, DealView, open_deal
from models.hub import Firm, FirmCreate, FirmPublic
from models.queries import hub_by_id
from models.validation import InputError, check


def add_firm(*, session: Session, actor: Actor, firm_in: FirmCreate) -> FirmPublic:
    """Record a new company in a hub; refused when its USCC or name is already there."""
    require(actor, "fund_manager", "bureau", action="add a company")
    hub_by_id(session=session, hub_id=firm_in.hub_id)
    if firm_in.uscc:
        known = session.exec(select(Firm).where(Firm.uscc == firm_in.uscc)).first()
        if known is not None:
            raise InputError(f"uscc: {firm_in.uscc!r} is already {known.display_name}")
    for field in ("name_en", "name_zh"):
        name = getattr(firm_in, field)
        if name and session.exec(select(Firm).where(getattr(Firm, field) == name)).first():
            raise InputError(f"{field}: {name!r} is already a company in the store")
    firm = Firm.model_validate(firm_in)
    session.add(firm)
    session.flush()
    return FirmPublic.model_validate(firm)


def open_deal_for_new_firm(
    *, session: Session, actor: Actor, firm_in: FirmCreate, deal: dict[str, Any]
) -> DealView:
    """Add the company and open its deal in one unit of work: both or neither."""
    firm = add_firm(session=session, actor=actor, firm_in=firm_in)
    deal_in = check(DealCreate, deal | {"firm_id": firm.id})
    return open_deal(session=session, actor=actor, deal_in=deal_in)
