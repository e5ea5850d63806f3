"""Stored text inside Markdown, shown as the text it is.

Streamlit renders every ``st.markdown``/``st.caption``/``st.info``, expander label and help
text as Markdown; raw HTML in it is shown as text (never interpreted, unless a page passes
``unsafe_allow_html``, which none does), but Markdown itself is interpreted. A company named
``**Big** [Pay](javascript:...)`` would otherwise come out bold with a link, ``:red[x]`` in
colour, ``$x$`` as a formula. ``md_text`` escapes a stored value for such places.
"""

from __future__ import annotations

import re

# CommonMark: a backslash before any ASCII punctuation character makes it literal
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def md_text(value: object) -> str:
    """``value`` as Markdown that renders to exactly its text, on one line: every ASCII
    punctuation character backslash-escaped, line breaks turned into spaces."""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(value)))
