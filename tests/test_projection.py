"""The projection model: NPV, IRR and MOIC of the fund's cheque, sensitivity, save and load."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import pairwise

import numpy_financial as npf
import pytest
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from fund.projection import (
    ProjectionInput,
    YearLine,
    load_projection,
    project,
    save_projection,
    sensitivity,
)
from fund.results import Undefined
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Fund
from models.hub import Firm, Hub
from models.pipeline import Deal, Projection
from models.validation import InputError

D = Decimal
MANAGER = Actor(name="chen", role="fund_manager")
ANALYST = Actor(name="li", role="analyst")

# five years of a payments start-up: revenue and costs in yuan
YEARS = (
    YearLine(2025, D("10000000.00"), D("16000000.00")),
    YearLine(2026, D("20000000.00"), D("22000000.00")),
    YearLine(2027, D("40000000.00"), D("35000000.00")),
    YearLine(2028, D("60000000.00"), D("48000000.00")),
    YearLine(2029, D("80000000.00"), D("60000000.00")),
)
BASE = ProjectionInput(
    currency="CNY",
    discount_rate=D("0.25"),
    exit_multiple=D("5"),
    years=YEARS,
    investment=D("20000000.00"),
    ownership=D("0.15"),
)


def test_the_projection_by_hand():
    result = project(BASE)
    assert result.years == (2025, 2026, 2027, 2028, 2029)
    assert result.cash_flows == (D(-6000000), D(-2000000), D(5000000), D(12000000), D(20000000))
    assert result.exit_value == D(400000000)  # 5 x 80m
    assert result.fund_flows == (D(-20000000), 0, 0, 0, 0, D(60000000))  # 15 % of 400m
    # 60m / 1.25^5 = 60m / 3.0517578125 = 19,660,800 exactly
    assert result.npv == D("-339200.00")
    assert result.irr == pytest.approx(3 ** (1 / 5) - 1, rel=1e-12)  # 24.57 %
    assert result.moic == D("3.0000")


def test_npv_and_irr_agree_with_numpy_financial():
    p = replace(BASE, discount_rate=D("0.1"), exit_multiple=D("3.5"), ownership=D("0.125"))
    result = project(p)
    flows = [-20000000.0, 0.0, 0.0, 0.0, 0.0, 0.125 * 3.5 * 80000000.0]
    assert [float(f) for f in result.fund_flows] == flows
    assert float(result.npv) == pytest.approx(npf.npv(0.1, flows), abs=0.005)
    exact = D(35000000) / D("1.1") ** 5 - D(20000000)  # 35m / 1.61051 - 20m
    assert result.npv == exact.quantize(D("0.01"))
    assert result.irr == pytest.approx(npf.irr(flows), rel=1e-12)
    assert result.irr == pytest.approx(1.75 ** (1 / 5) - 1, rel=1e-12)
    assert result.moic == D("1.7500")


def test_a_one_year_projection_and_a_zero_exit():
    one = replace(BASE, years=(YearLine(2025, D("1000000.00"), D("0")),), exit_multiple=D(4),
                  investment=D("100000"), ownership=D("0.05"))  # fmt: skip
    result = project(one)
    assert result.fund_flows == (D("-100000.00"), D("200000.00"))
    assert result.irr == pytest.approx(1.0) and result.npv == D("60000.00")  # 200k / 1.25
    nothing = replace(BASE, years=(*YEARS[:-1], YearLine(2029, D(0), D("1000.00"))))
    result = project(nothing)
    assert result.exit_value == 0 and result.moic == 0 and result.npv == D("-20000000.00")
    assert isinstance(result.irr, Undefined) and "no sign change" in result.irr.reason


def test_the_sensitivity_table_falls_with_the_rate_and_rises_with_the_multiple():
    rates = [D("0.10"), D("0.15"), D("0.20"), D("0.25"), D("0.30")]
    multiples = [D(2), D(4), D(5), D(8)]
    table = sensitivity(BASE, rates=rates, multiples=multiples)
    assert table.shape == (5, 4)
    assert (table.index.name, table.columns.name) == ("discount_rate", "exit_multiple")
    assert list(table.index) == rates and list(table.columns) == multiples
    assert table.loc[D("0.25"), D(5)] == D("-339200.00") == project(BASE).npv
    for r in rates:
        row = list(table.loc[r])
        assert all(a < b for a, b in pairwise(row))  # rises with the multiple
    for m in multiples:
        column = list(table[m])
        assert all(a > b for a, b in pairwise(column))  # falls as the rate rises
    with pytest.raises(InputError, match=r"discount_rate: 1\.5 must be between 0 and 1"):
        sensitivity(BASE, rates=[D("1.5")], multiples=[D(2)])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"discount_rate": D("1.5")}, "discount_rate: 1.5 must be between 0 and 1"),
        ({"discount_rate": D("-0.01")}, "discount_rate: -0.01"),
        ({"discount_rate": D("0.123456789")}, "more than 8 decimal places"),
        ({"exit_multiple": D(0)}, "exit_multiple: 0 must be above 0"),
        ({"ownership": D("1.2")}, "ownership: 1.2 must be above 0 and at most 1"),
        ({"investment": D(0)}, "investment: 0 must be above 0"),
        ({"investment": D("100.001")}, "investment: Decimal('100.001') has more than 2 decimal"),
        ({"investment": 100.5}, "is a float"),
        ({"currency": "RMB"}, "currency: 'RMB' is not an ISO 4217 currency code"),
        ({"years": ()}, "years: 0 years given"),
        ({"years": (YEARS[0], YEARS[2])}, "years[1].year: 2027 follows 2025"),
        ({"years": (YEARS[1], YEARS[0])}, "consecutive and increasing"),
        ({"years": (YearLine(2025, D("-1"), D(0)),)}, "revenue (2025): -1 must be at least 0"),
        ({"years": (YearLine(2025, D(1), D("0.005")),)}, "years[0].costs (2025): Decimal("),
    ],
)
def test_bad_input_is_refused_naming_the_field(change, expected):
    with pytest.raises(InputError) as caught:
        project(replace(BASE, **change))
    assert expected in str(caught.value)


@pytest.fixture
def deal_db(empty_db):
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        fund = Fund(name="Dalian IF Fund", vintage=date(2020, 1, 1), size=D("1000000000"),
                    gp="GP", hub_id=hub.id)  # fmt: skip
        firm = Firm(name_en="Haibin Pay", sector="payments", hub_id=hub.id)
        s.add_all([fund, firm])
        s.flush()
        deal = Deal(fund_id=fund.id, firm_id=firm.id, owner="wang", source_channel="event",
                    sector="payments", opened_on=date(2024, 3, 1))  # fmt: skip
        s.add(deal)
        s.flush()
    return empty_db, deal.id


def _save(engine, deal_id, p, actor=MANAGER):
    with session_scope(engine, actor=actor.audit_name) as s:
        save_projection(session=s, actor=actor, deal_id=deal_id, projection_in=p)


def _load(engine, deal_id):
    with Session(engine) as s:
        return load_projection(session=s, deal_id=deal_id)


def _state(engine):
    with Session(engine) as s:
        rows = [r.model_dump() for r in s.exec(select(Projection)).all()]
        return rows, s.exec(select(func.count()).select_from(AuditLog)).one()


def test_save_and_load_round_trip_exactly(deal_db):
    engine, deal_id = deal_db
    assert _load(engine, deal_id) is None
    p = ProjectionInput(
        currency="USD",
        discount_rate=D("0.125"),
        exit_multiple=D("4.75"),
        years=(
            YearLine(2025, D("1234567.89"), D("2345678.01")),
            YearLine(2026, D("9876543.21"), D("0.10")),
        ),
        investment=D("1500000.50"),
        ownership=D("0.12345678"),
    )
    _save(engine, deal_id, p)
    loaded = _load(engine, deal_id)
    assert loaded == p
    for field in ("discount_rate", "exit_multiple", "investment", "ownership"):
        assert str(getattr(loaded, field)) == str(getattr(p, field))
    assert [(y.year, str(y.revenue), str(y.costs)) for y in loaded.years] == [
        (2025, "1234567.89", "2345678.01"), (2026, "9876543.21", "0.10")
    ]  # fmt: skip
    assert project(loaded) == project(p)
    with Session(engine) as s:
        row = s.exec(select(Projection)).one()
    assert row.years[1] == {"year": 2026, "revenue": "9876543.21", "costs": "0.10"}
    assert (row.investment, row.ownership) == (D("1500000.50"), D("0.12345678"))
    _save(engine, deal_id, BASE)  # a second save replaces the first
    assert _load(engine, deal_id) == BASE and len(_state(engine)[0]) == 1


def test_refused_saves_write_nothing(deal_db):
    engine, deal_id = deal_db
    _save(engine, deal_id, BASE)
    before = _state(engine)
    refusals = [
        (ANALYST, deal_id, BASE, PermissionDenied, "Analyst 'li' may not save a projection"),
        (MANAGER, 999, BASE, InputError, "deal_id: 999 is not a known deal"),
        (MANAGER, deal_id, replace(BASE, exit_multiple=D(-1)), InputError, "exit_multiple: -1"),
    ]
    for actor, deal, p, error, expected in refusals:
        with Session(engine) as s:
            with pytest.raises(error, match=expected):
                save_projection(session=s, actor=actor, deal_id=deal, projection_in=p)
            s.commit()
        assert _state(engine) == before
