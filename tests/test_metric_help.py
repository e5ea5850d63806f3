"""Every metric tile says what it means: a definition with its formula, in English and Chinese,
on every page that shows one (the demo data, an administrator)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.metric_help import DEFINITIONS, definition, help_for
from app_pages.navigation import PAGES
from fund.access import Actor
from fund.hub_kpis import STATUSES

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
CJK = re.compile(r"[\u4e00-\u9fff]")
# pages whose demo data shows metric tiles (the others show none), and how many at least
WITH_METRICS = {
    "fund_overview": 14,
    "holdings": 4,
    "portfolio_reports": 1,
    "deal_room": 1,
    "hub_targets": 8,
    "parks": 4,
    "firms_funding": 8,
}


@pytest.mark.parametrize("key", list(DEFINITIONS))
def test_every_definition_states_a_formula_in_both_languages(key):
    english, chinese = definition(key, language="en"), definition(key, language="zh")
    assert re.search(r"[=:]", english) and re.search(r"[=：]", chinese)
    assert CJK.search(chinese) and not CJK.search(english)
    assert not re.search(r"(?<![\s(])[*_](?![\s)])", english + chinese), "Markdown emphasis"


def test_every_target_status_is_defined():
    assert set(STATUSES) <= set(DEFINITIONS)


def test_help_adds_the_figures_own_note_and_the_reason_it_has_none():
    shown = help_for("tvpi", detail="As of 22 Nov 2026.", reason="no capital called: *PIC* = 0")
    assert shown.startswith("TVPI = (distributions + NAV) / PIC")
    assert "As of 22 Nov 2026." in shown
    assert "No value: no capital called\\: \\*PIC\\* \\= 0." in shown  # Markdown-safe


def _page(url: str, monkeypatch: pytest.MonkeyPatch, page: str, language: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    # AppTest formats widget options outside the script run too: there the default language
    monkeypatch.setenv("HUBFUND_LANG", language)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["actor"] = Actor(name="tester", role="admin")
    at.session_state["lang"] = language
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    if page == "holdings":  # the exit scenario's tiles show once computed
        next(b for b in at.button if b.label in ("Compute", "计算")).click().run()
    return at


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_metric_on_every_page_has_its_definition(
    demo_sqlite_url, monkeypatch, page, language
):
    at = _page(demo_sqlite_url, monkeypatch, page, language)
    tiles = list(at.metric)
    assert len(tiles) >= WITH_METRICS.get(page, 0)
    without = [tile.label for tile in tiles if not tile.proto.help.strip()]
    assert not without, f"metrics without help: {without}"
    wrong_language = [
        t.label for t in tiles if bool(CJK.search(t.proto.help)) != (language == "zh")
    ]
    assert not wrong_language
