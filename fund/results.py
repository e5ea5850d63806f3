"""Named results for metrics that have no value: ``Undefined`` carries the reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd


@dataclass(frozen=True, slots=True)
class Undefined:
    """A metric with no value, and why (e.g. "no observations before the as-of date").

    Returned instead of NaN or None so that a page, the CLI and a test can say *why*.
    """

    reason: str

    def __str__(self) -> str:
        return f"undefined: {self.reason}"

    def __bool__(self) -> bool:
        return False


def undefined_frame(rows: Iterable[Any], row_type: type, noted: Iterable[str]) -> pd.DataFrame:
    """One row per dataclass in ``rows``, its fields as columns: an ``Undefined`` value becomes
    None, with its reason in ``<field>_note`` for the ``noted`` fields; int fields stay int."""
    noted = set(noted)
    columns: list[str] = []
    for f in fields(row_type):
        columns += [f.name, f"{f.name}_note"] if f.name in noted else [f.name]
    records = []
    for row in rows:
        record: dict[str, Any] = {}
        for f in fields(row):
            value = getattr(row, f.name)
            record[f.name] = None if isinstance(value, Undefined) else value
            if f.name in noted:
                record[f"{f.name}_note"] = value.reason if isinstance(value, Undefined) else None
        records.append(record)
    ints = {f.name: "int64" for f in fields(row_type) if f.type in ("int", int)}
    return pd.DataFrame(records, columns=columns, dtype=object).astype(ints)
