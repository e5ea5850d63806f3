"""Numbers, money, ratios and dates as the pages show them, in English or Chinese.

English: ``CNY 12,345`` (``CNY 512.50`` under a thousand), compact ``CNY 350.20 m`` and
``CNY 75.80 bn``; dates ``22 Nov 2026``. Chinese: money in 万 (10^4) and 亿 (10^8) with the
unit after the number: ``8,000 元``, ``350.2 万元``, ``1.23 亿元`` for CNY, ``万美元``/``亿美元``
for USD, ``万港元`` for HKD, ``350.2 万 EUR`` for any other currency; dates ``2026年11月22日``.
Money is Decimal throughout (a float is taken by its shortest repr) and rounded half up
(四舍五入, ``ROUND_HALF_UP``) to the digits shown; a rounding that reaches the next unit moves
to it (99,999,600 元 is 9,999.96 万: ``1.00 亿元``; 9,999.6 元: ``1.0 万元``;
999,999,999: ``CNY 1.00 bn``). Ratios (``fmt_pct``, ``fmt_multiple``) are floats, as the
domain gives them, formatted by Python (round half to even on the binary value).

Tables keep money numeric (a column sorts) with the unit in its header: ``money_unit`` gives
the divisor and the unit ("CNY m", "CNY k"; "万元", "亿元"), ``scaled`` the divided values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from app_pages.i18n import lang
from fund.results import Undefined

WAN, YI = Decimal(10) ** 4, Decimal(10) ** 8
THOUSAND, MILLION, BILLION = Decimal(10) ** 3, Decimal(10) ** 6, Decimal(10) ** 9
ZH_CURRENCY = {"CNY": "元", "USD": "美元", "HKD": "港元"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NOTHING = "-"
Amount = Decimal | int | float


def _missing(value: object) -> bool:
    if value is None or isinstance(value, Undefined):
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _decimal(value: Amount) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _round(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals (never ``-0``)."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded == 0 else rounded


def fmt_number(value: Amount | None, *, decimals: int = 0) -> str:
    """``1,234`` style (rounded half up); ``-`` for nothing."""
    if _missing(value):
        return NOTHING
    return f"{_round(_decimal(value), decimals):,.{decimals}f}"  # type: ignore[arg-type]


def _zh_unit(currency: str) -> str:
    """What follows 万/亿 for ``currency`` in Chinese: 元, 美元, 港元, or " EUR" (a code)."""
    if not currency:
        return ""
    return ZH_CURRENCY.get(currency.upper(), f" {currency}")


def _zh_join(number: str, size: str, currency: str) -> str:
    unit = _zh_unit(currency)
    if unit.startswith(" "):  # a currency code: "350.2 万 EUR", "8,000 EUR"
        return f"{number} {size}{unit}" if size else f"{number}{unit}"
    return f"{number} {size}{unit}".rstrip()


def _zh_small(value: Decimal) -> tuple[Decimal, int]:
    places = 0 if abs(value) >= THOUSAND else 2
    return _round(value, places), places


def zh_money(value: Amount, currency: str, *, exact: bool = False) -> str:
    """Chinese money: under 1 万 in full (2 decimals under a thousand); else in 万 (1 decimal)
    or, from 1 亿 (after rounding), in 亿 (2 decimals). ``exact``: all the digits of the
    amount in 万 or 亿, trailing zeros dropped (``100 亿元``, ``125.00005 万元``)."""
    amount = _decimal(value)
    if exact and abs(amount) < WAN:
        places = 0 if amount == amount.to_integral_value() else 2
        return _zh_join(f"{_round(amount, places):,.{places}f}", "", currency)
    small, places = _zh_small(amount)
    if abs(small) < WAN:
        return _zh_join(f"{small:,.{places}f}", "", currency)
    if exact:
        size, name = (YI, "亿") if abs(amount) >= YI else (WAN, "万")
        return _zh_join(f"{(amount / size).normalize():,f}", name, currency)
    wan = _round(amount / WAN, 1)
    if abs(wan) < WAN:
        return _zh_join(f"{wan:,.1f}", "万", currency)
    return _zh_join(f"{_round(amount / YI, 2):,.2f}", "亿", currency)


def fmt_money(value: Amount | None, currency: str, *, language: str | None = None) -> str:
    """Money in full with thousands separators: ``CNY 10,000,000,000`` (2 decimals under a
    thousand); in Chinese exact in 万/亿 (``100 亿元``). ``-`` for nothing."""
    if _missing(value):
        return NOTHING
    amount = _decimal(value)  # type: ignore[arg-type]
    if (language or lang()) == "zh":
        return zh_money(amount, currency, exact=True)
    places = 0 if abs(amount) >= THOUSAND else 2
    return f"{currency} {_round(amount, places):,.{places}f}"


def fmt_compact(value: Amount | None, currency: str, *, language: str | None = None) -> str:
    """Large money in short form for tiles: ``CNY 75.80 bn``, ``CNY 350.20 m``, under a million
    in full; in Chinese ``1.23 亿元``, ``350.2 万元``, ``8,000 元``. ``-`` for nothing."""
    if _missing(value):
        return NOTHING
    amount = _decimal(value)  # type: ignore[arg-type]
    if (language or lang()) == "zh":
        return zh_money(amount, currency)
    for size, suffix in ((BILLION, "bn"), (MILLION, "m")):
        shown = _round(amount / size, 2)
        if abs(shown) >= 1 and (size == BILLION or abs(amount) >= size):
            return f"{currency} {shown:,.2f} {suffix}".strip()
    return fmt_money(amount, currency, language="en")


def na(*, language: str | None = None) -> str:
    """What a figure without a value shows: ``n/a`` (不适用)."""
    return "不适用" if (language or lang()) == "zh" else "n/a"


def fmt_pct(value: Decimal | float | Undefined | None, *, signed: bool = False) -> str:
    """``83.3 %``; ``n/a`` (不适用) with nothing to show."""
    if _missing(value):
        return na()
    sign = "+" if signed else ""
    return f"{float(value) * 100:{sign}.1f} %"  # type: ignore[arg-type]


def fmt_multiple(value: Decimal | float | Undefined | None) -> str:
    """``1.35x``; ``n/a`` (不适用) when undefined."""
    if _missing(value):
        return na()
    return f"{float(value):.2f}x"  # type: ignore[arg-type]


def fmt_date(value: date | datetime | None, *, language: str | None = None) -> str:
    """``22 Nov 2026`` in English, ``2026年11月22日`` in Chinese; ``-`` for nothing."""
    if _missing(value):
        return NOTHING
    assert value is not None
    if (language or lang()) == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def explain(value: Any) -> str | None:
    """The reason of an ``Undefined`` value, for help text."""
    return value.reason if isinstance(value, Undefined) else None


def money_unit(
    values: Iterable[Any], currency: str, *, language: str | None = None
) -> tuple[Decimal, str]:
    """The divisor and the header unit for a table column of money ``values``: in English
    thousands ("CNY k"), millions from a million up ("CNY m"); in Chinese 万 ("万元", "万美元",
    "万 EUR"), 亿 from 100 亿 up ("亿元")."""
    amounts = [abs(_decimal(v)) for v in values if not _missing(v)]
    biggest = max(amounts, default=Decimal(0))
    if (language or lang()) == "zh":
        size, name = (YI, "亿") if biggest >= 100 * YI else (WAN, "万")
        return size, _zh_join("", name, currency).strip()
    size, suffix = (MILLION, "m") if biggest >= MILLION else (THOUSAND, "k")
    return size, f"{currency} {suffix}".strip()


def scaled(values: Iterable[Any], size: Decimal) -> list[float | None]:
    """Money ``values`` divided by ``size``, rounded half up to 2 decimals, as floats (a table
    column that sorts); a missing value stays None."""
    return [None if _missing(v) else float(_round(_decimal(v) / size, 2)) for v in values]
