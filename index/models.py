"""The typed records that carry a paragraph from parsing to the UI.

A paragraph is addressed by (symbol or doc_id, lang, part, locator). The locator is the
document's own paragraph number where it prints one ("21", "21(c)"), and otherwise a counted
ordinal always marked as counted ("#3", "#3(1)", "1•2"): never passed off as official.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from functools import cached_property

# The part names and labels live in index.labels; they are also read from here.
from index.labels import (  # noqa: F401
    ANNEX_RE, BODY, COVERING_LETTER, FOOTNOTES, PREAMBLE, RECORDS, ROMAN, ZH_NUMERALS, part_label,
    render_label)

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Document:
    """One language version of a document."""

    doc_id: str
    symbol: str | None
    lang: str
    title: str
    date: str | None = None
    source: str = ""
    kind: str = "document"  # report, letter, resolution, document
    original: str | None = None  # "Original: English" on the first page: the drafting language
    distribution: str | None = None  # "Distr.: General" / "Limited"


@dataclass(frozen=True)
class Paragraph:
    """One citable unit: a paragraph, a subparagraph/item, a table row or a footnote.

    A paragraph's ``text`` includes the items it introduces, so a lead-in and its list are
    retrieved together; each item is also a record of its own (``parent`` set) so it can be
    cited alone.
    """

    doc_id: str
    symbol: str | None
    lang: str
    part: str
    ordinal: int  # counted position of the top-level paragraph within its part (1-based)
    text: str
    number: str | None = None  # printed paragraph number, e.g. "21"; None when unnumbered
    item: str | None = None  # printed item marker, e.g. "c" or "1"; None for bullets
    item_ordinal: int | None = None  # counted position of an item within its paragraph
    kind: str = "paragraph"  # paragraph, item, row, footnote
    section: tuple[str, ...] = ()
    doc_title: str = ""

    # ---- addressing -------------------------------------------------------------------
    @property
    def parent_locator(self) -> str:
        if self.kind == "footnote":
            return f"fn{self.ordinal}"
        if self.kind == "row":
            return f"row{self.ordinal}"
        if self.number is not None:
            return self.number
        return f"#{self.ordinal}"

    @cached_property
    def locator(self) -> str:
        """The address of this record within its part ("21(c)", "#3", "1•2", "fn1"); kept
        once made, as ``id``."""
        base = self.parent_locator
        if self.item_ordinal is None:
            return base
        if self.item is not None:
            return f"{base}({self.item})"
        return f"{base}•{self.item_ordinal}"

    @property
    def counted(self) -> bool:
        """True when any part of the locator was counted rather than printed."""
        if self.kind == "footnote":
            return False
        if self.kind == "row" or self.number is None:
            return True
        return self.item_ordinal is not None and self.item is None

    @property
    def owner(self) -> str:
        """The document key shared by all language versions (the symbol when known)."""
        return self.symbol or self.doc_id

    @property
    def key(self) -> str:
        """Language-independent address: the same paragraph in zh and en shares it."""
        return f"{self.owner}|{self.part}|{self.locator}"

    @cached_property
    def id(self) -> str:
        """Stable id from (symbol or doc_id, lang, part, locator): re-indexing is idempotent.
        Kept once made: "第 2 段" at 100,000 records made 42,616 ids a question (0.12 s)."""
        return f"{self.owner}|{self.lang}|{self.part}|{self.locator}"

    def __getstate__(self) -> dict:
        """The fields alone: what is pickled (the held-documents file) stays as it was."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def parent_id(self) -> str | None:
        if self.item_ordinal is None:
            return None
        return f"{self.owner}|{self.lang}|{self.part}|{self.parent_locator}"

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def label(self, lang: str | None = None) -> str:
        """The UN-style citation in ``lang`` (default: the paragraph's own language)."""
        return render_label(self, lang or self.lang)

    def to_metadata(self) -> dict:
        """Flat metadata for Chroma (no None values, no tuples)."""
        return {
            "doc_id": self.doc_id,
            "symbol": self.symbol or "",
            "lang": self.lang,
            "part": self.part,
            "ordinal": self.ordinal,
            "number": self.number or "",
            "item": self.item or "",
            "item_ordinal": self.item_ordinal if self.item_ordinal is not None else -1,
            "kind": self.kind,
            "section": " > ".join(self.section),
            "doc_title": self.doc_title,
            "locator": self.locator,
            "key": self.key,
            "text_hash": self.text_hash,
        }

    @classmethod
    def from_metadata(cls, text: str, meta: dict) -> "Paragraph":
        item_ordinal = meta.get("item_ordinal", -1)
        return cls(
            doc_id=meta["doc_id"],
            symbol=meta.get("symbol") or None,
            lang=meta["lang"],
            part=meta["part"],
            ordinal=int(meta["ordinal"]),
            text=text,
            number=meta.get("number") or None,
            item=meta.get("item") or None,
            item_ordinal=None if item_ordinal in (-1, None) else int(item_ordinal),
            kind=meta.get("kind", "paragraph"),
            section=tuple(s for s in (meta.get("section") or "").split(" > ") if s),
            doc_title=meta.get("doc_title", ""),
        )

    def to_record(self) -> dict:
        """The JSON shape shared by `search`, `show` and the evaluation results."""
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "symbol": self.symbol,
            "lang": self.lang,
            "part": self.part,
            "number": self.locator,
            "counted": self.counted,
            "kind": self.kind,
            "section": list(self.section),
            "label": self.label(),
            "text": self.text,
        }


@dataclass
class ParsedDocument:
    document: Document
    paragraphs: list[Paragraph] = field(default_factory=list)
    card: object = None  # its IdentityCard (index.un.identity, which imports this module)


@dataclass(frozen=True)
class Hit:
    """A retrieved paragraph with its fused score and the signals that found it."""

    paragraph: Paragraph
    score: float
    sources: tuple[str, ...] = ()

    def to_record(self, rank: int) -> dict:
        record = self.paragraph.to_record()
        record.update(rank=rank, score=round(self.score, 6), sources=list(self.sources))
        return record


def document_context(paragraph: Paragraph) -> str:
    """The paragraph with what frames it: its document's title, symbol and section. "The 2023
    session" rests on a paragraph of the 2023 report even when the paragraph omits the year."""
    return " ".join([paragraph.text, paragraph.doc_title, paragraph.symbol or "",
                     " ".join(paragraph.section)])


def split_reply(part: str) -> tuple[str, str]:
    """(where a State's reply is filed, the reply's heading): "annex I, Peru" -> ("annex I",
    "Peru"); a reply compiled in the body is its heading alone: "Peru" -> ("body", "Peru");
    any other part -> (part, "")."""
    if part in (BODY, PREAMBLE, COVERING_LETTER, FOOTNOTES, RECORDS):
        return part, ""
    match = ANNEX_RE.match(part)
    if match:
        return f"annex {match.group(1)}", match.group(2) or ""
    return BODY, part
