"""Look-ups shared by the domain, the CLI and the loaders; unknown names fail clearly."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.fund import Commitment, Fund, Lp
from models.hub import Firm, Hub, Park, TrialProject
from models.kpi import Kpi
from models.validation import InputError
from models.valuation import BenchmarkIndex


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


def all_funds(*, session: Session) -> list[tuple[int, str, str]]:
    """Every fund as (id, name, currency), by name."""
    rows = session.exec(select(Fund).order_by(col(Fund.name))).all()
    return [(f.id or 0, f.name, f.currency) for f in rows]


def fund_parties(*, session: Session, fund_id: int) -> dict[str, list[tuple[int, str]]]:
    """The names a fund's forms choose from: its committed LPs and the companies it can invest
    in (its hub's firms first, then every other firm), as (id, name) pairs."""
    fund = session.get(Fund, fund_id)
    lps = session.exec(
        select(Lp)
        .join(Commitment, col(Commitment.lp_id) == Lp.id)
        .where(Commitment.fund_id == fund_id)
        .order_by(col(Lp.name))
    ).all()
    firms = session.exec(  # columns, not objects: 50,000 firms at national scale
        select(Firm.id, Firm.hub_id, Firm.name_en, Firm.name_zh).order_by(
            col(Firm.name_en), col(Firm.name_zh)
        )
    ).all()
    hub_id = fund.hub_id if fund is not None else None
    local = [f for f in firms if fund is not None and f.hub_id == hub_id]
    others = [f for f in firms if fund is None or f.hub_id != hub_id]
    return {
        "lps": [(lp.id or 0, lp.name) for lp in lps],
        "firms": [(f.id or 0, f.name_en or f.name_zh or "?") for f in local + others],
    }


def all_indexes(*, session: Session) -> list[tuple[str, str]]:
    """Every stored benchmark index as (code, name)."""
    rows = session.exec(select(BenchmarkIndex).order_by(col(BenchmarkIndex.code))).all()
    return [(i.code, i.name) for i in rows]


def chinese_names(*, session: Session) -> dict[str, dict[object, str]]:
    """The Chinese names the store holds, for showing names in Chinese: by kind ("hub",
    "fund", "lp", "park", "trial", "kpi": name -> Chinese name; "firm": id -> Chinese name;
    "firm_name": the firm's English name -> Chinese name). Only names with a Chinese form."""
    found: dict[str, dict[object, str]] = {}
    for kind, model in (("hub", Hub), ("fund", Fund), ("lp", Lp), ("park", Park),
                        ("trial", TrialProject), ("kpi", Kpi)):  # fmt: skip
        rows = session.exec(
            select(model.name, model.name_zh).where(col(model.name_zh).is_not(None))
        )
        found[kind] = {name: zh for name, zh in rows.all() if zh}
    firms = session.exec(
        select(Firm.id, Firm.name_en, Firm.name_zh).where(col(Firm.name_zh).is_not(None))
    ).all()
    found["firm"] = {firm_id: zh for firm_id, _, zh in firms if zh}
    found["firm_name"] = {en: zh for _, en, zh in firms if en and zh}
    return found
