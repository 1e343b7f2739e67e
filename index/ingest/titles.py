"""A document's title, read from its front matter (what comes before the body starts).

A UN report prints its title block between the agenda item and the byline: "Lethal autonomous
weapons systems" over "Report of the Secretary-General" (or "Report of the First Committee",
"Note by the Secretariat"); after it may come "Rapporteur: …", "Submitted by the Chairperson"
or a summary, none of which is the title. A resolution's title follows its number ("79/239.").
A document without a symbol or a byline (a policy brief) is titled by its first heading-like
lines, less a series line such as "Policy Brief 9" above the title itself.
"""

from __future__ import annotations

import re

from index.ingest.assemble import STARTS_BODY
from index.ingest.blocks import Block, cut_blocks
from index.ingest.clean import clean_text, ends_final, join_lines

# The byline under a report's title block: who reports, not what about.
BYLINE = re.compile(
    r"^(?:Report|Note|Memorandum) (?:of|by) the (?:Secretary-General|Secretariat|"
    r"Director-General|President|Chair(?:person|man)?|(?:[A-Z][a-z]+ )?Committee)$")
_COMMITTEE_REPORT = re.compile(r"^Report of the (?:[A-Z][a-z]+ )?Committee$")
# Where the front matter's title block is over: a summary, a table of contents.
_STOP = re.compile(r"^(?:Summary|Contents|Abstract|Executive summary)$", re.IGNORECASE)
# Lines that follow a title and are not part of it.
_AFTER_TITLE = re.compile(r"^(?:Rapporteur|Submitted by|Prepared by|Presented by|"
                          r"Transmitted by)\b")
_RES_NUMBER = re.compile(r"^\d+/\d+\.\s+")
_SERIES = re.compile(r"\b(?:\d{1,4}|No\.\s*\d+)$")  # "Policy Brief 9", "Paper No. 3"
MAX_TITLE_CHARS = 200


def detect_title(text: str, lang: str, symbol: str | None) -> str:
    """The document's title; "" when the front matter has none."""
    blocks = cut_blocks(clean_text(text, lang, symbol).lines, lang)
    front = []
    for block in blocks:
        if block.kind in STARTS_BODY or (block.kind == "text"
                                         and ends_final(" ".join(block.lines))):
            break
        front.append(block)
    if not front and blocks and blocks[0].kind == "annex" and len(blocks) > 1:
        front = [blocks[1]]  # an annex printed alone: its title follows the heading
    if not front:
        return ""
    if lang == "zh":
        return _zh_title(front, blocks)
    groups = front_groups(front)
    title = _title_block(groups)
    bylines = [line for group in groups for line in group if BYLINE.match(line)]
    if (symbol is None and not bylines) or not heading_like(title):
        title = _first_heading(groups) or title  # no UN title block: the first heading
    committee = next((line for line in bylines if _COMMITTEE_REPORT.match(line)), None)
    if committee and title and not title.startswith("Report"):
        # A committee's report is titled by its agenda item ("General and complete
        # disarmament"), the same as a dozen other documents; the UN cites it with its byline.
        title = f"{title}: {committee}"
    return title


def _zh_title(front: list[Block], blocks: list[Block]) -> str:
    # Chinese extraction has a blank after every line: blocks are the only grouping.
    # A title broken by a short line continues in blocks that have no leading space.
    if any(b.kind in STARTS_BODY for b in blocks):
        start = max((i for i, b in enumerate(front) if b.lead > 0), default=len(front) - 1)
        title_blocks = front[start:]
    else:
        title_blocks = front[:1]
    return join_lines([line for b in title_blocks for line in b.lines], "zh")


def front_groups(front: list[Block]) -> list[list[str]]:
    """Front matter lines in blank-separated groups, as the page shows them."""
    groups: list[list[str]] = []
    for block in front:
        for position, line in enumerate(block.lines):
            if not groups or (position == 0 and block.blank_before) or position in block.breaks:
                groups.append([])
            groups[-1].append(line)
    return groups


def _title_block(groups: list[list[str]]) -> str:
    """The last group before a summary or contents, less what follows a title (a rapporteur,
    a submitter) and the byline under it."""
    kept: list[list[str]] = []
    for group in groups:
        stop = next((i for i, line in enumerate(group) if _STOP.match(line)), None)
        if stop is not None:
            if stop:
                kept.append(group[:stop])
            break
        kept.append(group)
    while kept and _AFTER_TITLE.match(kept[-1][0]):
        kept.pop()
    if not kept:
        return ""
    last = kept[-1]
    byline = next((i for i, line in enumerate(last) if BYLINE.match(line)), None)
    if byline == 0 and len(last) == 1 and len(kept) > 1:
        last = kept[-2]  # the byline alone: the title is the group above it
    elif byline:
        last = last[:byline]
    title = " ".join(" ".join(last).split())
    return _RES_NUMBER.sub("", title).strip()


def heading_like(text: str) -> bool:
    """Short, capitalised, and not a sentence: what a title looks like."""
    return (0 < len(text) <= MAX_TITLE_CHARS and not text[0].islower()
            and not text.endswith((",", ";", ":")) and not ends_final(text))


def _first_heading(groups: list[list[str]]) -> str:
    """The first heading-like group, less a series line above the title ("Policy Brief 9")."""
    for group in groups:
        text = " ".join(" ".join(group).split())
        if not heading_like(text):
            continue
        series = max((i for i, line in enumerate(group[:-1]) if _SERIES.search(line)),
                     default=None)
        if series is not None:
            group = group[series + 1:]
        return " ".join(" ".join(group).split())
    return ""
