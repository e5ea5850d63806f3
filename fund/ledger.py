"""Recording money movements: calls, distributions, investments, proceeds, payments,
write-offs and reversals, each checked before anything is written.

Every function takes the session and the acting person, checks the role, validates the
entry against the fund and its books (vintage, currency and FX rate for the date, LP
commitment, cash held, cost held), then appends one ledger row (the audit log records
it). On any refusal it raises and writes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from fund.access import Actor, require, require_fund
from fund.positions import cash_on, ledger_frame, position_of
from models.fund import Commitment, Fund, Lp
from models.fx import MissingFxRate, rate_on
from models.hub import Firm, FundingRound
from models.ledger import LedgerEntry, LedgerEntryPublic
from models.ledger_inputs import (
    CapitalCallCreate,
    DistributionCreate,
    FundPaymentCreate,
    InvestmentCreate,
    MoneyInput,
    ProceedsCreate,
    ReversalCreate,
    WriteOffCreate,
)
from models.validation import InputError

WRITERS = ("fund_manager",)
CENT = Decimal("0.01")


def fund_of(*, session: Session, fund_id: int) -> Fund:
    """The fund with id ``fund_id``, or ``InputError``."""
    fund = session.get(Fund, fund_id)
    if fund is None:
        raise InputError(f"fund_id: {fund_id!r} is not a known fund")
    return fund


def _dated_after_vintage(fund: Fund, on: date) -> None:
    if on < fund.vintage:
        raise InputError(
            f"entry_date: {on.isoformat()} is before the vintage of {fund.name} "
            f"({fund.vintage.isoformat()})"
        )


def _converted(session: Session, fund: Fund, entry: MoneyInput) -> dict[str, Any]:
    try:
        rate = rate_on(
            session=session, base=entry.currency, quote=fund.currency, on=entry.entry_date
        )
    except MissingFxRate as exc:
        raise InputError(f"currency: {entry.currency!r}: {exc}") from None
    return {
        "amount": entry.amount,
        "currency": entry.currency,
        "fx_rate": rate,
        "amount_fund": (entry.amount * rate).quantize(CENT),
    }


def _append(session: Session, actor: Actor, fund: Fund, **fields: Any) -> LedgerEntryPublic:
    if fields.get("external_ref"):
        clash = session.exec(
            select(LedgerEntry.id).where(
                LedgerEntry.fund_id == fund.id, LedgerEntry.external_ref == fields["external_ref"]
            )
        ).first()
        if clash is not None:
            raise InputError(
                f"external_ref: {fields['external_ref']!r} is already entry #{clash} of {fund.name}"
            )
    entry = LedgerEntry(fund_id=fund.id, recorded_by=actor.audit_name, **fields)
    session.add(entry)
    session.flush()
    return LedgerEntryPublic.model_validate(entry)


def _committed_lp(session: Session, fund: Fund, lp_id: int) -> Lp:
    lp = session.get(Lp, lp_id)
    if lp is None:
        raise InputError(f"lp_id: {lp_id!r} is not a known LP")
    found = session.exec(
        select(Commitment).where(Commitment.fund_id == fund.id, Commitment.lp_id == lp_id)
    ).first()
    if found is None:
        raise InputError(f"lp_id: {lp.name} has no commitment to {fund.name}")
    return lp


def _entry(session: Session, actor: Actor, entry: MoneyInput, action: str) -> tuple[Fund, dict]:
    require(actor, *WRITERS, action=action)
    fund = fund_of(session=session, fund_id=entry.fund_id)
    require_fund(actor, entry.fund_id, action=action)
    _dated_after_vintage(fund, entry.entry_date)
    base = {"entry_date": entry.entry_date, "memo": entry.memo, "external_ref": entry.external_ref}
    return fund, base | _converted(session, fund, entry)


def record_call(*, session: Session, actor: Actor, call_in: CapitalCallCreate) -> LedgerEntryPublic:
    """Append a capital call from one LP, itemized by what it pays for."""
    fund, fields = _entry(session, actor, call_in, "record a capital call")
    _committed_lp(session, fund, call_in.lp_id)
    return _append(
        session,
        actor,
        fund,
        entry_type="capital_call",
        category=call_in.category,
        lp_id=call_in.lp_id,
        **fields,
    )


def record_distribution(
    *, session: Session, actor: Actor, distribution_in: DistributionCreate
) -> LedgerEntryPublic:
    """Append a distribution to one LP; refused when it exceeds the cash the fund holds."""
    fund, fields = _entry(session, actor, distribution_in, "record a distribution")
    _committed_lp(session, fund, distribution_in.lp_id)
    held = cash_on(session=session, fund_id=fund.id or 0, on=distribution_in.entry_date)
    if fields["amount_fund"] > held:
        raise InputError(
            f"amount: {fields['amount_fund']:,} {fund.currency} is more than the {held:,} "
            f"{fund.currency} {fund.name} holds on {distribution_in.entry_date.isoformat()}"
        )
    return _append(
        session,
        actor,
        fund,
        entry_type="distribution",
        category=distribution_in.category,
        lp_id=distribution_in.lp_id,
        **fields,
    )


def record_fund_payment(
    *, session: Session, actor: Actor, payment_in: FundPaymentCreate
) -> LedgerEntryPublic:
    """Append a payment by the fund: management fee, fund expense or carried interest."""
    fund, fields = _entry(session, actor, payment_in, "record a fund payment")
    return _append(
        session, actor, fund, entry_type="fund_payment", category=payment_in.category, **fields
    )


def _firm(session: Session, firm_id: int) -> Firm:
    firm = session.get(Firm, firm_id)
    if firm is None:
        raise InputError(f"firm_id: {firm_id!r} is not a known company")
    return firm


def record_investment(
    *, session: Session, actor: Actor, investment_in: InvestmentCreate
) -> LedgerEntryPublic:
    """Append a cheque into a company: initial, or follow-on when the fund already holds it.

    Ownership = this cheque / post-money valuation, when the post-money is given.
    """
    fund, fields = _entry(session, actor, investment_in, "record an investment")
    _firm(session, investment_in.firm_id)
    if investment_in.funding_round_id is not None:
        rnd = session.get(FundingRound, investment_in.funding_round_id)
        if rnd is None or rnd.firm_id != investment_in.firm_id:
            raise InputError(
                f"funding_round_id: {investment_in.funding_round_id!r} is not a round of "
                f"company {investment_in.firm_id}"
            )
    entries = ledger_frame(
        session=session,
        fund_ids=[fund.id or 0],
        until=investment_in.entry_date,
        firm_id=investment_in.firm_id,
    )
    held = position_of(entries, investment_in.firm_id).invested > 0
    post = investment_in.post_money
    return _append(
        session,
        actor,
        fund,
        entry_type="investment",
        category="follow_on" if held else "initial",
        firm_id=investment_in.firm_id,
        instrument=investment_in.instrument,
        round_stage=investment_in.round_stage,
        funding_round_id=investment_in.funding_round_id,
        shares=investment_in.shares,
        pre_money=investment_in.pre_money,
        post_money=post,
        ownership=None if post is None else (investment_in.amount / post).quantize(Decimal("1e-6")),
        **fields,
    )


def _release(entries: Any, fund: Fund, firm_id: int, asked: Decimal | None, on: date) -> Decimal:
    remaining = position_of(entries, firm_id).remaining_cost
    if remaining <= 0:
        raise InputError(f"firm_id: {fund.name} holds no cost in company {firm_id} on {on}")
    released = remaining if asked is None else asked
    if released > remaining:
        raise InputError(
            f"cost_released: {released:,} is more than the {remaining:,} {fund.currency} of cost "
            f"{fund.name} holds in company {firm_id}"
        )
    return released


def record_proceeds(
    *, session: Session, actor: Actor, proceeds_in: ProceedsCreate
) -> LedgerEntryPublic:
    """Append money back from a company: an exit (all the remaining cost released unless
    stated), a partial exit (``cost_released`` required), a dividend or interest."""
    fund, fields = _entry(session, actor, proceeds_in, "record proceeds")
    _firm(session, proceeds_in.firm_id)
    entries = ledger_frame(
        session=session,
        fund_ids=[fund.id or 0],
        until=proceeds_in.entry_date,
        firm_id=proceeds_in.firm_id,
    )
    released = None
    if proceeds_in.category in ("exit", "partial_exit"):
        if proceeds_in.category == "partial_exit" and proceeds_in.cost_released is None:
            raise InputError("cost_released: a partial exit states the cost it releases")
        released = _release(
            entries, fund, proceeds_in.firm_id, proceeds_in.cost_released, proceeds_in.entry_date
        )
    elif position_of(entries, proceeds_in.firm_id).invested <= 0:
        raise InputError(f"firm_id: {fund.name} never invested in company {proceeds_in.firm_id}")
    return _append(
        session,
        actor,
        fund,
        entry_type="proceeds",
        category=proceeds_in.category,
        firm_id=proceeds_in.firm_id,
        cost_released=released,
        **fields,
    )


def record_write_off(
    *, session: Session, actor: Actor, write_off_in: WriteOffCreate
) -> LedgerEntryPublic:
    """Write off (all or part of) a holding's cost: no cash moves."""
    require(actor, *WRITERS, action="record a write-off")
    require_fund(actor, write_off_in.fund_id, action="record a write-off")
    fund = fund_of(session=session, fund_id=write_off_in.fund_id)
    _dated_after_vintage(fund, write_off_in.entry_date)
    entries = ledger_frame(
        session=session,
        fund_ids=[fund.id or 0],
        until=write_off_in.entry_date,
        firm_id=write_off_in.firm_id,
    )
    released = _release(
        entries, fund, write_off_in.firm_id, write_off_in.cost_released, write_off_in.entry_date
    )
    return _append(
        session,
        actor,
        fund,
        entry_type="write_off",
        category="write_off",
        entry_date=write_off_in.entry_date,
        amount=Decimal("0.00"),
        currency=fund.currency,
        fx_rate=Decimal(1),
        amount_fund=Decimal("0.00"),
        firm_id=write_off_in.firm_id,
        cost_released=released,
        memo=write_off_in.memo,
        external_ref=write_off_in.external_ref,
    )


