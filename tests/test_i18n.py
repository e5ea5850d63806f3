"""English and Chinese: the catalogue covers every text the pages show (and nothing else), the
domain's vocabularies have their Chinese, names follow the language, the sidebar switch turns
the app Chinese, and every page renders in both languages, on the demo data and on an empty
store (where it says what to do)."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from app_pages import i18n
from app_pages.locale_zh import TERMS, ZH
from app_pages.navigation import BY_ROLE, PAGES
from fund import audit_views, ilpa, settings
from fund.access import ROLE_LABELS, Actor
from fund.hub_kpis import STATUSES
from fund.performance import holdings
from models import hub, ledger, pipeline, valuation
from models.db import make_engine
from models.hub import Firm
from models.queries import chinese_names
from sourcing import plan

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
SOURCES = [*sorted((ROOT / "app_pages").glob("*.py")), ROOT / "streamlit_app.py"]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # characters, punctuation
FIELD = re.compile(r"\{[^{}]*\}")
SAME_IN_CHINESE = {"#", "KS-PME", "Long-Nickels PME", "PME+", "DCF", "oidc"}


def shown_literals() -> dict[str, str]:
    """Every literal the pages pass to ``t`` or mark with ``N_`` -> the file it is in."""
    found: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("t", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, path.name)
    return found


def menu_texts() -> set[str]:
    """Page titles and menu sections: the router translates them from ``navigation``."""
    return {title for title, _ in PAGES.values()} | {s for role in BY_ROLE.values() for s in role}


def test_every_text_the_pages_show_has_a_chinese_entry():
    wanted = {**shown_literals(), **dict.fromkeys(menu_texts(), "navigation.py")}
    missing = {text: where for text, where in wanted.items() if text not in ZH}
    assert not missing, f"{len(missing)} texts without Chinese: {missing}"


def test_the_catalogue_has_no_unused_entries():
    unused = set(ZH) - set(shown_literals()) - menu_texts()
    assert not unused, f"entries no page shows: {sorted(unused)}"


def test_every_entry_is_chinese_and_keeps_the_placeholders():
    wrong = [
        (english, chinese)
        for english, chinese in ZH.items()
        if sorted(FIELD.findall(english)) != sorted(FIELD.findall(chinese))
        or not (CJK.search(chinese) or chinese in SAME_IN_CHINESE)
    ]
    assert not wrong


VOCABULARIES = {
    "target statuses": STATUSES,
    "roles": tuple(ROLE_LABELS.values()),
    "deal stages": (*pipeline.STAGES, "passed", "on_hold"),
    "source channels": pipeline.SOURCE_CHANNELS,
    "pass reasons": pipeline.PASS_REASONS,
    "due-diligence areas": pipeline.DD_AREAS,
    "due-diligence statuses": pipeline.DD_STATUSES + pipeline.RED_FLAG_STATUSES,
    "decisions and votes": pipeline.DECISIONS + pipeline.VOTES,
    "sectors": hub.SECTORS,
    "firm, trial and park kinds": hub.FIRM_STATUSES + hub.TRIAL_STATUSES + hub.PARK_KINDS,
    "ledger entry types": ledger.ENTRY_TYPES,
    "ledger categories": tuple(c for cs in ledger.CATEGORIES.values() for c in cs),
    "instruments": ledger.INSTRUMENTS,
    "valuation methods": valuation.VALUATION_METHODS,
    "ILPA items": (
        *ilpa.CALL_ITEMS.values(),
        *ilpa.DISTRIBUTION_ITEMS.values(),
        *ilpa.PAYMENT_ITEMS.values(),
    ),
    "audit actions": ("any", *audit_views.ACTIONS),
    "import verdicts": plan.ACTIONS,
    "settings": tuple(x for s in settings.SETTINGS.values() for x in (s.label, s.description)),
    "sign-in modes and units": ("local", "password", "oidc", "count", "rank"),
}


@pytest.mark.parametrize("name", list(VOCABULARIES))
def test_the_domain_vocabularies_have_chinese_terms(name):
    missing = [value for value in VOCABULARIES[name] if value not in TERMS]
    assert not missing


def test_the_ilpa_table_items_have_chinese_terms(demo_sqlite_url):
    with Session(make_engine(demo_sqlite_url)) as session:
        table = ilpa.ilpa_table(session=session, fund_id=1, as_of=date.today())
    shown = set(table["section"]) | set(table["item"])
    acronyms = {text for text in shown if re.fullmatch(r"[A-Z]+", text)}  # DPI: the same in Chinese
    assert not [text for text in shown - acronyms if text not in TERMS]


def test_the_store_gives_the_chinese_names_it_holds(demo_db):
    with Session(demo_db) as session:
        names = chinese_names(session=session)
        webank = session.exec(select(Firm).where(Firm.name_en == "WeBank")).one()
    assert names["hub"]["Shenzhen"] == "深圳"
    assert names["fund"]["Dalian Internet Finance Development Fund"] == "大连互联网金融发展基金"
    assert names["firm"][webank.id] == names["firm_name"]["WeBank"] == "微众银行"
    assert set(names) == {"hub", "fund", "lp", "park", "trial", "kpi", "firm", "firm_name"}
    assert all(names[kind] for kind in ("lp", "park", "trial", "kpi"))


@pytest.mark.parametrize(
    ("language", "text", "fields", "shown"),
    [
        ("en", "Ledger", {}, "Ledger"),
        ("zh", "Ledger", {}, "台账"),
        ("zh", "Overdue reports ({count})", {"count": 3}, "逾期报告（3）"),
        ("en", "Overdue reports ({count})", {"count": 3}, "Overdue reports (3)"),
        ("zh", "not in the catalogue {x}", {"x": 1}, "not in the catalogue 1"),
        ("zh", "The {count:,} rounds", {"count": 12345}, "12,345 个融资轮次"),
        ("en", "a {brace} kept without fields", {}, "a {brace} kept without fields"),
    ],
)
def test_t_translates_then_fills_in(monkeypatch, language, text, fields, shown):
    monkeypatch.setenv("HUBFUND_LANG", language)
    assert i18n.t(text, **fields) == shown


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", "capital_call", "capital call"),
        ("zh", "capital_call", "催缴"),
        ("zh", "on track", "进展正常"),
        ("zh", "no_such_value", "no such value"),
        ("en", None, ""),
    ],
)
def test_terms_are_words_in_the_language(monkeypatch, language, value, shown):
    monkeypatch.setenv("HUBFUND_LANG", language)
    assert i18n.term(value) == shown


@pytest.mark.parametrize(
    ("name_en", "name_zh", "language", "shown"),
    [
        ("WeBank", "微众银行", "en", "WeBank"),
        ("WeBank", "微众银行", "zh", "微众银行"),
        (None, "微众银行", "en", "微众银行"),
        ("WeBank", None, "zh", "WeBank"),
        ("WeBank", "", "zh", "WeBank"),
        (None, None, "zh", ""),
    ],
)
def test_a_firm_is_named_in_the_chosen_language(name_en, name_zh, language, shown):
    assert i18n.firm_name(name_en, name_zh, language=language) == shown


@pytest.mark.parametrize(("setting", "language"), [("zh", "zh"), (" ZH ", "zh"), ("fr", "en")])
def test_hubfund_lang_sets_the_default_language(monkeypatch, setting, language):
    monkeypatch.setenv("HUBFUND_LANG", setting)
    assert i18n.default_language() == language


def test_without_hubfund_lang_the_app_is_english(monkeypatch):
    monkeypatch.delenv("HUBFUND_LANG", raising=False)
    assert i18n.default_language() == "en"


# --- the app ---------------------------------------------------------------------------------


def _app(url: str, monkeypatch: pytest.MonkeyPatch, language: str | None = None) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    # AppTest formats widget options outside the script run too: there the default language
    monkeypatch.setenv("HUBFUND_LANG", language or "en")
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["actor"] = Actor(name="tester", role="admin")
    if language:
        at.session_state["lang"] = language
    return at


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_sidebar_switch_turns_the_app_chinese_and_back(demo_sqlite_url, monkeypatch):
    at = _open(_app(demo_sqlite_url, monkeypatch), "schema")
    assert at.title[0].value == "Schema"
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert at.title[0].value == "数据结构"
    assert "已登录：**tester**（管理员），本地方式" in at.sidebar.caption[0].value
    assert any(s.value.startswith("分析视图") for s in at.subheader)
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Schema"
    assert at.sidebar.caption[0].value.startswith("Signed in as **tester** (Administrator)")


def test_hubfund_lang_opens_the_app_in_chinese(demo_sqlite_url, monkeypatch):
    at = _app(demo_sqlite_url, monkeypatch)
    monkeypatch.setenv("HUBFUND_LANG", "zh")
    at.run()
    assert at.title[0].value == "集聚区目标"
    assert at.sidebar.selectbox(key="lang").value == "zh"


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_in_chinese(demo_sqlite_url, monkeypatch, page):
    at = _open(_app(demo_sqlite_url, monkeypatch, "zh"), page)
    assert at.title[0].value == ZH[PAGES[page][0]]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_says_what_to_do_on_an_empty_store(sqlite_url, monkeypatch, page, language):
    at = _open(_app(sqlite_url, monkeypatch, language), page)
    assert at.info, "no empty state"
    first = at.info[0].value
    assert ("hubfund demo" in first) or ("hubfund user add" in first)
    assert bool(CJK.search(first)) == (language == "zh")


def test_names_and_money_follow_the_language(demo_sqlite_url, monkeypatch):
    at = _open(_app(demo_sqlite_url, monkeypatch, "zh"), "hub_comparison")
    assert sorted(at.dataframe[0].value["hub"]) == sorted(["深圳", "北京", "大连", "杭州"])
    at = _open(_app(demo_sqlite_url, monkeypatch, "zh"), "holdings")
    fund = next(s for s in at.selectbox if s.label == "基金")
    assert "大连互联网金融发展基金" in fund.options
    invested = next(m.value for m in at.metric if m.label == "投资额")
    assert re.fullmatch(r"[\d,]+\.\d (万|亿)元|[\d,]+\.\d\d 亿元", invested), invested
    with Session(make_engine(demo_sqlite_url)) as session:
        held = holdings(session=session, fund_id=1, as_of=date.today(), currency="CNY")
        chinese = {h.company: session.get(Firm, h.firm_id).name_zh or h.company for h in held}
    table = at.dataframe[0].value
    assert sorted(table["company"]) == sorted(chinese.values())
    assert any(CJK.search(name) for name in table["company"])
    in_wan = sorted(round(float(h.invested) / 10_000, 2) for h in held)  # 万元: a sortable number
    assert sorted(table["invested"]) == pytest.approx(in_wan, abs=0.006)
