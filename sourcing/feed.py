"""A partner's JSON feed (an accelerator's cohort, a park's tenant list) as company records.

A feed is a URL, where its list of items is (``items_path``, a dotted path; "" = the top level),
where each item's stable id is (``id_field``) and which firm field comes from which path
(``mapping``, firm field -> path; ``models.sourcing.FeedConfig`` keeps them). Paths are dotted
and take list indexes (``names.0.value``). Pages are followed through ``links.next`` or ``next``.
An item that cannot be read is reported as a ``FeedProblem``, never silently dropped. Nothing
here writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from sourcing.http import (
    DEFAULT_MAX_BYTES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    JsonFetcher,
    url_key,
)
from sourcing.records import SOURCED_FIELDS, CompanyRecord, SourceError

FEED_TYPES: tuple[str, ...] = ("application/json", "application/vnd.api+json", "text/json")
DEFAULT_MAX_PAGES = 100
_MAX_SOURCE_NAME = 75  # "feed:" + name fits source_record.source (80)


@dataclass(frozen=True)
class FeedProblem:
    """Item ``index`` (0-based, over all pages) could not be read whole."""

    index: int
    message: str
    item_id: str | None = None
    skipped: bool = True  # False: the record was kept without the field the message names


@dataclass(frozen=True)
class FeedResult:
    """What one read of a feed gave: records, problems, and why paging stopped."""

    records: list[CompanyRecord]
    problems: list[FeedProblem]
    pages: int
    stopped: str  # "last page", "repeated page", "max pages"


class PathMissing(LookupError):
    """A dotted path leads nowhere in a JSON value; ``str()`` says at which step."""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    return names.get(type(value), f"a {type(value).__name__}")


def resolve(value: Any, path: str) -> Any:
    """``value`` at dotted ``path`` ("" = ``value`` itself); a digit step indexes a list."""
    if not path:
        return value
    done: list[str] = []
    for step in path.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            where = f" under {'.'.join(done)!r}" if done else ""
            raise PathMissing(f"no {step!r}{where} (found {_kind(value)})")
        done.append(step)
    return value


def check_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping, if every target is a sourced firm field and every path is non-empty."""
    if not mapping:
        raise ValueError("mapping: a feed needs at least one firm field -> path")
    for field, path in mapping.items():
        if field not in SOURCED_FIELDS:
            raise ValueError(
                f"mapping: {field!r} is not a firm field a source may set "
                f"(one of {', '.join(SOURCED_FIELDS)})"
            )
        if not isinstance(path, str) or not path.strip():
            raise ValueError(f"mapping: the path for {field!r} is empty ({path!r})")
    return {field: path.strip() for field, path in mapping.items()}


def _value(value: Any) -> Any:
    """A JSON value as a field value: text trimmed ("" = none), a list of scalars "; "-joined."""
    if isinstance(value, str):
        return value.strip() or None
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "; ".join(t for v in value if (t := str(v).strip())) or None
    raise ValueError(f"is {_kind(value)}, not a value")


def _item_id(item: Any, id_field: str) -> str:
    raw = resolve(item, id_field)
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ValueError(f"the value {raw!r} is not a string or a whole number")
    if not (text := str(raw).strip()):
        raise ValueError("the value is empty")
    return text


def _next_link(body: Any, url: str) -> str | None:
    links = body.get("links") if isinstance(body, dict) else None
    link = links.get("next") if isinstance(links, dict) else None
    if link is None and isinstance(body, dict):
        link = body.get("next")
    return str(httpx.URL(url).join(link)) if isinstance(link, str) and link.strip() else None


