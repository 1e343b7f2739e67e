"""Low-level text clean-up for UN documents: page furniture, footnotes, line joining.

Raw input is what users have: `pdftotext -layout` output for English (running headers, page
numbers, job lines, barcodes, footnotes under a rule) and PDF-extracted Chinese (hard wraps
mid-phrase, a blank line after every line, a bookmark outline at the end).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from index.language import is_cjk

# 23-26252 (E) 100124; a reissue marks the job number ("24-21499* (E)") and adds a date
_JOB_LINE = re.compile(r"^\s*\d{2}-\d{5}\*?\s*\([A-Z]\)(\s+\d{6})*\s*$")
_BARCODE = re.compile(r"^\s*\*\d{6,}\*\s*$")  # *2326252*
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_PAGE_OF = re.compile(r"^\s*\d{1,3}/\d{1,3}(\s{2,}\d{2}-\d{5})?\s*$")  # 2/2   23-26252
_JOB_PAGE = re.compile(r"^\s*\d{2}-\d{5}\*?\s{2,}\d{1,3}/\d{1,3}\s*$")  # 23-26252   3/5
# A first-page note under an asterisk, without a rule: "* A/79/150." (the agenda item),
# "* Reissued for technical reasons on 17 December 2024."
_STAR_NOTE = re.compile(r"^\*{1,3}\s*\S")
# A table of contents: "Contents", then entries whose dot leaders run to a page number.
_CONTENTS = re.compile(r"^(Contents|CONTENTS|Table of contents)$")
_LEADER = re.compile(r"(?:\.\s?){4,}\s*(?:\d{1,3})?$")
CONTENTS_GAP = 8  # lines without a leader that may wrap one entry (a joint submission's names)
_FOOTNOTE_RULE = re.compile(r"^\s*_{5,}\s*$")
_FOOTNOTE_START = re.compile(r"^\s*(\d{1,3})(?:\s+(\S.*))?$")
_PLENARY = re.compile(r"^\s*\d+(st|nd|rd|th)\s+(\(resumed\)\s+)?plenary meeting\s*$", re.I)

FINAL_STOP = tuple("。.！!？?")


@dataclass
class Line:
    text: str  # without leading/trailing whitespace
    indent: int  # leading whitespace width (columns)
    submitter: str | None = None  # the heading of a State's reply, once read (submissions.py)

    @property
    def width(self) -> int:
        return self.indent + visual_width(self.text)


@dataclass
class CleanText:
    lines: list[Line | None]  # None marks a blank line
    footnotes: dict[int, str] = field(default_factory=dict)


def visual_width(text: str) -> int:
    """Display columns: CJK and full-width characters count twice (they do on the page)."""
    width = 0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F") or ch in "“”‘’·—…":
            width += 2
        else:
            width += 1
    return width


def _indent_of(raw: str) -> int:
    expanded = raw.expandtabs(8)
    return len(expanded) - len(expanded.lstrip(" \u3000"))


def strip_outline(raw_lines: list[str]) -> list[str]:
    """Drop a PDF bookmark outline at the end: trailing tab-indented lines."""
    end = len(raw_lines)
    while end > 0 and (not raw_lines[end - 1].strip() or raw_lines[end - 1].startswith("\t")):
        end -= 1
    tail = raw_lines[end:]
    if sum(1 for line in tail if line.startswith("\t")) >= 2:
        return raw_lines[:end]
    return raw_lines


def is_furniture(stripped: str, raw: str, symbol: str | None, next_raw: str = "") -> bool:
    """Page furniture that never belongs to a paragraph.

    ``next_raw`` is the following line: a running header is followed by a blank line, which
    tells "A/RES/78/241   Lethal autonomous weapons systems" (header) from a table row that
    lists the document's own symbol and continues on the next line.
    """
    if not stripped:
        return False
    if _JOB_LINE.match(raw) or _BARCODE.match(raw) or _PAGE_OF.match(raw) or _JOB_PAGE.match(raw):
        return True
    if _PAGE_NUMBER.match(raw):
        return True
    bare = raw.strip()
    if symbol and bare == symbol:
        return True  # running header: the symbol alone
    header_ends = not next_raw.strip()
    if symbol and header_ends and (bare.startswith(symbol + "  ") or bare.endswith("  " + symbol)):
        return True  # running header with the running title beside the symbol
    return False


def clean_layout(text: str, symbol: str | None) -> CleanText:
    """Remove page furniture and pull footnotes out of `pdftotext -layout` style text."""
    raw_lines = strip_outline(text.splitlines())
    out: list[Line | None] = []
    notes: dict[int, list[str]] = {}  # each footnote's lines, joined once at the end
    in_notes = False
    current_note: int | None = None
    closed = False  # past the closing formula: only footnotes remain
    for position, raw in enumerate(raw_lines):
        stripped = " ".join(raw.split())
        next_raw = raw_lines[position + 1] if position + 1 < len(raw_lines) else ""
        if _FOOTNOTE_RULE.match(raw):
            in_notes, current_note = True, None
            continue
        if in_notes:
            start = _FOOTNOTE_START.match(raw)
            expected = (current_note or 0) + 1
            if start and (current_note is None or int(start.group(1)) == expected):
                current_note = int(start.group(1))
                notes[current_note] = [(start.group(2) or "").strip()]
                continue
            if is_furniture(stripped, raw, symbol, next_raw):
                in_notes = False  # the page ends; body text resumes on the next page
                continue
            if stripped and current_note is not None:
                notes[current_note].append(stripped)
            continue
        if _PLENARY.match(raw):
            closed = True  # the closing "50th plenary meeting / date" formula of a resolution
        if closed or is_furniture(stripped, raw, symbol, next_raw):
            if _JOB_LINE.match(raw):
                _drop_star_notes(out)  # the foot of the first page
            elif symbol and symbol in stripped and stripped != symbol and _alone_above(out):
                out[-1] = None  # a running title's first line, over "A/RES/79/239   its end"
            continue
        out.append(Line(stripped, _indent_of(raw)) if stripped else None)
    out = drop_contents(out)
    footnotes = {number: chain_lines(lines) for number, lines in notes.items()}
    if footnotes:
        out = [strip_footnote_markers(line, footnotes) for line in out]
    return CleanText(out, footnotes)


def _alone_above(out: list[Line | None]) -> bool:
    """The last line kept starts a page: a blank above it, nothing between it and here."""
    return bool(out) and out[-1] is not None and (len(out) < 2 or out[-2] is None)


def _drop_star_notes(out: list[Line | None]) -> None:
    """Remove the asterisk notes just above the first page's job line."""
    index = len(out) - 1
    while index >= 0 and (out[index] is None or _STAR_NOTE.match(out[index].text)):
        if out[index] is not None:
            out[index] = None
        index -= 1


