"""Due diligence: templates, items, red flags, weights, scores, the scorecard and the IC gate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from sqlmodel import Session, func, select

from fund.access import Actor, PermissionDenied
from fund.diligence import (
    CHECKLIST_TEMPLATES,
    DEFAULT_WEIGHTS,
    SCORED_AREAS,
    add_item,
    checklist,
    dd_gate,
    raise_red_flag,
    resolve_red_flag,
    score,
    scorecard,
    set_weights,
    start_checklist,
    update_item,
    weights_of,
)
from fund.results import Undefined
from models.audit import AuditLog
from models.db import session_scope
from models.fund import Fund
from models.hub import Firm, Hub
from models.pipeline import DD_AREAS, DdItem, DdScore, Deal, ScoreWeight
from models.validation import InputError

D = Decimal
MANAGER = Actor(name="chen", role="fund_manager")
ANALYST = Actor(name="li", role="analyst")
OPENED = date(2024, 3, 1)


@pytest.fixture
def deal_db(empty_db):
    """A fund with one company and one deal in it, opened on 1 March 2024 by "wang"."""
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
                    sector="payments", stage="due_diligence", opened_on=OPENED)  # fmt: skip
        s.add(deal)
        s.flush()
    return empty_db, fund.id, deal.id


def _state(engine):
    """Everything the due-diligence functions can write, and the audit log's size."""
    with Session(engine) as s:
        items = s.exec(select(DdItem).order_by(DdItem.id)).all()
        scores = s.exec(select(DdScore).order_by(DdScore.id)).all()
        weights = s.exec(select(ScoreWeight).order_by(ScoreWeight.id)).all()
        audit = s.exec(select(func.count()).select_from(AuditLog)).one()
        return (
            [i.model_dump() for i in items],
            [x.model_dump() for x in scores],
            [w.model_dump() for w in weights],
            audit,
        )


def _refused(engine, fn, error=InputError, **kwargs) -> str:
    """Call ``fn``, expect ``error``, then commit the session: nothing must have been written."""
    before = _state(engine)
    with Session(engine) as s:
        with pytest.raises(error) as caught:
            fn(session=s, **kwargs)
        s.commit()
    assert _state(engine) == before
    return str(caught.value)


def _write(engine, fn, **kwargs):
    with session_scope(engine, actor=MANAGER.audit_name) as s:
        return fn(session=s, actor=MANAGER, **kwargs)


def _read(engine, fn, **kwargs):
    with Session(engine) as s:
        return fn(session=s, **kwargs)


def test_the_templates_cover_every_area_with_realistic_items():
    assert set(CHECKLIST_TEMPLATES) == set(DD_AREAS) - {"custom"} == set(SCORED_AREAS)
    assert all(5 <= len(t) <= 7 for t in CHECKLIST_TEMPLATES.values())
    assert all(len(title) <= 200 for t in CHECKLIST_TEMPLATES.values() for title in t)
    regulatory = " ".join(CHECKLIST_TEMPLATES["regulatory"]).lower()
    for phrase in ("payment licence", "microlending", "sandbox", "aml", "kyc", "pipl",
                   "data security", "cross-border"):  # fmt: skip
        assert phrase in regulatory
    legal = " ".join(CHECKLIST_TEMPLATES["legal"]).lower()
    for phrase in ("cap table", "share ledger", "ip ownership", "material contracts", "litigation"):
        assert phrase in legal
    assert set(DEFAULT_WEIGHTS) == set(SCORED_AREAS) and sum(DEFAULT_WEIGHTS.values()) == 100


def test_starting_the_checklist_creates_the_template_items(deal_db):
    engine, _, deal_id = deal_db
    made = _write(engine, start_checklist, deal_id=deal_id)
    assert len(made) == sum(map(len, CHECKLIST_TEMPLATES.values()))
    assert {(v.area, v.title) for v in made} == {
        (a, t) for a, titles in CHECKLIST_TEMPLATES.items() for t in titles
    }
    assert all(v.status == "open" and v.owner == "wang" and not v.red_flag for v in made)
    listed = _read(engine, checklist, deal_id=deal_id)
    assert [v.id for v in listed] == [v.id for v in made]  # by area in DD_AREAS order, as added
    assert [v.area for v in listed] == sorted((v.area for v in listed), key=DD_AREAS.index)


