"""One fund's figures from its ledger and mark rows, in bulk: ``fund.recompute``'s arithmetic.

Definitions are ``fund.performance``'s and ``fund.book``'s (see there): reversals dated at the
entry they reverse; each flow's value in the reporting currency (the stored fund-currency
amount, or the entry's own amount at the rate as of its date); stocks (cash, fair values) at
the as-of rate; a holding's fair value by ``fund.valuations.valuation``'s rule (the latest
mark on or before the date unless the holding closed after it, else the remaining cost, or 0
once all cost is released). Sums are exact integers of minor units; multiples go through
``fund.multiples`` and IRRs through ``fund.performance.irr`` on flows netted by date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fund.results import Undefined

Metric = Decimal | float | Undefined


def major(minor: int) -> Decimal:
    """Minor units (hundredths) as a Decimal amount with 2 places."""
    return Decimal(int(minor)).scaleb(-2)


def converted(minor: int, rate: Decimal) -> int:
    """An amount in minor units times a rate, rounded half-even to the minor unit."""
    return int((Decimal(int(minor)) * rate).to_integral_value())


def _plain(value: Metric) -> Any:
    return None if isinstance(value, Undefined) else value


def _notes(metrics: dict[str, Metric]) -> str | None:
    text = "; ".join(f"{k}: {v.reason}" for k, v in metrics.items() if isinstance(v, Undefined))
    return text or None


@dataclass(frozen=True)
class HoldingFigures:
    """One holding: amounts in the reporting currency (Decimal), MOIC, IRR."""

    firm_id: int
    invested: Decimal
    realized: Decimal
    fair_value: Decimal
    moic: Decimal | Undefined
    irr: float | Undefined
    flows: tuple[tuple[date, Decimal], ...] = ()  # netted by date, fair value last


@dataclass(frozen=True)
class FundFigures:
    """One fund as of ``as_of`` in ``currency`` (the ``fund.performance`` figures)."""

    fund_id: int
    currency: str
    as_of: date
    invested: Decimal
    realized: Decimal
    fair_value: Decimal
    called: Decimal
    distributed: Decimal
    nav: Decimal
    cash: Decimal
    dpi: Decimal | Undefined
    rvpi: Decimal | Undefined
    tvpi: Decimal | Undefined
    moic: Decimal | Undefined
    gross_irr: float | Undefined
    net_irr: float | Undefined
    holdings: list[HoldingFigures] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """The snapshot rows: the fund, then each holding (undefined figures None, noted)."""
        ratios = {
            "dpi": self.dpi,
            "rvpi": self.rvpi,
            "tvpi": self.tvpi,
            "moic": self.moic,
            "gross_irr": self.gross_irr,
            "net_irr": self.net_irr,
        }
        fund = {
            "fund_id": self.fund_id,
            "currency": self.currency,
            "level": "fund",
            "firm_id": None,
            "invested": self.invested,
            "realized": self.realized,
            "fair_value": self.fair_value,
            "called": self.called,
            "distributed": self.distributed,
            "nav": self.nav,
            "note": _notes(ratios),
        } | {k: _plain(v) for k, v in ratios.items()}
        rows = [fund]
        for h in self.holdings:
            metrics = {"moic": h.moic, "gross_irr": h.irr}
            rows.append(
                {
                    "fund_id": self.fund_id,
                    "currency": self.currency,
                    "level": "holding",
                    "firm_id": h.firm_id,
                    "invested": h.invested,
                    "realized": h.realized,
                    "fair_value": h.fair_value,
                    "note": _notes(metrics),
                }
                | {k: _plain(v) for k, v in metrics.items()}
            )
        return rows
