"""The language of a text: Chinese or English, from the share of CJK characters."""

from __future__ import annotations

import unicodedata


def is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def detect_lang(text: str) -> str:
    """'zh' when CJK characters make up a noticeable share of the letters, else 'en'."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    cjk = sum(1 for c in letters if is_cjk(c))
    return "zh" if cjk / len(letters) > 0.2 else "en"
