"""Fetching JSON: retries, backoff, Retry-After, timeouts, limits and clear errors.

The first tests go through a real local HTTP server (tests/gleif_server.py); the finer faults use
``httpx.MockTransport``. Sleeps are recorded, not waited; only the timeout test waits (briefly).
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from sourcing.gleif import GleifClient
from sourcing.http import (
    HttpStatusError,
    JsonFetcher,
    describe_error,
    excerpt,
    retry_after_seconds,
    url_key,
)
from sourcing.records import SourceError
from tests.gleif_server import Canned, serve_gleif

LEI = "300300DLYH2019FT0050"
PATH = f"/lei-records/{LEI}"
URL = "https://feeds.example.org/data.json"


@pytest.fixture
def gleif():
    with serve_gleif() as stub:
        yield stub


def _client(stub, **kwargs):
    sleeps: list[float] = []
    client = GleifClient(stub.base_url, sleep=sleeps.append, **({"timeout": 2.0} | kwargs))
    return client, sleeps


# --- through a real server ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("faults", "sleeps"),
    [
        ([Canned(429, b'{"errors":[{"title":"Too Many Requests"}]}', {"Retry-After": "3"})], [3]),
        ([Canned(500, b"oops")], [0.5]),
        ([Canned(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>")] * 2, [0.5, 1.0]),
        ([Canned(503, b"", {"Retry-After": "7"}), Canned(500, b"")], [7, 1.0]),
    ],
)
def test_rate_limits_and_server_errors_are_retried(gleif, faults, sleeps):
    gleif.queue(PATH, *faults)
    client, slept = _client(gleif)
    assert client.record(LEI).external_id == LEI
    assert slept == sleeps
    assert gleif.paths().count(f"/api/v1{PATH}") == len(faults) + 1


def test_retry_after_as_an_http_date_is_honoured(gleif):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    gleif.queue(PATH, Canned(429, b"", {"Retry-After": when}))
    client, slept = _client(gleif)
    client.record(LEI)
    assert len(slept) == 1 and 27 <= slept[0] <= 30


def test_a_server_that_keeps_failing_is_given_up_with_the_url_and_status(gleif):
    gleif.queue(PATH, *[Canned(500, b"<p>Internal <b>error</b></p>")] * 4)
    client, slept = _client(gleif)
    with pytest.raises(HttpStatusError) as caught:
        client.record(LEI)
    message = str(caught.value)
    assert f"{gleif.base_url}{PATH}: HTTP 500 Internal Server Error: Internal error" in message
    assert "gave up after 4 attempts" in message and caught.value.status == 500
    assert slept == [0.5, 1.0, 2.0]


def test_a_retry_after_beyond_the_cap_is_an_error_not_a_wait(gleif):
    gleif.queue(PATH, Canned(429, b"", {"Retry-After": "3600"}))
    client, slept = _client(gleif)
    with pytest.raises(SourceError, match="retry after 3600 s, more than the 120 s"):
        client.record(LEI)
    assert slept == []


def test_a_slow_response_times_out_for_real(gleif):
    gleif.queue(PATH, Canned(delay=3.0))
    client, slept = _client(gleif, timeout=0.3, retries=0)
    started = time.monotonic()
    with pytest.raises(SourceError, match=f"{PATH}: timed out \\(ReadTimeout\\)"):
        client.record(LEI)
    assert 0.25 < time.monotonic() - started < 2.0 and slept == []


def test_a_slow_response_is_retried_after_its_timeout(gleif):
    gleif.queue(PATH, Canned(delay=3.0))
    client, slept = _client(gleif, timeout=0.3, retries=1)
    assert client.record(LEI).external_id == LEI and slept == [0.5]


def test_broken_json_from_the_server_is_not_retried(gleif):
    gleif.queue(PATH, Canned(body=b'{"data": {"type": "lei-records", "attributes": {'))
    client, slept = _client(gleif)
    with pytest.raises(SourceError, match=f"{PATH}: malformed JSON at line 1 column"):
        client.record(LEI)
    assert slept == [] and len(gleif.requests) == 1


# --- finer faults, through a mock transport --------------------------------------------------


def _fetcher(handler, **kwargs):
    sleeps: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return JsonFetcher(client=client, sleep=sleeps.append, **kwargs), sleeps


def _json(body: bytes = b'{"ok": true}', status=200, ctype="application/json", **headers):
    return lambda request: httpx.Response(
        status, content=body, headers={"content-type": ctype} | headers
    )


def test_connection_errors_are_retried_with_doubling_capped_backoff():
    def refuse(request):
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    fetcher, slept = _fetcher(refuse, retries=6, backoff_cap=4.0)
    with pytest.raises(SourceError, match=f"{URL}: could not connect: .*refused.*7 attempts"):
        fetcher.get_json(URL)
    assert slept == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_a_dropped_connection_then_success_returns_the_data():
    answers = iter([httpx.RemoteProtocolError("peer closed"), None])

    def flaky(request):
        if (error := next(answers)) is not None:
            raise error
        return httpx.Response(200, json=[1, 2], headers={"content-type": "application/json"})

    fetcher, slept = _fetcher(flaky)
    assert fetcher.get_json(URL, {"q": "a b"}) == ([1, 2], f"{URL}?q=a+b") and slept == [0.5]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_client_errors_other_than_429_are_not_retried(status):
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(status, json={"errors": [{"status": str(status), "title": "Nope"}]})

    fetcher, slept = _fetcher(handler)
    with pytest.raises(HttpStatusError, match=f"{URL}: HTTP {status} .*: Nope$") as caught:
        fetcher.get_json(URL)
    assert caught.value.status == status and len(calls) == 1 and slept == []


@pytest.mark.parametrize(
    ("ctype", "body", "message"),
    [
        ("text/plain", b'{"a": 1}', "content type 'text/plain', expected one of application/json"),
        ("application/xml", b"<?xml version='1.0'?><a/>", "content type 'application/xml'"),
        ("application/octet-stream", b"<!DOCTYPE html><p>Hi</p>", "an HTML page .*: Hi$"),
        ("", b"{}", "content type '\\(none\\)'"),
        ("text/html; charset=utf-8", b"<html><title>Login</title><p>Sign&nbsp;in</p></html>",
         "an HTML page \\(text/html\\) instead of JSON: Login Sign in"),
    ],
)  # fmt: skip
def test_a_wrong_content_type_or_an_html_page_is_named(ctype, body, message):
    fetcher, slept = _fetcher(_json(body, ctype=ctype))
    with pytest.raises(SourceError, match=f"{URL}: the server returned {message}"):
        fetcher.get_json(URL)
    assert slept == []


def test_an_html_error_page_is_shown_without_its_tags():
    page = b"<html><head><style>h1{color:red}</style><script>x()</script></head>" + (
        b"<body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>"
    )
    fetcher, _ = _fetcher(_json(page, status=502, ctype="text/html"), retries=0)
    with pytest.raises(SourceError, match="HTTP 502 Bad Gateway: 502 Bad Gateway nginx \\(gave up"):
        fetcher.get_json(URL)


def test_an_oversized_response_is_refused_by_its_declared_length():
    fetcher, _ = _fetcher(_json(b"[" + b"1," * 600 + b"1]"), max_bytes=1000)
    with pytest.raises(SourceError, match="the response is 1,203 bytes, over the 1,000-byte limit"):
        fetcher.get_json(URL)


def test_an_endless_response_stops_being_read_past_the_limit():
    sent = itertools.count()

    def endless():
        yield b"["
        while True:
            next(sent)
            yield b"1," * 512

    def handler(request):
        return httpx.Response(200, content=endless(), headers={"content-type": "application/json"})

    fetcher, _ = _fetcher(handler, max_bytes=10_000)
    with pytest.raises(SourceError, match="over the 10,000-byte limit \\(stopped reading at"):
        fetcher.get_json(URL)
    assert next(sent) <= 11  # about 10 kB read, no more


def test_a_trickling_response_is_cut_at_the_deadline():
    ticks = itertools.count(step=5.0)  # each chunk arrives 5 s after the one before

    def handler(request):
        return httpx.Response(200, content=iter([b"[1,", b"2,", b"3]"]),
                              headers={"content-type": "application/json"})  # fmt: skip

    fetcher, slept = _fetcher(handler, deadline=8.0, retries=1, clock=lambda: next(ticks))
    with pytest.raises(SourceError, match="took more than 8 s to arrive \\(gave up after 2"):
        fetcher.get_json(URL)
    assert slept == [0.5]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "the response body is empty"),
        (b'{"data": [1, 2', "malformed JSON at line 1 column 15"),
        (b'{"employees": NaN}', "the JSON contains NaN"),
        (b"[Infinity]", "the JSON contains Infinity"),
        (b"<!DOCTYPE html><p>Maintenance</p>", "malformed JSON .*; the body starts: Maintenance"),
        (b"\xff\xfe{", "malformed JSON|not valid"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_json_is_a_clear_error(body, message):
    fetcher, slept = _fetcher(_json(body))
    with pytest.raises(SourceError, match=f"{URL}: .*{message}"):
        fetcher.get_json(URL)
    assert slept == []


def test_json_in_a_declared_chinese_charset_is_decoded():
    body = '{"name": "大连银海"}'.encode("gb18030")
    fetcher, _ = _fetcher(_json(body, ctype="application/json; charset=GB18030"))
    assert fetcher.get_json(URL)[0] == {"name": "大连银海"}


def test_the_final_url_after_a_redirect_is_returned_with_hubfund_headers():
    seen = []

    def handler(request):
        seen.append(request)
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "https://feeds.example.org/new"})
        return httpx.Response(200, json={}, headers={"content-type": "application/json"})

    fetcher, _ = _fetcher(handler)
    assert fetcher.get_json("https://feeds.example.org/old") == (
        {},
        "https://feeds.example.org/new",
    )
    assert seen[0].headers["user-agent"].startswith("hubfund/")


@pytest.mark.parametrize("url", ["ftp://feeds.example.org/x.json", "not a url", "http://"])
def test_an_unusable_url_is_an_error_without_retries(url):
    fetcher, slept = _fetcher(_json())
    with pytest.raises(SourceError, match=f"'{url}' is not a(n http\\(s\\)| valid) URL"):
        fetcher.get_json(url)
    assert slept == []


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: go now
        ("Sat, 22 Nov 2025 09:31:30 GMT", 90.0),
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(value, seconds):
    now = datetime(2025, 11, 22, 9, 30, tzinfo=UTC)
    assert retry_after_seconds(value, now=now) == seconds


def test_excerpts_are_short_and_readable():
    assert (
        excerpt(b'{"errors": [{"title": "Not Found", "detail": "no LEI"}]}') == "Not Found no LEI"
    )
    long = excerpt("<p>" + "word " * 100 + "</p>", limit=20)
    assert len(long) == 20 and long.endswith("…") and "<" not in long


def test_urls_with_reordered_or_encoded_parameters_are_the_same_page():
    assert url_key("https://a/x?page%5Bnumber%5D=2&q=1") == url_key(
        "https://a/x?q=1&page[number]=2"
    )
    assert url_key("https://a/x?page=2") != url_key("https://a/x?page=3")


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (SourceError("https://a: HTTP 500"), "https://a: HTTP 500"),
        (ValueError("page_size: 0"), "page_size: 0"),
        (httpx.ReadError("reset"), "network error: reset"),
        (KeyError("x"), "KeyError: 'x'"),
    ],
)
def test_errors_are_described_in_one_line(error, text):
    assert describe_error(error) == text
