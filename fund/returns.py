"""Internal rates of return: dated (XIRR, XNPV) and periodic (IRR, NPV).

XIRR is Excel's definition, ACT/365F: the rate r with

    sum_i P_i / (1 + r) ** ((d_i - d_0) / 365) = 0,   d_0 = the earliest date

(Microsoft, "XIRR function"; pyxirr, github.com/Anexen/pyxirr). Dates may come in any order and
repeat; amounts are Decimal, int or float (rounded to the nearest float here, at the boundary).
Money in is negative, money back positive. A rate is returned only when it is the one real rate
(1 + r > 0) with NPV = 0, to about 1e-10 (pyxirr's Newton); otherwise ``IrrUndefined`` says why:
no flows, no sign change, one date, no root, several roots (all in ``.roots``).

Method. On x = ln(1 + r) the NPV is h(x) = sum P_i exp(-x t_i), t_i in years from d_0, and for
x > a, h(x) = (x - a) * integral A_a(s) exp(-(x - a) s) ds, A_a the running sum of the flows
discounted at a. The kernel is totally positive, so h has at most as many roots above a as A_a
has sign changes, and at most as many below b as the running sums from the end, discounted at
b (Descartes' rule of signs for exponential sums; at a = 0, Norstrom's criterion, 1972).
1. Fast path: at a = b = 0 these are the plain running sums; when they change sign at most once
   from each end, the count of roots is exact (the signs of h at -100%, 0 and +inf give its
   parity) and pyxirr's rate, on the right side of 0, is the root. pyxirr returns a rate only
   with |NPV| < 1e-3 (a test pins this); the first date's total bounds the flows' discounted
   size from below, so with the amounts scaled that certifies |NPV| <= 1e-9 of their size.
   Step 1's test, and the conversion of the amounts to floats, run in C when the package was
   built with a compiler (``fund/_xirr_screen.c``); the Python form below decides the same.
2. Otherwise pyxirr's rate is kept when the flows discounted at it keep one sign in their
   running sums (the same bound at a = b = the rate), else ``_roots`` decides: cells of the x
   axis, between bounds beyond which one end flow outweighs all others, split until each is
   proven to hold 0 or 1 root (the bounds above, or enclosures of h and of its slope), then
   refined with scipy's brentq. A multiple root (which rounding splits) counts once.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import accumulate
from typing import Any

import numpy as np
import numpy_financial as npf
import pyxirr

from fund.results import Undefined
from fund.xirr_roots import all_roots

try:
    from fund._xirr_screen import screen as _screen
    from fund._xirr_screen import solve as _solve
except ImportError:  # built without a C compiler: the same test runs in Python (slower)
    _screen = _solve = None

DAYS_PER_YEAR = 365.0  # ACT/365F
REL_TOL = 1e-9  # an accepted rate: |NPV| <= REL_TOL * sum |P_i| discounted at the rate
_PYXIRR_ABS = 1e-3  # pyxirr 0.10 (src/core/scheduled/xirr.rs) returns None above this |NPV|
_CERT_SCALE = _PYXIRR_ABS / REL_TOL
_MAX_SCALE = 2.0**40  # beyond, rounding in the NPV may exceed pyxirr's 1e-3
Amount = Decimal | int | float
DateLike = date | datetime | str | Any  # also pandas.Timestamp, numpy.datetime64


class IrrUndefined(ValueError):
    """No single rate: ``reason`` says why; ``roots`` lists every rate found when several."""

    def __init__(self, reason: str, roots: Iterable[float] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.roots: tuple[float, ...] = tuple(roots)

    def __str__(self) -> str:
        return self.reason

    def __reduce__(self) -> tuple[type[IrrUndefined], tuple[str, tuple[float, ...]]]:
        return (type(self), (self.reason, self.roots))


def xirr(
    dates: Iterable[DateLike], amounts: Iterable[Amount], *, guess: float | None = None
) -> float:
    """The annual rate r with sum_i P_i / (1 + r) ** ((d_i - d_0) / 365) = 0 (Excel's XIRR).

    d_0 is the earliest date (ACT/365F); datetimes count by calendar day. ``guess`` only seeds
    pyxirr's Newton iteration: the answer is the only root or an error. Raises
    ``IrrUndefined`` (a ValueError) for empty input, lengths that differ, amounts all zero or
    not finite, no sign change, all flows on one date, no root, several roots (``.roots``).
    Rates so close to -100% that 1 + r is below float resolution come back as -1.0.
    """
    ds = dates if type(dates) is list else list(dates)
    am = amounts if type(amounts) is list else list(amounts)
    got = _solve(ds, am, pyxirr.xirr) if _solve is not None and guess is None else None
    if type(got) is float:  # step 1 proved one root and pyxirr found it (fund/_xirr_screen.c)
        return got
    fl = list(map(float, am)) if got is None else got[0]  # the same floats, maybe scaled by 2**k
    if not fl or not min(fl) < 0.0 < max(fl):  # no sign change: _general gives the reason
        return _general(ds, fl, guess)
    rate = _fast(ds, fl, guess)
    return _general(ds, fl, guess) if rate is None else rate


def xirr_or_undefined(dates: Iterable[DateLike], amounts: Iterable[Amount]) -> float | Undefined:
    """``xirr``, with ``Undefined(reason)`` in place of ``IrrUndefined``: for tables."""
    try:
        return xirr(dates, amounts)
    except IrrUndefined as exc:
        return Undefined(exc.reason)


def xnpv(rate: float, dates: Iterable[DateLike], amounts: Iterable[Amount]) -> float:
    """sum_i P_i / (1 + rate) ** ((d_i - d_0) / 365), d_0 the earliest date (Excel's XNPV)."""
    if not rate > -1.0:
        raise ValueError(f"rate must be greater than -1, got {rate!r}")
    ds = [_as_date(d) for d in dates]
    fl = list(map(float, amounts))
    if len(ds) != len(fl):
        raise ValueError(f"dates and amounts differ in length: {len(ds)} dates, {len(fl)} amounts")
    return float(pyxirr.xnpv(rate, ds, fl)) if ds else 0.0


def irr(amounts: Iterable[Amount]) -> float:
    """Periodic IRR: r with sum_t P_t / (1 + r) ** t = 0, t = 0, 1, ... (numpy-financial).

    ``IrrUndefined`` when there is no sign change, no root (numpy-financial's NaN) or several
    roots (numpy-financial would return the one closest to zero).
    """
    fl = [float(a) for a in amounts]
    _check_amounts(fl)
    rate = float(npf.irr(fl))
    ok = math.isfinite(rate) and rate > -1.0
    signs = [v > 0.0 for v in fl if v != 0.0]
    if ok and sum(map(bool.__ne__, signs, signs[1:])) == 1:  # Descartes: the only root
        return rate
    t, p = zip(*((float(i), a) for i, a in enumerate(fl) if a != 0.0), strict=True)
    return _unique(all_roots(t, p, rate if ok else None))


def npv(rate: float, amounts: Iterable[Amount]) -> float:
    """Periodic NPV, numpy-financial's convention: sum_t P_t / (1 + rate) ** t, first at t = 0."""
    if rate == -1.0:
        raise ValueError("rate must not be -1 (division by zero)")
    return float(npf.npv(rate, [float(a) for a in amounts]))


def _fast(ds: list[Any], fl: list[float], guess: float | None) -> float | None:
    """The rate of sorted dates with non-zero totals at both ends and overall, else None.

    Module docstring, steps 1 and 2; ``IrrUndefined`` from ``_roots`` when not one root.
    """
    n = len(ds)
    if n < 2 or n != len(fl) or type(ds[0]) is not date or type(ds[-1]) is not date:
        return None
    try:
        if ds != sorted(ds):
            return None
    except TypeError:  # mixed kinds of dates: normalised on the general path
        return None
    acc = list(accumulate(fl))
    total, first_day, last_day = acc[-1], ds[0], ds[-1]
    if not -math.inf < total < math.inf or first_day == last_day:
        return None
    if abs(total) <= n * n * 4.5e-16 * max(map(abs, acc)):  # r = 0 solves it, to rounding:
        head = acc[:-1]  # the only root when the running sums before the last date keep a sign
        bound = n * n * 4.5e-16 * max(map(abs, acc))
        return 0.0 if min(head) > bound or max(head) < -bound else None
    g, h = 1, n - 2
    while ds[g] == first_day:
        g += 1
    while ds[h] == last_day:
        h -= 1
    a_first, a_last = acc[g - 1], total - acc[h]  # the totals on the first and the last date
    if a_first == 0.0 or a_last == 0.0:
        return None
    up = total > 0.0
    above = (a_first > 0.0) != up  # an odd number of roots with r > 0
    below = (a_last > 0.0) != up  # an odd number of roots with r < 0
    s = sorted(acc)
    k = bisect_right(s, 0.0)  # running sums <= 0
    ulp = n * n * 4.5e-16 * (s[-1] if s[-1] > -s[0] else -s[0])  # a running sum's rounding
    if up and above and not below:  # money in first, out last, a gain: most funds
        # ahead (<= 0)* (> 0)+; behind no change (the total is the largest running sum); no
        # running sum within rounding of 0 or of the total
        proven = s[-2] < total == s[-1] and min(acc[k:]) > 0.0
        proven = proven and min(-s[k - 1], s[k], total - s[-2]) > ulp
    else:
        m = bisect_left(s, total)  # running sums < total, i.e. sums from the end B_j > 0
        if up:  # ahead: (<= 0)* (> 0)+ or all > 0; behind: the sums < total lead, or none
            proven = min(acc[k:]) > 0.0 if above else k == 0
            proven &= (m == 0 or max(acc[:m]) < total) if below else s[-2] < total == s[-1]
        else:  # ahead: (> 0)* (<= 0)+ or all < 0; behind: the sums < total trail, or none
            proven = max(acc[n - k :]) <= 0.0 if above else s[-1] < 0.0
            proven &= max(acc[n - 1 - m : n - 1]) < total if below else s[0] == total < s[1]
        if proven:
            near = min(
                -s[k - 1] if k else math.inf,
                s[k] if k < n else math.inf,
                total - s[m - 1] if m else math.inf,
                s[m + 1] - total if m + 1 < n else math.inf,
            )
            proven = near > ulp
            if proven and above == below:
                return None  # no root or two: the general path says which
    rate = _certified(ds, fl, abs(a_first), guess)
    if proven:
        return rate if rate is not None and (rate > 0.0) == above else None
    if any(type(d) is not date for d in ds):
        return None
    if rate is not None and _balance_unique(rate, ds, fl, h):
        return rate
    days, amounts = _net(ds, fl)
    return _unique(all_roots([(d - first_day).days / DAYS_PER_YEAR for d in days], amounts, rate))


def _certified(ds: list[Any], fl: list[float], size: float, guess: float | None) -> float | None:
    """pyxirr's rate, with the amounts scaled so that its |NPV| < 1e-3 means <= REL_TOL of the
    first date's total (``size``), or None when it finds none in (-1, inf)."""
    try:
        if guess is None and _CERT_SCALE <= size <= _MAX_SCALE:
            rate = pyxirr.xirr(ds, fl)
        else:  # scaled by a power of two (exact) so that pyxirr's 1e-3 certifies
            scale = 2.0 ** round(math.log2(2.0 * _CERT_SCALE / size))
            rate = pyxirr.xirr(ds, [x * scale for x in fl], guess=guess)
    except (pyxirr.InvalidPaymentsError, ValueError, OverflowError):
        return None
    return rate if rate is not None and -1.0 < rate < math.inf else None


def _balance_unique(rate: float, ds: list[date], fl: list[float], h: int) -> bool:
    """True when the flows discounted at ``rate`` keep one sign in their running sums.

    Those sums are the investment's balance at the rate (0 at the end at a root): with no sign
    change before the last date (index h), no other rate solves it, on either side (module
    docstring, step 2; a "pure investment", Teichroew, Robichek and Montalbano 1965).
    """
    x, first = math.log1p(rate), ds[0]
    try:
        q = [
            p * math.exp(-x * (d - first).days / DAYS_PER_YEAR) for d, p in zip(ds, fl, strict=True)
        ]
    except OverflowError:
        return False
    margin = 1e-9 * sum(map(abs, q))
    run = list(accumulate(q[: h + 1]))
    return max(run) < -margin or min(run) > margin


def _general(ds: list[Any], fl: list[float], guess: float | None) -> float:
    """Validate with reasons, normalise the dates, net them by date, sort them, then solve."""
    if not ds and not fl:
        raise IrrUndefined("no cash flows")
    if len(ds) != len(fl):
        raise IrrUndefined(
            f"dates and amounts differ in length: {len(ds)} dates, {len(fl)} amounts"
        )
    _check_amounts(fl)
    pairs = sorted(zip(map(_as_date, ds), fl, strict=True))
    if pairs[0][0] == pairs[-1][0]:
        raise IrrUndefined(f"all cash flows are on one date ({pairs[0][0].isoformat()})")
    days, amounts = _net([d for d, _ in pairs], [a for _, a in pairs])
    if not days:
        raise IrrUndefined("the flows net to zero on every date: every rate gives NPV = 0")
    if len(days) == 1:
        raise IrrUndefined(f"netted by date, only {days[0].isoformat()} has a non-zero amount")
    rate = _fast(days, amounts, guess)
    if rate is not None:
        return rate
    return _unique(all_roots([(d - days[0]).days / DAYS_PER_YEAR for d in days], amounts))


def _net(ds: list[date], fl: list[float]) -> tuple[list[date], list[float]]:
    """Sorted flows netted by date, zero totals dropped."""
    days, amounts = [ds[0]], [fl[0]]
    for d, a in zip(ds[1:], fl[1:], strict=True):
        if d == days[-1]:
            amounts[-1] += a
        else:
            days.append(d)
            amounts.append(a)
    kept = [i for i, a in enumerate(amounts) if a != 0.0]
    return [days[i] for i in kept], [amounts[i] for i in kept]


def _unique(roots: list[float]) -> float:
    if len(roots) == 1 and roots[0] >= 1.7e308:
        raise IrrUndefined("the rate is beyond the range of a float (1 + r > 1.7e308)")
    if len(roots) == 1:
        return roots[0]
    if roots:
        shown = ", ".join(f"{r * 100:.6g}%" for r in roots)
        raise IrrUndefined(f"several rates solve NPV = 0 ({shown}): the IRR is ambiguous", roots)
    raise IrrUndefined("no rate solves NPV = 0: the NPV has the same sign at every rate")


def _check_amounts(fl: Sequence[float]) -> None:
    if not fl:
        raise IrrUndefined("no cash flows")
    if not all(map(math.isfinite, fl)):
        raise IrrUndefined("an amount is not a finite number")
    if not any(fl):
        raise IrrUndefined("all amounts are zero")
    if min(fl) >= 0.0:
        raise IrrUndefined("no sign change: every amount is an inflow (zero or positive)")
    if max(fl) <= 0.0:
        raise IrrUndefined("no sign change: every amount is an outflow (zero or negative)")


def _as_date(value: Any) -> date:
    """A calendar day: datetimes (and pandas Timestamps) lose their time, like Excel."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            raise ValueError(f"not an ISO date: {value!r}") from None
    if isinstance(value, np.datetime64):
        return date.fromisoformat(str(value.astype("datetime64[D]")))
    raise TypeError(f"not a date: {value!r} ({type(value).__name__})")
