"""The headings of the submissions a report compiles: each State's (or organization's) name
over its slugs, read into one line that starts a part of its own.

A compiled report prints each reply as a name, possibly wrapped over several lines ("Andorra,
Argentina, … Uruguay and Venezuela" / "(Bolivarian Republic of)"), then "[Original: Spanish]"
and a dated slug ("[24 May 2024]"); organizations' replies often have the dated slug alone.
A lettered heading can name a reply ("B. European Union"): the letter is the annex's section,
not part of the name.
"""

from __future__ import annotations

import re

from index.ingest.clean import Line

ORIGINAL = r"[\[［【]\s*(?:Original|原\s*文)\s*[:：][^\]］】]+[\]］】]"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December)")
_DATED = rf"\[\s*\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\s*\]"
SLUG_RE = re.compile(rf"^(?:{ORIGINAL}|{_DATED})$")
ORIGINAL_RE = re.compile(rf"^{ORIGINAL}$")
_BRACKETED = re.compile(r"^[\[［【][^\]］】]{1,40}[\]］】]$")
_LETTER = re.compile(r"^[A-H]\.\s+(?=\S)")
MAX_NAME_LINES = 6
MAX_NAME_CHARS = 300
RIGHT_ALIGNED = 20  # a dated slug alone stands this many columns right of the name


def submitter_name(text: str) -> str:
    """The name a reply is cited by: "B. European Union" -> "European Union"."""
    return _LETTER.sub("", " ".join(text.split())).rstrip(" :")


def _name_lines(lines: list[Line | None], slug_at: int) -> list[int]:
    """Indices of the heading lines just above a slug: the run of lines back to a blank line,
    at one indentation, none of them the end of a sentence."""
    found: list[int] = []
    for index in range(slug_at - 1, max(-1, slug_at - 1 - MAX_NAME_LINES), -1):
        line = lines[index]
        if line is None:
            break
        if found and abs(line.indent - lines[found[-1]].indent) > 2:
            break
        if line.text.endswith((".", ";", ":", "。", "；", "：")) or SLUG_RE.match(line.text):
            break
        found.append(index)
    found.reverse()
    if sum(len(lines[i].text) + 1 for i in found) > MAX_NAME_CHARS:
        return found[-1:]
    return found


def join_submission_slugs(lines: list[Line | None]) -> list[Line | None]:
    """Mark each reply's heading: its name lines become one line with ``submitter`` set, and
    the slugs under it go, so a reply's start is one line whatever the layout did with it."""
    out = list(lines)
    for index, line in enumerate(out):
        if line is None or not SLUG_RE.match(line.text):
            continue
        names = _name_lines(out, index)
        if not names:
            continue
        first = out[names[0]]
        if not ORIGINAL_RE.match(line.text) and line.indent < first.indent + RIGHT_ALIGNED:
            continue  # a dated line that is not a reply's slug
        name = submitter_name(" ".join(out[i].text for i in names))
        if not name or not (name[0].isupper() or not name[0].isascii()):
            continue
        for i in names:
            out[i] = None
        out[index] = Line(f"{name} {line.text}", first.indent, submitter=name)
        below = next((i for i in range(index + 1, len(out)) if out[i] is not None), None)
        if below is not None and _BRACKETED.match(out[below].text):
            out[below] = None
    return out
