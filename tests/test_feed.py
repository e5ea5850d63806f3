"""Generic JSON feeds: items, ids and mapped fields, paging, and every bad item reported."""

from __future__ import annotations

import json

import httpx
import pytest

from models.sourcing import FeedConfig
from sourcing.feed import PathMissing, fetch_feed, fetch_feed_config, resolve
from sourcing.records import SourceError

BASE = "https://cohort.dlhitech.example.cn"
COHORT = [
    {"id": 101, "names": [{"lang": "zh", "value": "大连链融科技有限公司"},
                          {"lang": "en", "value": "Dalian Lianrong Technology Co., Ltd."}],
     "credit_code": "91210200MA0QC3Y8XF", "founded": "2019-03-18", "staff": 42,
     "tags": ["supply-chain finance", "blockchain"]},
    {"id": "102", "names": [{"lang": "zh", "value": "大连数信支付有限公司"}],
     "credit_code": None, "founded": "2021-07-01", "staff": 9, "tags": []},
]  # fmt: skip
MAPPING = {"name_zh": "names.0.value", "uscc": "credit_code", "founded": "founded",
           "employees": "staff", "other_names": "tags"}  # fmt: skip


def _client(pages, seen=None):
    """A transport serving ``pages`` (URL -> JSON body) as application/json."""

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if seen is not None:
            seen.append(url)
        if url not in pages:
            return httpx.Response(404, text="not found")
        body = json.dumps(pages[url]).encode()
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return httpx.Client(transport=httpx.MockTransport(handler))


def _fetch(pages, url=f"{BASE}/cohort.json", **kwargs):
    options = {"items_path": "", "id_field": "id", "mapping": MAPPING, "source_name": "dl-cohort"}
    return fetch_feed(url=url, client=_client(pages), **(options | kwargs))


def test_a_top_level_list_maps_onto_firm_fields():
    result = _fetch({f"{BASE}/cohort.json": COHORT})
    first, second = result.records
    assert first.fields == {
        "name_zh": "大连链融科技有限公司",
        "uscc": "91210200MA0QC3Y8XF",
        "founded": "2019-03-18",
        "employees": 42,
        "other_names": "supply-chain finance; blockchain",
    }
    assert (first.source, first.kind, first.external_id) == ("feed:dl-cohort", "feed", "101")
    assert first.url == f"{BASE}/cohort.json" and first.payload == COHORT[0]
    assert second.external_id == "102" and "uscc" not in second.fields  # null: no value
    assert "other_names" not in second.fields  # an empty list: no value
    assert (result.problems, result.pages, result.stopped) == ([], 1, "last page")


def test_a_nested_items_path_and_an_index_path_are_followed():
    body = {"park": "Shenzhen Bay", "data": {"tenants": COHORT}}
    result = _fetch({f"{BASE}/cohort.json": body}, items_path="data.tenants",
                    mapping={"name_en": "names.1.value", "name_zh": "names.0.value"})  # fmt: skip
    assert result.records[0].fields["name_en"] == "Dalian Lianrong Technology Co., Ltd."
    assert "name_en" not in result.records[1].fields
    (problem,) = result.problems
    assert (problem.index, problem.item_id, problem.skipped) == (1, "102", False)
    assert problem.message == (
        "name_en ('names.1.value'): no '1' under 'names' (found a list); kept the item without it"
    )


@pytest.mark.parametrize(
    ("item", "message", "skipped"),
    [
        ({"names": [{"value": "无编号"}]}, "no usable id at 'id': no 'id' (found an object)", True),
        ({"id": " ", "names": [{"value": "空"}]}, "no usable id at 'id': the value is empty", True),
        ({"id": {"n": 1}, "names": []}, "no usable id at 'id': the value {'n': 1} is not", True),
        ({"id": True, "names": []}, "no usable id at 'id': the value True is not", True),
        ({"id": 101, "names": [{"value": "重复"}]}, "id '101' repeats item 0; kept the first",
         True),
        ("大连某公司", "item is a str, not an object", True),
        ({"id": 7, "names": {"zh": "x"}}, "name_zh ('names.0.value'): no '0' under 'names'",
         False),
        ({"id": 8, "names": [{"value": {"zh": "x"}}]},
         "name_zh ('names.0.value'): is an object, not a value; kept the item without it", False),
    ],
)  # fmt: skip
def test_a_bad_item_is_reported_not_dropped_silently(item, message, skipped):
    result = _fetch(
        {f"{BASE}/cohort.json": [COHORT[0], item]}, mapping={"name_zh": "names.0.value"}
    )
    (problem,) = result.problems
    assert problem.index == 1 and problem.skipped is skipped
    assert problem.message.startswith(message)
    assert len(result.records) == (1 if skipped else 2)