def test_a_second_start_for_an_area_is_refused_naming_it(deal_db):
    engine, _, deal_id = deal_db
    made = _write(engine, start_checklist, deal_id=deal_id, areas=["legal", "regulatory"])
    assert {v.area for v in made} == {"legal", "regulatory"}
    message = _refused(engine, start_checklist, actor=MANAGER, deal_id=deal_id,
                       areas=["team", "regulatory"])  # fmt: skip
    assert "regulatory" in message and "team" not in message.split("for")[-1]
    message = _refused(engine, start_checklist, actor=MANAGER, deal_id=deal_id, areas=["custom"])
    assert "areas: 'custom' is not one of" in message
    assert len(_write(engine, start_checklist, deal_id=deal_id, areas=["team"])) == len(
        CHECKLIST_TEMPLATES["team"]
    )


def test_items_are_added_and_updated_and_bad_values_are_refused(deal_db):
    engine, _, deal_id = deal_db
    item = _write(engine, add_item, deal_id=deal_id, area="custom", title=" Visit the office ",
                  owner="zhao", due_on=date(2024, 4, 1))  # fmt: skip
    assert (item.area, item.title, item.owner, item.due_on, item.status) == (
        "custom", "Visit the office", "zhao", date(2024, 4, 1), "open"
    )  # fmt: skip
    done = _write(engine, update_item, item_id=item.id, status="done", finding="Seen, 40 staff",
                  evidence_url="https://dataroom.example.cn/visit.pdf")  # fmt: skip
    assert (done.status, done.finding, done.owner) == ("done", "Seen, 40 staff", "zhao")
    assert _write(engine, update_item, item_id=item.id, owner="").owner is None
    cases = [
        (add_item, {"deal_id": deal_id, "area": "tax", "title": "x"}, "area: 'tax'"),
        (add_item, {"deal_id": deal_id, "area": "team", "title": "  "}, "title:"),
        (add_item, {"deal_id": 999, "area": "team", "title": "x"}, "deal_id: 999"),
        (update_item, {"item_id": item.id, "status": "closed"}, "status: 'closed'"),
        (update_item, {"item_id": 999, "status": "done"}, "item_id: 999"),
        (update_item, {"item_id": item.id, "evidence_url": "dataroom/a.pdf"}, "evidence_url:"),
        (update_item, {"item_id": item.id, "finding": "x" * 2001}, "finding:"),
    ]
    for fn, kwargs, expected in cases:
        assert expected in _refused(engine, fn, actor=MANAGER, **kwargs)


def test_dates_in_the_wrong_order_are_refused(deal_db):
    engine, _, deal_id = deal_db
    message = _refused(engine, add_item, actor=MANAGER, deal_id=deal_id, area="team",
                       title="Reference calls", due_on=date(2024, 2, 29))  # fmt: skip
    assert "dates in the wrong order" in message and "2024-02-29" in message
    assert "2024-03-01" in message and message.startswith("due_on:")
    item = _write(engine, add_item, deal_id=deal_id, area="team", title="Reference calls",
                  due_on=OPENED)  # fmt: skip
    message = _refused(engine, update_item, actor=MANAGER, item_id=item.id, status="done",
                       due_on=date(2023, 12, 31))  # fmt: skip
    assert "dates in the wrong order" in message
    assert _read(engine, checklist, deal_id=deal_id)[0].status == "open"  # nothing changed


def test_open_items_block_the_gate_until_done_or_not_applicable(deal_db):
    engine, fund_id, deal_id = deal_db
    assert _read(engine, dd_gate, deal_id=deal_id) == [
        "the due-diligence checklist has not been started",
        "areas with a weight above 0 not scored: "
        "team, market, product, financials, legal, regulatory",
    ]
    _write(engine, set_weights, fund_id=fund_id, weights={"legal": 100})
    _write(engine, score, deal_id=deal_id, area="legal", value=4)
    items = _write(engine, start_checklist, deal_id=deal_id, areas=["legal"])
    _write(engine, update_item, item_id=items[0].id, status="in progress")
    (reason,) = _read(engine, dd_gate, deal_id=deal_id)
    assert reason.startswith(f"{len(items)} checklist items still open or in progress: ")
    assert items[0].title in reason and f"and {len(items) - 3} more" in reason
    for i, item in enumerate(items):
        _write(engine, update_item, item_id=item.id, status="done" if i else "not applicable")
    assert _read(engine, dd_gate, deal_id=deal_id) == []


