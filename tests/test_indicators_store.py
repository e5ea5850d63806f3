"""Ecosystem views from the store on every backend, on a small hand-made pair of hubs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from fund.ecosystem import explore_funding, firms_frame, parks_frame, trials_summary
from fund.hub_indicators import ecosystem_indicators, hub_comparison
from fund.indicators import hhi, parks_summary
from fund.results import Undefined
from models.db import session_scope
from models.fx import FxRate
from models.hub import Firm, FundingRound, Hub, Park, TrialApproval, TrialProject
from models.kpi import KpiObservation
from models.validation import InputError

D = Decimal
AS_OF = date(2022, 12, 31)
USD_ROUND_CNY = D("7123400.07")  # USD 1,000,000.01 * 7.1234 = 7,123,400.071234


def _add(session: Session, row):
    session.add(row)
    session.flush()
    return row


def _seed(engine) -> dict[str, int]:
    """Dalian (CNY; rounds in CNY and USD) and Hong Kong (HKD); as of 2022-12-31 in mind."""
    with session_scope(engine, actor="test") as s:
        dl = _add(s, Hub(name="Dalian", city="Dalian", province="Liaoning", currency="CNY"))
        hk = _add(s, Hub(name="Hong Kong", city="Hong Kong", province="HK", currency="HKD"))
        _add(s, FxRate(on=date(2021, 3, 1), base="USD", quote="CNY", rate=D("7.1234")))

        def park(hub, name, district, focus, capacity, occupancy, opened):
            return _add(s, Park(hub_id=hub.id, name=name, district=district, focus=focus,
                                capacity=capacity, occupancy=occupancy, opened=opened))  # fmt: skip

        xinghai = park(dl, "Xinghai", "Shahekou", "payments", 100, 60, date(2019, 1, 1))
        hitech = park(dl, "Hi-tech", "Ganjingzi", "blockchain", 50, 40, date(2020, 6, 1))
        park(dl, "Annex", "Shahekou", "data", None, 10, date(2023, 1, 1))
        cyberport = park(hk, "Cyberport", "Southern", "payments", 200, 150, date(2010, 1, 1))

        def firm(hub, name, sector, founded, park=None, closed_on=None, **kw):
            status = "closed" if closed_on else "active"
            return _add(s, Firm(hub_id=hub.id, name_en=name, sector=sector, founded=founded,
                                park_id=park.id if park else None, status=status,
                                closed_on=closed_on, **kw))  # fmt: skip

        pay = firm(dl, "PayCo", "payments", date(2015, 3, 1), xinghai)
        lend = firm(dl, "LendCo", "lending", date(2016, 5, 1), xinghai, date(2018, 2, 1))
        chain = firm(dl, "ChainCo", "blockchain", date(2019, 6, 1), hitech, renowned=True,
                     renowned_since=date(2021, 1, 1), renowned_criterion="top-50 list")  # fmt: skip
        firm(dl, "DataCo", "data & AI", date(2022, 2, 1))
        late = firm(dl, "LateCo", "payments", date(2023, 5, 1), xinghai)
        firm(dl, "NoDate", "payments", None)
        hkpay = firm(hk, "HKPay", "payments", date(2018, 6, 1), cyberport)

        for f, on, stage, amount, currency in [
            (pay, date(2021, 3, 15), "A", "1000000.01", "USD"),
            (pay, date(2022, 6, 30), "B", "2500000.50", "CNY"),
            (chain, date(2022, 9, 1), "seed", "300000.10", "CNY"),
            (chain, date(2023, 2, 1), "A", "9999999.99", "CNY"),
            (lend, date(2017, 7, 1), "angel", "100000.00", "CNY"),
            (late, date(2023, 6, 1), "seed", "1.00", "CNY"),
            (hkpay, date(2022, 1, 10), "A", "5000000.00", "HKD"),
        ]:
            _add(s, FundingRound(firm_id=f.id, announced=on, stage=stage, amount=D(amount),
                                 currency=currency))  # fmt: skip

        for name, approved, entities, tech in [
            ("P1", date(2021, 5, 1), 3, "blockchain, AI"),
            ("P2", date(2022, 11, 1), 2, "AI; big data"),
            ("P3", date(2023, 3, 1), 5, "cloud"),
        ]:
            _add(s, TrialProject(hub_id=dl.id, name=name, approved=approved, entities=entities,
                                 technologies=tech))  # fmt: skip
        _add(s, TrialApproval(province="Liaoning", approved_by=date(2020, 1, 1), hub_id=dl.id))
        _add(s, TrialApproval(province="Zhejiang", approved_by=date(2019, 12, 1), source="doc"))
        for on, rank in [(date(2022, 3, 24), 40), (date(2022, 9, 22), 38), (date(2023, 3, 23), 35)]:
            _add(s, KpiObservation(hub_id=dl.id, kpi_code="gfci_rank", observed_on=on,
                                   value=D(rank), source="Z/Yen GFCI"))  # fmt: skip
        return {"Dalian": dl.id, "Hong Kong": hk.id}


def test_firms_frame_joins_hub_and_park_district(empty_db):
    _seed(empty_db)
    with Session(empty_db) as session:
        firms = firms_frame(session=session).set_index("name")
    assert len(firms) == 7
    assert firms.loc["ChainCo", ["hub", "park", "district"]].tolist() == [
        "Dalian", "Hi-tech", "Ganjingzi",
    ]  # fmt: skip
    assert firms.loc["DataCo", "park"] is None and firms.loc["DataCo", "district"] is None
    assert firms.loc["PayCo", "founded_year"] == 2015
    assert bool(firms.loc["ChainCo", "renowned"]) is True


@pytest.mark.parametrize(
    ("filters", "dalian", "hong_kong"),
    [
        ({}, D("20023401.66"), D("5000000.00")),
        ({"sectors": ["blockchain"]}, D("10300000.09"), D("0.00")),
        ({"stages": ["A"]}, USD_ROUND_CNY + D("9999999.99"), D("5000000.00")),
        ({"years": (2022, 2022)}, D("2800000.60"), D("5000000.00")),
        ({"years": (2022, 2022), "stages": ["seed"]}, D("300000.10"), D("0.00")),
    ],
)
def test_explore_funding_totals_exact_to_the_cent(empty_db, filters, dalian, hong_kong):
    _seed(empty_db)
    with Session(empty_db) as session:
        view = explore_funding(session=session, **filters)
    assert view.totals == {"Dalian": dalian, "Hong Kong": hong_kong}
    assert view.currencies == {"Dalian": "CNY", "Hong Kong": "HKD"}
    assert all(isinstance(v, Decimal) for v in view.by_period["amount"])
    assert sum(view.by_period["amount"], D(0)) == dalian + hong_kong


def test_explore_funding_concentration_growth_and_hub_filter(empty_db):
    ids = _seed(empty_db)
    with Session(empty_db) as session:
        view = explore_funding(session=session, hub_ids=[ids["Dalian"]], years=(2021, 2022))
        with pytest.raises(InputError, match="years"):
            explore_funding(session=session, years=(2023, 2021))
    assert set(view.rounds["hub"]) == {"Dalian"} and list(view.totals) == ["Dalian"]
    stage_shares = {"A": USD_ROUND_CNY, "B": D("2500000.50"), "seed": D("300000.10")}
    assert view.hhi_stage["Dalian"] == hhi(stage_shares)
    assert view.hhi_sector["Dalian"] == hhi(
        {"payments": D("9623400.57"), "blockchain": D("300000.10")}
    )
    growth = view.growth.set_index("year")
    assert growth.loc[2022, "amount"] == D("2800000.60")
    assert growth.loc[2022, "yoy"] == pytest.approx(float(D("2800000.60") / USD_ROUND_CNY - 1))
    assert growth.loc[2021, "yoy"] is None


def test_parks_frame_and_summary_by_district(empty_db):
    _seed(empty_db)
    with Session(empty_db) as session:
        parks = parks_frame(session=session)
    assert parks.set_index("name").loc["Xinghai", "occupancy_rate"] == pytest.approx(0.6)
    summary = parks_summary(parks, by="district").set_index(["hub", "district"])
    assert summary.loc[("Dalian", "Shahekou"), ["parks", "capacity", "occupancy"]].tolist() == [
        2, 100, 70,
    ]  # fmt: skip
    assert summary.loc[("Dalian", "Shahekou"), "occupancy_rate"] == pytest.approx(0.6)
    assert summary.loc[("Dalian", "Ganjingzi"), "occupancy_rate"] == pytest.approx(0.8)
    assert summary.loc[("Hong Kong", "Southern"), "occupancy_rate"] == pytest.approx(0.75)


def test_trials_summary_per_hub_and_provinces(empty_db):
    _seed(empty_db)
    with Session(empty_db) as session:
        trials = trials_summary(session=session)
    by_hub = trials.by_hub.set_index("hub")
    assert by_hub.loc["Dalian", ["projects", "entities"]].tolist() == [3, 10]
    assert by_hub.loc["Dalian", "first_approved"] == date(2021, 5, 1)
    assert by_hub.loc["Dalian", "latest_approved"] == date(2023, 3, 1)
    assert by_hub.loc["Dalian", "technologies"] == "AI, big data, blockchain, cloud"
    assert by_hub.loc["Hong Kong", ["projects", "entities"]].tolist() == [0, 0]
    assert len(trials.projects) == 3
    assert trials.provinces[["province", "hub"]].values.tolist() == [
        ["Zhejiang", None], ["Liaoning", "Dalian"],
    ]  # fmt: skip


def test_ecosystem_indicators_as_of_exclude_later_rows(empty_db):
    ids = _seed(empty_db)
    with Session(empty_db) as session:
        dl = ecosystem_indicators(session=session, hub_id=ids["Dalian"], as_of=AS_OF)
    assert (dl.hub, dl.currency, dl.active_firms, dl.undated_firms) == ("Dalian", "CNY", 3, 1)
    assert (dl.renowned_firms, dl.parks, dl.undated_parks) == (1, 2, 0)
    assert dl.park_occupancy_rate == pytest.approx(100 / 150)
    assert dl.funding_last_12m == D("2800000.60")
    assert dl.funding_prev_12m == USD_ROUND_CNY
    assert dl.funding_growth_12m == D("2800000.60") / USD_ROUND_CNY - 1
    assert (dl.survival_3y, dl.survival_5y) == (D(2) / D(3), D(1) / D(2))
    assert (dl.birth_rate, dl.birth_rate_year) == (D("0.5"), 2022)
    assert dl.hhi_sector_firms.quantize(D("0.01")) == D("3333.33")
    assert dl.hhi_district_firms == D(5000)
    assert dl.hhi_stage_funding == hhi({"B": D("2500000.50"), "seed": D("300000.10")})
    assert (dl.trial_projects, dl.trial_entities) == (2, 5)
    assert (dl.latest_gfci_rank, dl.gfci_rank_on) == (D(38), date(2022, 9, 22))


def test_ecosystem_indicators_of_a_hub_with_little_history(empty_db):
    ids = _seed(empty_db)
    with Session(empty_db) as session:
        hk = ecosystem_indicators(session=session, hub_id=ids["Hong Kong"], as_of=AS_OF)
        early = ecosystem_indicators(session=session, hub_id=ids["Dalian"], as_of=date(2015, 6, 1))
        with pytest.raises(InputError, match="hub_id"):
            ecosystem_indicators(session=session, hub_id=999, as_of=AS_OF)
    assert hk.funding_last_12m == D("5000000.00") and hk.funding_prev_12m == D("0.00")
    assert isinstance(hk.funding_growth_12m, Undefined)
    assert isinstance(hk.survival_5y, Undefined) and hk.survival_3y == D(1)
    assert hk.latest_gfci_rank is None and hk.trial_projects == 0
    assert early.active_firms == 1 and early.parks == 0
    assert isinstance(early.birth_rate, Undefined)
    assert isinstance(early.hhi_stage_funding, Undefined)


def test_hub_comparison_has_one_row_per_hub(empty_db):
    _seed(empty_db)
    with Session(empty_db) as session:
        table = hub_comparison(session=session, as_of=AS_OF)
    assert table["hub"].tolist() == ["Dalian", "Hong Kong"]
    rows = table.set_index("hub")
    assert rows.loc["Hong Kong", "funding_growth_12m"] is None
    assert "zero" in rows.loc["Hong Kong", "funding_growth_12m_note"]
    assert rows.loc["Dalian", "funding_growth_12m_note"] is None
    assert rows.loc["Dalian", "funding_last_12m"] == D("2800000.60")
    assert rows.loc["Hong Kong", "currency"] == "HKD"
