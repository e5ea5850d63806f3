"""Where sourced companies came from: raw records, field provenance, feeds, import runs, merges.

Every value written onto a firm by a source keeps a ``FieldProvenance`` row pointing at the
``SourceRecord`` (source, fetched at, raw payload) it came from, so a person can see why a value
is what it is. ``ImportRun`` rows make long imports resumable; ``FirmMerge`` keeps the merged
firm's full record when two firms are merged; ``DuplicateDecision`` remembers pairs that a person
decided to keep apart. The rules live in ``sourcing``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, utcnow

SOURCE_KINDS: tuple[str, ...] = ("gleif", "feed", "file", "manual")
RUN_STATUSES: tuple[str, ...] = ("running", "done", "failed")


class SourceRecord(SQLModel, table=True):
    """One record as a source returned it: the raw payload, when and where it was fetched."""

    __tablename__ = "source_record"
    __table_args__ = (UniqueConstraint("source", "external_id", "payload_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=80, index=True)  # "gleif", "feed:<name>", "file:<name>"
    kind: str = Field(max_length=10)  # one of SOURCE_KINDS
    external_id: str = Field(max_length=200, index=True)  # LEI, feed item id, file row key
    url: str | None = Field(default=None, max_length=1000)
    fetched_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    payload_sha256: str = Field(max_length=64)
    firm_id: int | None = Field(default=None, foreign_key="firm.id", index=True)
    import_run_id: int | None = Field(default=None, foreign_key="import_run.id", index=True)


class FieldProvenance(SQLModel, table=True):
    """A firm's field got ``value`` from ``source_record_id`` at ``recorded_at``."""

    __tablename__ = "field_provenance"
    __table_args__ = (UniqueConstraint("firm_id", "field", "source_record_id"),)

    id: int | None = Field(default=None, primary_key=True)
    firm_id: int = Field(foreign_key="firm.id", index=True)
    field: str = Field(max_length=40)
    value: str | None = Field(default=None, max_length=1000)
    source_record_id: int = Field(foreign_key="source_record.id", index=True)
    recorded_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)


class FeedConfig(SQLModel, table=True):
    """A generic JSON feed: where it is and how its items map onto firm fields."""

    __tablename__ = "feed_config"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    url: str = Field(max_length=1000)
    items_path: str = Field(default="", max_length=200)  # dotted path to the list; "" = top
    id_field: str = Field(max_length=200)  # dotted path to the item's stable id
    mapping: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))  # firm field -> path
    hub_id: int = Field(foreign_key="hub.id")  # where new firms from this feed belong
    default_sector: str = Field(max_length=40)  # one of models.hub.SECTORS
    note: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)


class ImportRun(SQLModel, table=True):
    """One import (GLEIF search, feed, file): progress so far, so that it can be resumed."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=80, index=True)
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = Field(default="running", max_length=10)  # one of RUN_STATUSES
    started_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    total: int | None = None  # items expected, when the source says
    processed: int = 0  # items handled so far (resume from here)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))
    actor: str = Field(default="system", max_length=120)


class FirmMerge(SQLModel, table=True):
    """Firm ``merged_firm_id`` was merged into ``kept_firm_id``: its full record as it was."""

    __tablename__ = "firm_merge"

    id: int | None = Field(default=None, primary_key=True)
    kept_firm_id: int = Field(foreign_key="firm.id", index=True)
    merged_firm_id: int = Field(index=True)  # the merged firm row no longer exists
    merged_record: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    moved: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))  # table -> ids
    merged_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)
    actor: str = Field(max_length=120)
    note: str | None = Field(default=None, max_length=500)


class DuplicateDecision(SQLModel, table=True):
    """A person decided that two firms are different companies (first id < second id)."""

    __tablename__ = "duplicate_decision"
    __table_args__ = (UniqueConstraint("firm_a_id", "firm_b_id"),)

    id: int | None = Field(default=None, primary_key=True)
    firm_a_id: int = Field(foreign_key="firm.id", index=True)
    firm_b_id: int = Field(foreign_key="firm.id", index=True)
    decision: str = Field(default="keep_apart", max_length=12)
    decided_at: datetime = Field(sa_type=UtcDateTime, default_factory=utcnow)
    actor: str = Field(max_length=120)
    note: str | None = Field(default=None, max_length=500)
