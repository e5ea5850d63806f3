"""Name matching keys: a table of name pairs that must and must not match, and the rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sourcing.clean import sector_of
from sourcing.match import FirmIndex, FirmKeys, likely_duplicates, match_fields
from sourcing.names import join_names, name_keys, normalize_name, similarity, split_names

PAIRS = Path(__file__).parent / "data" / "sourcing" / "name_pairs.csv"


def _pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _firm(firm_id: int, name: str, **keys: str) -> FirmKeys:
    field = "name_en" if name.isascii() else "name_zh"
    return FirmKeys(firm_id, name, keys.get("uscc"), keys.get("lei"),
                    frozenset(name_keys({field: name})))  # fmt: skip


def test_the_pair_table_has_both_kinds_in_both_languages():
    rows = _pairs()
    assert len(rows) >= 40
    assert {r["match"] for r in rows} == {"yes", "no"}
    for verdict in ("yes", "no"):
        names = [r["name_a"] for r in rows if r["match"] == verdict]
        assert any(n.isascii() for n in names) and any(not n.isascii() for n in names)


@pytest.mark.parametrize("row", _pairs(), ids=lambda r: f"{r['match']}-{r['why']}")
def test_name_pair_keys_match_exactly_when_the_table_says(row):
    same = normalize_name(row["name_a"]) == normalize_name(row["name_b"])
    assert same is (row["match"] == "yes"), (normalize_name(row["name_a"]),
                                             normalize_name(row["name_b"]))  # fmt: skip


@pytest.mark.parametrize("row", _pairs(), ids=lambda r: f"{r['match']}-{r['why']}")
def test_a_record_is_a_likely_duplicate_only_of_a_matching_name(row):
    index = FirmIndex([_firm(1, row["name_a"])])
    field = "name_en" if row["name_b"].isascii() else "name_zh"
    kinds = {m.kind for m in match_fields(index, {field: row["name_b"]})}
    assert ("name" in kinds) is (row["match"] == "yes")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("大连金融科技有限公司", "大连金融科技"),
        ("ＡＬＰＨＡ　ＰＡＹ　ＬＩＭＩＴＥＤ", "alphapay"),
        ("Alpha Pay Co., Ltd.", "alphapay"),
        ("J.P. Morgan Chase & Co.", "jpmorganchase"),
        ("大连金融科技集团有限公司", "大连金融科技集团"),
        ("X有限公司北京分公司", "x有限公司北京分公司"),
        ("有限公司", "有限公司"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_name_examples(name, key):
    assert normalize_name(name) == key


def test_name_keys_cover_english_chinese_and_other_names():
    other = "AlphaPay Co., Ltd.; 阿尔法支付科技有限公司；Old Alpha Limited"
    firm = {"name_en": "Alpha Pay Ltd", "name_zh": "阿尔法支付有限公司", "other_names": other}
    assert name_keys(firm) == {"alphapay", "阿尔法支付", "阿尔法支付科技", "oldalpha"}
    assert split_names(" a ;b；; ") == ["a", "b"]
    assert join_names(["Alpha Pay Ltd", "ALPHA PAY LIMITED", "Beta"]) == "Alpha Pay Ltd; Beta"
    assert join_names([]) is None


def test_similar_names_are_possible_matches_not_likely_duplicates():
    index = FirmIndex([_firm(1, "Dalian Yunlian Technology Co., Ltd.")])
    found = match_fields(index, {"name_en": "Dalian Yunlian Data Technology Co., Ltd."})
    assert [(m.firm_id, m.kind) for m in found] == [(1, "similar")]
    assert 0.9 <= found[0].score < 1
    assert similarity("大连金融科技", "大连金融信息") < 0.9


def test_same_name_with_a_different_uscc_is_a_conflict():
    index = FirmIndex([_firm(1, "Alpha Pay Ltd", uscc="91110000600037341L")])
    found = match_fields(index, {"name_en": "Alpha Pay Limited", "uscc": "91440300MA5DC6QX9C"})
    assert found[0].kind == "name"
    assert "uscc differs" in (found[0].conflict or "")


def test_keys_decide_and_kept_apart_firms_are_not_offered():
    firms = [_firm(1, "Alpha Pay Ltd", uscc="91110000600037341L"), _firm(2, "Alpha Pay Ltd")]
    found = match_fields(FirmIndex(firms), {"name_en": "Alpha Pay", "uscc": "91110000600037341L"})
    assert [(m.firm_id, m.kind) for m in found] == [(1, "uscc"), (2, "name")]
    apart = FirmIndex(firms, apart=[(2, 1)])
    found = match_fields(apart, {"name_en": "Alpha Pay", "uscc": "91110000600037341L"})
    assert [(m.firm_id, m.kind) for m in found] == [(1, "uscc")]


def test_likely_duplicates_group_firms_by_key_without_comparing_all_pairs(empty_db):
    from models.db import session_scope
    from models.hub import Firm, Hub

    with session_scope(empty_db) as s:
        hub = Hub(name="Dalian", city="Dalian", province="Liaoning")
        s.add(hub)
        s.flush()
        for name in ("Alpha Pay Ltd", "ALPHA PAY LIMITED", "Alpha Pay Holdings", "Beta Ltd"):
            s.add(Firm(name_en=name, sector="payments", hub_id=hub.id))
        s.add(Firm(name_zh="阿尔法支付", other_names="Alpha Pay Co., Ltd.", sector="payments",
                   hub_id=hub.id))  # fmt: skip
    from sqlmodel import Session

    with Session(empty_db) as s:
        pairs = likely_duplicates(session=s)
    assert [(p.firm_a_id, p.firm_b_id, p.key) for p in pairs] == [
        (1, 2, "alphapay"), (1, 5, "alphapay"), (2, 5, "alphapay")]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "sector"),
    [("Payments", "payments"), (" DATA & AI ", "data & AI"), ("支付", "payments"),
     ("网贷", "lending"), ("保险科技", "insurtech"), ("区块链", "blockchain"),
     ("供应链金融", "supply-chain finance"), ("crypto", None), ("", None)],
)  # fmt: skip
def test_sector_names_and_chinese_aliases(text, sector):
    assert sector_of(text) == sector


def test_similar_keys_finds_exactly_what_comparing_every_key_finds():
    import random

    rng = random.Random(7)
    alphabet = "大连金融科技信息数据云链abcde"
    keys = {"".join(rng.choices(alphabet, k=rng.randint(4, 14))) for _ in range(400)}
    keys |= {k[:-1] + "x" for k in list(keys)[:80]} | {k + "yz" for k in list(keys)[:80]}
    index = FirmIndex([FirmKeys(i, k, None, None, frozenset({k})) for i, k in enumerate(keys)])
    for query in [*sorted(keys)[:60], "大连金融科技信息", "abcdeabcde"]:
        brute = sorted((k, similarity(query, k)) for k in keys
                       if k != query and similarity(query, k) >= 0.9)  # fmt: skip
        assert sorted(index.similar_keys(query)) == brute
