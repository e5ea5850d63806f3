"""Dated FX rates: 1 unit of ``base`` = ``rate`` units of ``quote`` on ``on``."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
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


class RateTable:
    """Dated rates held in memory, for converting many flows with the ``rate_on`` rule.

    The rule: the latest rate dated on or before the day, at most ``MAX_RATE_AGE`` old;
    a stored pair also answers its inverse (1 / rate); a currency in itself is 1.
    """

    def __init__(self, rates: Iterable[FxRate]) -> None:
        series: dict[tuple[str, str], list[tuple[date, Decimal]]] = {}
        for rate in rates:
            series.setdefault((rate.base, rate.quote), []).append((rate.on, rate.rate))
            series.setdefault((rate.quote, rate.base), []).append((rate.on, 1 / rate.rate))
        for points in series.values():
            points.sort(key=lambda point: point[0])
        self._dates = {pair: [d for d, _ in points] for pair, points in series.items()}
        self._rates = {pair: [r for _, r in points] for pair, points in series.items()}

    @classmethod
    def load(cls, *, session: Session, currencies: Iterable[str] | None = None) -> RateTable:
        """Every stored rate (or those between ``currencies``)."""
        query = select(FxRate)
        if currencies is not None:
            wanted = list(currencies)
            query = query.where(col(FxRate.base).in_(wanted), col(FxRate.quote).in_(wanted))
        return cls(session.exec(query).all())

    def rate(self, *, base: str, quote: str, on: date) -> Decimal:
        """The rate of ``base`` in ``quote`` as of ``on``, or ``MissingFxRate`` naming both."""
        if base == quote:
            return Decimal(1)
        dates = self._dates.get((base, quote), [])
        index = bisect_right(dates, on) - 1
        if index < 0 or dates[index] < on - MAX_RATE_AGE:
            raise MissingFxRate(
                f"no {base}/{quote} rate on or within {MAX_RATE_AGE.days} days before "
                f"{on.isoformat()}"
            )
        return self._rates[(base, quote)][index]


def rate_on(*, session: Session, base: str, quote: str, on: date) -> Decimal:
    """The rate of ``base`` in ``quote`` as of ``on`` (the ``RateTable`` rule), from the store.

    Raises ``MissingFxRate`` naming the pair and the date.
    """
    if base == quote:
        return Decimal(1)
    query = (
        select(FxRate)
        .where(col(FxRate.base).in_([base, quote]), col(FxRate.quote).in_([base, quote]))
        .where(FxRate.on <= on, FxRate.on >= on - MAX_RATE_AGE)
    )
    return RateTable(session.exec(query).all()).rate(base=base, quote=quote, on=on)


def convert(*, session: Session, money: Money, to: str, on: date) -> Money:
    """``money`` in currency ``to`` at the rate as of ``on``, rounded to the cent."""
    rate = rate_on(session=session, base=money.currency, quote=to, on=on)
    return Money((money.amount * rate).quantize(Decimal("0.01")), to)
