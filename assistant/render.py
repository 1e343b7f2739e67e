"""Plain-text rendering of hits and paragraphs for the terminal."""

from __future__ import annotations

import textwrap
from typing import Callable

from index.models import Hit, Paragraph

WIDTH = 100


def _indent(text: str) -> str:
    lines = []
    for line in text.splitlines():
        lines.extend(textwrap.wrap(line, WIDTH, initial_indent="    ", subsequent_indent="    ")
                     or ["    "])
    return "\n".join(lines)


def print_hits(hits: list[Hit]) -> None:
    if not hits:
        print("no paragraphs found")
        return
    for rank, hit in enumerate(hits, 1):
        found_by = "+".join(hit.sources)
        print(f"[{rank}] {hit.paragraph.label()}   (score {hit.score:.4f}; {found_by})")
        print(_indent(hit.paragraph.text))


def print_paragraphs(paragraphs: list[Paragraph],
                     counterpart: Callable[[Paragraph], Paragraph | None]) -> None:
    for p in paragraphs:
        section = f"   [{' > '.join(p.section)}]" if p.section else ""
        print(f"{p.label()}{section}")
        print(_indent(p.text))
        other = counterpart(p)
        if other is not None:
            print(f"  {other.label()}")
            print(_indent(other.text))
        print()


def print_answer(answer) -> None:
    """The checked answer, then its sources: each citation with its paragraph text."""
    print(answer.text)
    if answer.notice and answer.notice not in answer.text:
        print(f"({answer.notice})")
    if answer.citations:
        print("\nSources:")
        for citation in answer.citations:
            print(f"[{citation.key}] {citation.label}")
            print(_indent(citation.paragraph.text))