def reverse_entry(
    *, session: Session, actor: Actor, reversal_in: ReversalCreate
) -> LedgerEntryPublic:
    """Append the reversal of an entry: the same entry with its amounts negated, linked to it.

    The original stays. A reversal cannot itself be reversed, and an entry is reversed once.
    """
    require(actor, *WRITERS, action="reverse a ledger entry")
    original = session.get(LedgerEntry, reversal_in.entry_id)
    if original is None:
        raise InputError(f"entry_id: {reversal_in.entry_id!r} is not a ledger entry")
    require_fund(actor, original.fund_id, action="reverse a ledger entry")
    if original.reverses_id is not None:
        raise InputError(
            f"entry_id: entry #{original.id} is itself the reversal of #{original.reverses_id}; "
            "a reversal cannot be reversed (record the entry again instead)"
        )
    done = session.exec(select(LedgerEntry.id).where(LedgerEntry.reverses_id == original.id))
    if (already := done.first()) is not None:
        raise InputError(f"entry_id: entry #{original.id} was already reversed by #{already}")
    if reversal_in.entry_date < original.entry_date:
        raise InputError(
            f"entry_date: {reversal_in.entry_date.isoformat()} is before the entry it reverses "
            f"({original.entry_date.isoformat()})"
        )
    fund = fund_of(session=session, fund_id=original.fund_id)
    negated = {
        name: (None if getattr(original, name) is None else -getattr(original, name))
        for name in ("amount", "amount_fund", "cost_released", "shares")
    }
    copied = {
        name: getattr(original, name)
        for name in (
            "entry_type",
            "category",
            "currency",
            "fx_rate",
            "lp_id",
            "firm_id",
            "instrument",
            "round_stage",
            "funding_round_id",
            "pre_money",
            "post_money",
            "ownership",
            "is_demo",
        )
    }
    return _append(
        session,
        actor,
        fund,
        entry_date=reversal_in.entry_date,
        memo=reversal_in.memo,
        reverses_id=original.id,
        **copied,
        **negated,
    )
