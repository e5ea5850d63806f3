"""Pipeline analytics on a small known pipeline (figures computed by hand below), and the
history frame read from the store on every backend."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlmodel import Session

from fund.access import Actor
from fund.pipeline import DealCreate, hold_deal, move_deal, open_deal, pass_deal
from fund.pipeline_analytics import (
    HISTORY_COLUMNS,
    filter_history,
    funnel,
    history_frame,
    hit_rate,
    pass_reasons,
    slowest,
    time_in_stage,
)
from models.db import session_scope
from models.fund import Fund
from models.hub import Firm, Hub
from models.validation import InputError

MANAGER = Actor(name="chen", role="fund_manager")
AS_OF = date(2024, 6, 30)

# deal: (owner, channel, sector, [(stage, "MM-DD", reason)]), all in 2024, opened on the first
PIPELINE = {
    1: ("chen", "referral", "payments", [("sourced", "01-01"), ("screening", "01-11"),
        ("due_diligence", "01-31"), ("investment_committee", "03-01"), ("term_sheet", "03-11"),
        ("invested", "04-10")]),
    2: ("chen", "referral", "lending", [("sourced", "01-05"), ("screening", "01-15"),
        ("passed", "02-04", "valuation")]),
    3: ("wang", "event", "payments", [("sourced", "02-01"), ("screening", "02-06"),
        ("due_diligence", "02-16"), ("passed", "03-17", "valuation")]),
    4: ("wang", "inbound", "payments", [("sourced", "02-10"), ("screening", "02-20"),
        ("on_hold", "03-01")]),
    5: ("chen", "event", "lending", [("sourced", "03-01")]),
    6: ("wang", "referral", "payments", [("sourced", "03-05"), ("screening", "03-10"),
        ("due_diligence", "03-20"), ("investment_committee", "04-19"), ("due_diligence", "04-29"),
        ("investment_committee", "05-09")]),
    7: ("chen", "inbound", "lending", [("sourced", "04-01"), ("passed", "04-03", "valuation"),
        ("sourced", "04-10"), ("screening", "04-20")]),
    8: ("wang", "event", "payments", [("sourced", "04-15"), ("screening", "04-25"),
        ("passed", "05-05", "market too small")]),
}  # fmt: skip


def _day(text: str) -> date:
    return date.fromisoformat(f"2024-{text}")


@pytest.fixture
def history() -> pd.DataFrame:
    """The known pipeline as a history frame (rows shuffled: the functions sort)."""
    rows = []
    for deal_id, (owner, channel, sector, moves) in PIPELINE.items():
        before = None
        for stage, day, *why in moves:
            rows.append({
                "change_id": len(rows) + 1, "deal_id": deal_id, "fund_id": 1, "firm_id": deal_id,
                "company": f"Co{deal_id}", "owner": owner, "source_channel": channel,
                "sector": sector, "opened_on": _day(moves[0][1]), "from_stage": before,
                "to_stage": stage, "moved_on": _day(day), "moved_by": owner,
                "reason": why[0] if why else None, "note": None,
            })  # fmt: skip
            before = stage
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS, dtype=object).sample(frac=1, random_state=7)


def _records(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_funnel_counts_deals_that_reached_each_stage_and_the_conversion(history):
    found = funnel(history)
    assert list(found.columns) == ["stage", "deals", "conversion", "current", "on_hold", "passed"]
    assert _records(found) == [
        ("sourced", 8, None, 1, 0, 0),
        ("screening", 7, 7 / 8, 1, 1, 2),  # deal 7 was reopened: current, not passed
        ("due_diligence", 3, 3 / 7, 0, 0, 1),
        ("investment_committee", 2, 2 / 3, 1, 0, 0),  # deal 6 went back once: counted once
        ("term_sheet", 1, 1 / 2, 0, 0, 0),
        ("invested", 1, 1.0, 1, 0, 0),
    ]


def test_funnel_filters_by_owner_and_by_the_period_deals_were_opened(history):
    by_chen = funnel(history, owners=["chen"])
    assert list(by_chen["deals"]) == [4, 3, 1, 1, 1, 1]
    in_q1 = funnel(history, start=date(2024, 2, 1), end=date(2024, 3, 31))  # deals 3, 4, 5, 6
    assert list(in_q1["deals"]) == [4, 3, 2, 1, 0, 0]
    assert list(in_q1["conversion"]) == [None, 3 / 4, 2 / 3, 1 / 2, 0.0, None]
    opened = filter_history(history, start=date(2024, 3, 1), owners=["wang"])
    assert sorted(set(opened["deal_id"])) == [6, 8]


def test_time_in_stage_median_and_p90_over_deals(history):
    found = time_in_stage(history, as_of=AS_OF).set_index("stage")
    expected = {
        # sourced: 10, 10, 5, 10, 121 (deal 5, open), 5, 2 + 10 (deal 7, twice), 10
        "sourced": (8, 10.0, 12 + 0.3 * (121 - 12)),
        # screening: 20, 20, 10, 10, 10, 71 (deal 7, open), 10
        "screening": (7, 10.0, 20 + 0.4 * (71 - 20)),
        # due diligence: 30, 30 (over 29 February), 30 + 10 (deal 6, twice)
        "due_diligence": (3, 30.0, 30 + 0.8 * 10),
        # IC: 10, 10 + 52 (deal 6, open since 9 May)
        "investment_committee": (2, 36.0, 10 + 0.9 * 52),
        "term_sheet": (1, 30.0, 30.0),
        "on_hold": (1, 121.0, 121.0),
    }
    assert list(found.index) == list(expected)
    for stage, (deals, median, p90) in expected.items():
        row = found.loc[stage]
        assert row["deals"] == deals, stage
        assert row["median_days"] == pytest.approx(median), stage
        assert row["p90_days"] == pytest.approx(p90), stage


def test_time_in_stage_stops_at_the_as_of_date(history):
    found = time_in_stage(history, as_of=date(2024, 3, 31)).set_index("stage")
    assert found.loc["term_sheet", "median_days"] == 20.0  # invested on 10 April: later
    assert found.loc["on_hold", "median_days"] == 30.0
    assert found.loc["investment_committee", "deals"] == 1  # deal 6 reached IC in April
    early = time_in_stage(history, as_of=date(2023, 12, 31))
    assert list(early["deals"]) == [0] * 6 and set(early["median_days"]) == {None}


def test_slowest_lists_open_deals_longest_in_their_stage(history):
    found = slowest(history, as_of=AS_OF, n=2)
    assert list(found.columns) == ["deal_id", "company", "owner", "stage", "since", "days"]
    assert _records(found) == [
        (5, "Co5", "chen", "sourced", date(2024, 3, 1), 121),
        (7, "Co7", "chen", "screening", date(2024, 4, 20), 71),
    ]
    assert list(slowest(history, as_of=AS_OF)["deal_id"]) == [5, 7, 6]  # not on hold, not ended


def test_hit_rate_by_channel_and_by_sector(history):
    assert _records(hit_rate(history, by="source_channel")) == [
        ("event", 3, 2, 0, 0.0),
        ("inbound", 2, 0, 0, None),
        ("referral", 3, 2, 1, 0.5),
    ]
    by_sector = hit_rate(history, by="sector")
    assert list(by_sector.columns) == ["sector", "deals", "decided", "invested", "hit_rate"]
    assert _records(by_sector) == [("lending", 3, 1, 0, 0.0), ("payments", 5, 3, 1, 1 / 3)]
    with pytest.raises(InputError, match="by: 'owner' is not one of: source_channel, sector"):
        hit_rate(history, by="owner")


def test_pass_reasons_of_the_deals_passed_now(history):
    found = pass_reasons(history)
    assert _records(found) == [("valuation", 2, 2 / 3), ("market too small", 1, 1 / 3)]


def test_an_empty_history_gives_empty_figures_not_errors():
    empty = pd.DataFrame(columns=HISTORY_COLUMNS, dtype=object)
    assert list(funnel(empty)["deals"]) == [0] * 6
    assert set(funnel(empty)["conversion"]) == {None}
    assert list(time_in_stage(empty, as_of=AS_OF)["deals"]) == [0] * 6
    assert slowest(empty, as_of=AS_OF).empty
    assert hit_rate(empty, by="sector").empty and pass_reasons(empty).empty


# --- from the store -----------------------------------------------------------------------


@pytest.fixture
def store(empty_db):
    with session_scope(empty_db, actor="seed") as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        funds = [Fund(name=n, vintage=date(2020, 1, 1), size=1000000, gp="GP") for n in "AB"]
        firms = [Firm(name_en=f"Co{i}", sector="payments", hub_id=hub.id) for i in (1, 2, 3)]
        s.add_all([*funds, *firms])
        s.flush()
    return empty_db, [f.id for f in funds], [f.id for f in firms]


def test_history_frame_reads_every_stage_change_with_the_deal(store):
    engine, (fund_a, fund_b), (co1, co2, co3) = store
    with session_scope(engine, actor=MANAGER.audit_name) as s:

        def deal(firm_id: int, fund_id: int = fund_a, **extra) -> int:
            fields = {"owner": "chen", "source_channel": "event", "opened_on": date(2024, 1, 1)}
            deal_in = DealCreate(fund_id=fund_id, firm_id=firm_id, **fields, **extra)
            return open_deal(session=s, actor=MANAGER, deal_in=deal_in).id

        one, two, three = deal(co1), deal(co2, sector="lending"), deal(co3)
        deal(co1, fund_id=fund_b)
        for to, on in (("screening", 10), ("due_diligence", 20)):
            move_deal(session=s, actor=MANAGER, deal_id=one, to_stage=to, on=date(2024, 1, on))
        pass_deal(session=s, actor=MANAGER, deal_id=two, on=date(2024, 1, 5), reason="team")
        hold_deal(session=s, actor=MANAGER, deal_id=three, on=date(2024, 1, 6), note="later")
    with Session(engine) as s:
        found = history_frame(session=s, fund_id=fund_a)
        everything = history_frame(session=s)
    assert list(found.columns) == HISTORY_COLUMNS and len(everything) == len(found) + 1
    assert [(r.deal_id, r.company, r.sector, r.from_stage, r.to_stage, r.moved_on, r.reason)
            for r in found.itertuples()] == [
        (one, "Co1", "payments", None, "sourced", date(2024, 1, 1), None),
        (one, "Co1", "payments", "sourced", "screening", date(2024, 1, 10), None),
        (one, "Co1", "payments", "screening", "due_diligence", date(2024, 1, 20), None),
        (two, "Co2", "lending", None, "sourced", date(2024, 1, 1), None),
        (two, "Co2", "lending", "sourced", "passed", date(2024, 1, 5), "team"),
        (three, "Co3", "payments", None, "sourced", date(2024, 1, 1), None),
        (three, "Co3", "payments", "sourced", "on_hold", date(2024, 1, 6), None),
    ]  # fmt: skip
    assert set(found["moved_by"]) == {"fund_manager:chen"}
    assert list(funnel(found)["deals"]) == [3, 1, 1, 0, 0, 0]
    assert _records(funnel(found).head(1)) == [("sourced", 3, None, 0, 1, 1)]
    assert _records(pass_reasons(found)) == [("team", 1, 1.0)]
    with Session(engine) as s:
        assert history_frame(session=s, fund_id=999).empty
