"""Opening a Hubfund page in the browser, waiting until it has settled, and keeping a
screenshot of it (helpers for the browser tests; a later language test can reuse them)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

from app_pages.navigation import pages_for

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # else Chromium's own calls out are refused and it stalls
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 2400}
STATUS = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SKELETON = '[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]'
SCROLLERS = '[data-testid="stMain"], [data-testid="stSidebarContent"]'
MAX_SHOT_HEIGHT = 12_000  # pixels: a page taller than this is cut in its screenshot


def url_path(role: str, stem: str) -> str:
    """The path Streamlit serves page ``stem`` at for ``role``: ``/`` for the role's first
    (default) page, else the file stem without a leading number and with runs of ``_`` or
    spaces made one ``_`` (Streamlit's ``st.Page`` rule for a page given by file)."""
    if stem == pages_for(role)[0]:
        return "/"
    return "/" + re.sub(r"[_ ]+", "_", re.sub(r"^[0-9]*[_ -]*", "", stem)).strip()


def settle(page: Page) -> None:
    """Wait until the page has settled: the script run finished (the app's script state
    ``notRunning``), a title or an exception shown, Streamlit's running indicator gone, and no
    element still a placeholder (tables and charts draw after the run, once their code loads)."""
    page.locator(IDLE_APP).wait_for(state="attached")
    page.locator(f"h1, {EXCEPTION}").first.wait_for(state="visible")
    page.locator(STATUS).wait_for(state="hidden")
    page.locator(SKELETON).first.wait_for(state="detached")


def open_page(page: Page, base_url: str, path: str) -> None:
    """Load ``base_url + path`` afresh (a new Streamlit session) and wait until it settles."""
    page.goto(base_url + path, wait_until="domcontentloaded")
    settle(page)


def screenshot(page: Page, path: Path) -> None:
    """A PNG of the whole page at ``path``. Streamlit scrolls inside its main container, so
    the viewport is made as tall as that container's content for the shot, then restored."""
    viewport = page.viewport_size or VIEWPORT
    height = page.evaluate(
        "s => Math.max(0, ...[...document.querySelectorAll(s)].map(e => e.scrollHeight))",
        SCROLLERS,
    )
    tall = min(int(height), MAX_SHOT_HEIGHT)
    path.parent.mkdir(parents=True, exist_ok=True)
    if tall <= viewport["height"]:
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return
    page.set_viewport_size({"width": viewport["width"], "height": tall})
    try:
        page.wait_for_timeout(300)  # let charts lay themselves out again at the new size
        page.locator(SKELETON).first.wait_for(state="detached")
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(viewport)
