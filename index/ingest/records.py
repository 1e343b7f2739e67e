"""Lines a document prints outside its numbered paragraphs that answer questions of their own:
a resolution's adoption line ("Resolution adopted by the General Assembly on 24 December 2024
[on the report of the First Committee (A/79/408, para. 114)]") and its plenary meeting line,
a report's rapporteur and the date under its symbol. Each becomes a record of its own, cited as
what it is ("A/RES/79/239, adoption line"): before, they were in no record at all, so "when was
it adopted?" could only be answered from the document's metadata, never cited.
"""

from __future__ import annotations

import re

from index.labels import RECORDS
from index.models import Document, Paragraph

HEAD_LINES = 40
TAIL_LINES = 30
_DATE = r"\d{1,2} [A-Z][a-z]+ \d{4}"
# name -> pattern over the head or the tail of the text, whitespace folded
_HEAD = {
    "adoption": re.compile(r"Resolution adopted by the [A-Z][\w ]{2,40}? on " + _DATE
                           + r"(?: \[[^\]]{3,200}\])?|\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?日"
                           r"[^。\n]{0,10}?通过的决议(?: ?\[[^\]]{3,200}\])?"),
    "rapporteur": re.compile(r"Rapporteur: [^\n]{3,120}|报告员[:：][^\n]{2,60}"),
}
_ONE_LINE = {"rapporteur"}  # printed on one line: read without joining the next
_TAIL = {
    "meeting": re.compile(r"\d{1,3}(?:st|nd|rd|th)(?: \(resumed\))? plenary meeting "
                          + _DATE + r"|第 ?\d{1,3} ?次(?:\(续\))?全体会议 ?\d{4} ?年 ?\d{1,2} ?月 ?"
                          r"\d{1,2} ?日"),
}


def detect_records(text: str, document: Document) -> list[Paragraph]:
    """The records ``text`` prints outside its paragraphs, as Paragraphs of part RECORDS."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    head, tail = "\n".join(lines[:HEAD_LINES]), "\n".join(lines[-TAIL_LINES:])
    # A line broken across two printed lines ("Resolution adopted by the General Assembly" /
    # "on 24 December 2024") is read as one.
    found = [(name, pattern.search(head if name in _ONE_LINE else head.replace("\n", " ")))
             for name, pattern in _HEAD.items()]
    found += [(name, pattern.search(tail.replace("\n", " "))) for name, pattern in _TAIL.items()]
    if document.date and document.symbol:
        dated = next((line for line in lines[:HEAD_LINES // 4] if _printed_date(line, document)),
                     None)
        found.append(("date", re.search(r".+", dated) if dated else None))
    records = [(name, match.group(0).strip()) for name, match in found if match]
    return [Paragraph(document.doc_id, document.symbol, document.lang, RECORDS, ordinal, text,
                      number=name, kind="record", doc_title=document.title)
            for ordinal, (name, text) in enumerate(records, 1)]


def _printed_date(line: str, document: Document) -> bool:
    """A header line that is the document's date alone ("24 May 2023", "2023 年 5 月 24 日")."""
    return bool(re.fullmatch(_DATE + r"|\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?日", line.strip()))
