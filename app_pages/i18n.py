"""The language a session reads the app in: English or Chinese.

``st.session_state["lang"]`` holds "en" or "zh" (the sidebar switch's key); a new session starts
in ``HUBFUND_LANG`` (default "en"). ``t(text)`` is ``text`` in English and its entry in
``app_pages.locale_zh.ZH`` in Chinese (English where the catalogue has none), then
``str.format``-ed with the keyword arguments. Every literal a page shows goes through ``t``
(or is marked with ``N_`` where it is stored first and translated later); ``tests/test_i18n.py``
checks that the catalogue has a Chinese entry for each. Values of the domain's vocabularies
(statuses, stages, entry types...) are shown through ``term``. Names: ``local_name`` picks a
firm's, hub's, park's or fund's name in the chosen language when it has both.

Domain refusals (``InputError``, ``PermissionDenied``) stay English: they name fields and
values as the code and the files spell them.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app_pages.locale_zh import TERMS, ZH

LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}
KEY = "lang"
ENV = "HUBFUND_LANG"


def default_language() -> str:
    """The language a new session starts in: ``HUBFUND_LANG`` when it names one, else English."""
    wanted = os.environ.get(ENV, "en").strip().lower()
    return wanted if wanted in LANGUAGES else "en"


def lang() -> str:
    """The session's language ("en" or "zh"); the default outside a script run."""
    if get_script_run_ctx() is None:
        return default_language()
    chosen = st.session_state.get(KEY)
    return chosen if chosen in LANGUAGES else default_language()


def t(text: str, /, **fmt: Any) -> str:
    """``text`` in the session's language, ``format``-ed with ``fmt`` (when given)."""
    shown = ZH.get(text, text) if lang() == "zh" else text
    return shown.format(**fmt) if fmt else shown


def N_(text: str) -> str:  # gettext's name: mark now, translate later
    """``text`` unchanged: marks a literal for the catalogue, translated later with ``t``."""
    return text


def term(value: object) -> str:
    """A value of one of the domain's vocabularies (a status, a stage, an entry type...) as
    words in the session's language: its ``TERMS`` entry in Chinese; in English (or without an
    entry) the value with ``_`` as spaces ("capital_call" -> "capital call")."""
    text = "" if value is None else str(value)
    if lang() == "zh" and text in TERMS:
        return TERMS[text]
    return text.replace("_", " ")


def local_name(name: str | None, name_zh: str | None, *, language: str | None = None) -> str:
    """The name to show: in Chinese the Chinese name when there is one, else the English; in
    English the English name, else the Chinese. Empty when both are missing."""
    first, second = (name_zh, name) if (language or lang()) == "zh" else (name, name_zh)
    return (first or second or "").strip()


def firm_name(name_en: str | None, name_zh: str | None, *, language: str | None = None) -> str:
    """A firm's name in the chosen language (``local_name``; ``Firm.display_name`` in English)."""
    return local_name(name_en, name_zh, language=language)


def language_switch() -> str:
    """The sidebar's "Language / 语言" selector; returns the chosen language."""
    if st.session_state.get(KEY) not in LANGUAGES:
        st.session_state[KEY] = default_language()
    return str(st.selectbox("Language / 语言", list(LANGUAGES), format_func=LANGUAGES.get, key=KEY))
