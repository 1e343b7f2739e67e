"""Two-column pages read one column after the other.

A policy brief printed in two columns comes out of a PDF tool (``pdftotext -layout``, or this
project's own PDF reader, which lays characters out as printed lines) as lines that hold half a
sentence of each column, side by side: read across, every paragraph is two half-sentences
interleaved and nothing in it can be found or quoted. Here a gutter is a column position where
many lines have a run of blanks and then text; a run of lines that all leave that position blank
(a region: one page's columns, between full-width headings and running titles) is read as its
left column, then its right column. Text in one column, tables whose left column is mostly empty
(a list of documents, a compilation's table) and full-width lines are left as they are.
"""

from __future__ import annotations

import re
from collections import Counter

MIN_GUTTER = 25  # the right column starts at least this far in
GUTTER_GAP = 2  # blanks before the right column's text
MIN_COLUMN_LINES = 8  # lines of text in each column, for a region to be read as two columns
MIN_TWO_SIDED = 3  # lines with text on both sides
BALANCE = 0.6  # the shorter column has at least this share of the longer one's lines
MIN_COLUMN_CHARS = 20  # average text on each side of a two-sided line: running text
MIN_GUTTER_LINES = 10  # lines splitting at a position, for it to be a gutter of the document
_RIGHT_START = re.compile(r"(?<=\S) {%d,}(?=\S)" % GUTTER_GAP)


def read_columns(text: str) -> str:
    """``text`` with every two-column region read column by column; unchanged when it has
    none."""
    lines = text.split("\n")
    regions = _regions(lines, _gutters(lines))
    if not regions:
        return text
    out: list[str] = []
    at = 0
    for start, end, gutter in regions:
        out += lines[at:start]
        block = lines[start:end]
        out += _column([line[:gutter].rstrip() for line in block], block)
        out.append("")
        out += _column([line[gutter:].rstrip() for line in block], block)
        at = end
    return "\n".join(out + lines[at:])


def _column(parts: list[str], lines: list[str]) -> list[str]:
    """One column's lines. Where it is empty only because the other column has text there (a
    heading set beside it), the gap is no paragraph break when the sentence runs on across it
    ("con-" … "flict domains")."""
    out: list[str] = []
    for i, (part, line) in enumerate(zip(parts, lines)):
        if part or not line.strip():
            out.append(part)
            continue
        before = next((p for p in reversed(out) if p), "")
        after = next((p for p in parts[i + 1:] if p), "")
        runs_on = before.rstrip().endswith(("-", ",")) or before[-1:].islower()
        if not (runs_on and after.lstrip()[:1].islower()):
            out.append(part)
    return out


def _regions(lines: list[str], gutters: list[int]) -> list[tuple[int, int, int]]:
    """(start, end, gutter) of each two-column region, in order: a maximal run of lines that
    leave the gutter blank, most of them with text on both sides. Where runs at two gutters
    overlap, the longer one wins."""
    found = []
    for gutter in gutters:
        i = 0
        while i < len(lines):
            if not _fits(lines[i], gutter):
                i += 1
                continue
            end = i
            while end < len(lines) and _fits(lines[end], gutter):
                end += 1
            block = lines[i:end]
            left = [line[:gutter] for line in block if line[:gutter].strip()]
            right = [line[gutter:] for line in block if line[gutter:].strip()]
            sided = sum(_two_sided(line, gutter) for line in block)
            # Both columns hold running text; set on different baselines, a page's columns
            # may alternate line by line, so few lines need text on both sides.
            # A table's left column is a few short cells beside a long right one (a
            # compilation's "State, year, symbol | definition"): its rows stay as they are.
            if (min(len(left), len(right)) >= MIN_COLUMN_LINES and sided >= MIN_TWO_SIDED
                    and min(len(left), len(right)) >= BALANCE * max(len(left), len(right))
                    and _prose(left) and _prose(right)):
                found.append((i, end, gutter))
            i = end
    chosen: list[tuple[int, int, int]] = []
    for region in sorted(found, key=lambda r: r[0] - r[1]):  # longest first
        if all(region[1] <= other[0] or other[1] <= region[0] for other in chosen):
            chosen.append(region)
    return sorted(chosen)


def _gutters(lines: list[str]) -> list[int]:
    """Positions where at least MIN_GUTTER_LINES lines start a second run of text."""
    starts: Counter[int] = Counter()
    for line in lines:
        for match in _RIGHT_START.finditer(line):
            if match.end() >= MIN_GUTTER:
                starts[match.end()] += 1
    return sorted(p for p, n in starts.items() if n >= MIN_GUTTER_LINES)


def _prose(parts: list[str]) -> bool:
    """A column of running text, not a table of contents' page numbers or a list of codes."""
    return sum(len(part.strip()) for part in parts) / len(parts) >= MIN_COLUMN_CHARS


def _fits(line: str, gutter: int) -> bool:
    """The line leaves the gutter blank: nothing in the few characters before it."""
    return len(line.rstrip()) <= gutter - GUTTER_GAP or not line[gutter - GUTTER_GAP:gutter].strip()


def _two_sided(line: str, gutter: int) -> bool:
    return bool(line[:gutter].strip()) and len(line) > gutter and not line[gutter].isspace()
