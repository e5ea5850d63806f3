"""A local GLEIF-shaped API for tests: a real HTTP server on 127.0.0.1 (a free port).

It serves the sample LEI records in ``tests/data/gleif`` the way ``api.gleif.org/api/v1`` does:
full-text search pages with ``meta.pagination`` and ``links``, single records, direct and
ultimate parents (404 when none is reported). Faults are queued per path (``stub.queue``) and
served, in order, before the normal answer: a 429 with Retry-After, a 500, a slow answer, broken
JSON. Every request is logged in ``stub.requests``.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

DATA = Path(__file__).parent / "data" / "gleif"
GLEIF_BASE = "https://api.gleif.org/api/v1"
API_TYPE = "application/vnd.api+json"
META = {"goldenCopy": {"publishDate": "2025-11-21T08:00:00Z"}}


def sample_records() -> list[dict]:
    return json.loads((DATA / "lei_records.json").read_text(encoding="utf-8"))


def sample_parents() -> dict[str, dict[str, str]]:
    return json.loads((DATA / "parents.json").read_text(encoding="utf-8"))


@dataclass
class Canned:
    """One queued answer; ``body=None`` serves the normal answer (after ``delay`` seconds)."""

    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class GleifStub:
    base_url: str = ""
    records: dict[str, dict] = field(default_factory=dict)
    parents: dict[str, dict[str, str]] = field(default_factory=dict)
    queued: dict[str, list[Canned]] = field(default_factory=lambda: defaultdict(list))
    requests: list[Seen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def queue(self, path: str, *answers: Canned) -> None:
        """Serve ``answers`` (in order) to the next requests for ``path`` (after /api/v1)."""
        self.queued["/api/v1" + path].extend(answers)

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    # --- the API ---------------------------------------------------------------------------

    def resource(self, record: dict) -> dict:
        text = json.dumps(record, ensure_ascii=False).replace(GLEIF_BASE, self.base_url)
        return json.loads(text)

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict]:
        parts = path.removeprefix("/api/v1/").split("/")
        if parts == ["lei-records"]:
            return 200, self.search(query)
        if parts[0] == "lei-records" and len(parts) == 2 and parts[1] in self.records:
            return 200, {"meta": META, "data": self.resource(self.records[parts[1]])}
        if len(parts) == 3 and parts[2] in ("direct-parent", "ultimate-parent"):
            parent = self.parents.get(parts[1], {}).get(parts[2])
            if parent in self.records:
                return 200, {"meta": META, "data": self.resource(self.records[parent])}
        return 404, {"errors": [{"status": "404", "title": "Not Found"}]}

    def search(self, query: dict[str, str]) -> dict:
        term = query.get("filter[fulltext]", "").lower()
        size = int(query.get("page[size]", "10"))
        number = int(query.get("page[number]", "1"))
        found = [r for r in self.records.values() if term and term in _all_names(r).lower()]
        last = max(1, -(-len(found) // size))
        page = found[(number - 1) * size : number * size]

        def link(n: int) -> str:
            params = {"filter[fulltext]": query.get("filter[fulltext]", "")}
            params |= {"page[number]": str(n), "page[size]": str(size)}
            return f"{self.base_url}/lei-records?{urlencode(params)}"

        links = {"first": link(1)}
        links |= {"prev": link(number - 1)} if number > 1 else {}
        links |= {"next": link(number + 1)} if number < last else {}
        links["last"] = link(last)
        start = (number - 1) * size
        pagination = {
            "currentPage": number,
            "perPage": size,
            "from": start + 1 if page else None,
            "to": start + len(page) if page else None,
            "total": len(found),
            "lastPage": last,
        }
        return {
            "meta": META | {"pagination": pagination},
            "links": links,
            "data": [self.resource(r) for r in page],
        }


def _all_names(record: dict) -> str:
    entity = record["attributes"]["entity"]
    names = [entity["legalName"]["name"]]
    names += [n["name"] for n in entity["otherNames"] + entity["transliteratedOtherNames"]]
    return " | ".join(names)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    stub: GleifStub


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        stub = self.server.stub
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        stub.requests.append(Seen(split.path, query, dict(self.headers.items())))
        canned = stub.queued[split.path].pop(0) if stub.queued.get(split.path) else Canned()
        if canned.delay and stub.stop.wait(canned.delay):
            return
        status, headers, body = canned.status, {"Content-Type": API_TYPE}, canned.body
        if body is None:
            status, payload = stub.answer(split.path, query)
            body = json.dumps(payload, ensure_ascii=False).encode()
        headers |= canned.headers
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


@contextmanager
def serve_gleif() -> Iterator[GleifStub]:
    """A running local GLEIF stub holding the sample records; stopped on exit."""
    stub = GleifStub(parents=sample_parents())
    stub.records = {r["attributes"]["lei"]: r for r in sample_records()}
    server = _Server(("127.0.0.1", 0), _Handler)
    server.stub = stub
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield stub
    finally:
        stub.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
