"""A source's firm fields made comparable and checked, before matching and planning.

Text is stripped and empty values dropped; the USCC (GB 32100-2015, its check character) and
LEIs (ISO 17442, their check digits) are compacted and checked with python-stdnum; a sector is
one of ``models.hub.SECTORS`` named in any case or by a Chinese alias (支付, 网贷, 保险科技...);
a founding date is a date; a head count is a whole number. Every refusal is an ``InputError``
naming the field and the value.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from stdnum import lei as stdnum_lei
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from models.hub import SECTORS, Firm
from models.validation import InputError, validate_uscc
from sourcing.names import NAME_FIELDS, join_names, name_keys, normalize_name, split_names
from sourcing.records import SOURCED_FIELDS

SECTOR_ALIASES: dict[str, str] = {
    "支付": "payments",
    "第三方支付": "payments",
    "借贷": "lending",
    "网贷": "lending",
    "网络借贷": "lending",
    "消费金融": "lending",
    "财富管理": "wealthtech",
    "智能投顾": "wealthtech",
    "保险科技": "insurtech",
    "互联网保险": "insurtech",
    "监管科技": "regtech",
    "区块链": "blockchain",
    "大数据": "data & AI",
    "人工智能": "data & AI",
    "data and ai": "data & AI",
    "供应链金融": "supply-chain finance",
    "supply chain finance": "supply-chain finance",
    "数字银行": "digital banking",
    "互联网银行": "digital banking",
    "金融基础设施": "infrastructure",
}
KEYS: tuple[str, ...] = ("uscc", "lei")  # identity keys: match decisively, never overwritten
_SECTOR_NAMES = {s.casefold(): s for s in SECTORS} | {
    a.casefold(): s for a, s in SECTOR_ALIASES.items()
}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_LEI_FIELDS = ("lei", "direct_parent_lei", "ultimate_parent_lei")


def payload_sha256(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the payload as canonical JSON (sorted keys, UTF-8): equal payloads, equal
    hashes, so a re-run finds what it already stored."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)  # fmt: skip
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sector_of(text: str) -> str | None:
    """The ``SECTORS`` name a sector text means (English names in any case, a few Chinese
    aliases such as 支付, 网贷, 保险科技, 区块链, 供应链金融), or None."""
    return _SECTOR_NAMES.get(unicodedata.normalize("NFKC", text).strip().casefold())


def compact_keys(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with text stripped, empty values dropped, USCC and LEIs compacted."""
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            continue
        if name == "uscc":
            value = stdnum_uscc.compact(str(value))
        elif name in _LEI_FIELDS:
            value = stdnum_lei.compact(str(value))
        clean[name] = value
    return clean


def clean_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A record's firm fields, checked one by one; ``InputError`` names the field and value."""
    clean = compact_keys(dict(fields))
    for name in clean:
        if name not in SOURCED_FIELDS:
            raise InputError(f"{name}: is not a firm field a source may set")
    for name, value in list(clean.items()):
        if name == "uscc":
            try:
                clean[name] = validate_uscc(value)
            except ValueError as exc:
                raise InputError(f"uscc: {exc}") from None
        elif name in _LEI_FIELDS:
            try:
                clean[name] = stdnum_lei.validate(value)
            except StdnumError as exc:
                why = str(exc).rstrip(".").lower()
                raise InputError(
                    f"{name}: {value!r} is not a valid LEI (ISO 17442): {why}"
                ) from None
        elif name == "sector":
            if (sector := sector_of(str(value))) is None:
                raise InputError(f"sector: {value!r} is not a known sector ({', '.join(SECTORS)})")
            clean[name] = sector
        elif name == "founded":
            clean[name] = _date(value)
        elif name == "employees":
            clean[name] = _count(value)
        elif name == "other_names":
            names = value if isinstance(value, list | tuple) else split_names(str(value))
            clean[name] = join_names(str(n) for n in names)
        elif name == "jurisdiction":
            clean[name] = str(value).upper()
        else:
            clean[name] = str(value)
    return {k: v for k, v in clean.items() if v is not None}


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = _DATE.fullmatch(str(value).strip().split(" ")[0].split("T")[0])
    try:
        if found is None:
            raise ValueError
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise InputError(f"founded: {value!r} is not a date (YYYY-MM-DD)") from None


def _count(value: Any) -> int:
    text = str(value).strip().replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise InputError(f"employees: {value!r} is not a whole number of people")
    return int(text)


def firm_values(firm: Firm) -> dict[str, Any]:
    """A stored firm's fields, as ``FirmCreate`` takes them."""
    return firm.model_dump(exclude={"id"})


def changes_to(current: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields ``fields`` would change on a firm holding ``current`` (old, new). Names that
    normalize alike are no change; a replaced name joins ``other_names``; other names add up."""
    changes: dict[str, tuple[Any, Any]] = {}
    retired: list[str] = []
    for name, new in fields.items():
        old = current.get(name)
        if name == "other_names" or (name in KEYS and old):  # keys are never overwritten
            continue
        if name in NAME_FIELDS and old and normalize_name(old) == normalize_name(new):
            continue
        if old != new:
            changes[name] = (old, new)
            retired += [old] if name in NAME_FIELDS and old else []
    names = {f: changes[f][1] if f in changes else current.get(f) for f in NAME_FIELDS}
    own = name_keys(names)
    offered = [*split_names(current.get("other_names")), *split_names(fields.get("other_names")),
               *retired]  # fmt: skip
    other = join_names(n for n in offered if normalize_name(n) not in own)
    if other != (current.get("other_names") or None):
        changes["other_names"] = (current.get("other_names"), other)
    return changes
