"""Trend forecast: the least-squares line of a KPI's dated values, extrapolated to a date.

For points (x_i, y_i), x in days since the first point's date, n points:

    b = Sxy / Sxx,  a = mean(y) - b * mean(x),  central = a + b * x0
    s^2 = sum (y_i - a - b * x_i)^2 / (n - 2)
    half-width = t_{(1 + level) / 2, n - 2} * s * sqrt(1 + 1/n + (x0 - mean(x))^2 / Sxx)
    low, high = central -/+ half-width

which is the two-sided ``level`` *prediction* interval of a new observation at x0 (Student's t
with n - 2 degrees of freedom). The line is fitted in exact rational arithmetic, so a perfectly
linear series has no residual and its range collapses to the central value. Only the t
quantile is a binary float (scipy), good to about 15 digits; results are rounded to 6 decimal
places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction

from scipy import stats

from fund.results import Undefined
from models.validation import to_decimal

MIN_POINTS = 3
PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Forecast:
    """The trend value of a KPI at ``at`` and its ``level`` prediction range [low, high].

    ``points`` is how many dated values the line was fitted on; ``method`` says in words how
    the numbers were made (including a floor, when one raised a value).
    """

    at: date
    central: Decimal
    low: Decimal
    high: Decimal
    points: int
    level: float
    method: str


def _decimal(value: Fraction) -> Decimal:
    """``value`` rounded to ``PLACES``, without trailing zeros (``7.2``, ``120``)."""
    with localcontext() as ctx:
        ctx.prec = 60
        rounded = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(PLACES)
        return (
            rounded.quantize(Decimal(1))
            if rounded == rounded.to_integral()
            else rounded.normalize()
        )


def _sqrt(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()


def forecast_at(
    points: Iterable[tuple[date, Decimal | int | float]],
    *,
    at: date,
    level: float = 0.8,
    floor: Decimal | None = Decimal(0),
) -> Forecast | Undefined:
    """The linear trend of ``points`` (value on time in days) at ``at``, with its range.

    ``low``/``high`` bound the two-sided ``level`` prediction interval (module docstring).
    Undefined for fewer than 3 points or when every point has the same date (no trend in
    time). Values below ``floor`` (default 0: counts, money and ranks are never negative)
    are raised to it, so a falling count forecasts 0, not -2; ``floor=None`` keeps the raw
    line.
    """
    if not 0 < level < 1:
        raise ValueError(f"level {level!r} is not between 0 and 1")
    data = [(day, to_decimal(value, field="value")) for day, value in points]
    n = len(data)
    if n < MIN_POINTS:
        noun = "point" if n == 1 else "points"
        return Undefined(f"only {n} dated {noun}: a trend forecast needs at least {MIN_POINTS}")
    origin = min(day for day, _ in data).toordinal()
    xs = [Fraction(day.toordinal() - origin) for day, _ in data]
    ys = [Fraction(value) for _, value in data]
    x_mean, y_mean = sum(xs) / n, sum(ys) / n
    sxx = sum((x - x_mean) ** 2 for x in xs)
    if sxx == 0:
        return Undefined(f"all {n} points are dated {data[0][0].isoformat()}: no trend in time")
    slope = sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = y_mean - slope * x_mean
    x0 = Fraction(at.toordinal() - origin)
    central = intercept + slope * x0
    sse = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    variance = sse / (n - 2) * (1 + Fraction(1, n) + (x0 - x_mean) ** 2 / sxx)
    t = Decimal(repr(float(stats.t.ppf((1 + level) / 2, n - 2))))
    with localcontext() as ctx:
        ctx.prec = 60
        half = Fraction(t * _sqrt(variance)) if variance else Fraction(0)
    values = [_decimal(central - half), _decimal(central), _decimal(central + half)]
    method = f"least-squares line on {n} points; {level:.0%} prediction interval (t, {n - 2} df)"
    if floor is not None and any(v < floor for v in values):
        values = [max(v, floor) for v in values]
        method += f"; values below {floor} raised to {floor}"
    low, mid, high = values
    return Forecast(at=at, central=mid, low=low, high=high, points=n, level=level, method=method)
