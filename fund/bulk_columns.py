"""The columns of a bulk ledger load: what the checks read from the store, text and amount
columns made cheap to compare, problems noted by row and column, and the FX as-of join."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa

from models.fx import MAX_RATE_AGE
from models.money import MAX_ABS_AMOUNT, MINOR_PER_MAJOR

MAX_MINOR = int(MAX_ABS_AMOUNT) * MINOR_PER_MAJOR
RELEASING = ("exit", "partial_exit", "write_off")
REQUIRED = ("fund_id", "entry_type", "entry_date", "currency")
_AMOUNT = re.compile(r"^\s*(-?)(\d{1,17})(?:\.(\d{1,2}))?\s*$")
Problem = tuple[int, str, str]  # (row label, column, message)


@dataclass(frozen=True)
class StoreFacts:
    """What the checks read from the store. ``funds``: id -> (currency, vintage, name);
    ``commitments``: (fund_id, lp_id) pairs; ``rates``: base, quote, on, rate (both
    directions); ``stored``: fund_id, firm_id, entry_date, entry_type, amount_fund_minor,
    cost_released_minor summed by those keys; ``refs``: (fund_id, external_ref) stored."""

    funds: dict[int, tuple[str, date, str]]
    commitments: frozenset[tuple[int, int]]
    firms: frozenset[int]
    rates: pd.DataFrame
    stored: pd.DataFrame
    refs: frozenset[tuple[int, str]]


def note(
    problems: list[Problem], frame: pd.DataFrame, mask: np.ndarray, column: str, message: str
) -> None:
    """Add ``message`` (formatted with the row's ``value``) for every row where ``mask``."""
    if not mask.any():
        return
    if column not in frame and f"{column}_minor" in frame:
        column = f"{column}_minor"
    values = frame[column][mask] if column in frame else [None] * int(mask.sum())
    for label, value in zip(frame.index[mask], values, strict=True):
        problems.append((int(label), column, message.format(value=value)))


def minor_units(values: pd.Series, column: str, problems: list[Problem]) -> np.ndarray:
    """Amounts (Decimal, int or text; never float) as int64 hundredths; bad cells noted."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.to_numpy(dtype=np.int64) * MINOR_PER_MAJOR
    text = values.astype(str).str.replace(",", "", regex=False)
    parts = text.str.extract(_AMOUNT)
    bad = parts[1].isna().to_numpy() | values.map(lambda v: isinstance(v, float)).to_numpy()
    for label, value in zip(values.index[bad], values[bad], strict=True):
        problems.append((int(label), column, f"{value!r} is not an amount with at most 2 decimals"))
    whole = pd.to_numeric(parts[1].fillna("0")).to_numpy(dtype=np.int64)
    cents = parts[2].fillna("").str.ljust(2, "0").replace("", "00")
    minor = whole * MINOR_PER_MAJOR + pd.to_numeric(cents).to_numpy(dtype=np.int64)
    return np.where(parts[0].fillna("").to_numpy() == "-", -minor, minor)


def isin(values: np.ndarray, allowed: object) -> np.ndarray:
    """``values`` in ``allowed``, by hashing (fast on text; ``np.isin`` sorts objects)."""
    return pd.Series(values, copy=False).isin(list(allowed)).to_numpy()  # type: ignore[call-overload]


def text(values: pd.Series) -> np.ndarray:
    """A text column as an object array holding one string object per distinct value (a
    million rows of a few categories cost pointers, not a million strings)."""
    array = pa.array(values, type=pa.string(), from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = array.dictionary_encode()
    words = np.array([*encoded.dictionary.to_pylist(), None], dtype=object)
    return words[encoded.indices.fill_null(len(words) - 1).to_numpy(zero_copy_only=False)]


def ids(frame: pd.DataFrame, column: str) -> np.ndarray:
    """An id column as int64 with -1 for a missing id."""
    if column not in frame:
        return np.full(len(frame), -1, dtype=np.int64)
    return pd.to_numeric(frame[column]).fillna(-1).to_numpy(dtype=np.int64)


def fx_join(
    facts: StoreFacts, currency: np.ndarray, fund_currency: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """The rate of each (currency -> fund currency, day): the latest on or before the day, at
    most ``MAX_RATE_AGE`` old (an object array of Decimal; None where there is none)."""
    rates = np.full(len(days), None, dtype=object)
    same = currency == fund_currency
    rates[same] = Decimal(1)
    if same.all():
        return rates
    wanted = pd.DataFrame(
        {
            "base": pd.Series(currency, dtype=object),
            "quote": pd.Series(fund_currency, dtype=object),
            "on": days.astype("M8[s]"),
        }
    )[~same]
    keys = wanted.drop_duplicates().sort_values("on")
    table = facts.rates.astype({"base": object, "quote": object, "on": "M8[s]"})
    table = table.sort_values("on", kind="stable")
    found = pd.merge_asof(
        keys,
        table,
        on="on",
        by=["base", "quote"],
        direction="backward",
        tolerance=pd.Timedelta(days=MAX_RATE_AGE.days),
    )
    back = wanted.merge(found, on=["base", "quote", "on"], how="left")
    rates[~same] = back["rate"].to_numpy(dtype=object)
    rates[~same] = [None if r is None or r is pd.NA or r != r else r for r in rates[~same]]
    return rates