@pytest.mark.parametrize(
    ("body", "items_path", "message"),
    [
        ({"tenants": []}, "data.tenants", "items_path 'data.tenants' not found: no 'data'"),
        (
            {"data": {"count": 3}},
            "data.tenants",
            "items_path 'data.tenants' not found: no 'tenants' under 'data' \\(found an object\\)",
        ),
        ({"data": "x"}, "data", "items_path 'data' is a str, not a list"),
        ({"data": []}, "", "items_path '\\(top level\\)' is a dict, not a list"),
    ],
)
def test_a_missing_items_path_is_an_error_naming_it_and_the_url(body, items_path, message):
    with pytest.raises(SourceError, match=f"{BASE}/cohort.json: {message}"):
        _fetch({f"{BASE}/cohort.json": body}, items_path=items_path)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"name_en": "name", "website": "url"}, "mapping: 'website' is not a firm field"),
        ({"name_en": " "}, "mapping: the path for 'name_en' is empty"),
        ({}, "mapping: a feed needs at least one"),
    ],
)
def test_a_bad_mapping_is_refused_before_fetching(mapping, message):
    seen: list[str] = []
    with pytest.raises(ValueError, match=message):
        fetch_feed(url=BASE, items_path="", id_field="id", mapping=mapping,
                   source_name="x", client=_client({}, seen))  # fmt: skip
    assert seen == []


def _page(ids, **links):
    return {"data": [{"id": i, "name": f"Firm {i}"} for i in ids]} | links


@pytest.mark.parametrize(
    ("pages", "stopped", "ids", "requests"),
    [
        # JSON:API links.next, relative, then the last page has none
        ({"/p1": _page([1, 2], links={"next": "/p2"}), "/p2": _page([3])}, "last page",
         ["1", "2", "3"], 2),
        # a plain "next" pointing back at the first page
        ({"/p1": _page([1], next=f"{BASE}/p2"), "/p2": _page([2], next="p1")}, "repeated page",
         ["1", "2"], 2),
        # a new URL serving the same records again
        ({"/p1": _page([1], next="/p2"), "/p2": _page([1], next="/p3")}, "repeated page", ["1"], 2),
        # null "next" is the end
        ({"/p1": _page([1], links={"next": None})}, "last page", ["1"], 1),
    ],
)  # fmt: skip
def test_pages_are_followed_until_the_last_or_a_repeat(pages, stopped, ids, requests):
    seen: list[str] = []
    result = fetch_feed(url=f"{BASE}/p1", items_path="data", id_field="id",
                        mapping={"name_en": "name"}, source_name="park",
                        client=_client({BASE + k: v for k, v in pages.items()}, seen))  # fmt: skip
    assert result.stopped == stopped and [r.external_id for r in result.records] == ids
    assert len(seen) == requests and result.problems == []


def test_paging_stops_after_max_pages():
    pages = {f"{BASE}/p{n}": _page([n], next=f"/p{n + 1}") for n in range(1, 10)}
    result = fetch_feed(url=f"{BASE}/p1", items_path="data", id_field="id",
                        mapping={"name_en": "name"}, source_name="park",
                        client=_client(pages), max_pages=3)  # fmt: skip
    assert (result.pages, result.stopped, len(result.records)) == (3, "max pages", 3)


def test_a_page_that_fails_fails_the_whole_feed_with_its_url():
    pages = {f"{BASE}/p1": _page([1], next="/p2")}
    with pytest.raises(SourceError, match=f"{BASE}/p2: HTTP 404 Not Found: not found"):
        fetch_feed(url=f"{BASE}/p1", items_path="data", id_field="id", mapping={"name_en": "name"},
                   source_name="park", client=_client(pages))  # fmt: skip


def test_a_stored_feed_config_is_fetched_as_configured():
    config = FeedConfig(name="sz-bay-tenants", url=f"{BASE}/t.json", items_path="data",
                        id_field="id", mapping={"name_en": "name"}, hub_id=1,
                        default_sector="payments")  # fmt: skip
    result = fetch_feed_config(config, client=_client({f"{BASE}/t.json": _page([5])}))
    (record,) = result.records
    assert (record.source, record.fields) == ("feed:sz-bay-tenants", {"name_en": "Firm 5"})


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", COHORT),
        ("0.id", 101),
        ("1.names.0.value", "大连数信支付有限公司"),
        ("0.tags.1", "blockchain"),
        ("0.credit_code", "91210200MA0QC3Y8XF"),
    ],
)
def test_dotted_paths_take_keys_and_list_indexes(path, expected):
    assert resolve(COHORT, path) == expected


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("2.id", "no '2' (found a list)"),
        ("0.names.x", "no 'x' under '0.names' (found a list)"),
        ("1.credit_code.x", "no 'x' under '1.credit_code' (found null)"),
        ("0.staff.0", "no '0' under '0.staff' (found a int)"),
    ],
)
def test_a_dotted_path_that_leads_nowhere_says_where(path, message):
    with pytest.raises(PathMissing, match=message.replace("(", "\\(").replace(")", "\\)")):
        resolve(COHORT, path)
