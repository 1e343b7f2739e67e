"""The titles of drafts a report names only by symbol in its headings.

A First Committee report heads each draft's account with its symbol alone ("Draft resolution
A/C.1/79/L.77"); the title ("Lethal autonomous weapons systems") appears once, in the paragraph
that says who submitted it. A question asks by title ("the vote on the draft on autonomous
weapons"), so every paragraph under that heading carries the title in its retrieval text.
"""

from __future__ import annotations

import re
from typing import Iterable

from index.un.symbols import find_symbols

# "submitted a draft resolution entitled “Missiles” (A/C.1/79/L.32)" and the Chinese
# "题为“导弹”的决议草案(A/C.1/79/L.32)".
_ENTITLED = (
    re.compile(r"entitled\s*[“\"]([^”\"]{3,300})[”\"]\s*\(([^)]{4,60})\)"),
    re.compile(r"题为\s*[“\"]([^”\"]{2,150})[”\"]\s*的[^（(]{0,12}[（(]([^)）]{4,60})[)）]"),
)


def draft_titles(texts: Iterable[str]) -> dict[str, str]:
    """symbol -> title, for each draft a text introduces as "entitled “X” (symbol)"; the first
    title found for a symbol is kept."""
    titles: dict[str, str] = {}
    for text in texts:
        flat = " ".join(text.split())
        for pattern in _ENTITLED:
            for match in pattern.finditer(flat):
                for symbol in find_symbols(match.group(2)):
                    titles.setdefault(symbol, match.group(1).strip())
    return titles


def titled_section(section: tuple[str, ...], titles: dict[str, str]) -> tuple[str, ...]:
    """``section`` with each heading that names a draft by symbol followed by its title."""
    out = []
    for heading in section:
        named = [titles[s] for s in find_symbols(heading) if s in titles]
        out.append(heading + "".join(f" “{title}”" for title in named if title not in heading))
    return tuple(out)
