"""GLEIF's LEI API: search legal entities by name, fetch one by LEI, find its parents.

The API is JSON:API (``application/vnd.api+json``; https://www.gleif.org/en/lei-data/gleif-api):
``/lei-records?filter[fulltext]=..&page[size]=..&page[number]=..`` with ``meta.pagination``
(currentPage, lastPage, total), ``/lei-records/{lei}``, and ``/lei-records/{lei}/direct-parent`` /
``/ultimate-parent`` (404 when no parent is reported). ``record_from_gleif`` maps one LEI record
onto the firm fields in ``sourcing.records.SOURCED_FIELDS``. Nothing here writes.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from stdnum import lei as stdnum_lei
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from sourcing.http import (
    DEFAULT_MAX_BYTES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    HttpStatusError,
    JsonFetcher,
    url_key,
)
from sourcing.records import CompanyRecord, SearchPage, SourceError

DEFAULT_BASE_URL = "https://api.gleif.org/api/v1"
BASE_URL_ENV = "HUBFUND_GLEIF_URL"
SOURCE = "gleif"
ACCEPT: tuple[str, ...] = ("application/vnd.api+json", "application/json")
MAX_PAGE_SIZE = 200  # the API's largest page[size]
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def configured_base_url(environ: Mapping[str, str] | None = None) -> str:
    """The GLEIF API base URL: ``$HUBFUND_GLEIF_URL`` when set, else ``DEFAULT_BASE_URL``."""
    value = (os.environ if environ is None else environ).get(BASE_URL_ENV, "").strip()
    if not value:
        return DEFAULT_BASE_URL
    url = httpx.URL(value)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"{BASE_URL_ENV}: {value!r} is not an http(s) URL")
    return value.rstrip("/")


def valid_lei(value: str) -> str:
    """``value`` as a compact LEI (ISO 17442: 18 characters + 2 check digits, ISO 7064 97-10).

    A malformed LEI is a ``ValueError`` naming it, before anything is fetched.
    """
    try:
        return str(stdnum_lei.validate(value))
    except StdnumError as exc:
        reason = str(exc).rstrip(".").lower() or "invalid"
        raise ValueError(f"{value!r} is not a valid LEI (ISO 17442): {reason}") from None


def _get(obj: Any, path: str, url: str, *, required: bool = False) -> Any:
    """``obj`` at dotted ``path`` (dict keys only); a required missing field is a SourceError."""
    value = obj
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            break
    if required and (value is None or (isinstance(value, str) and not value.strip())):
        raise SourceError(f"{url}: the LEI record has no {path}")
    return value


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _is_chinese(name: str, language: str) -> bool:
    return bool(_CJK.search(name)) and (not language or language.startswith("zh"))


def _names(entity: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(name, language, type) of the entity's other and transliterated names, in order."""
    found: list[tuple[str, str, str]] = []
    for key in ("otherNames", "transliteratedOtherNames"):
        for item in entity.get(key) or []:
            if isinstance(item, dict) and (name := _text(item.get("name"))):
                lang = str(item.get("language") or "").lower()
                found.append((name, lang, str(item.get("type") or "")))
    return found


def _english_name(names: list[tuple[str, str, str]]) -> str | None:
    """An English name: an English other name, else the preferred ASCII transliteration."""
    for name, lang, kind in names:
        if lang.startswith("en") and kind != "AUTO_ASCII_TRANSLITERATED_LEGAL_NAME":
            return name
    for name, _lang, kind in names:
        if kind == "PREFERRED_ASCII_TRANSLITERATED_LEGAL_NAME":
            return name
    return None


def _address(address: Any) -> str | None:
    """A GLEIF address as one line: lines, number, city, region, postal code, country."""
    if not isinstance(address, dict):
        return None
    parts = [_text(line) for line in address.get("addressLines") or []]
    for key in ("addressNumber", "addressNumberWithinBuilding", "city", "region"):
        parts.append(_text(address.get(key)))
    parts += [_text(address.get("postalCode")), _text(address.get("country"))]
    kept: list[str] = []
    for part in parts:
        if part and part not in kept:
            kept.append(part)
    return ", ".join(kept) or None


