"""Demo corrections: a few ledger entries keyed wrongly, reversed and keyed again.

The ledger is append-only: a mistake stays in the book, a reversal (the same entry with its
amounts negated) cancels it, and the right entry is recorded after it. The kinds: a call keyed
with an extra zero (caught two days later), a CNY cheque booked in USD (caught the same day),
a call booked to the wrong LP (caught three days later).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from fund.demo_fund_history import LedgerOp
from fund.demo_fund_portfolio import FundSpec


def _mistake(kind: str, op: LedgerOp, spec: FundSpec) -> tuple[dict[str, Any], str, int]:
    """(the mistaken entry's fields, the reversal's memo, days until it is caught)."""
    fields = dict(op.fields)
    if kind == "call_amount":
        fields["amount"] = op.fields["amount"] * 10
        memo = f"demo: keyed {fields['amount']:,} instead of {op.fields['amount']:,}; re-recorded"
        return fields, memo, 2
    if kind == "investment_currency":
        fields["currency"] = "USD"
        return fields, "demo: booked in USD, the cheque was in CNY; re-recorded", 0
    others = [name for name, _ in spec.lps if name != op.fields["lp"]]
    fields["lp"] = others[-1]
    return fields, f"demo: called from {others[-1]} instead of {op.fields['lp']}; re-recorded", 3


def with_reversals(rng: random.Random, spec: FundSpec, ops: list[LedgerOp]) -> list[LedgerOp]:
    """``ops`` with a mistaken entry, its reversal and the re-recorded entry for each of the
    spec's ``reversals``, in the order they are keyed in."""
    keyed = [(op.entry_date, op) for op in ops]
    for n, kind in enumerate(spec.reversals, start=1):
        if kind == "investment_currency":
            pool = [op for op in ops if op.kind == "investment" and op.fields["currency"] == "CNY"]
        else:
            pool = [
                op
                for op in ops
                if op.kind == "call"
                and op.fields["category"] == "investment"
                and op.entry_date.year >= spec.vintage.year + 1
            ]
        if not pool:
            continue
        op = rng.choice(pool[: max(1, len(pool) // 2)])
        fields, memo, days = _mistake(kind, op, spec)
        caught = op.entry_date + timedelta(days=days)
        key = f"{spec.name}: mistake {n}"
        index = next(i for i, (_, o) in enumerate(keyed) if o is op)
        keyed[index] = (op.entry_date, LedgerOp(op.kind, op.entry_date, fields, key=key))
        keyed.append((caught, LedgerOp("reversal", caught, {"memo": memo}, reverses=key)))
        keyed.append((caught, op))
    keyed.sort(key=lambda pair: pair[0])  # stable: reversals after the day's other entries
    return [op for _, op in keyed]
