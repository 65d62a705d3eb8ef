"""Texts from the data shown through Streamlit's markdown."""

from __future__ import annotations


def md(text: str) -> str:
    """Data texts shown through markdown must not become markup."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>&" else c for c in text)
