"""Plain-text rendering of hits and paragraphs for the terminal.

Text from documents, questions and the model is printed as text: a control character in it
(ESC starts colours, cursor moves, cleared screens, hyperlinks; CR overwrites a line) would be
obeyed by the terminal, so each is shown as its code instead.
"""

from __future__ import annotations

import re
import textwrap
from typing import Callable

from index.models import Hit, Paragraph

from .texts import TERMINAL

WIDTH = 100
# C0 and C1 controls but newline and tab, DEL, and the bidirectional overrides that make a
# terminal show text in another order than it is written.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every terminal control character shown as its code ("\\x1b")."""
    return _CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


def indented(text: str) -> str:
    lines = []
    for line in text.splitlines():
        lines.extend(textwrap.wrap(printable(line), WIDTH, initial_indent="    ",
                                   subsequent_indent="    ")
                     or ["    "])
    return "\n".join(lines)


def print_hits(hits: list[Hit]) -> None:
    if not hits:
        print(TERMINAL["no_hits"])
        return
    for rank, hit in enumerate(hits, 1):
        found_by = "+".join(hit.sources)
        print(f"[{rank}] {printable(hit.paragraph.label())}   (score {hit.score:.4f}; {found_by})")
        print(indented(hit.paragraph.text))


def print_paragraphs(paragraphs: list[Paragraph],
                     counterpart: Callable[[Paragraph], Paragraph | None]) -> None:
    for p in paragraphs:
        section = f"   [{' > '.join(p.section)}]" if p.section else ""
        print(printable(f"{p.label()}{section}"))
        print(indented(p.text))
        other = counterpart(p)
        if other is not None:
            print(f"  {printable(other.label())}")
            print(indented(other.text))
        print()


def print_answer(answer) -> None:
    """The checked answer, then its sources: each citation with its paragraph text."""
    print(printable(answer.text))
    if answer.notice and answer.notice not in answer.text:
        print(f"({printable(answer.notice)})")
    if answer.citations:
        print("\n" + TERMINAL["sources"])
        for citation in answer.citations:
            print(f"[{citation.key}] {printable(citation.label)}")
            if citation.quote:
                quote = printable(" ".join(citation.quote.split()))
                print("    " + TERMINAL["quoted"].format(quote=quote))
            print(indented(citation.paragraph.text))
