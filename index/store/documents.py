"""The documents in the index: list them, remove one.

A document is one language version (its ``doc_id``); a symbol names all its language versions.
Both read the paragraphs' metadata, a page at a time, so the catalog of a large index is never
read in one response.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.errors import DocumentError, NotFoundError
from index.ingest.metadata import detect_date, load_sidecar
from index.store.paragraph_store import ParagraphStore
from index.un.identity import IdentityCard
from index.un.series import series_of

HEAD_LINES = 30  # the first page's lines that detect_date reads
TEXT_SOURCES = (".txt", ".md")


@dataclass(frozen=True)
class IndexedDocument:
    doc_id: str
    symbol: str | None
    lang: str
    title: str
    paragraphs: int  # records: paragraphs, subparagraphs, table rows and footnotes
    source: str
    complete: bool = True  # False: its indexing was stopped; indexing it again finishes it
    date: str | None = None  # "2023-05-24", when the document prints one
    card: IdentityCard | None = None  # what it is and what people call it (index.un.identity)

    @property
    def name(self) -> str:
        return self.symbol or self.doc_id

    @property
    def series(self) -> str:
        """The series it is filed under ("GA", "CCW" …; "other" without a symbol)."""
        return series_of(self.symbol)


def list_documents(store: ParagraphStore) -> list[IndexedDocument]:
    """Every document in the index, by symbol (documents without one last) then language."""
    found: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for page in store.metadata_pages():
        for meta in page:
            doc_id = meta["doc_id"]
            counts[doc_id] = counts.get(doc_id, 0) + 1
            found.setdefault(doc_id, meta)
    pending = store.pending_documents()
    documents = [
        IndexedDocument(doc_id, meta.get("symbol") or None, meta.get("lang", ""),
                        meta.get("doc_title", ""), counts[doc_id], meta.get("source", ""),
                        complete=doc_id not in pending,
                        date=meta.get("date") or _source_date(meta),
                        card=IdentityCard.from_json(meta.get("card") or ""))
        for doc_id, meta in found.items()
    ]
    return sorted(documents, key=lambda d: (d.symbol is None, d.symbol or d.doc_id, d.lang))


def _source_date(meta: dict) -> str | None:
    """The date of a document whose paragraphs do not carry it: its metadata file's, or the
    one printed at the head of a text source (the first lines only; a PDF or Word file is not
    read again for it)."""
    source = Path(meta.get("source") or "")
    if not source.name:
        return None
    try:
        overrides = load_sidecar(source)
        if overrides.get("date") or source.suffix.lower() not in TEXT_SOURCES:
            return overrides.get("date") or None
        with source.open(encoding="utf-8", errors="replace") as file:
            head = "".join(line for _, line in zip(range(HEAD_LINES), file))
    except (OSError, DocumentError):
        return None
    return detect_date(head, meta.get("doc_title", ""))


def remove_document(store: ParagraphStore, name: str) -> list[IndexedDocument]:
    """Remove the document ``name`` names: a doc_id (one language version) or a symbol (every
    language version). Returns what was removed; NotFoundError (listing the documents there
    are) when nothing matches. Nothing else in the index changes."""
    name = name.strip()
    documents = list_documents(store)
    matches = [d for d in documents if name in (d.doc_id, d.symbol)]
    if not matches:
        lowered = name.lower()
        matches = [d for d in documents if lowered in (d.doc_id.lower(), (d.symbol or "").lower())]
    if not matches:
        raise NotFoundError(f"no document '{name}' in the index",
                            nearest=[d.name for d in documents])
    store.delete_documents([d.doc_id for d in matches])
    return matches
