"""Which stored firm a sourced record is, and which stored firms are likely one company.

A record is matched in this order; the first three *decide*:

1. ``source``: the same source already sent this external id, and it was stored on a firm;
2. ``uscc``: the same unified social credit code;
3. ``lei``: the same legal entity identifier;
4. ``name``: a name of the record and a name of the firm have the same matching key
   (``sourcing.names.normalize_name``): a *likely duplicate*, for a person to confirm unless
   the record carries no USCC or LEI and exactly one firm has the name;
5. ``similar``: when nothing above matched, keys that are alike (difflib ratio >=
   ``SIMILAR_AT``): a *possible* match, only shown. Found by prefix filtering on characters
   (``FirmIndex.similar_keys``), so a batch against 50,000 firms does not compare every pair.

Same name but different keys (USCC or LEI) is a ``conflict``: never matched automatically.
Pairs that a person decided to keep apart (``DuplicateDecision``) are never offered again.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from models.hub import Firm
from models.sourcing import DuplicateDecision, SourceRecord
from sourcing.clean import KEYS, compact_keys
from sourcing.names import SIMILAR_AT, name_keys, normalize_name, similarity, split_names

MATCH_KINDS: tuple[str, ...] = ("source", "uscc", "lei", "name", "similar")
DECISIVE: tuple[str, ...] = ("source", "uscc", "lei")


@dataclass(frozen=True)
class Match:
    """A stored firm a record may be: how (``kind``), how sure (``score`` 0-1), and why."""

    firm_id: int
    kind: str  # one of MATCH_KINDS
    score: float
    explanation: str
    firm_name: str
    conflict: str | None = None  # e.g. "uscc differs: 9111... vs 9144..."

    @property
    def decisive(self) -> bool:
        """Whether this match alone says which firm the record is."""
        return self.kind in DECISIVE


@dataclass(frozen=True)
class FirmKeys:
    """What matching needs to know of a stored firm."""

    id: int
    name: str
    uscc: str | None
    lei: str | None
    keys: frozenset[str]


@dataclass(frozen=True)
class DuplicatePair:
    """Two stored firms with a name key in common (``firm_a_id`` < ``firm_b_id``)."""

    firm_a_id: int
    firm_b_id: int
    name_a: str
    name_b: str
    key: str
    conflict: str | None  # the keys that differ, if any: such a pair cannot be merged


def _tokens(key: str) -> list[str]:
    """The characters of ``key`` as a set: the second "a" is "a#2" (multiset overlap)."""
    seen: dict[str, int] = defaultdict(int)
    tokens = []
    for char in key:
        seen[char] += 1
        tokens.append(f"{char}#{seen[char]}")
    return tokens


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def key_conflict(fields: Mapping[str, Any], firm: FirmKeys) -> str | None:
    """The identity keys on which ``fields`` and ``firm`` disagree (both given), or None."""
    differ = [
        f"{key} differs: {fields[key]} vs {getattr(firm, key)}"
        for key in KEYS
        if fields.get(key) and getattr(firm, key) and fields[key] != getattr(firm, key)
    ]
    return "; ".join(differ) or None


def firm_keys(firm: Firm) -> FirmKeys:
    """The matching view of a stored firm."""
    return FirmKeys(
        firm.id or 0, firm.display_name, firm.uscc, firm.lei, frozenset(name_keys(firm))
    )


class FirmIndex:
    """The stored firms by USCC, LEI and name key, and the keep-apart pairs; built once for a
    batch (``load``) so that matching a record costs dictionary look-ups."""

    def __init__(self, firms: Iterable[FirmKeys], apart: Iterable[tuple[int, int]] = ()) -> None:
        self.firms: dict[int, FirmKeys] = {}
        self.by_uscc: dict[str, int] = {}
        self.by_lei: dict[str, int] = {}
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self._postings: dict[str, set[str]] = defaultdict(set)  # token -> keys holding it
        self._tokens: dict[str, frozenset[str]] = {}  # built on the first similar_keys call
        self.apart: set[tuple[int, int]] = {_pair(a, b) for a, b in apart}
        for firm in firms:
            self.add(firm)

    @classmethod
    def load(cls, *, session: Session, hub_id: int | None = None) -> FirmIndex:
        """Every stored firm (of ``hub_id`` when given) and every keep-apart decision."""
        columns = (Firm.id, Firm.name_en, Firm.name_zh, Firm.other_names, Firm.uscc, Firm.lei)
        query = select(*columns)
        if hub_id is not None:
            query = query.where(Firm.hub_id == hub_id)
        firms = []
        for fid, en, zh, other, uscc, lei in session.exec(query).all():
            keys = {normalize_name(n) for n in (en, zh, *split_names(other)) if n}
            shown = en or zh or f"company {fid}"
            firms.append(FirmKeys(fid, shown, uscc, lei, frozenset(keys - {""})))
        pairs = session.exec(select(DuplicateDecision.firm_a_id, DuplicateDecision.firm_b_id))
        return cls(firms, [(a, b) for a, b in pairs.all()])

    def add(self, firm: FirmKeys) -> None:
        """Index ``firm`` (a firm created during the batch, or one just loaded)."""
        self.firms[firm.id] = firm
        if firm.uscc:
            self.by_uscc[firm.uscc] = firm.id
        if firm.lei:
            self.by_lei[firm.lei] = firm.id
        for key in firm.keys:
            self.by_key[key].add(firm.id)
            if self._tokens:
                self._post(key)

    def _post(self, key: str) -> None:
        if key not in self._tokens:
            self._tokens[key] = frozenset(_tokens(key))
            for token in self._tokens[key]:
                self._postings[token].add(key)

    def kept_apart(self, a: int, b: int) -> bool:
        """Whether a person decided that firms ``a`` and ``b`` are different companies."""
        return _pair(a, b) in self.apart

    def similar_keys(self, key: str) -> list[tuple[str, float]]:
        """Stored keys alike to ``key`` (ratio >= SIMILAR_AT, not equal), best first.

        Exact, without comparing every key: a ratio 2M/(a+b) >= r needs M >= r*a/(2-r)
        characters of ``key`` in common (M <= b), so a key alike holds at least one of the
        a - ceil(r*a/(2-r)) + 1 rarest characters of ``key`` (prefix filtering): only the keys
        listed under those characters are compared."""
        if not self._tokens:
            for stored in self.by_key:
                self._post(stored)
        mine = frozenset(_tokens(key))
        need = math.ceil(SIMILAR_AT * len(key) / (2 - SIMILAR_AT) - 1e-9)
        tokens = sorted(mine, key=lambda token: (len(self._postings.get(token, ())), token))
        candidates: set[str] = set()
        for token in tokens[: len(key) - need + 1]:
            candidates |= self._postings.get(token, set())
        found = []
        for other in candidates:
            total = len(key) + len(other)
            if other == key or 2 * min(len(key), len(other)) < SIMILAR_AT * total:
                continue
            if 2 * len(mine & self._tokens[other]) < SIMILAR_AT * total:
                continue
            if (score := similarity(key, other)) >= SIMILAR_AT:
                found.append((other, score))
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))


def match_fields(
    index: FirmIndex, fields: Mapping[str, Any], *, linked: int | None = None
) -> list[Match]:
    """The stored firms a record with firm ``fields`` (USCC and LEI compacted) may be; the
    decisive ones first. ``linked`` is the firm its source already stored it on, if any."""
    found: list[Match] = []
    seen: set[int] = set()

    def keep(firm_id: int, kind: str, score: float, why: str) -> None:
        if firm_id in seen or firm_id not in index.firms:
            return
        seen.add(firm_id)
        firm = index.firms[firm_id]
        conflict = key_conflict(fields, firm)
        found.append(Match(firm_id, kind, score, why, firm.name, conflict))

    if linked is not None:
        keep(linked, "source", 1.0, "this source already sent this record for the firm")
    for key, table in (("uscc", index.by_uscc), ("lei", index.by_lei)):
        if (code := fields.get(key)) and code in table:
            keep(table[code], key, 1.0, f"same {key.upper()} {code}")
    decided = [m.firm_id for m in found]
    keys = name_keys(fields)
    for key in sorted(keys):
        for firm_id in sorted(index.by_key.get(key, ())):
            if not any(index.kept_apart(firm_id, d) for d in decided):
                keep(firm_id, "name", 1.0, f"same name key {key!r}")
    if found:  # decided, or likely duplicates to review: possible matches add nothing
        return found
    for key in sorted(keys):
        for other, score in index.similar_keys(key):
            for firm_id in sorted(index.by_key[other]):
                if not any(index.kept_apart(firm_id, d) for d in decided):
                    keep(firm_id, "similar", round(score, 3), f"{key!r} is like {other!r}")
    return found


def source_links(*, session: Session, source: str, external_ids: Iterable[str]) -> dict[str, int]:
    """external id -> the firm its latest stored record from ``source`` is on."""
    wanted = sorted(set(external_ids))
    links: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        query = (
            select(SourceRecord.external_id, SourceRecord.firm_id)
            .where(SourceRecord.source == source)
            .where(col(SourceRecord.external_id).in_(wanted[start : start + 500]))
            .where(col(SourceRecord.firm_id).is_not(None))
            .order_by(col(SourceRecord.id))
        )
        for external_id, firm_id in session.exec(query).all():
            links[external_id] = firm_id
    return links


def find_matches(*, session: Session, record: Any, index: FirmIndex | None = None) -> list[Match]:
    """The stored firms a ``CompanyRecord`` may be (see the module for the order and rules)."""

    index = index or FirmIndex.load(session=session)
    fields = compact_keys(dict(record.fields))
    links = source_links(session=session, source=record.source, external_ids=[record.external_id])
    return match_fields(index, fields, linked=links.get(record.external_id))


def likely_duplicates(*, session: Session, hub_id: int | None = None) -> list[DuplicatePair]:
    """Stored firms (of ``hub_id`` when given) sharing a name key and not kept apart, by key.

    Firms are grouped by key in one pass (no comparison of every pair of firms)."""
    index = FirmIndex.load(session=session, hub_id=hub_id)
    pairs: dict[tuple[int, int], DuplicatePair] = {}
    for key in sorted(index.by_key):
        ids = sorted(index.by_key[key])
        for a, b in itertools.combinations(ids, 2):
            if (a, b) in pairs or index.kept_apart(a, b):
                continue
            first, second = index.firms[a], index.firms[b]
            conflict = key_conflict({"uscc": first.uscc, "lei": first.lei}, second)
            pairs[(a, b)] = DuplicatePair(a, b, first.name, second.name, key, conflict)
    return list(pairs.values())