@pytest.mark.parametrize("waive", [False, True])
def test_a_red_flag_blocks_the_gate_until_resolved_or_waived(deal_db, waive):
    engine, fund_id, deal_id = deal_db
    _write(engine, set_weights, fund_id=fund_id, weights={"regulatory": 100})
    _write(engine, score, deal_id=deal_id, area="regulatory", value=3)
    items = _write(engine, start_checklist, deal_id=deal_id, areas=["regulatory"])
    for item in items:
        _write(engine, update_item, item_id=item.id, status="done")
    licence = items[0]
    flagged = _write(engine, raise_red_flag, item_id=licence.id,
                     finding="Lends without a microlending licence")  # fmt: skip
    assert (flagged.red_flag, flagged.red_flag_status) == (True, "open")
    assert flagged.finding == "Lends without a microlending licence"
    assert _read(engine, dd_gate, deal_id=deal_id) == [
        f"1 open red flags (resolve or waive them): {licence.title}"
    ]
    assert "already has an open red flag" in _refused(
        engine, raise_red_flag, actor=MANAGER, item_id=licence.id, finding="again"
    )
    assert "how:" in _refused(
        engine, resolve_red_flag, actor=MANAGER, item_id=licence.id, how=" ", waive=waive
    )
    how = "Lending moved to a licensed partner bank" if not waive else "Small, exit in 6 months"
    closed = _write(engine, resolve_red_flag, item_id=licence.id, how=how, waive=waive)
    assert (closed.red_flag, closed.red_flag_status, closed.resolution) == (
        True, "waived" if waive else "resolved", how
    )  # fmt: skip
    assert _read(engine, dd_gate, deal_id=deal_id) == []
    assert "has no open red flag" in _refused(
        engine, resolve_red_flag, actor=MANAGER, item_id=licence.id, how="again"
    )
    card = _read(engine, scorecard, deal_id=deal_id)
    assert card.red_flags_open == 0 and [f.id for f in card.red_flags] == [licence.id]


def test_unscored_weighted_areas_block_and_zero_weight_areas_do_not(deal_db):
    engine, fund_id, deal_id = deal_db
    _write(engine, set_weights, fund_id=fund_id, weights={"team": 50, "market": 50, "legal": 0})
    items = _write(engine, start_checklist, deal_id=deal_id, areas=["team"])
    for item in items:
        _write(engine, update_item, item_id=item.id, status="done")
    _write(engine, score, deal_id=deal_id, area="team", value=5)
    assert _read(engine, dd_gate, deal_id=deal_id) == [
        "areas with a weight above 0 not scored: market"
    ]
    _write(engine, score, deal_id=deal_id, area="market", value=2)
    assert _read(engine, dd_gate, deal_id=deal_id) == []


def test_weights_must_sum_to_100_and_be_known_areas(deal_db):
    engine, fund_id, _ = deal_db
    assert _read(engine, weights_of, fund_id=fund_id) == DEFAULT_WEIGHTS
    bad = {**DEFAULT_WEIGHTS, "legal": 5}
    message = _refused(engine, set_weights, actor=MANAGER, fund_id=fund_id, weights=bad)
    assert message == "weights sum to 95 %, not 100 %"
    cases = [
        ({"team": 101, "market": -1}, "weights: team 101 is not a whole percent 0-100"),
        ({"team": 50.0, "market": 50}, "weights: team 50.0"),
        ({"team": 50, "custom": 50}, "weights: 'custom' is not one of"),
        ({"people": 100}, "weights: 'people'"),
        ({}, "weights sum to 0 %"),
    ]
    for weights, expected in cases:
        assert expected in _refused(
            engine, set_weights, actor=MANAGER, fund_id=fund_id, weights=weights
        )
    assert "fund_id: 999" in _refused(
        engine, set_weights, actor=MANAGER, fund_id=999, weights=DEFAULT_WEIGHTS
    )
    stored = _write(engine, set_weights, fund_id=fund_id, weights={"team": 60, "legal": 40})
    assert stored == {a: {"team": 60, "legal": 40}.get(a, 0) for a in SCORED_AREAS}
    _write(engine, set_weights, fund_id=fund_id, weights={"team": np.int64(30), "market": 70})
    assert _read(engine, weights_of, fund_id=fund_id) == {
        a: {"team": 30, "market": 70}.get(a, 0) for a in SCORED_AREAS
    }
    assert len(_state(engine)[2]) == len(SCORED_AREAS)  # updated in place


