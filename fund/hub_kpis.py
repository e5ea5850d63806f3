"""Hub targets against actuals: attainment, time elapsed, schedule gap, forecast, status.

Definitions (ARCHITECTURE.md, "Hub KPIs and ecosystem indicators"):

- target attainment: actual / target (a rank, where lower is better: target / actual);
- time elapsed: (as-of - plan start) / (deadline - plan start), clamped to [0, 1];
- schedule gap: attainment (capped at 1) - time elapsed; negative is behind schedule;
- forecast at deadline: the least-squares trend of the observations with its prediction range
  (``fund.forecast``).

Pure functions: no database, no Streamlit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fund.forecast import Forecast, forecast_at
from fund.results import Undefined

__all__ = [
    "STATUSES",
    "STATUS_RULES",
    "Forecast",
    "attainment",
    "forecast_at",
    "format_number",
    "reaches",
    "schedule_gap",
    "target_status",
    "time_elapsed",
]

STATUSES: tuple[str, ...] = ("met", "on track", "at risk", "off track")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
ON_TRACK_GAP = Decimal("-0.10")
AT_RISK_GAP = Decimal("-0.25")

STATUS_RULES = """\
**How a target's status is set** (evaluated in this order; the first rule that applies wins):

1. **met**: the latest actual reaches the target: actual >= target (the lower end of a range);
   for a KPI where lower is better (a rank), actual <= target. Once the deadline has passed,
   the actual is the value at the deadline: a target reached later was missed.
2. **off track**: the deadline has passed (as-of date after the deadline) without the target
   reached by the deadline.
3. When a trend forecast exists (at least 3 dated values since the plan start, on at least 2
   dates): the least-squares line of the values, extrapolated to the deadline, with its 80%
   prediction range (Student's t, n - 2 degrees of freedom; never below 0, or 1 for a rank):
   - **on track** if the forecast's central value at the deadline reaches the target;
   - **at risk** if only its optimistic bound (the high end; the low end for a rank) reaches it;
   - **off track** if not even the optimistic bound reaches it.
4. Otherwise (fewer than 3 values), by the schedule gap = attainment (capped at 100%) - share of
   the plan period elapsed:
   - **on track** if the gap is -0.10 or more;
   - **at risk** if -0.25 <= gap < -0.10;
   - **off track** if the gap is below -0.25;
   - **off track** when no actual has been recorded at all.
"""


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction {direction!r} is not one of: {', '.join(DIRECTIONS)}")


def format_number(value: Decimal) -> str:
    """``value`` for a sentence: thousands separators, at most 2 decimals, no trailing zeros."""
    rounded = value.quantize(Decimal("0.01"))
    if rounded == rounded.to_integral():
        return f"{rounded:,.0f}"
    return f"{rounded:,.2f}".rstrip("0")


def reaches(value: Decimal, target: Decimal, direction: str) -> bool:
    """Whether ``value`` reaches ``target``: >= for higher-is-better, <= for lower-is-better."""
    _check_direction(direction)
    return value >= target if direction == "higher" else value <= target


def attainment(*, actual: Decimal, target: Decimal, direction: str) -> Decimal | Undefined:
    """Target attainment: actual / target; for lower-is-better KPIs (ranks) target / actual.

    1 means the target is reached exactly; above 1, exceeded. Undefined for a target of 0
    (nothing to attain) and for a rank of 0 (ranks start at 1).
    """
    _check_direction(direction)
    if target == 0:
        return Undefined(f"target is {target}: attainment (actual / target) has no meaning")
    if direction == "higher":
        return actual / target
    if actual == 0:
        return Undefined(f"rank {actual} is not a rank (ranks start at 1)")
    return target / actual


def time_elapsed(*, as_of: date, plan_start: date, deadline: date) -> Decimal:
    """The share of the plan period gone by at ``as_of``: (as_of - start) / (deadline - start).

    Clamped to [0, 1]: 0 before the plan starts, 1 from the deadline on.
    """
    if deadline <= plan_start:
        raise ValueError(
            f"deadline {deadline.isoformat()} is not after plan_start {plan_start.isoformat()}"
        )
    share = Decimal((as_of - plan_start).days) / Decimal((deadline - plan_start).days)
    return min(Decimal(1), max(Decimal(0), share))


def schedule_gap(*, attainment: Decimal | Undefined, elapsed: Decimal) -> Decimal | Undefined:
    """Schedule gap: min(attainment, 1) - time elapsed; negative means behind schedule.

    Undefined when the attainment is (with the attainment's reason).
    """
    if isinstance(attainment, Undefined):
        return Undefined(f"no attainment: {attainment.reason}")
    return min(attainment, Decimal(1)) - elapsed


def _range(forecast: Forecast) -> str:
    return (
        f"{forecast.level:.0%} range {format_number(forecast.low)}-{format_number(forecast.high)}"
    )


def target_status(
    *,
    actual: Decimal | None,
    target_low: Decimal,
    direction: str,
    deadline: date,
    as_of: date,
    forecast: Forecast | Undefined,
    gap: Decimal | Undefined,
) -> tuple[str, str]:
    """The target's status (one of ``STATUSES``) and the sentence, with numbers, that says why.

    The rule is ``STATUS_RULES``: met; else off track after the deadline; else by the
    forecast at the deadline; else (no forecast) by the schedule gap.
    """
    _check_direction(direction)
    target = format_number(target_low)
    if actual is not None and reaches(actual, target_low, direction):
        better = "" if direction == "higher" else " (lower is better)"
        return "met", f"actual {format_number(actual)} reaches target {target}{better}"
    latest = "no actual recorded" if actual is None else f"latest actual {format_number(actual)}"
    if as_of > deadline:
        return "off track", (
            f"deadline {deadline.isoformat()} passed without reaching the target "
            f"{target} ({latest})"
        )
    if isinstance(forecast, Forecast):
        optimistic = forecast.high if direction == "higher" else forecast.low
        said = f"forecast {format_number(forecast.central)} at {forecast.at.isoformat()}"
        if reaches(forecast.central, target_low, direction):
            return "on track", f"{said} reaches target {target} ({_range(forecast)})"
        if reaches(optimistic, target_low, direction):
            return "at risk", (
                f"{said} falls short of target {target}; only the optimistic end of the "
                f"{_range(forecast)} reaches it"
            )
        return "off track", (
            f"{said} falls short of target {target}, and so does the whole {_range(forecast)}"
        )
    if actual is None:
        return "off track", "no actual recorded"
    why = f"no forecast ({forecast.reason})"
    if isinstance(gap, Undefined):
        return "off track", f"{latest}; {why}; schedule gap undefined: {gap.reason}"
    said = f"{latest}; {why}; schedule gap {gap:+.2f}"
    if gap >= ON_TRACK_GAP:
        return "on track", f"{said} is {ON_TRACK_GAP} or better"
    if gap >= AT_RISK_GAP:
        return "at risk", f"{said} is between {AT_RISK_GAP} and {ON_TRACK_GAP}"
    return "off track", f"{said} is below {AT_RISK_GAP}"
