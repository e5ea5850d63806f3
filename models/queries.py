"""Look-ups shared by the domain, the CLI and the loaders; unknown names fail clearly."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.hub import Hub
from models.kpi import Kpi
from models.validation import InputError


def hub_by_name(*, session: Session, name: str) -> Hub:
    """The hub called ``name`` (English or Chinese, case-insensitive), or ``InputError``."""
    wanted = name.strip().casefold()
    for hub in session.exec(select(Hub).order_by(col(Hub.name))).all():
        if wanted in {hub.name.casefold(), (hub.name_zh or "").casefold()}:
            return hub
    known = ", ".join(h.name for h in session.exec(select(Hub).order_by(col(Hub.name))).all())
    raise InputError(f"hub: {name!r} is not a known hub (known: {known or 'none yet'})")


def hub_by_id(*, session: Session, hub_id: int) -> Hub:
    """The hub with id ``hub_id``, or ``InputError``."""
    hub = session.get(Hub, hub_id)
    if hub is None:
        raise InputError(f"hub_id: {hub_id!r} is not a known hub")
    return hub


def kpi_by_code(*, session: Session, code: str) -> Kpi:
    """The KPI with ``code``, or ``InputError`` listing the known codes."""
    kpi = session.get(Kpi, code.strip())
    if kpi is None:
        known = ", ".join(session.exec(select(Kpi.code).order_by(col(Kpi.code))).all())
        raise InputError(f"kpi: {code!r} is not a known KPI (known: {known})")
    return kpi


def all_hubs(*, session: Session) -> list[Hub]:
    """Every hub, by name."""
    return list(session.exec(select(Hub).order_by(col(Hub.name))).all())


def all_kpis(*, session: Session) -> list[Kpi]:
    """The KPI catalogue, by code."""
    return list(session.exec(select(Kpi).order_by(col(Kpi.code))).all())
