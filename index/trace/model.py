"""The records of a trace: one row per document, its best paragraph on the theme or none, the
States' views it holds grouped by State, and what changed since the row before."""

from __future__ import annotations

from dataclasses import dataclass

from index.models import Paragraph
from index.trace.diff import Change
from index.un.identity import IdentityCard, voice_label


@dataclass(frozen=True)
class View:
    """One State's (or organization's) best paragraph on the theme in a compiled report."""

    submitter: str
    paragraph: Paragraph
    similarity: float

    def to_record(self) -> dict:
        return {"submitter": self.submitter, "label": self.paragraph.label(),
                "id": self.paragraph.id, "similarity": round(self.similarity, 4),
                "text": self.paragraph.text}


@dataclass(frozen=True)
class TraceRow:
    """A document and its best paragraph on the theme (None: the document is silent on it)."""

    document: str  # the symbol, or the doc id of a document without one
    card: IdentityCard | None
    date: str  # "2023-05-24", "2023-07", "2019" (from the symbol), "" when unknown
    paragraph: Paragraph | None = None  # in the theme's language where the library has it
    other: Paragraph | None = None  # the same paragraph in the other language version
    voice: str = ""  # agreed, secretariat, record, view
    similarity: float = 0.0  # the paragraph's cosine similarity to the theme
    views: tuple[View, ...] = ()
    change: Change | None = None  # against the latest earlier row that says nearly the same
    changed_since: Paragraph | None = None  # that row's paragraph

    @property
    def silent(self) -> bool:
        return self.paragraph is None

    def title(self, lang: str = "en") -> str:
        """The document's title in ``lang`` where known: the card's, else the shown
        paragraph's document's (a card read off the Chinese version has no English title)."""
        card = self.card
        own = self.paragraph.doc_title if self.paragraph and self.paragraph.lang == lang else ""
        if card is None:
            return own or (self.paragraph.doc_title if self.paragraph else self.document)
        if lang == "zh":
            return card.title_zh or own or card.title_en
        return card.title_en or own or card.title_zh

    def kind(self, lang: str = "en") -> str:
        if self.card is None:
            return ""
        return self.card.kind_zh if lang == "zh" else self.card.kind_en

    def whose(self, lang: str = "en") -> str:
        return voice_label(self.voice, lang)

    def to_record(self, lang: str = "en") -> dict:
        record = {"document": self.document, "date": self.date, "title": self.title(lang),
                  "kind": self.kind(lang), "silent": self.silent,
                  "views": [view.to_record() for view in self.views]}
        if self.paragraph is not None:
            record.update(label=self.paragraph.label(), id=self.paragraph.id,
                          lang=self.paragraph.lang, whose=self.whose(lang), voice=self.voice,
                          similarity=round(self.similarity, 4), text=self.paragraph.text,
                          other=self.other.to_record() if self.other else None,
                          change=self.change.to_record() if self.change else None,
                          changed_since=(self.changed_since.label() if self.changed_since
                                         else None))
        return record


@dataclass(frozen=True)
class Trace:
    theme: str
    lang: str  # the theme's language: rows are shown in it where the library has it
    rows: tuple[TraceRow, ...]

    @property
    def addressed(self) -> list[TraceRow]:
        return [row for row in self.rows if not row.silent]

    def to_record(self) -> dict:
        return {"theme": self.theme, "lang": self.lang,
                "rows": [row.to_record(self.lang) for row in self.rows]}
