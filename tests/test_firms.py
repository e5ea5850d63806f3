"""Adding a new company from the pipeline: validated, unique, role-checked."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from fund.firms import add_firm
from models.db import session_scope
from models.hub import Firm, FirmCreate, Hub
from models.validation import InputError

MANAGER = Actor(name="chen", role="fund_manager")


@pytest.fixture
def hub_id(empty_db):
    with session_scope(empty_db) as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        s.add(Firm(name_en="Known Pay", sector="payments", hub_id=hub.id,
                   uscc="91110000600037341L"))  # fmt: skip
    return hub.id


def _add(engine, actor=MANAGER, **fields):
    with session_scope(engine) as s:
        return add_firm(session=s, actor=actor, firm_in=FirmCreate(**fields))


def test_a_new_company_is_added(empty_db, hub_id):
    firm = _add(empty_db, name_en="New Lend", name_zh="新贷科技", sector="lending", hub_id=hub_id)
    assert firm.id and firm.name_zh == "新贷科技"


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"name_en": "Known Pay"}, InputError, "name_en: 'Known Pay' is already"),
        ({"name_en": "Other", "uscc": "91110000600037341L"}, InputError, "uscc:"),
        ({"name_en": "Other", "hub_id": 999}, InputError, "hub_id: 999"),
    ],
)
def test_duplicates_and_unknown_hubs_are_refused(empty_db, hub_id, fields, error, message):
    with pytest.raises(error, match=message):
        _add(empty_db, **({"sector": "payments", "hub_id": hub_id} | fields))
    with Session(empty_db) as s:
        assert s.exec(select(func.count()).select_from(Firm)).one() == 1


def test_an_analyst_may_not_add_a_company(empty_db, hub_id):
    with pytest.raises(PermissionDenied):
        _add(empty_db, Actor(name="wu", role="analyst"), name_en="X", sector="lending",
             hub_id=hub_id)  # fmt: skip


def test_a_refused_deal_leaves_no_new_company_behind(empty_db, hub_id):
    from datetime import date

    from fund.firms import open_deal_for_new_firm
    from models.fund import Fund

    with session_scope(empty_db) as s:
        fund = Fund(name="F", vintage=date(2020, 1, 1), size=1000, gp="GP", hub_id=hub_id)
        s.add(fund)
    deal = {"fund_id": fund.id, "owner": "chen", "source_channel": "smoke signals",
            "opened_on": date(2024, 1, 1)}  # fmt: skip
    with pytest.raises(InputError, match="source_channel"), session_scope(empty_db) as s:
        open_deal_for_new_firm(session=s, actor=MANAGER, deal=deal,
                               firm_in=FirmCreate(name_en="Fresh", sector="lending",
                                                  hub_id=hub_id))  # fmt: skip
    with Session(empty_db) as s:
        assert s.exec(select(func.count()).select_from(Firm)).one() == 1
