"""Fetching JSON from registries and partner feeds, and saying clearly why it failed.

One GET is: explicit connect/read timeouts and a deadline for the whole body; up to ``retries``
more attempts after a connection error, a timeout or a 5xx, waiting ``backoff * 2**n`` seconds
(capped); a 429 (or 503) waits what its ``Retry-After`` says (seconds or an HTTP date, RFC 9110
10.2.3), and a wait over ``max_retry_after`` is an error instead; other 4xx are not retried. The
body is streamed and reading stops past ``max_bytes``; the content type must be JSON; JSON must
parse (no NaN/Infinity). Every failure is a ``SourceError`` naming the URL and the problem.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Any

import httpx

from sourcing.records import SourceError

DEFAULT_TIMEOUT = httpx.Timeout(10.0)  # connect, read, write, pool: 10 s each
DEFAULT_RETRIES = 3
DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_DEADLINE = 60.0  # seconds for one attempt, body included (a trickling server)
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
MAX_RETRY_AFTER = 120.0
JSON_TYPES: tuple[str, ...] = ("application/json", "application/vnd.api+json")
EXCERPT_CHARS = 200
_ERROR_BODY_BYTES = 65_536
_HTML_STARTS = (b"<!doctype html", b"<html")
_UTF = {"utf-8", "utf8", "utf-16", "utf-32"}


class HttpStatusError(SourceError):
    """The server answered with an HTTP error status (not retried, or retries exhausted)."""

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class _Retry(Exception):
    """One attempt failed in a way worth another try (after ``delay`` seconds, if given)."""

    def __init__(
        self, url: str, reason: str, *, status: int | None = None, delay: float | None = None
    ) -> None:
        super().__init__(reason)
        self.url, self.reason, self.status, self.delay = url, reason, status, delay


def user_agent() -> str:
    """``hubfund/<installed version>``: how Hubfund names itself to the servers it asks."""
    try:
        return f"hubfund/{metadata.version('hubfund')}"
    except metadata.PackageNotFoundError:
        return "hubfund/dev"


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or HTTP-date), or None."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def excerpt(body: bytes | str, limit: int = EXCERPT_CHARS) -> str:
    """A short readable excerpt of a response body: JSON:API error titles, or text sans tags."""
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        errors = json.loads(raw).get("errors")
        text = "; ".join(
            " ".join(str(e[k]) for k in ("title", "detail") if e.get(k)) for e in errors
        )
    except (ValueError, AttributeError, TypeError, KeyError):
        text = ""
    if not text.strip():
        text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", raw)
        text = html.unescape(re.sub(r"(?s)<[^>]*>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def url_key(url: str | httpx.URL) -> tuple[Any, ...]:
    """A URL in a form where the same address compares equal (query parameters in any order)."""
    parsed = httpx.URL(url)
    query = tuple(sorted(parsed.params.multi_items()))
    return (parsed.scheme, parsed.host, parsed.port, parsed.path, query)


def describe_error(exc: BaseException) -> str:
    """One line for a person: what went wrong while sourcing, without a traceback."""
    if isinstance(exc, SourceError | ValueError):
        return str(exc)
    if isinstance(exc, httpx.HTTPError):
        return f"network error: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"the JSON contains {name}, which is not a number JSON allows")


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


class JsonFetcher:
    """GETs JSON over one ``httpx.Client`` with the timeouts, retries and limits above."""

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_retry_after: float = MAX_RETRY_AFTER,
        deadline: float = DEFAULT_DEADLINE,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if retries < 0 or max_bytes <= 0:
            raise ValueError(f"retries ({retries}) must be >= 0 and max_bytes ({max_bytes}) > 0")
        self._own_client = client is None
        self.client = client if client is not None else httpx.Client()
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retries, self.backoff, self.backoff_cap = retries, backoff, backoff_cap
        self.max_bytes, self.max_retry_after, self.deadline = max_bytes, max_retry_after, deadline
        self.sleep, self.clock = sleep, clock

    def close(self) -> None:
        """Close the HTTP client if this fetcher made it."""
        if self._own_client:
            self.client.close()

    def __enter__(self) -> JsonFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backoff_delay(self, attempt: int) -> float:
        """Seconds before retry ``attempt`` (0-based): ``backoff * 2**attempt``, capped."""
        return min(self.backoff * 2**attempt, self.backoff_cap)

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        accept: tuple[str, ...] = JSON_TYPES,
    ) -> tuple[Any, str]:
        """The parsed JSON at ``url`` and the final URL (after redirects), or ``SourceError``."""
        attempt = 0
        while True:
            try:
                return self._attempt(url, params, accept)
            except _Retry as retry:
                if attempt >= self.retries:
                    tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                    message = f"{retry.url}: {retry.reason} (gave up after {tries})"
                    if retry.status is not None:
                        raise HttpStatusError(message, url=retry.url, status=retry.status) from None
                    raise SourceError(message) from None
                delay = self.backoff_delay(attempt) if retry.delay is None else retry.delay
                self.sleep(delay)
                attempt += 1

    def _attempt(
        self, url: str, params: Mapping[str, Any] | None, accept: tuple[str, ...]
    ) -> tuple[Any, str]:
        headers = {"Accept": ", ".join(accept), "User-Agent": user_agent()}
        try:
            request = self.client.build_request(
                "GET", url, params=params, headers=headers, timeout=self.timeout
            )
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            raise SourceError(f"{url!r} is not a valid URL: {exc}") from None
        if request.url.scheme not in ("http", "https") or not request.url.host:
            raise SourceError(f"{url!r} is not an http(s) URL")
        shown = str(request.url)
        started = self.clock()
        try:
            response = self.client.send(request, stream=True, follow_redirects=True)
            try:
                shown = str(response.url)
                return self._handle(response, shown, accept, started)
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            raise _Retry(shown, f"timed out ({type(exc).__name__})") from exc
        except (httpx.UnsupportedProtocol, httpx.TooManyRedirects) as exc:
            raise SourceError(f"{shown}: {exc}") from None
        except httpx.TransportError as exc:
            kind = "could not connect" if isinstance(exc, httpx.ConnectError) else "network error"
            raise _Retry(shown, f"{kind}: {exc or type(exc).__name__}") from exc

    def _handle(
        self, response: httpx.Response, url: str, accept: tuple[str, ...], started: float
    ) -> tuple[Any, str]:
        status = response.status_code
        if not response.is_success:
            body = self._read(response, url, started, limit=_ERROR_BODY_BYTES, strict=False)
            what = f"HTTP {status} {response.reason_phrase}".rstrip()
            if body.strip():
                what += f": {excerpt(body)}"
            if status == 429 or status >= 500:
                delay = None
                if status in (429, 503):
                    delay = retry_after_seconds(response.headers.get("retry-after"))
                    if delay is not None and delay > self.max_retry_after:
                        raise HttpStatusError(
                            f"{url}: HTTP {status}, the server asks to retry after {delay:g} s, "
                            f"more than the {self.max_retry_after:g} s this client waits",
                            url=url,
                            status=status,
                        )
                raise _Retry(url, what, status=status, delay=delay)
            raise HttpStatusError(f"{url}: {what}", url=url, status=status)
        media = _media_type(response)
        if media not in accept:
            body = self._read(response, url, started, limit=_ERROR_BODY_BYTES, strict=False)
            start = body.lstrip()[:14].lower()
            if media in ("text/html", "application/xhtml+xml") or start.startswith(_HTML_STARTS):
                problem = f"an HTML page ({media or 'no content type'}) instead of JSON"
            else:
                problem = f"content type {media or '(none)'!r}, expected one of {', '.join(accept)}"
            raise SourceError(f"{url}: the server returned {problem}: {excerpt(body)}")
        return self._parse(self._read(response, url, started), url, response.charset_encoding), url

    def _read(
        self,
        response: httpx.Response,
        url: str,
        started: float,
        *,
        limit: int | None = None,
        strict: bool = True,
    ) -> bytes:
        """The body, streamed; past ``limit`` bytes an error (``strict``) or the first part."""
        limit = self.max_bytes if limit is None else limit
        declared = response.headers.get("content-length", "")
        if strict and declared.isdigit() and int(declared) > limit:
            raise SourceError(
                f"{url}: the response is {int(declared):,} bytes, over the {limit:,}-byte limit"
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            if self.clock() - started > self.deadline:
                raise _Retry(url, f"the response took more than {self.deadline:g} s to arrive")
            size += len(chunk)
            if size > limit:
                if not strict:
                    chunks.append(chunk[: limit - (size - len(chunk))])
                    break
                raise SourceError(
                    f"{url}: the response is over the {limit:,}-byte limit "
                    f"(stopped reading at {size:,} bytes)"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _parse(body: bytes, url: str, charset: str | None) -> Any:
        if not body.strip():
            raise SourceError(f"{url}: the response body is empty, expected JSON")
        try:
            text: str | bytes = body
            if charset and charset.lower() not in _UTF:
                text = body.decode(charset)
            return json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            hint = f"; the body starts: {excerpt(body, 80)}" if body.lstrip()[:1] == b"<" else ""
            raise SourceError(
                f"{url}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{hint}"
            ) from None
        except LookupError:
            raise SourceError(f"{url}: unknown character set {charset!r}") from None
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{url}: the body is not valid {exc.encoding}: {exc.reason}"
            ) from None
        except RecursionError:
            raise SourceError(f"{url}: the JSON is nested too deeply") from None
        except ValueError as exc:
            raise SourceError(f"{url}: {exc}") from None