def _uscc(entity: dict[str, Any], jurisdiction: str | None) -> str | None:
    """A mainland entity's registration number when it is a valid unified social credit code."""
    number = _text(entity.get("registeredAs"))
    if number and (jurisdiction or "").startswith("CN") and stdnum_uscc.is_valid(number):
        return str(stdnum_uscc.compact(number))
    return None


def _parent_lei(relationships: Any, name: str) -> str | None:
    """The parent's LEI when the payload links it as a JSON:API resource (``data.id``)."""
    data = _get(relationships, f"{name}.data", "")
    lei = data.get("id") if isinstance(data, dict) else None
    if isinstance(lei, str) and stdnum_lei.is_valid(lei):
        return str(stdnum_lei.compact(lei))
    return None


def record_from_gleif(item: Any, *, url: str, fetched_at: datetime) -> CompanyRecord:
    """One GLEIF LEI record (a JSON:API resource) as a ``CompanyRecord``.

    A Chinese-script legal name (language zh, or none given) goes to ``name_zh`` and an English
    other name to ``name_en``; otherwise the legal name is ``name_en`` and a Chinese other name
    ``name_zh``. All other and transliterated names are ``other_names`` ("; "-joined); a mainland
    entity's ``registeredAs``, when it is a valid unified social credit code, is ``uscc``. A missing
    ``attributes.lei`` or legal name is a ``SourceError`` naming the field and ``url``.
    """
    if not isinstance(item, dict):
        raise SourceError(f"{url}: a LEI record is a JSON object, got {type(item).__name__}")
    lei = _get(item, "attributes.lei", url, required=True)
    if not isinstance(lei, str) or not stdnum_lei.is_valid(lei):
        raise SourceError(f"{url}: attributes.lei {lei!r} is not a valid LEI")
    entity = _get(item, "attributes.entity", url, required=True)
    legal = _get(entity, "legalName.name", url, required=False)
    if not _text(legal):
        raise SourceError(f"{url}: the LEI record {lei} has no attributes.entity.legalName.name")
    legal = legal.strip()
    language = str(_get(entity, "legalName.language", url) or "").lower()
    names = _names(entity)
    fields: dict[str, Any] = {"lei": str(stdnum_lei.compact(lei))}
    if _is_chinese(legal, language):
        fields["name_zh"] = legal
        fields["name_en"] = _english_name(names)
    else:
        fields["name_en"] = legal
        fields["name_zh"] = next((n for n, lang, _ in names if _is_chinese(n, lang)), None)
    fields["other_names"] = "; ".join(dict.fromkeys(n for n, _, _ in names)) or None
    fields["legal_address"] = _address(entity.get("legalAddress"))
    fields["jurisdiction"] = _text(entity.get("jurisdiction"))
    fields["uscc"] = _uscc(entity, fields["jurisdiction"])
    fields["entity_status"] = _text(entity.get("status"))
    fields["registration_status"] = _text(_get(item, "attributes.registration.status", url))
    relationships = item.get("relationships")
    fields["direct_parent_lei"] = _parent_lei(relationships, "direct-parent")
    fields["ultimate_parent_lei"] = _parent_lei(relationships, "ultimate-parent")
    return CompanyRecord(
        source=SOURCE,
        kind="gleif",
        external_id=fields["lei"],
        fetched_at=fetched_at,
        payload=item,
        fields={k: v for k, v in fields.items() if v is not None},
        url=_text(_get(item, "links.self", url)) or url,
    )


def _data(body: Any, url: str) -> Any:
    if not isinstance(body, dict) or "data" not in body:
        errors = f" ({body['errors']})" if isinstance(body, dict) and "errors" in body else ""
        raise SourceError(f"{url}: the response has no 'data' member{errors}")
    return body["data"]


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


