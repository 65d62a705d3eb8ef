"""Texts from the data shown through Streamlit's markdown."""

from __future__ import annotations


def md(text: str) -> str:
    """Data texts shown through markdown must not become markup (nor math, $…$, nor strikethrough, ~~…~~)."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>&$~" else c for c in text)


def ltr(text: str) -> str:
    """A French text (a source, a name) inside a sentence of any language: an isolated left-to-right block, so that
    in Arabic it is neither split around the sentence's own words nor reordered line by line when it wraps. Its
    markdown is escaped."""
    return f'<bdi dir="ltr" style="display:inline-block">{md(text)}</bdi>'

