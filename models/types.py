"""Column types shared by the tables: exact decimals and UTC timestamps on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric, String, types
from sqlalchemy.engine import Dialect


class ExactDecimal(types.TypeDecorator[Decimal]):
    """A ``Decimal`` kept exactly: NUMERIC(28, 8) on Postgres, canonical text on SQLite.

    For non-money quantities (KPI values, FX rates). SQLite's NUMERIC affinity would turn
    the value into a binary float; text keeps every digit (and SQLite still does arithmetic
    on it in ad-hoc queries).
    """

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(28, 8, asdecimal=True))
        return dialect.type_descriptor(String(40))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if dialect.name == "postgresql":
            return number
        return format(_plain(number), "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return _plain(value if isinstance(value, Decimal) else Decimal(str(value)))


def _plain(number: Decimal) -> Decimal:
    """``number`` without trailing zeros and never in exponent form (``10``, not ``1E+1``)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


class UtcDateTime(types.TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases (SQLite keeps naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value!r} has no timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
