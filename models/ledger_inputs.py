"""What a person (a form, an import row) gives to record a ledger entry, validated.

Amounts are positive magnitudes in ``currency`` with at most 2 decimals: the entry type
says which way the money goes, so a negative or zero amount is the wrong sign. Corrections
are not edits: a ``ReversalCreate`` names the entry to reverse and why.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import field_validator, model_validator
from sqlmodel import SQLModel

from models.hub import STAGES
from models.ledger import CATEGORIES, INSTRUMENTS
from models.money import parse_amount, validate_currency
from models.validation import not_in_future


def _positive(value: object, field: str) -> Decimal:
    amount = parse_amount(value, field=field)
    if amount <= 0:
        raise ValueError(f"{value!r} is zero or negative: give the amount as a positive figure")
    return amount


class EntryInput(SQLModel):
    fund_id: int
    entry_date: date
    memo: str | None = None
    external_ref: str | None = None

    @field_validator("entry_date")
    @classmethod
    def _dated(cls, value: date) -> date:
        return not_in_future(value)


class MoneyInput(EntryInput):
    amount: Decimal
    currency: str

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: object) -> Decimal:
        return _positive(value, "amount")

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return validate_currency(value)


def _category(entry_type: str, value: str) -> str:
    allowed = CATEGORIES[entry_type]
    if value not in allowed:
        raise ValueError(f"{value!r} is not a {entry_type} category ({', '.join(allowed)})")
    return value


class CapitalCallCreate(MoneyInput):
    lp_id: int
    category: str = "investment"

    @field_validator("category")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _category("capital_call", value)


class DistributionCreate(MoneyInput):
    lp_id: int
    category: str = "return_of_capital"

    @field_validator("category")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _category("distribution", value)


class FundPaymentCreate(MoneyInput):
    category: str = "management_fee"

    @field_validator("category")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _category("fund_payment", value)


class InvestmentCreate(MoneyInput):
    firm_id: int
    instrument: str = "equity"
    round_stage: str | None = None
    funding_round_id: int | None = None
    shares: Decimal | None = None
    pre_money: Decimal | None = None
    post_money: Decimal | None = None

    @field_validator("instrument")
    @classmethod
    def _instrument(cls, value: str) -> str:
        if value not in INSTRUMENTS:
            raise ValueError(f"{value!r} is not one of: {', '.join(INSTRUMENTS)}")
        return value

    @field_validator("round_stage")
    @classmethod
    def _stage(cls, value: str | None) -> str | None:
        if value is not None and value not in STAGES:
            raise ValueError(f"{value!r} is not one of: {', '.join(STAGES)}")
        return value

    @field_validator("pre_money", "post_money", mode="before")
    @classmethod
    def _valuation(cls, value: object) -> Decimal | None:
        return None if value in (None, "") else _positive(value, "valuation")

    @field_validator("shares")
    @classmethod
    def _shares(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value <= 0:
            raise ValueError(f"{value} shares: give a positive number")
        return value

    @model_validator(mode="after")
    def _round(self) -> InvestmentCreate:
        if self.pre_money is not None and self.post_money is not None:
            if self.post_money < self.pre_money + self.amount:
                raise ValueError(
                    f"post_money {self.post_money} is less than pre_money {self.pre_money} "
                    f"plus this cheque {self.amount}"
                )
        return self


class ProceedsCreate(MoneyInput):
    firm_id: int
    category: str = "exit"
    cost_released: Decimal | None = None  # fund currency; exits default to the remaining cost

    @field_validator("category")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _category("proceeds", value)

    @field_validator("cost_released", mode="before")
    @classmethod
    def _released(cls, value: object) -> Decimal | None:
        return None if value in (None, "") else _positive(value, "cost_released")


class WriteOffCreate(EntryInput):
    firm_id: int
    cost_released: Decimal | None = None  # default: all the remaining cost

    @field_validator("cost_released", mode="before")
    @classmethod
    def _released(cls, value: object) -> Decimal | None:
        return None if value in (None, "") else _positive(value, "cost_released")


class ReversalCreate(SQLModel):
    entry_id: int
    entry_date: date
    memo: str
    external_ref: str | None = None

    @field_validator("entry_date")
    @classmethod
    def _dated(cls, value: date) -> date:
        return not_in_future(value)

    @field_validator("memo")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a reversal says why (memo is empty)")
        return value.strip()
