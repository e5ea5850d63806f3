"""The money type's parsing and its refusals (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.money import Money, MoneyError, format_money, parse_amount, validate_currency


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.5", Decimal("12.50")),
        (7, Decimal("7.00")),
        ("1,234,567.89", Decimal("1234567.89")),
        (Decimal("-0.01"), Decimal("-0.01")),
    ],
)
def test_parse_amount_accepts_exact_values(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1.001", "more than 2 decimal places"),
        (0.1, "is a float"),
        ("ten", "is not a number"),
        ("NaN", "not a finite amount"),
        ("1e17", "larger than the store can hold"),
    ],
)
def test_parse_amount_refuses_with_field_and_value(raw, message):
    with pytest.raises(MoneyError, match=message) as info:
        parse_amount(raw, field="amount_cny")
    assert str(info.value).startswith("amount_cny: ") and repr(raw) in str(info.value)


@pytest.mark.parametrize("code", ["CNY", "usd", " HKD "])
def test_known_currencies_are_accepted(code):
    assert validate_currency(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["RMB", "XXXX", "", None])
def test_unknown_currency_is_refused_naming_it(code):
    with pytest.raises(MoneyError, match="not an ISO 4217 currency code"):
        validate_currency(code)


def test_money_refuses_to_add_across_currencies():
    with pytest.raises(MoneyError, match="cannot add USD to CNY"):
        Money(Decimal(1), "CNY") + Money(Decimal(1), "USD")


def test_money_formats_with_thousands_separators():
    assert str(Money(Decimal("1234567.8"), "CNY")) == "CNY 1,234,567.80"
    assert format_money(Decimal("10000000000"), "CNY", decimals=0) == "CNY 10,000,000,000"
