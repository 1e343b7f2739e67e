"""Cut cleaned lines into typed blocks: headings, numbered paragraphs, items, table rows, text.

A block is a run of lines that belong together on the page. Whether a plain line starts a new
block is decided differently per layout:
- layout English: a first-line indent deeper than the following line (and not the hanging
  indent of a list item) starts a paragraph; blank lines are page breaks, not paragraph breaks;
- wrapped Chinese: leading whitespace, or a short previous line, starts a paragraph;
- plain prose: blank lines separate paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.models import ROMAN, ZH_NUMERALS
from index.ingest.clean import Line, ends_final
from index.ingest.submissions import ORIGINAL, join_submission_slugs, submitter_name
from index.un.symbols import PRINTED_SYMBOL_RE

ZH_NUM = "一二三四五六七八九十"
MAX_TOPIC_CHARS = 100
HEADINGS = ("heading", "subheading", "minor-heading")
CONNECTIVES = {"a", "an", "and", "at", "by", "for", "from", "in", "its", "of", "on", "or", "the",
               "to", "with"}

_CHAPTER_EN = re.compile(r"^([IVX]{1,5})\.\s+(\S.{0,90})$")
_CHAPTER_ZH = re.compile(rf"^([{ZH_NUM}]{{1,3}})\s*[.、．]\s*(\S.{{0,40}})$")
_CHAPTER_MD = re.compile(r"^#{1,6}\s+(\S.*)$")
_ANNEX_EN = re.compile(r"^(?:Annex|ANNEX)(?:\s+([IVXL]+))?\.?$")
_ANNEX_ZH = re.compile(rf"^附件([{ZH_NUM}]*)$")
_NUMBERED = re.compile(r"^(\d{1,3})\s*\.\s+(\S.*)$|^(\d{1,3})\.(\S.*)$")
_ITEM = re.compile(r"^[(（]([a-z]{1,2}|\d{1,2})[)）]\s*(\S.*)$")
_BULLET = re.compile(r"^[•·▪●◦\-–]\s+(\S.*)$")
# A reply's heading already on one line: "Argentina [Original: Spanish]" (Word, HTML).
_SUBMISSION = re.compile(rf"^(?P<name>\S.{{0,119}}?)\s*{ORIGINAL}$")
# Headings below a chapter: "A. Draft resolutions" (a lettered section), "Draft decisions";
# below those, a proposal's own: "Draft resolution A/C.1/79/L.5".
_LETTERED = re.compile(r"^([A-H])\.\s+([A-Z(“\"][^.;:]{0,100})$")
_PROPOSALS = re.compile(r"^Draft (?:resolutions|decisions)$")
_PROPOSAL = re.compile(r"^Draft (?:resolution|decision) (?=[A-Z]+/)(\S+)$")
# A draft a report recommends, numbered by a Roman numeral: "Draft resolution XXV".
_DRAFT = re.compile(r"^Draft (resolution|decision) ([IVXLC]{1,7})$")
TABLE_HEADER = re.compile(r"^(Symbol|Document symbol|Document|文号|文件编号|文件)\s+(Title|标题)$")
_OPENER = re.compile(
    r"^The (General Assembly|Security Council|Human Rights Council|Economic and Social Council|"
    r"Conference|Meeting of the High Contracting Parties)\s*,$|^(大会|安全理事会|人权理事会)\s*[,，]$"
)


@dataclass
class Block:
    # heading, subheading, minor-heading, annex, submission, draft, numbered, item, bullet, row,
    # table-header, opener, text
    kind: str
    lines: list[str] = field(default_factory=list)
    indent: int = 0
    text_col: int = 0  # column where the text starts after a marker (hanging indent)
    number: str | None = None  # paragraph number, item marker, annex numeral
    # A Chinese paragraph's leading whitespace marks unmarked list items (lost bullet glyphs).
    lead: int = 0
    blank_before: bool = False
    breaks: list[int] = field(default_factory=list)  # indices of lines after a blank line


def zh_numeral_to_roman(numeral: str) -> str:
    return ROMAN[ZH_NUMERALS.index(numeral)] if numeral in ZH_NUMERALS else numeral


def classify(text: str, lang: str, in_table: bool) -> tuple[str, str | None, str]:
    """Return (kind, marker, text after the marker) for one stripped line."""
    if in_table and PRINTED_SYMBOL_RE.match(text):
        return "row", None, text
    if TABLE_HEADER.match(text):
        return "table-header", None, text
    if m := _SUBMISSION.match(text):
        return "submission", submitter_name(m.group("name")), text
    if m := _DRAFT.match(text):
        return "draft", f"draft {m.group(1)} {m.group(2)}", text
    if m := _LETTERED.match(text):
        return "subheading", m.group(1), text
    if _PROPOSALS.match(text):
        return "subheading", None, text
    if (m := _PROPOSAL.match(text)) and PRINTED_SYMBOL_RE.fullmatch(m.group(1)):
        return "minor-heading", None, text
    if m := _ANNEX_EN.match(text):
        return "annex", m.group(1) or "I", text
    if m := _ANNEX_ZH.match(text):
        return "annex", zh_numeral_to_roman(m.group(1) or "一"), text
    if m := _CHAPTER_EN.match(text):
        if not text.endswith((".", ",", ";")):
            return "heading", m.group(1), text
    if m := _CHAPTER_ZH.match(text):
        if not text.endswith(("。", "；", "，")):
            return "heading", m.group(1), text
    if m := _CHAPTER_MD.match(text):
        return "heading", None, m.group(1)
    if _OPENER.match(text):
        return "opener", None, text
    if m := _NUMBERED.match(text):
        number = m.group(1) or m.group(3)
        rest = m.group(2) or m.group(4)
        return "numbered", number, rest
    if m := _ITEM.match(text):
        return "item", m.group(1), m.group(2)
    if m := _BULLET.match(text):
        return "bullet", None, m.group(1)
    return "text", None, text


def layout_of(lines: list[Line | None], lang: str) -> str:
    """'layout' (pdftotext -layout), 'wrapped' (hard-wrapped Chinese) or 'prose'."""
    content = [line for line in lines if line is not None]
    if not content:
        return "prose"
    if lang == "zh":
        widths = sorted(line.width for line in content)
        p90 = widths[int(len(widths) * 0.9)]
        return "wrapped" if p90 < 120 else "prose"
    indented = sum(1 for line in content if line.indent >= 4)
    return "layout" if indented / len(content) > 0.3 else "prose"


@dataclass
class _Page:
    """The lines being cut, with what is known of each before cutting: its classification
    (outside a table) and where the next line is."""

    lines: list[Line | None]
    layout: str
    full_width: int
    kinds: list[tuple[str, str | None, str] | None]
    after: list[int | None]  # index of the next non-blank line


def _page(lines: list[Line | None], lang: str) -> _Page:
    content = [line for line in lines if line is not None]
    full_width = 0
    if content:
        widths = sorted(line.width for line in content)
        full_width = widths[int(len(widths) * 0.9)]
    kinds = [None if line is None else ("submission", line.submitter, line.text)
             if line.submitter else classify(line.text, lang, False) for line in lines]
    after: list[int | None] = [None] * len(lines)
    upcoming = None
    for index in range(len(lines) - 1, -1, -1):
        after[index] = upcoming
        if lines[index] is not None:
            upcoming = index
    return _Page(lines, layout_of(lines, lang), full_width, kinds, after)


def cut_blocks(lines: list[Line | None], lang: str) -> list[Block]:
    page = _page(join_submission_slugs(lines), lang)
    blocks: list[Block] = []
    in_table = False
    previous: Line | None = None
    blank_before = False
    for index, line in enumerate(page.lines):
        if line is None:
            blank_before = True
            continue
        kind, marker, rest = page.kinds[index]
        if in_table and not line.submitter and PRINTED_SYMBOL_RE.match(line.text):
            kind, marker, rest = "row", None, line.text
        if kind == "table-header":
            in_table = True
        elif kind in ("heading", "annex", "submission"):
            in_table = False
        current = blocks[-1] if blocks else None
        if kind == "text" and current is not None and not _starts_paragraph(
            page, index, current, previous, blank_before, in_table
        ):
            if blank_before:
                current.breaks.append(len(current.lines))
            current.lines.append(line.text)
        else:
            text_col = line.indent + (len(line.text) - len(rest))
            blocks.append(
                Block(kind, [rest], line.indent, text_col, marker, lead=line.indent,
                      blank_before=blank_before)
            )
        previous, blank_before = line, False
    if lang == "en":
        _mark_topics(blocks)
    return blocks


def _mark_topics(blocks: list[Block]) -> None:
    """A heading-like line between one paragraph's end (or a heading) and the next paragraph
    (numbered, or indented on its first line) is an unnumbered sub-heading ("Towards a
    definition"), not text of either."""
    for index in range(1, len(blocks) - 1):
        block, after, before = blocks[index], blocks[index + 1], blocks[index - 1]
        if block.kind != "text" or len(block.lines) != 1 or not _topic_like(block.lines[0]):
            continue
        if not (after.kind == "numbered" or (after.kind == "text" and after.lead >= block.lead + 3
                                             and block.blank_before)):
            continue
        if before.kind in HEADINGS or ends_final(before.lines[-1]):
            block.kind = "minor-heading"


def _starts_paragraph(page: _Page, index: int, current: Block, previous: Line | None,
                      blank_before: bool, in_table: bool) -> bool:
    line = page.lines[index]
    if current.kind in ("annex", "table-header", "opener", "submission", "draft"):
        return True  # always a single line
    if current.kind in HEADINGS:
        # A heading is one line unless its next line continues it (long chapter titles); a
        # first-line indent under it starts the text ("F. Prohibitions" / "   In line with").
        if page.layout != "layout" or blank_before or line.indent < current.text_col:
            return True
        after = page.after[index]
        if after is not None and page.kinds[after][0] != "text":
            # nothing below to measure against: a heading wraps mid-phrase, a topic does not
            return not (line.text[:1].islower() or _open_ended(current.lines[-1]))
        return _first_line_indent(page, index, previous, blank_before) is True
    if in_table:
        return False  # inside a table, only a new symbol starts a new row
    if page.layout == "prose":
        return blank_before
    if page.layout == "wrapped":
        if line.indent > 0:
            return True
        return previous is not None and previous.width < 0.8 * page.full_width
    # layout English: first-line indent
    if blank_before and _topic_above_text(page, index, previous):
        return True
    if current.kind in ("item", "bullet", "numbered") and line.indent == current.text_col:
        return False  # the hanging indent of a list item or numbered paragraph
    return bool(_first_line_indent(page, index, previous, blank_before))


def _topic_like(text: str) -> bool:
    return (len(text) <= MAX_TOPIC_CHARS and text[:1].isupper()
            and not text.endswith((".", ",", ";", ":", "!", "?", "。")))


def _topic_above_text(page: _Page, index: int, previous: Line | None) -> bool:
    """A short heading-like line after a blank, under a finished sentence and over an indented
    first line ("Need for new, binding international law"): a sub-heading, not a page break
    inside a paragraph."""
    line, after = page.lines[index], page.after[index]
    if previous is None or after is None or not ends_final(previous.text):
        return False
    return (_topic_like(line.text) and line.width < 0.75 * page.full_width
            and page.lines[after].indent >= line.indent + 3)


def _open_ended(text: str) -> bool:
    """A heading line that cannot end there ("… of the First and Fourth Committees on")."""
    return text.endswith(("-", ",")) or text.rpartition(" ")[2] in CONNECTIVES


def _first_line_indent(page: _Page, index: int, previous: Line | None,
                       blank_before: bool) -> bool | None:
    """Whether a line is indented deeper than the text lines around it: measured against the
    line after it, or against the line before it when the one after is on the next page (its
    margin may differ) or is a heading or a numbered paragraph (whose margin says nothing about
    this paragraph's). None: nothing to compare."""
    line, after = page.lines[index], page.after[index]
    if after is None:
        return None
    beside = previous is not None and not blank_before
    if page.kinds[after][0] != "text" or (after > index + 1 and beside):
        return beside and line.indent >= previous.indent + 3
    return line.indent >= page.lines[after].indent + 3
