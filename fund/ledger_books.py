"""A fund's stored ledger as the file sees it: entries by ref, names resolved to ids.

A row names things the way a person does (an LP's name, a company's name or USCC, the ref of
the entry a reversal reverses); ``Resolver`` turns those into ids, and ``Books`` holds a fund's
stored entries by their ref and turns each back into a file row. An entry recorded without a
ref (through a form) is known by a generated ref, ``#<id>-<8 hex digits>``, that an export
writes and an import recognises.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import Session, col, func, or_, select

from models.fund import Fund, Lp
from models.hub import Firm
from models.ledger import HOLDING_ENTRIES, LP_ENTRIES, LedgerEntry

REVERSAL = "reversal"
INVESTMENT_COLUMNS = ("instrument", "round_stage", "shares", "pre_money", "post_money")


def generated_ref(entry: LedgerEntry) -> str:
    """The ref of an entry recorded without one: ``#<id>-`` and a hash of id and timestamp."""
    digest = hashlib.sha1(f"{entry.id}|{entry.recorded_at.isoformat()}".encode()).hexdigest()
    return f"#{entry.id}-{digest[:8]}"


class Resolver:
    """Names in a file to ids: LPs by name or Chinese name, companies also by USCC."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._found: dict[tuple[str, str], int | str] = {}
        self._labels: dict[tuple[str, int], str] = {}

    def _one(self, what: str, text: str) -> int:
        key = (what, text)
        if key not in self._found:
            self._found[key] = self._lookup(what, text)
        found = self._found[key]
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def _lookup(self, what: str, text: str) -> int | str:
        if what == "lp":
            exact: Any = or_(Lp.name == text, Lp.name_zh == text)
            loose: Any = func.lower(Lp.name) == text.lower()
            query: Any = select(Lp.id, Lp.name)
        else:
            exact = or_(Firm.name_en == text, Firm.name_zh == text, Firm.uscc == text.upper())
            loose = func.lower(Firm.name_en) == text.lower()
            query = select(Firm.id, func.coalesce(Firm.name_en, Firm.name_zh))
        rows = (
            self.session.exec(query.where(exact)).all()
            or self.session.exec(query.where(loose)).all()
        )
        if len(rows) == 1:
            return int(rows[0][0])
        if not rows:
            given = "name or Chinese name" if what == "lp" else "English or Chinese name or USCC"
            noun = "an LP" if what == "lp" else "a company"
            return f"{text!r} is not {noun} in the store (give its {given})"
        listed = ", ".join(f"#{row[0]} {row[1]}" for row in rows[:5])
        return f"{text!r} matches {len(rows)} ({listed}): give the USCC or the Chinese name"

    def lp(self, text: str) -> int:
        return self._one("lp", text)

    def firm(self, text: str) -> int:
        return self._one("firm", text)

    def label(self, what: str, id_: int) -> str:
        """The first of an LP's or company's names that resolves back to it alone."""
        if (what, id_) not in self._labels:
            self._labels[(what, id_)] = self._label(what, id_)
        return self._labels[(what, id_)]

    def _label(self, what: str, id_: int) -> str:
        if what == "lp":
            lp = self.session.get(Lp, id_)
            names = [] if lp is None else [lp.name, lp.name_zh]
        else:
            firm = self.session.get(Firm, id_)
            names = [] if firm is None else [firm.name_en, firm.name_zh, firm.uscc]
        for name in filter(None, names):
            try:
                if self._one(what, name) == id_:
                    return name
            except ValueError:
                continue
        return next(filter(None, names), f"#{id_}")


class Books:
    """A fund's stored entries, by id and by ref, and each as a file row."""

    def __init__(self, session: Session, fund: Fund) -> None:
        self.fund = fund
        self.resolver = Resolver(session)
        query = select(LedgerEntry).where(LedgerEntry.fund_id == fund.id)
        self.entries = list(
            session.exec(query.order_by(col(LedgerEntry.entry_date), col(LedgerEntry.id))).all()
        )
        self.by_id = {entry.id: entry for entry in self.entries}
        self.by_ref = {self.ref_of(entry): entry for entry in self.entries}
        self.reversal_of = {e.reverses_id: e for e in self.entries if e.reverses_id is not None}

    @staticmethod
    def ref_of(entry: LedgerEntry) -> str:
        return entry.external_ref or generated_ref(entry)

    def find(self, ref: str) -> LedgerEntry | None:
        """The stored entry a file ref names: by its ref, or by its generated ref."""
        return self.by_ref.get(ref)

    def facts(self, entry: LedgerEntry) -> dict[str, Any]:
        """What a row says about ``entry``, in ``ParsedRow.facts`` terms."""
        facts: dict[str, Any] = {"date": entry.entry_date, "memo": (entry.memo or "").strip()}
        facts["memo"] = facts["memo"] or None
        if entry.reverses_id is not None:
            return facts | {"type": REVERSAL, "reverses": entry.reverses_id}
        facts |= {"type": entry.entry_type, "category": entry.category}
        if entry.entry_type != "write_off":
            facts |= {"amount": entry.amount, "currency": entry.currency}
        if entry.entry_type in LP_ENTRIES:
            facts["lp"] = entry.lp_id
        if entry.entry_type in HOLDING_ENTRIES:
            facts["company"] = entry.firm_id
        if entry.entry_type == "investment":
            facts |= {name: getattr(entry, name) for name in INVESTMENT_COLUMNS}
        if entry.entry_type in ("proceeds", "write_off"):
            facts["cost_released"] = entry.cost_released
        return facts

    def row(self, entry: LedgerEntry) -> dict[str, Any]:
        """``entry`` as an export row (typed values: dates, Decimals)."""
        facts = self.facts(entry)
        row: dict[str, Any] = {"ref": self.ref_of(entry), **facts}
        if entry.reverses_id is not None:
            row["reverses"] = self.ref_of(self.by_id[entry.reverses_id])
        if "lp" in facts:
            row["lp"] = self.resolver.label("lp", entry.lp_id or 0)
        if "company" in facts:
            row["company"] = self.resolver.label("firm", entry.firm_id or 0)
        return row | {
            "id": entry.id,
            "fx_rate": entry.fx_rate,
            "amount_fund": entry.amount_fund,
            "fund_currency": self.fund.currency,
            "recorded_at": entry.recorded_at,
            "recorded_by": entry.recorded_by,
        }
