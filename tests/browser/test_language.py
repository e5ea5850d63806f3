"""The language switch in a real browser: 中文 in the sidebar turns the page Chinese, money shows
in 万/亿, and the choice holds while moving between pages; screenshots in
test-artifacts/screenshots/zh/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app_pages.locale_zh import ZH
from app_pages.navigation import PAGES, pages_for
from tests.browser.app import CHROMIUM, EXCEPTION, SCREENSHOTS, open_page, screenshot, settle

if not CHROMIUM.exists():
    pytest.skip(f"browser suite skipped: no Chromium at {CHROMIUM}", allow_module_level=True)
pytestmark = pytest.mark.browser

ROLE = "fund_manager"  # lands on the fund overview: money tiles
SWITCH = "Language / 语言"
WAN_YI = r"^-?[\d,]+\.\d{1,2} (万|亿)(元)?$"


def _metric(page: Page, label: str):
    """The value of the metric tile labelled exactly ``label``."""
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(rf"^\s*{label}\s*$"))
    )
    return tile.get_by_test_id("stMetricValue")


def _then(page: Page, title: str) -> None:
    """Wait for the rerun that shows ``title`` to finish."""
    expect(page.locator("h1").first).to_have_text(title)
    settle(page)


def _choose(page: Page, language: str, title: str) -> None:
    """Pick ``language`` ("English" or "中文") in the sidebar's switch; the page then shows
    ``title``."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text=SWITCH).click()
    page.get_by_role("option", name=language, exact=True).click()
    _then(page, title)


def test_switching_to_chinese_shows_chinese_titles_and_money_in_wan_and_yi(role_page):
    base_url, page = role_page(ROLE)
    open_page(page, base_url, "/")
    expect(page.locator("h1").first).to_have_text(PAGES[pages_for(ROLE)[0]][0])

    _choose(page, "中文", ZH["Fund overview"])
    expect(_metric(page, "认缴（CNY）")).to_have_text(re.compile(WAN_YI))
    expect(_metric(page, "净内部收益率")).to_have_text(re.compile(r"^-?\d+\.\d %$"))
    assert not page.locator(EXCEPTION).count()
    screenshot(page, SCREENSHOTS / "zh" / "fund_overview.png")

    page.get_by_test_id("stSidebarNavLink").filter(has_text=ZH["Holdings"]).first.click()
    _then(page, ZH["Holdings"])
    expect(page.locator("h2, h3").filter(has_text=ZH["Exit scenario"])).to_be_visible()
    expect(_metric(page, "投资额")).to_have_text(re.compile(WAN_YI))
    assert not page.locator(EXCEPTION).count()
    screenshot(page, SCREENSHOTS / "zh" / "holdings.png")

    _choose(page, "English", "Holdings")
    expect(_metric(page, "Invested")).to_have_text(re.compile(r"^CNY [\d.,]+ (m|bn)$"))
