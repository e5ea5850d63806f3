"""Money, numbers, ratios and dates as the pages show them, in English and in Chinese (万/亿)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app_pages.formatting import (
    fmt_compact,
    fmt_date,
    fmt_money,
    fmt_multiple,
    fmt_number,
    fmt_pct,
    money_unit,
    na,
    scaled,
)
from fund.results import Undefined

D = Decimal


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (D(0), "CNY", "0.00 元"),
        (D("0.004"), "CNY", "0.00 元"),  # never "-0.00"
        (D("-0.004"), "CNY", "0.00 元"),
        (D("512.5"), "CNY", "512.50 元"),
        (D(8000), "CNY", "8,000 元"),
        (D(9999), "CNY", "9,999 元"),
        (D("9999.4"), "CNY", "9,999 元"),
        (D("9999.5"), "CNY", "1.0 万元"),  # rounds (half up) to 10,000: the next unit
        (D(10000), "CNY", "1.0 万元"),
        (D(-10000), "CNY", "-1.0 万元"),
        (D(3502000), "CNY", "350.2 万元"),
        (D(3502500), "CNY", "350.3 万元"),  # half up, not to even
        (D(3503500), "CNY", "350.4 万元"),
        (D(99995000), "CNY", "9,999.5 万元"),
        (D(99999499), "CNY", "9,999.9 万元"),
        (D(99999600), "CNY", "1.00 亿元"),  # 9,999.96 万 rounds to 10,000.0 万: 亿
        (D(99999999), "CNY", "1.00 亿元"),
        (D(100000000), "CNY", "1.00 亿元"),
        (D(123456789), "CNY", "1.23 亿元"),
        (D(-123456789), "CNY", "-1.23 亿元"),
        (D(125000000), "CNY", "1.25 亿元"),
        (D(10) ** 10, "CNY", "100.00 亿元"),
        (D(7580) * 10**7, "CNY", "758.00 亿元"),
        (D(3502000), "USD", "350.2 万美元"),
        (D(123456789), "USD", "1.23 亿美元"),
        (D(8000), "USD", "8,000 美元"),
        (D(3502000), "HKD", "350.2 万港元"),
        (D(3502000), "EUR", "350.2 万 EUR"),
        (D(8000), "EUR", "8,000 EUR"),
        (D(123456789), "", "1.23 亿"),  # the currency stated elsewhere (a tile's label)
        (8000.5, "CNY", "8,001 元"),  # a float is taken by its repr
        (12345, "CNY", "1.2 万元"),
    ],
)
def test_chinese_compact_money_in_wan_and_yi(amount, currency, shown):
    assert fmt_compact(amount, currency, language="zh") == shown


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (D(0), "CNY", "0 元"),
        (D("9999.60"), "CNY", "9,999.60 元"),
        (D(8000), "CNY", "8,000 元"),
        (D(10) ** 10, "CNY", "100 亿元"),
        (D("2500000000"), "CNY", "25 亿元"),
        (D("1250000.50"), "CNY", "125.00005 万元"),
        (D("-99999999"), "CNY", "-9,999.9999 万元"),
        (D(100000000), "USD", "1 亿美元"),
        (D(5), "EUR", "5 EUR"),
    ],
)
def test_chinese_full_money_keeps_every_digit(amount, currency, shown):
    assert fmt_money(amount, currency, language="zh") == shown


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (D(0), "CNY", "CNY 0.00"),
        (D(-5), "CNY", "CNY -5.00"),
        (D("512.5"), "CNY", "CNY 512.50"),
        (D(12345), "CNY", "CNY 12,345"),
        (D("999999.4"), "CNY", "CNY 999,999"),
        (D(1000000), "CNY", "CNY 1.00 m"),
        (D(350200000), "CNY", "CNY 350.20 m"),
        (D(-350200000), "CNY", "CNY -350.20 m"),
        (D(994999999), "CNY", "CNY 995.00 m"),
        (D(999999999), "CNY", "CNY 1.00 bn"),  # 1,000.00 m rounds into the next unit
        (D(75800000000), "CNY", "CNY 75.80 bn"),
        (D(75805000000), "USD", "USD 75.81 bn"),  # half up
        (D(350200000), "", "350.20 m"),
    ],
)
def test_english_compact_money_in_millions_and_billions(amount, currency, shown):
    assert fmt_compact(amount, currency, language="en") == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (D(10) ** 10, "CNY 10,000,000,000"),
        (D("1250000.50"), "CNY 1,250,001"),  # whole units from a thousand up, half up
        (D("999.995"), "CNY 1,000.00"),
        (D("0.5"), "CNY 0.50"),
        (D(-2500), "CNY -2,500"),
    ],
)
def test_english_full_money(amount, shown):
    assert fmt_money(amount, "CNY", language="en") == shown


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("nothing", [None, Undefined("no flows"), float("nan")])
def test_money_without_a_value_is_a_dash(language, nothing):
    assert fmt_money(nothing, "CNY", language=language) == "-"
    assert fmt_compact(nothing, "CNY", language=language) == "-"


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (D("1234.5"), 0, "1,235"),
        (D("2.345"), 2, "2.35"),
        (7, 0, "7"),
        (None, 0, "-"),
        (Undefined("no target"), 0, "-"),
    ],
)
def test_numbers_have_thousands_separators(value, decimals, shown):
    assert fmt_number(value, decimals=decimals) == shown


@pytest.mark.parametrize(
    ("value", "signed", "shown"),
    [(0.8333, False, "83.3 %"), (-0.71, True, "-71.0 %"), (0.05, True, "+5.0 %")],
)
def test_percentages(value, signed, shown):
    assert fmt_pct(value, signed=signed) == shown


def test_multiples_and_missing_ratios():
    assert fmt_multiple(D("1.354")) == "1.35x"
    assert fmt_pct(Undefined("no sign change")) == fmt_multiple(None) == "n/a"
    assert na(language="zh") == "不适用"


@pytest.mark.parametrize(
    ("day", "english", "chinese"),
    [
        (date(2026, 11, 22), "22 Nov 2026", "2026年11月22日"),
        (date(2018, 6, 30), "30 Jun 2018", "2018年6月30日"),
        (datetime(2025, 1, 5, 13, 45), "5 Jan 2025", "2025年1月5日"),
        (None, "-", "-"),
    ],
)
def test_dates_in_local_formats(day, english, chinese):
    assert fmt_date(day, language="en") == english
    assert fmt_date(day, language="zh") == chinese


@pytest.mark.parametrize(
    ("values", "currency", "language", "size", "unit"),
    [
        ([D(5e8), D(3e7)], "CNY", "en", D(10) ** 6, "CNY m"),
        ([D(950000), None], "CNY", "en", D(1000), "CNY k"),
        ([], "USD", "en", D(1000), "USD k"),
        ([D(5e8), D(3e7)], "CNY", "zh", D(10) ** 4, "万元"),
        ([D(2e10)], "CNY", "zh", D(10) ** 8, "亿元"),
        ([D(-2e10)], "USD", "zh", D(10) ** 8, "亿美元"),
        ([D(5e6)], "EUR", "zh", D(10) ** 4, "万 EUR"),
        ([D(5e6)], "", "zh", D(10) ** 4, "万"),
    ],
)
def test_a_money_column_gets_one_unit_for_its_header(values, currency, language, size, unit):
    assert money_unit(values, currency, language=language) == (size, unit)


def test_scaled_money_stays_numeric_and_rounds_half_up():
    assert scaled([D("123456789"), None, D("5000"), D("-15050")], D(10) ** 4) == [
        12345.68,
        None,
        0.5,
        -1.51,
    ]
