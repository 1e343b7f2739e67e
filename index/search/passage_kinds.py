"""Records that hold no wording of their own on a subject: a heading (a short line with no
sentence in it: "ACTION 8: STRENGTHEN PEACE OPERATIONS") and a row of a list of documents
("CCW/GGE.1/2023/WP.5 — … Submitted by the Russian Federation"). The citation guard
(assistant.citable) lets them support almost nothing; a trace never shows them as a
document's text on a theme (index.trace.rank).
"""

from __future__ import annotations

import re

from index.models import Paragraph
from index.search.keyword import tokenize

HEADING_MAX_TERMS = 10
SENTENCE_MARK = re.compile(r"[.,;:。，；：!?！？)）”\"]\s*$")
# "CCW/GGE.1/2023/WP.5 — Concept for the activities …": a listed document, its title after a dash
LISTED_DOCUMENT = re.compile(r"^\S+/\S+\s+[—–]\s+")


def is_heading(paragraph: Paragraph) -> bool:
    """A short unnumbered line that ends no sentence: a heading or a running title."""
    if paragraph.kind != "paragraph" or paragraph.number or paragraph.item:
        return False
    text = paragraph.text.strip()
    # the mark first: tokenizing is the costly part (a trace asks of every paragraph)
    return not SENTENCE_MARK.search(text) and len(tokenize(text)) <= HEADING_MAX_TERMS


def is_listed_document(paragraph: Paragraph) -> bool:
    return paragraph.kind == "row" and bool(LISTED_DOCUMENT.match(paragraph.text))