class GleifClient:
    """A client of the GLEIF API at ``base_url`` (see ``configured_base_url``)."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        client: httpx.Client | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.fetcher = JsonFetcher(
            client=client, timeout=timeout, retries=retries, max_bytes=max_bytes, sleep=sleep
        )

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self) -> GleifClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(
        self, name: str, *, page_size: int = 20, max_pages: int | None = None, first_page: int = 1
    ) -> Iterator[SearchPage]:
        """Pages of LEI records matching ``name`` (GLEIF full-text search), from ``first_page``.

        Stops after the last page (``meta.pagination.lastPage``, or no ``links.next``), on an
        empty page, on a page with the same records as the one before, on a ``links.next`` that
        was already fetched, and after ``max_pages`` pages.
        """
        term = name.strip()
        if not term:
            raise ValueError("search: the name to search for is empty")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size: {page_size} is not between 1 and {MAX_PAGE_SIZE}")
        if first_page < 1 or (max_pages is not None and max_pages < 1):
            raise ValueError(f"first_page ({first_page}) and max_pages ({max_pages}) must be >= 1")
        url = f"{self.base_url}/lei-records"
        visited: set[tuple[Any, ...]] = set()
        previous: frozenset[str] | None = None
        number, fetched = first_page, 0
        while max_pages is None or fetched < max_pages:
            params = {"filter[fulltext]": term, "page[size]": page_size, "page[number]": number}
            body, final = self.fetcher.get_json(url, params, accept=ACCEPT)
            visited.add(url_key(final))
            items = _data(body, final)
            if not isinstance(items, list):
                raise SourceError(f"{final}: 'data' is not a list of LEI records")
            now = datetime.now(UTC)
            records = []
            for index, item in enumerate(items):
                try:
                    records.append(record_from_gleif(item, url=final, fetched_at=now))
                except SourceError as exc:
                    raise SourceError(f"{exc} (item {index + 1} of page {number})") from None
            leis = frozenset(r.external_id for r in records)
            if not records or leis == previous:
                return
            pagination = _get(body, "meta.pagination", final)
            pagination = pagination if isinstance(pagination, dict) else {}
            current = _int(pagination.get("currentPage")) or number
            last = _int(pagination.get("lastPage"))
            yield SearchPage(
                records, page=current, last_page=last, total=_int(pagination.get("total"))
            )
            fetched += 1
            links = body.get("links")
            next_link = links.get("next") if isinstance(links, dict) else None
            if last is not None and current >= last:
                return
            if isinstance(links, dict) and not next_link and last is None:
                return
            if isinstance(next_link, str) and url_key(httpx.URL(final).join(next_link)) in visited:
                return
            previous, number = leis, number + 1

    def record(self, lei: str, *, with_parents: bool = False) -> CompanyRecord:
        """The LEI record of ``lei``; ``with_parents`` also asks for the parents' LEIs."""
        code = valid_lei(lei)
        url = f"{self.base_url}/lei-records/{code}"
        try:
            body, final = self.fetcher.get_json(url, accept=ACCEPT)
        except HttpStatusError as exc:
            if exc.status == 404:
                raise SourceError(f"{exc.url}: GLEIF has no LEI record {code} (HTTP 404)") from None
            raise
        record = record_from_gleif(_data(body, final), url=final, fetched_at=datetime.now(UTC))
        if record.external_id != code:
            raise SourceError(f"{final}: asked for LEI {code}, got {record.external_id}")
        if not with_parents:
            return record
        fields = dict(record.fields)
        for field, parent in (
            ("direct_parent_lei", self.direct_parent),
            ("ultimate_parent_lei", self.ultimate_parent),
        ):
            if field not in fields and (found := parent(code)) is not None:
                fields[field] = found.external_id
        return dataclasses.replace(record, fields=fields)

    def direct_parent(self, lei: str) -> CompanyRecord | None:
        """The LEI record of ``lei``'s direct accounting parent, or None when none is reported."""
        return self._parent(lei, "direct-parent")

    def ultimate_parent(self, lei: str) -> CompanyRecord | None:
        """The LEI record of ``lei``'s ultimate accounting parent, or None when none is reported."""
        return self._parent(lei, "ultimate-parent")

    def _parent(self, lei: str, which: str) -> CompanyRecord | None:
        url = f"{self.base_url}/lei-records/{valid_lei(lei)}/{which}"
        try:
            body, final = self.fetcher.get_json(url, accept=ACCEPT)
        except HttpStatusError as exc:
            if exc.status == 404:
                return None
            raise
        data = _data(body, final)
        if data is None:
            return None
        return record_from_gleif(data, url=final, fetched_at=datetime.now(UTC))