def drop_contents(lines: list[Line | None]) -> list[Line | None]:
    """Remove a table of contents: from its "Contents" line to its last entry (a dot leader
    to a page number; an entry may wrap over a few lines). Its "Annex I" and "I. Introduction"
    lines are not the document's own."""
    start = next((i for i, line in enumerate(lines)
                  if line is not None and _CONTENTS.match(line.text)), None)
    if start is None:
        return lines
    end, gap = None, 0
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line is None:
            continue
        if _LEADER.search(line.text):
            end, gap = index, 0
        else:
            gap += 1
            if gap > CONTENTS_GAP:
                break
    if end is None:
        return lines
    return lines[:start] + [None] + lines[end + 1:]


def strip_footnote_markers(line: Line | None, footnotes: dict[int, str]) -> Line | None:
    """Remove footnote reference numbers left inline ("Effects, 1 and in this regard")."""
    if line is None:
        return None
    numbers = "|".join(str(n) for n in sorted(footnotes, reverse=True))
    pattern = re.compile(rf"(?<=[,;.:”’)])\s+(?:{numbers})(?=\s+[a-z(]|\s*$)")
    return Line(pattern.sub("", line.text), line.indent)


def clean_text(text: str, lang: str, symbol: str | None) -> CleanText:
    """The clean-up a text needs: English is always read as laid out (pdftotext -layout, or a
    PDF read by pdf_layout); Chinese as laid out only when it comes from a PDF read that way —
    then its page margin is removed, so indentation means what it does in Chinese text files
    (a paragraph's first line is indented, its other lines are not)."""
    if lang == "en":
        return clean_layout(text, symbol)
    if _laid_out(text):
        cleaned = clean_layout(text, symbol)
        return CleanText(_without_margin(cleaned.lines), cleaned.footnotes)
    return clean_plain(text)


