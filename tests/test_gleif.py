"""GLEIF client: search pages, records, parents and the mapping, on a local GLEIF-shaped API."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import httpx
import pytest

from sourcing.gleif import (
    DEFAULT_BASE_URL,
    GleifClient,
    configured_base_url,
    record_from_gleif,
    valid_lei,
)
from sourcing.records import SourceError
from tests.gleif_server import Canned, sample_records, serve_gleif

DALIAN = "300300DLYH2019FT0050"  # 大连银海数字金融科技有限公司, parents below
SHENZHEN_HOLDING = "300300SZQH2016XL0040"
HK_GROUP = "2549003HKSTARFG00067"  # English legal name, Chinese other name, no parents
DALIAN_PAY = "300300DLGW2015PAY075"  # Chinese name only, lapsed
NOW = datetime(2025, 11, 22, 9, 30, tzinfo=UTC)
SAMPLES = {r["attributes"]["lei"]: r for r in sample_records()}


@pytest.fixture
def gleif():
    with serve_gleif() as stub:
        yield stub


@pytest.fixture
def client(gleif):
    sleeps: list[float] = []
    with GleifClient(gleif.base_url, timeout=2.0, sleep=sleeps.append) as c:
        c.sleeps = sleeps
        yield c


def test_a_search_pages_through_every_match_and_stops_at_the_last_page(gleif, client):
    pages = list(client.search("fintech", page_size=2))
    assert [(p.page, p.last_page, p.total, len(p.records)) for p in pages] == [
        (1, 3, 5, 2),
        (2, 3, 5, 2),
        (3, 3, 5, 1),
    ]
    leis = [r.external_id for p in pages for r in p.records]
    assert len(set(leis)) == 5 and DALIAN in leis
    assert [s.query for s in gleif.requests] == [
        {"filter[fulltext]": "fintech", "page[size]": "2", "page[number]": str(n)}
        for n in (1, 2, 3)
    ]
    assert gleif.requests[0].headers["User-Agent"].startswith("hubfund/")
    assert "application/vnd.api+json" in gleif.requests[0].headers["Accept"]


@pytest.mark.parametrize(
    ("kwargs", "pages"), [({"max_pages": 2}, [1, 2]), ({"first_page": 2}, [2, 3])]
)
def test_a_search_can_stop_early_or_resume_from_a_page(client, kwargs, pages):
    assert [p.page for p in client.search("fintech", page_size=2, **kwargs)] == pages


def test_a_search_without_matches_gives_no_pages(gleif, client):
    assert list(client.search("no such company")) == []
    assert len(gleif.requests) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "  "}, "name to search for is empty"),
        ({"name": "x", "page_size": 0}, "page_size: 0"),
        ({"name": "x", "page_size": 201}, "page_size: 201"),
        ({"name": "x", "max_pages": 0}, "max_pages"),
    ],
)
def test_a_bad_search_is_refused_before_asking(gleif, client, kwargs, message):
    with pytest.raises(ValueError, match=message):
        list(client.search(**kwargs))
    assert gleif.requests == []


def test_a_chinese_fintech_maps_onto_the_firm_fields(gleif, client):
    record = client.record(DALIAN.lower())
    assert record.fields == {
        "lei": DALIAN,
        "name_zh": "大连银海数字金融科技有限公司",
        "name_en": "Dalian Yinhai Digital Fintech Co., Ltd.",
        "other_names": "Dalian Yinhai Digital Fintech Co., Ltd.; "
        "DALIAN YINHAI SHUZI JINRONG KEJI YOUXIAN GONGSI",
        "legal_address": "高新技术产业园区黄浦路537号, 星海金融大厦12层, 大连市, CN-LN, 116023, CN",
        "jurisdiction": "CN",
        "uscc": "91210200MA0QC3Y8XF",
        "entity_status": "ACTIVE",
        "registration_status": "ISSUED",
    }
    assert (record.source, record.kind, record.external_id) == ("gleif", "gleif", DALIAN)
    assert record.url == f"{gleif.base_url}/lei-records/{DALIAN}"
    assert record.payload["attributes"]["lei"] == DALIAN
    assert record.fetched_at.tzinfo is not None
    json.dumps(record.payload)  # the raw payload is stored as it came


@pytest.mark.parametrize(
    ("lei", "expected"),
    [
        (HK_GROUP, {"name_en": "Harbour Star Financial Group Limited",
                    "name_zh": "港星金融集團有限公司", "jurisdiction": "HK"}),
        (DALIAN_PAY, {"name_zh": "大连港湾支付服务有限公司", "registration_status": "LAPSED",
                      "other_names": "DALIAN GANGWAN ZHIFU FUWU YOUXIAN GONGSI"}),
        ("300300BJZGC2020FT005", {"name_zh": "北京中关村智链金融科技有限公司",
                                  "name_en": "Beijing Zhongguancun Zhilian Fintech Co., Ltd."}),
        ("5493006FINTECHHK0039", {"name_en": "Kowloon Fintech Labs Limited",
                                  "entity_status": "INACTIVE", "registration_status": "RETIRED",
                                  "legal_address": "Unit 1203, 12/F, Cyberport 3, "
                                  "100 Cyberport Road, Hong Kong, HK"}),
    ],
)  # fmt: skip
def test_names_go_to_the_field_of_their_script(lei, expected):
    fields = record_from_gleif(SAMPLES[lei], url="u", fetched_at=NOW).fields
    assert {k: fields.get(k) for k in expected} == expected
    if lei == DALIAN_PAY:
        assert "name_en" not in fields  # an automatic pinyin transliteration is not English
    if lei == HK_GROUP:
        assert "uscc" not in fields  # a Hong Kong company number is not a USCC


def test_direct_and_ultimate_parents_are_fetched_and_none_when_not_reported(gleif, client):
    assert client.direct_parent(DALIAN).external_id == SHENZHEN_HOLDING
    assert client.ultimate_parent(DALIAN).external_id == HK_GROUP
    assert client.direct_parent(HK_GROUP) is None
    assert client.ultimate_parent(HK_GROUP) is None
    assert gleif.paths()[-1] == f"/api/v1/lei-records/{HK_GROUP}/ultimate-parent"


def test_a_record_with_parents_carries_the_parents_leis(client):
    record = client.record(DALIAN, with_parents=True)
    assert record.fields["direct_parent_lei"] == SHENZHEN_HOLDING
    assert record.fields["ultimate_parent_lei"] == HK_GROUP
    alone = client.record(HK_GROUP, with_parents=True)
    assert "direct_parent_lei" not in alone.fields and "ultimate_parent_lei" not in alone.fields


def test_parent_leis_given_in_the_payload_are_mapped_without_asking():
    item = copy.deepcopy(SAMPLES[DALIAN])
    item["relationships"]["direct-parent"]["data"] = {"type": "lei-records", "id": SHENZHEN_HOLDING}
    fields = record_from_gleif(item, url="u", fetched_at=NOW).fields
    assert fields["direct_parent_lei"] == SHENZHEN_HOLDING and "ultimate_parent_lei" not in fields


@pytest.mark.parametrize(
    ("lei", "message"),
    [
        ("ABC", "'ABC' is not a valid LEI"),
        ("300300DLYH2019FT0051", "checksum"),
        ("300300DLYH2019FT00!0", "not a valid LEI"),
    ],
)
def test_a_malformed_lei_is_refused_before_asking(gleif, client, lei, message):
    for ask in (client.record, client.direct_parent, client.ultimate_parent):
        with pytest.raises(ValueError, match=message):
            ask(lei)
    assert gleif.requests == []


def test_an_unknown_lei_names_the_lei_and_the_url(gleif, client):
    unknown = "5493001KJTIIGC8Y1R12"
    with pytest.raises(SourceError, match=f"{gleif.base_url}/lei-records/{unknown}.*no LEI record"):
        client.record(unknown)
    assert client.sleeps == []  # a 404 is not retried


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("attributes", "lei"), "attributes.lei"),
        (("attributes", "entity", "legalName"), "legalName.name"),
        (("attributes", "entity"), "attributes.entity"),
    ],
)
def test_a_record_missing_a_required_field_names_it_and_the_url(path, field):
    item = copy.deepcopy(SAMPLES[DALIAN])
    parent = item
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    with pytest.raises(SourceError, match=rf"https://x/y: .*{field}"):
        record_from_gleif(item, url="https://x/y", fetched_at=NOW)


def test_a_search_page_with_a_broken_record_says_which_item(gleif, client):
    broken = copy.deepcopy(SAMPLES[DALIAN])
    broken["attributes"]["entity"]["legalName"]["name"] = " "
    body = {"meta": {}, "links": {}, "data": [SAMPLES[HK_GROUP], broken]}
    gleif.queue("/lei-records", _json(body))
    with pytest.raises(SourceError, match=r"/lei-records\?.*legalName.name \(item 2 of page 1\)"):
        list(client.search("anything"))


def _json(body):
    return Canned(body=json.dumps(body).encode())


def _mock_search(pages, seen):
    """A transport answering search page n with ``pages(n)`` (a JSON:API body)."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        number = int(request.url.params["page[number]"])
        return httpx.Response(200, json=pages(number), headers={"content-type": "application/json"})

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_a_server_ignoring_the_page_number_is_read_once():
    page = {"links": {"next": "https://g/api/v1/lei-records?page%5Bnumber%5D=2"},
            "data": [SAMPLES[DALIAN], SAMPLES[HK_GROUP]]}  # fmt: skip
    seen: list[str] = []
    with GleifClient("https://g/api/v1", client=_mock_search(lambda n: page, seen)) as c:
        pages = list(c.search("x", page_size=2, max_pages=5))
    assert len(pages) == 1 and len(seen) == 2  # page 2 repeated page 1: stop


