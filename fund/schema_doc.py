"""The store's schema as documentation, generated from the models: tables, views, columns, meaning.

A table's description is its model class's docstring (else the nearest documented base class
in ``models``, else the first paragraph of its module's docstring). A column's meaning is its
field's ``description``, else the comment at the end of the field's line in the model source
(read with ``tokenize``), plus what the store adds: money in hundredths, exact decimals, UTC
timestamps. The analysts' views come from ``models.views`` with their documented columns.
"""

from __future__ import annotations

import inspect
import io
import sys
import textwrap
import tokenize
from dataclasses import dataclass
from functools import cache

import pandas as pd
from sqlalchemy import Column
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from models.money import Amount
from models.types import ExactDecimal, UtcDateTime
from models.views import VIEWS

SKIPPED_COMMENTS = ("fmt:", "noqa", "type:")
COMMON_MEANINGS = {
    "id": "the row's id",
    "source": "the document the row comes from",
    "is_demo": "a generated demo row",
}
COLUMNS = ["column", "type", "null", "key", "meaning"]


@dataclass(frozen=True)
class ColumnDoc:
    """One column: its name, type, whether it may be NULL, its keys and what it means."""

    name: str
    type: str
    nullable: bool
    key: str
    meaning: str


@dataclass(frozen=True)
class TableDoc:
    """A table or view: its name, kind ("table" or "view"), description and columns."""

    name: str
    kind: str
    doc: str
    columns: tuple[ColumnDoc, ...]

    def frame(self) -> pd.DataFrame:
        """The columns as rows (``COLUMNS``)."""
        rows = [
            (c.name, c.type, "yes" if c.nullable else "", c.key, c.meaning) for c in self.columns
        ]
        return pd.DataFrame(rows, columns=COLUMNS)


def _statement_comments(source: str) -> dict[str, str]:
    """Field name -> the first comment within its statement, for a class's source."""
    found: dict[str, str] = {}
    current: str | None = None
    depth_line: list[tokenize.TokenInfo] = []
    body_indent: int | None = None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.INDENT and body_indent is None:
            body_indent = len(token.string)
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            current, depth_line = None, []
            continue
        depth_line.append(token)
        if token.type == tokenize.OP and token.string == ":" and len(depth_line) == 2:
            first = depth_line[0]
            if first.type == tokenize.NAME and first.start[1] == body_indent:
                current = first.string
        if token.type == tokenize.COMMENT and current and current not in found:
            text = token.string.lstrip("#").strip()
            if text and not text.startswith(SKIPPED_COMMENTS):
                found[current] = text
    return found


def _model_classes(cls: type) -> list[type]:
    return [c for c in cls.__mro__ if c.__module__.startswith("models.")]


@cache
def field_comments(cls: type) -> dict[str, str]:
    """Field name -> the trailing comment of its line, across the model's classes in ``models``
    (a subclass's comment wins)."""
    comments: dict[str, str] = {}
    for base in reversed(_model_classes(cls)):
        try:
            source = textwrap.dedent(inspect.getsource(base))
        except (OSError, TypeError):
            continue
        comments |= _statement_comments(source)
    return comments


def class_doc(cls: type) -> str:
    """The class's docstring, else a documented base's in ``models``, else its module's first
    paragraph."""
    for base in _model_classes(cls):
        if doc := base.__dict__.get("__doc__"):
            return inspect.cleandoc(doc)
    module_doc = inspect.getdoc(sys.modules[cls.__module__]) or ""
    return module_doc.split("\n\n", 1)[0].replace("\n", " ")


def type_name(kind: TypeEngine) -> str:
    """A readable SQL type: money, exact decimals and timestamps named for what they hold."""
    if isinstance(kind, Amount):
        return "BIGINT (money, hundredths)"
    if isinstance(kind, ExactDecimal):
        return "exact decimal"
    if isinstance(kind, UtcDateTime):
        return "timestamp (UTC)"
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    length = getattr(kind, "length", None)
    name = kind.__visit_name__.upper().replace("STRING", "VARCHAR")
    return f"{name}({length})" if length else name


def _key(column: Column) -> str:
    keys = ["primary key"] if column.primary_key else []
    keys += [f"-> {fk.target_fullname}" for fk in column.foreign_keys]
    if column.unique:
        keys.append("unique")
    return ", ".join(keys)


def _meaning(column: Column, field: str, cls: type) -> str:
    info = getattr(cls, "model_fields", {}).get(field)
    said = (
        (info.description if info is not None else None)
        or field_comments(cls).get(field)
        or COMMON_MEANINGS.get(field, "")
    )
    if isinstance(column.type, Amount):
        extra = f"money: {field} in major units = {column.name} / 100"
        said = f"{said}; {extra}" if said else extra
    return said


def table_docs() -> list[TableDoc]:
    """Every table of ``SQLModel.metadata``, by name, documented from its model class."""
    classes = {m.local_table.name: m for m in SQLModel._sa_registry.mappers}
    docs = []
    for name, table in sorted(SQLModel.metadata.tables.items()):
        mapper = classes.get(name)
        fields = {c.name: a.key for a in (mapper.column_attrs if mapper else []) for c in a.columns}
        cls = mapper.class_ if mapper else None
        columns = tuple(
            ColumnDoc(
                name=column.name,
                type=type_name(column.type),
                nullable=bool(column.nullable),
                key=_key(column),
                meaning=_meaning(column, fields.get(column.name, column.name), cls) if cls else "",
            )
            for column in table.columns
        )
        docs.append(TableDoc(name, "table", class_doc(cls) if cls else "", columns))
    return docs


def view_docs() -> list[TableDoc]:
    """The analysts' views (``models.views``) with their documented columns."""
    return [
        TableDoc(
            view.name,
            "view",
            view.doc,
            tuple(ColumnDoc(name, "", True, "", meaning) for name, meaning in view.columns),
        )
        for view in VIEWS
    ]


def schema_docs() -> list[TableDoc]:
    """The views, then every table."""
    return [*view_docs(), *table_docs()]