def _laid_out(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and sum(_indent_of(line) >= 8 for line in lines) / len(lines) > 0.6


def _without_margin(lines: list[Line | None]) -> list[Line | None]:
    indents = [line.indent for line in lines if line is not None]
    if not indents:
        return lines
    margin = max(set(indents), key=indents.count)  # most lines start at the body margin
    return [None if line is None else Line(line.text, max(0, line.indent - margin))
            for line in lines]


def clean_plain(text: str) -> CleanText:
    """Lines of text with no layout furniture (Chinese PDF extraction, plain .txt/.md)."""
    raw_lines = strip_outline(text.splitlines())
    out = [Line(" ".join(r.split()), _indent_of(r)) if r.strip() else None for r in raw_lines]
    return CleanText(out, {})


# ---- joining hard-wrapped lines -----------------------------------------------------------

_SYMBOL_BREAK = re.compile(r"(?<=[A-Z0-9.]/)\s+(?=[A-Z0-9])")


def join_en(left: str, right: str) -> str:
    if not left:
        return right
    if not right:
        return left
    return left + _en_separator(left[-2:], right) + right


def _en_separator(tail: str, right: str) -> str:
    """What goes between English lines, from the last two characters before the break."""
    if tail.endswith("-") and len(tail) > 1 and tail[-2].isalpha() and right[:1].isalpha():
        return ""  # a hyphenated compound broken at the hyphen: keep the hyphen
    if tail.endswith("/") and right[:1].isalnum():
        return ""  # a document symbol broken after a slash
    return " "


def join_zh(left: str, right: str) -> str:
    """Join a Chinese hard wrap: no space between CJK, one between CJK and Latin/digits."""
    if not left:
        return right
    if not right:
        return left
    return left + _zh_separator(left[-2:], right) + right


def _zh_separator(tail: str, right: str) -> str:
    a, b = tail[-1], right[0]
    if a == "/" or b in "/":
        return ""
    if (a.isascii() and a.isalnum()) and (b.isascii() and b.isalnum()):
        return " "
    if (a.isascii() and a.isalnum() and is_cjk(b) and b.isalpha()) or (
        is_cjk(a) and a.isalpha() and b.isascii() and b.isalnum()
    ):
        return " "
    return ""


def chain_lines(lines: list[str], separator=_en_separator) -> str:
    """Lines joined as join_en (or join_zh) would join them one by one, in linear time:
    joining one by one copies the text so far for every line (a 20,000-line paragraph took
    0.76 s, and four times that at twice the lines)."""
    pieces: list[str] = []
    tail = ""  # the last two characters so far: all a separator looks at
    for line in lines:
        if not line:
            continue
        joint = separator(tail, line) if pieces else ""
        pieces += [joint, line]
        tail = (tail + joint + line)[-2:]
    return "".join(pieces)


def join_lines(lines: list[str], lang: str) -> str:
    return normalize_text(chain_lines(lines, _zh_separator if lang == "zh" else _en_separator))


def normalize_text(text: str) -> str:
    text = _SYMBOL_BREAK.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def ends_final(text: str) -> bool:
    return text.rstrip().rstrip("”\"’)）").endswith(FINAL_STOP)
