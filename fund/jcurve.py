"""The fund's J-curve: quarter by quarter from its vintage, the LPs' cash flows, NAV and IRR.

For each quarter end from the vintage's quarter to ``as_of`` (the current quarter ends at
``as_of``), with C = capital called, D = distributed in the quarter (positive magnitudes):

- net_cash_flow = D - C (the LPs' view), cumulative_net_cash_flow = its running sum;
- cash, holdings_fair_value and nav = cash + fair value of the holdings at the quarter end
  (reporting currency at the quarter-end rate);
- net_irr = XIRR(-calls, +distributions, +NAV on the quarter end) of everything up to it, or
  None with the reason in ``irr_note`` (e.g. no sign change before the first call).

History is restated as known on ``as_of``: an entry reversed by ``as_of`` shows in no quarter.
The two chart frames carry floats: they exist to be drawn; the exact figures are ``jcurve``'s.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlmodel import Session

from fund.book import FundBook, load_book
from fund.performance import irr
from fund.results import Undefined

ZERO = Decimal("0.00")
JCURVE_COLUMNS = [
    "quarter",
    "quarter_end",
    "calls",
    "distributions",
    "net_cash_flow",
    "cumulative_net_cash_flow",
    "cash",
    "holdings_fair_value",
    "nav",
    "net_irr",
    "irr_note",
    "currency",
]


def quarter_end(day: date) -> date:
    """The last day of ``day``'s calendar quarter."""
    month = (day.month - 1) // 3 * 3 + 3
    return date(day.year, month, calendar.monthrange(day.year, month)[1])


def quarter_label(day: date) -> str:
    """``2021Q3``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarters(start: date, as_of: date) -> list[date]:
    """The quarter ends from ``start``'s quarter to ``as_of``'s, the last one cut at ``as_of``."""
    ends = []
    end = quarter_end(start)
    while end < as_of:
        ends.append(end)
        end = quarter_end(date(end.year + (end.month == 12), end.month % 12 + 1, 1))
    return [*ends, as_of]


def _quarterly_flows(book: FundBook) -> list[tuple[date, Decimal, Decimal]]:
    """(period end, calls, distributions) per quarter from the vintage to as_of."""
    entries = book.entries
    rows = []
    previous: date | None = None
    for end in quarters(book.vintage, book.as_of):
        dates = entries["entry_date"]
        inside = (dates <= end) if previous is None else ((dates > previous) & (dates <= end))
        chunk = entries[inside]
        calls = sum(chunk[chunk["entry_type"] == "capital_call"]["value"], ZERO)
        paid = sum(chunk[chunk["entry_type"] == "distribution"]["value"], ZERO)
        rows.append((end, calls, paid))
        previous = end
    return rows


def jcurve(
    *, session: Session, fund_id: int, as_of: date, currency: str | None = None
) -> pd.DataFrame:
    """One row per quarter end from the vintage to ``as_of`` (see the module for the columns)."""
    book = load_book(session=session, fund_id=fund_id, as_of=as_of, currency=currency)
    rows = []
    cumulative = ZERO
    for end, calls, paid in _quarterly_flows(book):
        cumulative += paid - calls
        then = book.until(end)
        cash, fair = then.cash, then.holdings_fair_value
        nav = cash + fair
        found = irr([*then.lp_flows(), (end, nav)])
        rows.append(
            {
                "quarter": quarter_label(end),
                "quarter_end": end,
                "calls": calls,
                "distributions": paid,
                "net_cash_flow": paid - calls,
                "cumulative_net_cash_flow": cumulative,
                "cash": cash,
                "holdings_fair_value": fair,
                "nav": nav,
                "net_irr": None if isinstance(found, Undefined) else found,
                "irr_note": found.reason if isinstance(found, Undefined) else "",
                "currency": book.currency,
            }
        )
    frame = pd.DataFrame.from_records(rows, columns=JCURVE_COLUMNS)
    frame["net_irr"] = pd.Series([r["net_irr"] for r in rows], dtype=object)
    return frame


def cash_flows_chart_frame(
    *, session: Session, fund_id: int, as_of: date, currency: str | None = None
) -> pd.DataFrame:
    """Quarterly calls (negative) and distributions (positive), long form for a bar chart:
    columns quarter, quarter_end, flow ("calls" or "distributions"), amount (float), currency."""
    book = load_book(session=session, fund_id=fund_id, as_of=as_of, currency=currency)
    rows = []
    for end, calls, paid in _quarterly_flows(book):
        for flow, amount in (("calls", -calls), ("distributions", paid)):
            rows.append(
                {
                    "quarter": quarter_label(end),
                    "quarter_end": end,
                    "flow": flow,
                    "amount": float(amount),
                    "currency": book.currency,
                }
            )
    return pd.DataFrame.from_records(
        rows, columns=["quarter", "quarter_end", "flow", "amount", "currency"]
    )
