"""Text of a PDF's text layer, laid out the way the text parser reads it.

The parser reads `pdftotext -layout`-style text: a line per printed line, the indentation of
each line kept (a first-line indent starts a paragraph, a hanging indent continues an item),
pages one after another with their furniture still in place for the cleaner to remove.

We build that text from PDFium's characters (pypdfium2) rather than take a library's own text
output, because on the UN PDFs in the shared corpus the ready-made outputs lose what the parser
needs (see README, "Adding documents"): pdfium's plain text has no indentation, pdfplumber's
layout splits the running header and interleaves lines across page 2 of a resolution, and
pypdf's layout mode spaces out letters ("U n i t e d N a t i o n s") and glues footnote marks
to words ("Effects,1").

Per page: characters → lines by baseline (a raised, smaller character is a superscript and joins
the line below it, set off by a space as pdftotext does) → words (a space where the PDF has one
and the gap agrees, or where the gap is wide) → columns from x positions.
"""

from __future__ import annotations

import ctypes
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from index.errors import DocumentError
from index.language import is_cjk

POINTS_PER_COLUMN = 4.9  # about one average character of 10-point Times: the UN body font
MIN_TEXT_CHARS = 20  # fewer printable characters than this in the whole file: no text layer
_SUPERSCRIPT_SIZE = 0.85  # a character this much smaller than its line, and raised, is a mark


@dataclass
class _Char:
    ch: str
    x: float  # origin (left, on the baseline)
    y: float  # baseline
    right: float  # right edge of the glyph's ink
    size: float  # glyph box height: font size in page units, whatever the text matrix
    generated: bool  # a space PDFium inferred, not one in the file


@dataclass
class _Line:
    y: float
    size: float
    chars: list[_Char] = field(default_factory=list)


def pdf_text(path: Path, on_page: Callable[[int, int], None] | None = None) -> str:
    """The laid-out text of every page; ``on_page(done, total)`` after each page.

    Raises DocumentError naming the file: not a PDF, damaged, password-protected, or no text
    layer (a scan).
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"{path}: {_open_failure(exc)}") from exc
    try:
        total = len(document)
        pages = []
        for index in range(total):
            page = document[index]
            try:
                pages.append(_page_text(page))
            finally:
                page.close()
            if on_page:
                on_page(index + 1, total)
    finally:
        document.close()
    text = "\n\n".join(pages)
    if sum(1 for ch in text if not ch.isspace()) < MIN_TEXT_CHARS:
        raise DocumentError(
            f"{path}: the PDF has no text layer (a scanned document?); run OCR on it first "
            "(for example ocrmypdf) and index the result"
        )
    return text


def _open_failure(exc) -> str:
    message = str(exc).lower()
    if "password" in message:
        return "the PDF is password-protected; save an unprotected copy and index that"
    if "format" in message or "not a pdf" in message:
        return "not a readable PDF (damaged, or not a PDF at all)"
    return f"cannot open the PDF ({exc})"


def _page_text(page) -> str:
    textpage = page.get_textpage()
    try:
        chars = list(_chars(textpage))
    finally:
        textpage.close()
    lines = _lines(chars)
    return "\n".join(_render(lines))


def _chars(textpage) -> Iterator[_Char]:
    import pypdfium2.raw as raw

    # Raw calls with reused ctypes buffers: the helper methods allocate per call, which was
    # a third of the time on a 180-page report.
    handle = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    loose = raw.FS_RECTF()
    px, py, pl, pr, pb, pt, ploose = (ctypes.byref(v) for v in (x, y, left, right, bottom, top, loose))
    size = 0.0
    for index in range(raw.FPDFText_CountChars(handle)):
        code = raw.FPDFText_GetUnicode(handle, index)
        ch = chr(code) if code else ""
        generated = raw.FPDFText_IsGenerated(handle, index) == 1
        if not ch or ch in "\r\n" or (generated and ch != " "):
            continue
        if ch == "\x02":
            ch = "-"  # PDFium's mark for a hyphen that ends a line
        raw.FPDFText_GetCharOrigin(handle, index, px, py)
        raw.FPDFText_GetCharBox(handle, index, pl, pr, pb, pt)
        raw.FPDFText_GetLooseCharBox(handle, index, ploose)
        # The loose box spans the font's ascent to descent: ~1.15 × the size in page units.
        # (FPDFText_GetFontSize reports 1.0 for text scaled by its matrix, as in some UN PDFs.)
        # A space may have an empty box: it takes the size of the glyph before it.
        size = abs(loose.top - loose.bottom) / 1.15 or size
        yield _Char(ch, x.value, y.value, right.value, size, generated)


def _lines(chars: list[_Char]) -> list[_Line]:
    """Group characters into printed lines, top to bottom.

    By baseline first; then a line of only small characters just above another line is that
    line's superscripts (footnote marks) and joins it.
    """
    lines: list[_Line] = []
    for char in sorted(chars, key=lambda c: -c.y):
        # Sorted by baseline, a character can only belong to one of the last few lines.
        for line in reversed(lines[-3:]):
            if abs(line.y - char.y) < min(line.size, char.size) * 0.4:
                line.chars.append(char)
                line.size = max(line.size, char.size)
                break
        else:
            lines.append(_Line(char.y, char.size, [char]))
    merged: list[_Line] = []
    for line in reversed(lines):  # bottom up: a superscript line meets its line first
        if merged and _superscript_of(line, merged[-1]):
            merged[-1].chars.extend(line.chars)
        else:
            merged.append(line)
    merged.reverse()
    return merged


def _superscript_of(upper: _Line, line: _Line) -> bool:
    return upper.size < line.size * _SUPERSCRIPT_SIZE and 0 < upper.y - line.y < line.size * 0.5


def _render(lines: list[_Line]) -> list[str]:
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:]) if a.y - b.y > 1]
    spacing = statistics.median(gaps) if gaps else 12.0
    out: list[str] = []
    previous_y: float | None = None
    for line in lines:
        if previous_y is not None and previous_y - line.y > spacing * 1.6:
            out.append("")  # a visible gap: blank line, as pdftotext prints one
        out.append(_render_line(line))
        previous_y = line.y
    return out


def _render_line(line: _Line) -> str:
    chars = sorted(line.chars, key=lambda c: c.x)
    size = max(c.size for c in chars)
    text = ""
    last_right: float | None = None
    pending: str | None = None  # "real" or "generated": a space seen since the last glyph
    for char in chars:
        if char.ch == " ":
            if last_right is not None:
                pending = "generated" if char.generated and pending is None else "real"
            continue
        column = int(round(char.x / POINTS_PER_COLUMN))
        if last_right is None:
            text = " " * column
        else:
            gap = char.x - last_right
            superscript = char.size < size * _SUPERSCRIPT_SIZE and char.y - line.y > size * 0.15
            # PDFium infers spaces from glyph boxes and puts some inside words (after an
            # italic "j"); a space of its own making must agree with a visible gap.
            spaced = (pending == "real" or gap > char.size * 0.25
                      or (pending == "generated" and gap > char.size * 0.1) or superscript)
            if is_cjk(char.ch) or is_cjk(text[-1]):
                # Chinese has no spaces between words: only one the PDF itself has counts
                # (PDFium infers one after every full-width comma from its narrow ink).
                spaced = pending == "real"
            if gap > char.size * 0.8:
                text += " " * max(1, column - len(text))  # a column gap: keep the alignment
            elif spaced:
                text += " "
        text += char.ch
        last_right = char.right
        pending = None
    return text.rstrip()
