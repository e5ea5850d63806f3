"""Fund multiples: PIC, DPI, RVPI, TVPI, MOIC, PICC (ARCHITECTURE.md, "Fund metrics").

Money in, exact: amounts are ``Decimal`` (or ``int``), contributions and distributions as
positive magnitudes (a reversing ledger entry is a negative one). A float is refused: money is
never a float here. Each argument is a total or an iterable of amounts that is summed.

Ratios are computed in a fixed decimal context (28 significant digits, half-even), so a result
does not depend on the caller's thread context, and a ratio of amounts all scaled by the same
factor is the same number. A ratio whose denominator is zero or negative is
``Undefined(reason)``, never NaN or infinity.

    PIC  = sum of capital called (fees inside the commitment included)
    DPI  = distributions / PIC            RVPI = NAV / PIC
    TVPI = DPI + RVPI                     PICC = PIC / committed capital
    MOIC = (realized + unrealized value) / invested cost   (a deal, or all deals: gross)

References: ILPA, Reporting Template and Performance Template (definitions of PIC, DPI, RVPI,
TVPI); CFA Institute, GIPS Standards 2020 (multiples for private market investments).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Context, Decimal

from fund.results import Undefined

CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
Amounts = Decimal | int | Iterable[Decimal | int]


def pic(calls: Iterable[Decimal | int]) -> Decimal:
    """Paid-in capital: the sum of the capital called (positive magnitudes, reversals negative)."""
    return _total(calls, "calls")


def dpi(*, distributions: Amounts, paid_in: Amounts) -> Decimal | Undefined:
    """Distributions to paid-in: sum D / PIC."""
    return _ratio(_total(distributions, "distributions"), _total(paid_in, "paid_in"), "paid-in")


def rvpi(*, nav: Amounts, paid_in: Amounts) -> Decimal | Undefined:
    """Residual value to paid-in: NAV / PIC."""
    return _ratio(_total(nav, "nav"), _total(paid_in, "paid_in"), "paid-in")


def tvpi(*, distributions: Amounts, nav: Amounts, paid_in: Amounts) -> Decimal | Undefined:
    """Total value to paid-in: DPI + RVPI (the sum of the two rounded ratios, so it adds up)."""
    d = dpi(distributions=distributions, paid_in=paid_in)
    r = rvpi(nav=nav, paid_in=paid_in)
    if isinstance(d, Undefined):
        return d
    if isinstance(r, Undefined):
        return r
    return CONTEXT.add(d, r)


def moic(*, realized: Amounts, unrealized: Amounts, invested: Amounts) -> Decimal | Undefined:
    """Multiple on invested capital: (realized + unrealized value) / invested cost."""
    value = CONTEXT.add(_total(realized, "realized"), _total(unrealized, "unrealized"))
    return _ratio(value, _total(invested, "invested"), "invested")


def picc(*, paid_in: Amounts, committed: Amounts) -> Decimal | Undefined:
    """Paid-in to committed capital: PIC / commitment."""
    return _ratio(_total(paid_in, "paid_in"), _total(committed, "committed"), "committed")


def _ratio(numerator: Decimal, denominator: Decimal, name: str) -> Decimal | Undefined:
    if denominator == 0:
        return Undefined(f"no {name} capital")
    if denominator < 0:
        return Undefined(f"{name} capital is negative ({denominator})")
    return CONTEXT.divide(numerator, denominator)


def _total(amounts: Amounts, name: str) -> Decimal:
    """The amount, or the exact sum of the amounts; a float (or bool) is a TypeError."""
    if isinstance(amounts, Decimal | int) and not isinstance(amounts, bool):
        return Decimal(amounts)
    if isinstance(amounts, float | str | bytes | bool):
        raise TypeError(f"{name}: money must be Decimal (or int), not {type(amounts).__name__}")
    total = Decimal(0)
    for amount in amounts:
        if not isinstance(amount, Decimal | int) or isinstance(amount, bool):
            kind = type(amount).__name__
            raise TypeError(f"{name}: money must be Decimal (or int), not {kind}: {amount!r}")
        total = CONTEXT.add(total, amount)
    return total
