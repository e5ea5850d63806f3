"""A query's result as a file: CSV (UTF-8 with BOM, for Excel and Chinese names), Excel, Parquet.

Cells keep their values; what a format cannot hold is written as text: time zones are dropped
for Excel (UTC wall time), JSON values become JSON text, bytes hex. In Excel a text that starts
with ``=`` stays text, never a formula, and characters Excel refuses are removed. Parquet keeps a
column's type when all its values share one, else writes the column as text.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

EXCEL_MAX_TEXT = 32_767


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV, UTF-8 with a byte-order mark."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def _excel_value(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bytes | bytearray | memoryview):
        value = bytes(value).hex()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_TEXT]
    if isinstance(value, bool | int | float | Decimal) or hasattr(value, "isoformat"):
        return value
    return str(value)


def excel_bytes(frame: pd.DataFrame, *, sheet: str = "query") -> bytes:
    """The frame as an .xlsx workbook of one sheet."""
    book = Workbook()
    page = book.active
    page.title = sheet
    page.append([str(c) for c in frame.columns])
    for record in frame.itertuples(index=False, name=None):
        page.append([_excel_value(v) for v in record])
    for row in page.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text that looks like a formula stays text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _arrow_column(values: pd.Series) -> pa.Array:
    try:
        return pa.array(values.tolist(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([_text(v) for v in values.tolist()], pa.string())


def _text(value: Any) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as a Parquet file."""
    table = pa.table({str(c): _arrow_column(frame[c]) for c in frame.columns})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()
