"""The browser suite's fixtures: a Streamlit server per role, each on its own copy of the demo
SQLite database, and Debian's Chromium (one browser per session, one context per role).

Local sign-in mode: ``HUBFUND_LOCAL_ROLE`` gives each server's sessions their role. Every
server starts at once (the first test waits only for its own); Chromium is driven by Playwright
from ``/usr/bin/chromium``, never a downloaded build.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from app_pages.navigation import BY_ROLE
from tests.browser.app import CHROMIUM, CHROMIUM_ARGS, ROOT, VIEWPORT

START_TIMEOUT = 90.0  # seconds for a server to answer /_stcore/health (2 cores, 4 servers)
PAGE_TIMEOUT = 90_000  # milliseconds for a page's script run to finish


@dataclass
class Server:
    """A Streamlit server for one role: its process, base URL and log file."""

    role: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    ready: bool = False

    def wait_ready(self) -> str:
        """The base URL, once ``/_stcore/health`` answers ok (fails with the log's tail)."""
        deadline = time.monotonic() + START_TIMEOUT
        while not self.ready:
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-3000:]
                pytest.fail(f"the {self.role} Streamlit server did not start:\n{tail}")
            try:
                self.ready = httpx.get(f"{self.url}/_stcore/health", timeout=2).text == "ok"
            except httpx.HTTPError:
                pass
            if not self.ready:
                time.sleep(0.25)
        return self.url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(role: str, db: Path, log: Path) -> Server:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBFUND_", "STREAMLIT_"))}
    env |= {
        "DATABASE_URL": f"sqlite:///{db}",
        "HUBFUND_AUTH_MODE": "local",
        "HUBFUND_LOCAL_ROLE": role,
    }
    command = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Server(role=role, process=process, url=f"http://127.0.0.1:{port}", log=log)


@pytest.fixture(scope="session")
def servers(
    tmp_path_factory: pytest.TempPathFactory, _sqlite_demo_template: Path
) -> Iterator[dict[str, Server]]:
    """One server per role, all started at once, each on a private copy of the demo db."""
    started: dict[str, Server] = {}
    try:
        for role in BY_ROLE:
            folder = tmp_path_factory.mktemp(f"browser-{role}")
            shutil.copy(_sqlite_demo_template, folder / "demo.db")
            started[role] = _start(role, folder / "demo.db", folder / "streamlit.log")
        yield started
    finally:
        for server in started.values():
            server.process.terminate()
        for server in started.values():
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def role_page(
    browser: Browser, servers: dict[str, Server]
) -> Iterator[Callable[[str], tuple[str, Page]]]:
    """``role_page(role)``: the base URL of that role's server and the page of its browser
    context. On first use every role's context is made and the other roles' landing pages
    start loading, so their servers import the app while the first role's tests run."""
    contexts: dict[str, BrowserContext] = {}
    pages: dict[str, Page] = {}

    def get(role: str) -> tuple[str, Page]:
        if not pages:
            for each, server in servers.items():
                contexts[each] = browser.new_context(viewport=VIEWPORT, locale="en-GB")
                pages[each] = contexts[each].new_page()
                pages[each].set_default_timeout(PAGE_TIMEOUT)
                if each != role:
                    pages[each].goto(server.wait_ready(), wait_until="commit")
        return servers[role].wait_ready(), pages[role]

    yield get
    for context in contexts.values():
        context.close()
