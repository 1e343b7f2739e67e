"""What the chain returns: an answer, its citations, and how it was made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from index.models import Hit, Paragraph

Span = tuple[int, int]  # [start, end) of a stretch of an answer's text


@dataclass(frozen=True)
class Citation:
    key: int  # the [n] marker in the answer text
    paragraph: Paragraph
    label: str  # rendered in the answer's language
    # The words of the paragraph (or of its other language version) that the answer rests on,
    # as the paragraph writes them; "" when the whole passage is quoted or cited.
    quote: str = ""

    def to_record(self) -> dict:
        record = self.paragraph.to_record()
        record.update(key=self.key, label=self.label, quote=self.quote)
        return record


@dataclass(frozen=True)
class Quote:
    """Words quoted from a document (or the user). A "[7]" or a symbol inside them is that
    text's own wording: it is shown as written and never read as a citation marker."""

    text: str


def compose(pieces: Iterable[str | Quote]) -> tuple[str, list[Span]]:
    """An answer's text joined from its pieces, and the spans its quotes fill (for
    ``Answer.quotes``): code writes the markers, quoted text only ever shows."""
    parts: list[str] = []
    quotes: list[Span] = []
    length = 0
    for piece in pieces:
        words = piece.text if isinstance(piece, Quote) else piece
        if isinstance(piece, Quote) and words:
            quotes.append((length, length + len(words)))
        parts.append(words)
        length += len(words)
    return "".join(parts), quotes


@dataclass
class Answer:
    question: str
    lang: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    mode: str = "llm"  # llm, extractive, lookup, refusal
    notice: str = ""  # e.g. "no language model is configured", a fallback reason
    passages: list[Hit] = field(default_factory=list)  # what retrieval found
    standalone_question: str = ""
    timings: dict = field(default_factory=dict)  # milliseconds
    # What the model wrote before the citation guard, and the passages it saw under each key:
    # kept so an evaluator can see what the guard changed (and replay it).
    draft: str = ""
    given: dict[int, Paragraph] = field(default_factory=dict)
    # Spans of ``text`` quoted verbatim from documents: a "[7]" planted in a document and
    # quoted there is the document's text, not a marker (renderers show it as plain text).
    quotes: list[Span] = field(default_factory=list)
    # The model's choice of passage: {"key", "probability", "probabilities"}; None without one.
    selection: dict | None = None

    def is_quoted(self, start: int, end: int) -> bool:
        """Whether text[start:end] overlaps a quoted span."""
        return any(start < q_end and q_start < end for q_start, q_end in self.quotes)

    def to_record(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "mode": self.mode,
            "notice": self.notice,
            "lang": self.lang,
            "standalone_question": self.standalone_question,
            "citations": [c.to_record() for c in self.citations],
            "retrieved": [h.to_record(i) for i, h in enumerate(self.passages, 1)],
            "timings": {k: round(v, 1) for k, v in self.timings.items()},
            "draft": self.draft,
            "given": {str(key): p.id for key, p in self.given.items()},
            "quotes": [list(span) for span in self.quotes],
            "selection": self.selection,
        }
