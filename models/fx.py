"""Dated FX rates: 1 unit of ``base`` = ``rate`` units of ``quote`` on ``on``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import field_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from models.money import Money, validate_currency
from models.types import ExactDecimal

MAX_RATE_AGE = timedelta(days=31)


class MissingFxRate(LookupError):
    """No usable rate for a currency pair on a date; the message names both."""


class FxRateBase(SQLModel):
    on: date = Field(index=True)
    base: str = Field(max_length=3)
    quote: str = Field(max_length=3)
    rate: Decimal = Field(sa_type=ExactDecimal)
    source: str | None = Field(default=None, max_length=200)
    is_demo: bool = False


class FxRateCreate(FxRateBase):
    @field_validator("base", "quote")
    @classmethod
    def _currency(cls, value: str) -> str:
        return validate_currency(value)

    @field_validator("rate")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if not value.is_finite() or value <= 0:
            raise ValueError(f"rate {value} must be a positive number")
        return value


class FxRate(FxRateBase, table=True):
    __tablename__ = "fx_rate"
    __table_args__ = (UniqueConstraint("on", "base", "quote"),)
    id: int | None = Field(default=None, primary_key=True)


def rate_on(*, session: Session, base: str, quote: str, on: date) -> Decimal:
    """The rate of ``base`` in ``quote`` as of ``on``: the latest dated on or before it.

    A rate older than ``MAX_RATE_AGE`` does not count; the inverse pair is used when only it
    is stored. Raises ``MissingFxRate`` naming the pair and the date.
    """
    if base == quote:
        return Decimal(1)
    for b, q, invert in ((base, quote, False), (quote, base, True)):
        row = session.exec(
            select(FxRate)
            .where(FxRate.base == b, FxRate.quote == q, FxRate.on <= on)
            .where(FxRate.on >= on - MAX_RATE_AGE)
            .order_by(col(FxRate.on).desc())
            .limit(1)
        ).first()
        if row is not None:
            return (Decimal(1) / row.rate) if invert else row.rate
    raise MissingFxRate(
        f"no {base}/{quote} rate on or within {MAX_RATE_AGE.days} days before {on.isoformat()}"
    )


def convert(*, session: Session, money: Money, to: str, on: date) -> Money:
    """``money`` in currency ``to`` at the rate as of ``on``, rounded to the cent."""
    rate = rate_on(session=session, base=money.currency, quote=to, on=on)
    return Money((money.amount * rate).quantize(Decimal("0.01")), to)