def fetch_feed(
    *,
    url: str,
    items_path: str,
    id_field: str,
    mapping: Mapping[str, str],
    source_name: str,
    client: httpx.Client | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pages: int = DEFAULT_MAX_PAGES,
    sleep: Callable[[float], Any] = time.sleep,
) -> FeedResult:
    """Every item of the feed at ``url`` as a ``CompanyRecord`` (source ``feed:<source_name>``).

    An item without its id, with an id seen before, or that is not an object is skipped and
    reported; a mapped path missing in an item is reported and the record kept without that
    field. A missing ``items_path`` or an unreadable page is a ``SourceError``; a bad mapping a
    ``ValueError``.
    """
    fields_map = check_mapping(mapping)
    name = source_name.strip()
    if not name or len(name) > _MAX_SOURCE_NAME:
        raise ValueError(f"source_name: {source_name!r} must be 1-{_MAX_SOURCE_NAME} characters")
    if not id_field.strip():
        raise ValueError("id_field: a feed needs the path to each item's stable id")
    records: list[CompanyRecord] = []
    problems: list[FeedProblem] = []
    seen: dict[str, int] = {}
    visited: set[tuple[Any, ...]] = set()
    previous: frozenset[str] | None = None
    index, pages, page_url = 0, 0, url
    with JsonFetcher(
        client=client, timeout=timeout, retries=retries, max_bytes=max_bytes, sleep=sleep
    ) as fetcher:
        while True:
            body, final = fetcher.get_json(page_url, accept=FEED_TYPES)
            visited.update((url_key(page_url), url_key(final)))
            try:
                items = resolve(body, items_path)
            except PathMissing as exc:
                raise SourceError(f"{final}: items_path {items_path!r} not found: {exc}") from None
            if not isinstance(items, list):
                raise SourceError(
                    f"{final}: items_path {items_path or '(top level)'!r} is a "
                    f"{type(items).__name__}, not a list"
                )
            ids = frozenset(_ids(items, id_field))
            if pages and ids and ids == previous:
                return FeedResult(records, problems, pages, "repeated page")
            pages += 1
            now = datetime.now(UTC)
            for item in items:
                record = _record(
                    item, index, id_field, fields_map, name, final, now, seen, problems
                )
                if record is not None:
                    records.append(record)
                index += 1
            next_url = _next_link(body, final)
            if next_url is None:
                return FeedResult(records, problems, pages, "last page")
            if url_key(next_url) in visited:
                return FeedResult(records, problems, pages, "repeated page")
            if pages >= max_pages:
                return FeedResult(records, problems, pages, "max pages")
            previous, page_url = ids, next_url


def _ids(items: list[Any], id_field: str) -> list[str]:
    found = []
    for item in items:
        try:
            found.append(_item_id(item, id_field))
        except (PathMissing, ValueError):
            continue
    return found


def _record(
    item: Any,
    index: int,
    id_field: str,
    fields_map: dict[str, str],
    name: str,
    url: str,
    now: datetime,
    seen: dict[str, int],
    problems: list[FeedProblem],
) -> CompanyRecord | None:
    """One feed item as a record, or None (a problem says why); field problems are added."""
    if not isinstance(item, dict):
        problems.append(FeedProblem(index, f"item is a {type(item).__name__}, not an object"))
        return None
    try:
        item_id = _item_id(item, id_field)
    except (PathMissing, ValueError) as exc:
        problems.append(FeedProblem(index, f"no usable id at {id_field!r}: {exc}"))
        return None
    if item_id in seen:
        message = f"id {item_id!r} repeats item {seen[item_id]}; kept the first"
        problems.append(FeedProblem(index, message, item_id))
        return None
    seen[item_id] = index
    fields: dict[str, Any] = {}
    for field, path in fields_map.items():
        try:
            value = _value(resolve(item, path))
        except (PathMissing, ValueError) as exc:
            message = f"{field} ({path!r}): {exc}; kept the item without it"
            problems.append(FeedProblem(index, message, item_id, skipped=False))
            continue
        if value is not None:
            fields[field] = value
    return CompanyRecord(
        source=f"feed:{name}",
        kind="feed",
        external_id=item_id,
        fetched_at=now,
        payload=item,
        fields=fields,
        url=url,
    )


def fetch_feed_config(config: Any, **options: Any) -> FeedResult:
    """``fetch_feed`` for a stored feed (anything with name, url, items_path, id_field, mapping)."""
    return fetch_feed(
        url=config.url,
        items_path=config.items_path,
        id_field=config.id_field,
        mapping=config.mapping,
        source_name=config.name,
        **options,
    )
