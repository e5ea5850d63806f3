"""Every page, for every role, in a real browser (Debian's Chromium): it loads without an
exception, shows its key figures, and leaves a screenshot in test-artifacts/screenshots."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from app_pages.navigation import BY_ROLE, PAGES, pages_for
from tests.browser.app import CHROMIUM, EXCEPTION, SCREENSHOTS, open_page, screenshot, url_path

if not CHROMIUM.exists():
    pytest.skip(
        f"browser suite skipped: no Chromium at {CHROMIUM} "
        "(bash .ci/run installs it: apt-get install chromium fonts-noto-cjk)",
        allow_module_level=True,
    )
pytestmark = pytest.mark.browser

ROLE_PAGES = [(role, stem) for role in BY_ROLE for stem in pages_for(role)]
NUMBER = r"\d"
MULTIPLE = r"^-?\d+\.\d\dx$"
PERCENT = r"^-?\d+\.\d %$"
ERROR = '[data-testid="stAlertContentError"]'
DATA = (
    '[data-testid="stMetric"], [data-testid="stDataFrame"], [data-testid="stTable"], '
    '[data-testid="stVegaLiteChart"], [data-testid="stAlertContentInfo"]'
)


class Figure(NamedTuple):
    """A key figure a page shows: what it is (for the failure message) and where."""

    name: str
    locate: Callable[[Page], Locator]


def metric(label: str, value: str = NUMBER) -> Figure:
    """A metric tile labelled exactly ``label`` whose value matches the pattern ``value``."""

    def locate(page: Page) -> Locator:
        label_re = re.compile(rf"^\s*{re.escape(label)}\s*$")
        tile = page.get_by_test_id("stMetric").filter(
            has=page.get_by_test_id("stMetricLabel").filter(has_text=label_re)
        )
        return tile.get_by_test_id("stMetricValue").filter(has_text=re.compile(value))

    return Figure(f"metric {label!r} with a value like {value!r}", locate)


def element(test_id: str, text: str | None = None) -> Figure:
    """A Streamlit element (``data-testid``), holding ``text`` (a pattern) when given."""

    def locate(page: Page) -> Locator:
        found = page.get_by_test_id(test_id)
        return found if text is None else found.filter(has_text=re.compile(text))

    return Figure(f"{test_id}" + (f" with {text!r}" if text else ""), locate)


def heading(text: str) -> Figure:
    """A heading (title or subheader) reading ``text`` (a pattern)."""
    return Figure(
        f"heading {text!r}",
        lambda page: page.locator("h1, h2, h3").filter(has_text=re.compile(text)),
    )


def tab(name: str) -> Figure:
    """A tab labelled ``name``."""
    return Figure(f"tab {name!r}", lambda page: page.get_by_role("tab", name=name, exact=True))


TABLE, CHART = element("stDataFrame"), element("stVegaLiteChart")
# Per page, one to three checks that its main content rendered with numbers, chosen from the
# page's code and the demo data set (tests/conftest.py's demo database). A page missing here
# (a new one) gets the generic check: some data element, chart, metric or empty-state note.
KEY_FIGURES: dict[str, list[Figure]] = {
    "fund_overview": [metric("TVPI", MULTIPLE), metric("Net IRR", PERCENT), CHART],
    "holdings": [metric("Companies", r"^\d+$"), metric("Fair value"), TABLE],
    "fund_ledger": [TABLE, element("stCaptionContainer", r"[\d,]+ entries, append-only")],
    "portfolio_reports": [
        heading(r"Overdue reports \(\d+\)"),
        CHART,
        metric("Runway (months, latest report)", r"."),
    ],
    "pipeline": [
        element("stMarkdown", r"invested \(\d+\)"),
        element("stCaptionContainer", r"Passed: \d+ · on hold: \d+"),
    ],
    "deal_room": [heading("Due-diligence checklist"), metric("Weighted score"), TABLE],
    "committee": [element("stMarkdown", r"Meetings \(\d+\)"), element("stExpander")],
    "pipeline_analytics": [heading("Funnel"), CHART, TABLE],
    "hub_targets": [metric("Met", r"^\d+$"), metric("Attainment", PERCENT), CHART],
    "hub_comparison": [heading("Fintech regulatory trials"), CHART, TABLE],
    "parks": [metric("Parks & clusters", r"^\d+$"), metric("Occupancy rate", PERCENT), TABLE],
    "firms_funding": [
        metric("Total raised", r"^CNY [\d.,]+ "),
        metric("Renowned", r"^\d+$"),
        CHART,
    ],
    "company_sourcing": [tab("Duplicates"), tab("Provenance")],
    "admin": [heading("Settings"), element("stCaptionContainer", r"Sign-in mode: local")],
    "sql": [element("stCaptionContainer", r"read-only query"), element("stTextArea", "Query")],
    "schema": [heading(r"Views for analysts \(\d+\)"), heading(r"Tables \(\d+\)")],
    "audit": [element("stCaptionContainer", r"[\d,]+ changes, newest first"), TABLE],
}
GENERIC = [Figure("a metric, table, chart or empty-state note", lambda page: page.locator(DATA))]


@pytest.mark.parametrize(("role", "stem"), ROLE_PAGES, ids=[f"{r}-{s}" for r, s in ROLE_PAGES])
def test_page_loads_without_error_and_shows_its_key_figures(role, stem, role_page):
    base_url, page = role_page(role)
    open_page(page, base_url, url_path(role, stem))
    screenshot(page, SCREENSHOTS / role / f"{stem}.png")

    assert not page.locator(EXCEPTION).count(), page.locator(EXCEPTION).all_inner_texts()
    assert not page.locator(ERROR).count(), page.locator(ERROR).all_inner_texts()
    expect(page.locator("h1").first).to_have_text(PAGES[stem][0])
    assert "Traceback" not in page.locator('[data-testid="stMain"]').inner_text()
    for figure in KEY_FIGURES.get(stem, GENERIC):
        shown = figure.locate(page).filter(visible=True).first
        expect(shown, figure.name).to_be_visible(timeout=10_000)


def _elsewhere(role: str) -> str:
    """A page ``role`` may not open (its first in PAGES order), or a path no page has."""
    barred = [stem for stem in PAGES if stem not in pages_for(role)]
    return f"/{barred[0]}" if barred else "/no_such_page"


@pytest.mark.parametrize("role", list(BY_ROLE))
def test_menu_lists_only_the_roles_pages_and_other_urls_land_on_its_first(role, role_page):
    base_url, page = role_page(role)
    open_page(page, base_url, _elsewhere(role))

    not_found = page.get_by_role("dialog").filter(has_text="Page not found")
    expect(not_found).to_be_visible()
    expect(page.locator("h1").first).to_have_text(PAGES[pages_for(role)[0]][0])
    page.keyboard.press("Escape")
    expect(not_found).to_be_hidden()
    more = page.get_by_test_id("stSidebarNavViewButton").filter(has_text="more")
    if more.count():
        more.click()
    links = page.get_by_test_id("stSidebarNavLink")
    expect(links).to_have_count(len(pages_for(role)))
    hrefs = [urlsplit(link.get_attribute("href") or "").path for link in links.all()]
    assert hrefs == [url_path(role, stem) for stem in pages_for(role)]


# Three different Chinese characters drawn with the page font's fallback differ where a CJK
# font is installed; without one each is the same "missing glyph" box.
DRAW = """chars => chars.map(c => {
    const canvas = Object.assign(document.createElement('canvas'), {width: 48, height: 48});
    const pen = canvas.getContext('2d');
    pen.font = '32px "Source Sans", sans-serif';
    pen.fillText(c, 4, 36);
    return canvas.toDataURL();
})"""


def test_chinese_names_render_with_a_cjk_font(browser):
    page = browser.new_page()
    try:
        drawn = page.evaluate(DRAW, ["金", "融", "园"])
    finally:
        page.close()
    assert len(set(drawn)) == 3, "Chinese characters draw as boxes: apt-get install fonts-noto-cjk"