def test_a_next_link_already_visited_stops_the_search():
    def pages(number):
        # no pagination metadata; "next" always points back at page 1
        url = "https://g/api/v1/lei-records?page[size]=1&page[number]=1&filter[fulltext]=x"
        return {"links": {"next": url}, "data": [list(SAMPLES.values())[number]]}

    seen: list[str] = []
    with GleifClient("https://g/api/v1", client=_mock_search(pages, seen)) as c:
        pages_read = list(c.search("x", page_size=1, max_pages=5))
    assert [p.page for p in pages_read] == [1] and len(seen) == 1


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, DEFAULT_BASE_URL),
        ({"HUBFUND_GLEIF_URL": " "}, DEFAULT_BASE_URL),
        ({"HUBFUND_GLEIF_URL": "http://127.0.0.1:8080/api/v1/"}, "http://127.0.0.1:8080/api/v1"),
    ],
)
def test_the_base_url_comes_from_the_environment(environ, expected):
    assert configured_base_url(environ) == expected


@pytest.mark.parametrize("value", ["api.gleif.org/api/v1", "ftp://gleif.org/x", "http://"])
def test_a_base_url_that_is_not_http_is_refused(value):
    with pytest.raises(ValueError, match=f"HUBFUND_GLEIF_URL: {value!r}"):
        configured_base_url({"HUBFUND_GLEIF_URL": value})


def test_a_valid_lei_is_compacted():
    assert valid_lei(" 300300dlyh2019ft0050 ") == DALIAN
