"""Stored text is shown as text: HTML in a name is never interpreted, and Markdown in a name
that a page puts into Markdown is escaped (``app_pages.text.md_text``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from app_pages.text import md_text
from fund.access import Actor
from models.db import make_engine, session_scope
from models.fund import Fund
from models.hub import Firm, Hub
from models.pipeline import Deal, IcAgendaItem, IcMeeting, IcMember

ROOT = Path(__file__).resolve().parent.parent
HTML_NAME = "<script>alert(1)</script><b>bold</b>"
MD_NAME = "**Big** [Pay](javascript:alert(1)) :red[x] $x^2$ `c` _i_ # <b>b</b>"
PUNCTUATION = {chr(c) for c in range(33, 127) if not chr(c).isalnum()}
MARKDOWN_KINDS = ("markdown", "caption", "info", "success", "warning", "error", "title",
                  "subheader", "header")  # fmt: skip


def _rendered(markdown: str) -> str:
    """The text CommonMark shows for ``markdown`` that is only text and backslash escapes;
    fails on any punctuation left unescaped (it could start emphasis, a link, a directive)."""
    out, i = [], 0
    while i < len(markdown):
        char = markdown[i]
        if char == "\\" and i + 1 < len(markdown) and markdown[i + 1] in PUNCTUATION:
            out.append(markdown[i + 1])
            i += 2
            continue
        assert char not in PUNCTUATION, f"unescaped {char!r} at {i} in {markdown!r}"
        out.append(char)
        i += 1
    return "".join(out)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (HTML_NAME, HTML_NAME),
        (MD_NAME, MD_NAME),
        ("大连数科 (Dalian) 1. 2", "大连数科 (Dalian) 1. 2"),
        ("back\\slash", "back\\slash"),
        ("two\r\n\n  lines", "two lines"),
        (":material/home: :streamlit:", ":material/home: :streamlit:"),
        (42, "42"),
    ],
)
def test_md_text_renders_to_exactly_the_text(value, shown):
    escaped = md_text(value)
    assert _rendered(escaped) == shown
    assert ":material/" not in escaped  # Streamlit turns that into an icon before parsing


def test_no_page_lets_html_through():
    sources = [ROOT / "streamlit_app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    for path in sources:
        code = path.read_text()
        for risky in ("unsafe_allow_html", "st.html(", "components.html", "components.v1"):
            assert risky not in code or path.name == "text.py", f"{path.name}: {risky}"


def _app(url: str, monkeypatch, page: str, **state) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.session_state["actor"] = Actor(name="tester", role="admin")
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _markdown_texts(at: AppTest) -> list[str]:
    """Every piece of text the page hands to Streamlit's Markdown renderer."""
    texts = [e.value for kind in MARKDOWN_KINDS for e in at.get(kind)]
    return texts + [e.label for e in at.get("expander")]


def _no_raw_html(at: AppTest) -> None:
    assert len(at.get("html")) == 0
    assert all(not m.proto.allow_html for m in at.markdown)


def test_a_firm_named_with_html_is_listed_as_literal_text(demo_sqlite_url, monkeypatch):
    with session_scope(make_engine(demo_sqlite_url), actor="admin:test") as s:
        hub = s.exec(select(Hub).order_by(Hub.id)).first()
        s.add(Firm(name_en=HTML_NAME, sector="payments", hub_id=hub.id))
    at = _app(demo_sqlite_url, monkeypatch, "firms_funding")
    names = [n for frame in at.dataframe if "name" in frame.value for n in frame.value["name"]]
    assert HTML_NAME in names  # a data grid cell: text, never HTML
    _no_raw_html(at)
    assert not any("<script>" in text for text in _markdown_texts(at))


def test_a_fund_name_in_a_message_is_escaped(demo_sqlite_url, monkeypatch):
    with session_scope(make_engine(demo_sqlite_url), actor="admin:test") as s:
        fund = Fund(name=MD_NAME, vintage=date(2024, 1, 1), size=1000, gp="GP")
        s.add(fund)
    at = _app(demo_sqlite_url, monkeypatch, "pipeline_analytics", fund_id=fund.id)
    message = at.info[0].value
    assert message.startswith(md_text(MD_NAME) + " has no deals yet")
    assert _rendered(message[: len(md_text(MD_NAME))]) == MD_NAME
    _no_raw_html(at)


def _firm_of(session: Session, item: IcAgendaItem) -> int:
    return session.get(Deal, item.deal_id).firm_id


def test_committee_member_and_company_names_are_escaped(demo_sqlite_url, monkeypatch):
    engine = make_engine(demo_sqlite_url)
    with session_scope(engine, actor="admin:test") as s:
        item = s.exec(select(IcAgendaItem).order_by(IcAgendaItem.id)).first()
        meeting = s.get(IcMeeting, item.meeting_id)
        s.add(IcMember(fund_id=meeting.fund_id, name=MD_NAME))
        s.get(Firm, _firm_of(s, item)).name_en = HTML_NAME + " " + MD_NAME
    at = _app(demo_sqlite_url, monkeypatch, "committee", fund_id=meeting.fund_id)
    at.selectbox(key="ic_meeting").set_value(meeting.id).run()
    texts = _markdown_texts(at)
    assert any(md_text(MD_NAME) in t for t in texts)  # the members line
    label = next(t for t in texts if md_text(HTML_NAME) in t)  # the agenda item's expander
    assert _rendered(label.rsplit(": ", 1)[0]).startswith(HTML_NAME + " " + MD_NAME)
    assert not any(MD_NAME in t or HTML_NAME in t for t in texts)
    _no_raw_html(at)
