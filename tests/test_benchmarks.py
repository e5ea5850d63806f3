"""Importing a benchmark index for the PMEs: whole-file validation, nothing half-written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from fund.benchmarks import import_index
from fund.performance import index_series
from models.db import session_scope
from models.validation import InputError
from models.valuation import BenchmarkIndex, IndexLevel

ANALYST = Actor(name="wu", role="analyst")
GOOD = b'date,level\n2020-01-31,100\n2020-02-29,101.25\n2020-03-31,"1,003.5"\n'


def _import(engine, data: bytes, *, actor=ANALYST, code="CSI300TR", filename="i.csv") -> int:
    with session_scope(engine) as s:
        return import_index(
            session=s,
            actor=actor,
            code=code,
            name="CSI 300 total return",
            currency="CNY",
            source="vendor file",
            data=data,
            filename=filename,
        )


def _levels(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(IndexLevel)).one()


def test_an_index_file_is_stored_exactly_and_replaced_whole(empty_db):
    assert _import(empty_db, GOOD) == 3
    with Session(empty_db) as s:
        series = index_series(session=s, code="CSI300TR", until=date(2020, 12, 31))
    assert series.levels[-1] == (date(2020, 3, 31), Decimal("1003.5"))
    assert _import(empty_db, b"date,level\n2021-01-31,110\n") == 1
    assert _levels(empty_db) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"date,level\n2020-01-31,-5\n", "row 2, level: '-5' is not a positive number"),
        (b"date,level\n31/01/2020,5\n", "row 2, date: '31/01/2020' is not a YYYY-MM-DD date"),
        (b"date,level\n2020-01-31,5\n2020-01-31,6\n", "row 3, date: 2020-01-31 appears twice"),
        (b"date\n2020-01-31\n", "column(s) level missing"),
        (b"date,level,note\n2020-01-31,5,x\n", "unknown column(s) note"),
    ],
)
def test_a_bad_index_file_writes_nothing(empty_db, data, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _import(empty_db, data)
    with Session(empty_db) as s:
        assert s.exec(select(func.count()).select_from(BenchmarkIndex)).one() == 0
    assert _levels(empty_db) == 0


def test_the_bureau_may_not_import_an_index(empty_db):
    with pytest.raises(PermissionDenied):
        _import(empty_db, GOOD, actor=Actor(name="li", role="bureau"))
