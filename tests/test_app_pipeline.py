"""The deal pages through AppTest: open a deal, move it, and see the domain's rule refuse a
move to the investment committee before due diligence is complete."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from streamlit.testing.v1 import AppTest

from fund.access import Actor
from models.db import make_engine
from models.hub import Firm
from models.pipeline import Deal, DealStageChange

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def _open(url: str, monkeypatch: pytest.MonkeyPatch, page: str, role: str = "fund_manager"):
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["actor"] = Actor(name="tester", role=role)
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _count(url: str, table: type) -> int:
    with Session(make_engine(url)) as s:
        return s.exec(select(func.count()).select_from(table)).one()


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _new_deal(at: AppTest, url: str) -> int:
    before = _count(url, Deal)
    at.text_input(key="deal_amount").input("20,000,000")
    _button(at, "Open deal").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Opened deal #" in at.success[0].value
    assert _count(url, Deal) == before + 1
    with Session(make_engine(url)) as s:
        return s.exec(select(func.max(Deal.id))).one()


def _advance(at: AppTest, deal_id: int) -> None:
    at.selectbox(key="move_deal").set_value(deal_id)
    at.selectbox(key="move_action").set_value("advance")
    _button(at, "Move").click().run()


def test_a_deal_moves_stage_by_stage_until_the_dd_rule_stops_it(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "pipeline")
    deal_id = _new_deal(at, demo_sqlite_url)
    _advance(at, deal_id)  # sourced -> screening
    assert "advance recorded" in at.success[0].value
    _advance(at, deal_id)  # screening -> due diligence
    moves = _count(demo_sqlite_url, DealStageChange)
    _advance(at, deal_id)  # due diligence -> IC: refused, the checklist was never started
    assert "due-diligence checklist has not been started" in at.error[0].value
    assert "rule" in at.error[0].value
    assert _count(demo_sqlite_url, DealStageChange) == moves


def test_the_deal_room_starts_a_checklist_from_the_templates(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "pipeline")
    deal_id = _new_deal(at, demo_sqlite_url)
    room = _open(demo_sqlite_url, monkeypatch, "deal_room")
    room.selectbox(key="room_deal").set_value(deal_id).run()
    assert "checklist has not been started" in room.warning[0].value
    _button(room, "Start the checklist").click().run()
    assert not room.exception
    items = room.dataframe[0].value
    assert {"team", "market", "product", "financials", "legal", "regulatory"} <= set(items["area"])
    assert items["title"].str.contains("AML").any()


def test_analysts_see_the_pipeline_without_forms(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "pipeline", role="analyst")
    assert not [b for b in at.button if b.label in ("Open deal", "Move")]
    assert any("Read-only for your role" in c.value for c in at.caption)


def test_the_board_counts_the_demo_deals_per_stage(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "pipeline")
    with Session(make_engine(demo_sqlite_url)) as s:
        fund_1 = s.exec(select(Deal).where(Deal.fund_id == 1)).all()
    headers = [m.value for m in at.markdown if m.value.startswith("**") and "(" in m.value]
    invested = sum(d.stage == "invested" for d in fund_1)
    assert f"**invested** ({invested})" in headers


def test_analytics_funnel_starts_with_every_deal(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "pipeline_analytics")
    at.date_input[0].set_value((date(2015, 1, 1), date.today())).run()
    funnel = at.dataframe[0].value
    with Session(make_engine(demo_sqlite_url)) as s:
        total = s.exec(select(func.count()).select_from(Deal).where(Deal.fund_id == 1)).one()
    assert funnel.iloc[0]["stage"] == "sourced" and funnel.iloc[0]["deals"] == total
    assert list(funnel["deals"]) == sorted(funnel["deals"], reverse=True)


def test_committee_page_shows_a_memo_to_download(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "committee")
    assert at.get("download_button")
    assert any("Votes:" in c.value for c in at.caption)


def test_a_deal_for_a_company_new_to_the_store(demo_sqlite_url, monkeypatch):
    at = _open(demo_sqlite_url, monkeypatch, "pipeline")
    at.text_input(key="new_en").input("Lianhua Pay Technology Co., Ltd.")
    at.text_input(key="new_zh").input("莲花支付科技有限公司")
    _button(at, "Open deal").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Lianhua Pay Technology" in at.success[0].value
    with Session(make_engine(demo_sqlite_url)) as s:
        firm = s.exec(select(Firm).where(Firm.name_zh == "莲花支付科技有限公司")).one()
        assert s.exec(select(Deal).where(Deal.firm_id == firm.id)).one().stage == "sourced"
