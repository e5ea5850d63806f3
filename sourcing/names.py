"""Company names reduced to a matching key, so that one company written two ways meets itself.

``normalize_name`` folds what does not tell two companies apart: letter case, full-width and
half-width forms (Unicode NFKC), punctuation and spaces (Chinese ones too: （）·、，。【】),
and the legal form at the end of the name (有限公司, 股份有限公司, 有限责任公司; Co., Ltd.,
Limited, Inc., Corp., LLC, PLC...). Everything else is kept, because it does tell companies
apart: the city (大连 vs 深圳, also in brackets: 科技（深圳）), the business words (科技 vs
信息), and "group" and "holdings" words (集团, 控股, Holdings), which name a parent rather than
the operating company. A branch (分公司) keeps its whole name. Traditional and simplified
characters are not folded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher
from typing import Any

# Chinese legal forms at the end of a name, longest first (one is removed).
ZH_SUFFIXES: tuple[str, ...] = (
    "股份有限公司",
    "有限责任公司",
    "有限合伙",
    "股份公司",
    "有限公司",
    "公司",
)
# English legal-form words at the end of a name (removed repeatedly: "Co., Ltd." is two).
EN_SUFFIXES: frozenset[str] = frozenset(
    {
        "co",
        "company",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "lp",
        "llp",
        "gmbh",
        "ag",
        "sa",
        "pte",
        "pty",
    }
)
BRANCH = "分公司"
SIMILAR_AT = 0.9  # SequenceMatcher ratio on normalized names at which a pair is "possible"
NAME_FIELDS: tuple[str, ...] = ("name_en", "name_zh")

_WORD = re.compile(r"[^\W_]+")  # letters and digits (CJK included), punctuation between
_INITIALS = re.compile(r"\b(?:[^\W\d_]\.){2,}")  # "l.l.c." -> "llc"


def normalize_name(name: str | None) -> str:
    """The matching key of a company name ("" for no name).

    NFKC, casefold, ``&`` read as "and", initials joined (L.L.C. -> llc); then the words
    (letters and digits) are kept and punctuation and spaces dropped; English legal-form words
    are removed from the end, then one Chinese legal form (unless the name is a branch, 分公司).
    A name that is nothing but a legal form keeps it (the key is never empty for a name).
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    if "." in text:
        text = _INITIALS.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    words = _WORD.findall(text)
    whole = "".join(words)
    while words and words[-1] in EN_SUFFIXES:
        words.pop()
        if words and words[-1] == "and":  # "Smith & Co."
            words.pop()
    key = "".join(words)
    if not key.endswith(BRANCH):
        for suffix in ZH_SUFFIXES:
            if key.endswith(suffix):
                key = key[: -len(suffix)] if len(key) > len(suffix) else key
                break
    return key or whole


def split_names(text: str | None) -> list[str]:
    """The names in an ``other_names`` text ("; "-separated; Chinese ； too)."""
    if not text:
        return []
    parts = re.split(r"[;；]", text)
    return [part.strip() for part in parts if part.strip()]


def join_names(names: Iterable[str]) -> str | None:
    """``names`` as an ``other_names`` text: "; "-separated, each key once, in order."""
    seen: set[str] = set()
    kept: list[str] = []
    for name in names:
        key = normalize_name(name)
        if key and key not in seen:
            seen.add(key)
            kept.append(name.strip())
    return "; ".join(kept) or None


def _value(source: Any, field: str) -> Any:
    if isinstance(source, Mapping):
        return source.get(field)
    fields = getattr(source, "fields", None)  # a sourcing.records.CompanyRecord
    if isinstance(fields, Mapping):
        return fields.get(field)
    return getattr(source, field, None)


def all_names(source: Any) -> list[str]:
    """Every name of a firm, a ``CompanyRecord`` or a mapping of firm fields: English,
    Chinese, then the other names."""
    names = [str(_value(source, f)) for f in NAME_FIELDS if _value(source, f)]
    other = _value(source, "other_names")
    if isinstance(other, list | tuple):
        names.extend(str(n) for n in other if n)
    else:
        names.extend(split_names(other))
    return names


def name_keys(source: Any) -> set[str]:
    """The matching keys of every name of ``source`` (see ``all_names``)."""
    return {key for name in all_names(source) if (key := normalize_name(name))}


def similarity(a: str, b: str) -> float:
    """How alike two matching keys are: difflib's ratio 2M/T (M matched characters, T both
    lengths together), 0 to 1."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
