"""What every source hands to the store: one company as a source described it.

Clients (``sourcing.gleif``, ``sourcing.feed``, ``sourcing.files``) turn what they fetched or
read into ``CompanyRecord`` values and write nothing; ``sourcing.store`` matches them to firms and
writes them with their provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# firm fields a source may set (models.hub.FirmBase names)
SOURCED_FIELDS: tuple[str, ...] = (
    "name_en",
    "name_zh",
    "uscc",
    "lei",
    "other_names",
    "legal_address",
    "jurisdiction",
    "entity_status",
    "registration_status",
    "direct_parent_lei",
    "ultimate_parent_lei",
    "sector",
    "founded",
    "employees",
)


class SourceError(Exception):
    """A source could not be read (network, HTTP status, content type, JSON, size, shape).

    The message names the URL (or file) and what was wrong; nothing has been written.
    """


@dataclass(frozen=True)
class CompanyRecord:
    """One company from one source: the raw payload and the firm fields mapped from it."""

    source: str  # "gleif", "feed:<name>", "file:<name>"
    kind: str  # one of models.sourcing.SOURCE_KINDS
    external_id: str  # LEI, the feed item's id, the file's row key
    fetched_at: datetime  # timezone-aware UTC
    payload: dict[str, Any]  # the raw item as received (JSON-ready)
    fields: dict[str, Any] = field(default_factory=dict)  # SOURCED_FIELDS -> value
    url: str | None = None


@dataclass(frozen=True)
class SearchPage:
    """One page of a registry search."""

    records: list[CompanyRecord]
    page: int  # 1-based
    last_page: int | None  # from the source's pagination metadata, when given
    total: int | None  # records matching in all, when given
