"""Funding rounds in the hub's currency: each round converted at the rate as of its date."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
from sqlmodel import Session, col, select

from models.fx import MissingFxRate, RateTable
from models.hub import Firm, FundingRound, Hub

ROUND_COLUMNS = [
    "round_id", "firm_id", "firm", "hub_id", "hub", "sector", "announced", "year", "stage",
    "amount", "currency", "hub_currency", "fx_rate", "amount_hub", "investors", "is_demo",
]  # fmt: skip


def rounds_frame(*, session: Session, hub_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Every funding round of the hubs' firms, with its amount in the hub's currency.

    ``amount_hub = amount * fx_rate`` rounded to the cent, ``fx_rate`` being the rate of the
    round's currency in the hub's currency as of the round's date (``models.fx`` rules);
    amounts stay ``Decimal``. Raises ``MissingFxRate`` naming the round when no rate exists.
    """
    query = (
        select(FundingRound, Firm, Hub)
        .join(Firm, col(Firm.id) == FundingRound.firm_id)
        .join(Hub, col(Hub.id) == Firm.hub_id)
        .order_by(col(FundingRound.announced), col(FundingRound.id))
    )
    if hub_ids is not None:
        query = query.where(col(Firm.hub_id).in_(list(hub_ids)))
    rates = RateTable.load(session=session)
    records = []
    for rnd, firm, hub in session.exec(query).all():
        try:
            rate = rates.rate(base=rnd.currency, quote=hub.currency, on=rnd.announced)
        except MissingFxRate as exc:
            raise MissingFxRate(f"funding round {rnd.id} ({firm.name_en}): {exc}") from None
        records.append(
            {
                "round_id": rnd.id,
                "firm_id": firm.id,
                "firm": firm.name_en or firm.name_zh,
                "hub_id": hub.id,
                "hub": hub.name,
                "sector": firm.sector,
                "announced": rnd.announced,
                "year": rnd.announced.year,
                "stage": rnd.stage,
                "amount": rnd.amount,
                "currency": rnd.currency,
                "hub_currency": hub.currency,
                "fx_rate": rate,
                "amount_hub": (rnd.amount * rate).quantize(Decimal("0.01")),
                "investors": rnd.investors,
                "is_demo": rnd.is_demo,
            }
        )
    return pd.DataFrame.from_records(records, columns=ROUND_COLUMNS)
