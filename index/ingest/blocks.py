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
from index.ingest.clean import Line
from index.un.symbols import PRINTED_SYMBOL_RE

ZH_NUM = "一二三四五六七八九十"

_CHAPTER_EN = re.compile(r"^([IVX]{1,5})\.\s+(\S.{0,90})$")
_CHAPTER_ZH = re.compile(rf"^([{ZH_NUM}]{{1,3}})\s*[.、．]\s*(\S.{{0,40}})$")
_CHAPTER_MD = re.compile(r"^#{1,6}\s+(\S.*)$")
_ANNEX_EN = re.compile(r"^(?:Annex|ANNEX)(?:\s+([IVXL]+))?\.?$")
_ANNEX_ZH = re.compile(rf"^附件([{ZH_NUM}]*)$")
_NUMBERED = re.compile(r"^(\d{1,3})\s*\.\s+(\S.*)$|^(\d{1,3})\.(\S.*)$")
_ITEM = re.compile(r"^[(（]([a-z]{1,2}|\d{1,2})[)）]\s*(\S.*)$")
_BULLET = re.compile(r"^[•·▪●◦\-–]\s+(\S.*)$")
# The slug under each State's reply in a report that compiles them: "Argentina" then
# "[Original: Spanish]" (then "[24 May 2024]"). Joined into one line "Argentina [Original: …]".
_SLUG = r"[\[［【]\s*(?:Original|原\s*文)\s*[:：][^\]］】]+[\]］】]"
_SUBMISSION = re.compile(rf"^(?P<name>\S.{{0,119}}?)\s*{_SLUG}$")
_BARE_SLUG = re.compile(rf"^{_SLUG}$")
_BRACKETED = re.compile(r"^[\[［【][^\]］】]{1,40}[\]］】]$")
_TABLE_HEADER = re.compile(r"^(Symbol|Document symbol|Document|文号|文件编号|文件)\s+(Title|标题)$")
_OPENER = re.compile(
    r"^The (General Assembly|Security Council|Human Rights Council|Economic and Social Council|"
    r"Conference|Meeting of the High Contracting Parties)\s*,$|^(大会|安全理事会|人权理事会)\s*[,，]$"
)


@dataclass
class Block:
    kind: str  # heading, annex, submission, numbered, item, bullet, row, table-header, opener, text
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
    if _TABLE_HEADER.match(text):
        return "table-header", None, text
    if m := _SUBMISSION.match(text):
        return "submission", m.group("name").rstrip(" :"), text
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


def join_submission_slugs(lines: list[Line | None]) -> list[Line | None]:
    """Put each State's name on its "[Original: …]" slug line and drop the dated line after it,
    so a reply's start is one line, whatever the layout did with the name above it."""
    out = list(lines)
    for index, line in enumerate(out):
        if line is None or not _BARE_SLUG.match(line.text):
            continue
        above = next((i for i in range(index - 1, -1, -1) if out[i] is not None), None)
        if above is None or len(out[above].text) > 120:
            continue
        out[index] = Line(f"{out[above].text} {line.text}", out[above].indent)
        out[above] = None
        below = next((i for i in range(index + 1, len(out)) if out[i] is not None), None)
        if below is not None and _BRACKETED.match(out[below].text):
            out[below] = None
    return out


def cut_blocks(lines: list[Line | None], lang: str) -> list[Block]:
    lines = join_submission_slugs(lines)
    layout = layout_of(lines, lang)
    content = [line for line in lines if line is not None]
    full_width = 0
    if content:
        widths = sorted(line.width for line in content)
        full_width = widths[int(len(widths) * 0.9)]

    blocks: list[Block] = []
    in_table = False
    previous: Line | None = None
    blank_before = False
    for index, line in enumerate(lines):
        if line is None:
            blank_before = True
            continue
        kind, marker, rest = classify(line.text, lang, in_table)
        if kind == "table-header":
            in_table = True
        elif kind in ("heading", "annex", "submission"):
            in_table = False
        current = blocks[-1] if blocks else None
        if kind == "text" and current is not None and not _starts_paragraph(
            line, lines, index, layout, current, previous, full_width, blank_before, in_table
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
    return blocks


def _next_line(lines: list[Line | None], index: int) -> Line | None:
    for line in lines[index + 1 :]:
        if line is not None:
            return line
    return None


def _starts_paragraph(
    line: Line,
    lines: list[Line | None],
    index: int,
    layout: str,
    current: Block,
    previous: Line | None,
    full_width: int,
    blank_before: bool,
    in_table: bool,
) -> bool:
    if current.kind in ("annex", "table-header", "opener", "submission"):
        return True  # always a single line
    if current.kind == "heading":
        # A heading is one line unless its next line continues it (long chapter titles).
        return not (layout == "layout" and not blank_before and line.indent >= current.text_col)
    if in_table:
        return False  # inside a table, only a new symbol starts a new row
    if layout == "prose":
        return blank_before
    if layout == "wrapped":
        if line.indent > 0:
            return True
        return previous is not None and previous.width < 0.8 * full_width
    # layout English: first-line indent
    following = _next_line(lines, index)
    if following is None:
        return False
    if current.kind in ("item", "bullet", "numbered") and line.indent == current.text_col:
        return False  # the hanging indent of a list item or numbered paragraph
    return line.indent >= following.indent + 3