def test_scores_out_of_range_are_refused_and_a_rescore_replaces(deal_db):
    engine, _, deal_id = deal_db
    for value in (0, 6, 3.5, True, "4"):
        message = _refused(engine, score, actor=MANAGER, deal_id=deal_id, area="team", value=value)
        assert message == f"score: {value!r} is out of range 1-5"
    assert "area: 'custom'" in _refused(
        engine, score, actor=MANAGER, deal_id=deal_id, area="custom", value=3
    )
    assert "deal_id: 999" in _refused(
        engine, score, actor=MANAGER, deal_id=999, area="team", value=3
    )
    _write(engine, score, deal_id=deal_id, area="team", value=2, note="thin bench")
    _write(engine, score, deal_id=deal_id, area="team", value=4)
    scores = _state(engine)[1]
    assert [(s["area"], s["score"], s["scored_by"], s["note"]) for s in scores] == [
        ("team", 4, "chen", None)
    ]


def test_the_weighted_score_is_the_weighted_average_of_the_weighted_areas(deal_db):
    engine, fund_id, deal_id = deal_db
    given = {"team": 4, "market": 3, "product": 5, "financials": 2, "legal": 4}
    for area, value in given.items():
        _write(engine, score, deal_id=deal_id, area=area, value=value)
    card = _read(engine, scorecard, deal_id=deal_id)
    assert isinstance(card.weighted, Undefined) and "regulatory" in card.weighted.reason
    assert card.scores == {**given, "regulatory": None} and card.weights == DEFAULT_WEIGHTS
    _write(engine, score, deal_id=deal_id, area="regulatory", value=1)
    # defaults 25/15/15/15/10/20: (100 + 45 + 75 + 30 + 40 + 20) / 100
    assert _read(engine, scorecard, deal_id=deal_id).weighted == D("3.10")
    _write(engine, set_weights, fund_id=fund_id, weights={"team": 33, "market": 33,
                                                          "product": 34})  # fmt: skip
    # (33 * 4 + 33 * 3 + 34 * 5) / 100 = 4.01; financials, legal, regulatory weigh 0
    card = _read(engine, scorecard, deal_id=deal_id)
    assert card.weighted == D("4.01") and card.red_flags == [] and card.red_flags_open == 0


def test_an_analyst_may_not_write_and_nothing_is_written(deal_db):
    engine, fund_id, deal_id = deal_db
    item = _write(engine, add_item, deal_id=deal_id, area="team", title="Reference calls")
    flagged = _write(engine, add_item, deal_id=deal_id, area="legal", title="Share pledge")
    _write(engine, raise_red_flag, item_id=flagged.id, finding="Founder's shares pledged")
    calls = [
        (start_checklist, {"deal_id": deal_id}),
        (add_item, {"deal_id": deal_id, "area": "team", "title": "x"}),
        (update_item, {"item_id": item.id, "status": "done"}),
        (raise_red_flag, {"item_id": item.id, "finding": "x"}),
        (resolve_red_flag, {"item_id": flagged.id, "how": "released", "waive": True}),
        (set_weights, {"fund_id": fund_id, "weights": DEFAULT_WEIGHTS}),
        (score, {"deal_id": deal_id, "area": "team", "value": 3}),
    ]
    for fn, kwargs in calls:
        message = _refused(engine, fn, PermissionDenied, actor=ANALYST, **kwargs)
        assert message.startswith("Analyst 'li' may not ")


def test_reading_an_unknown_deal_is_refused(deal_db):
    engine, *_ = deal_db
    for fn in (checklist, scorecard, dd_gate):
        with pytest.raises(InputError, match="deal_id: 999 is not a known deal"):
            _read(engine, fn, deal_id=999)
