"""Bringing the live collection in line with parsed documents: sync, rebuild, embedding batches.

Incremental indexing embeds only paragraphs whose id is new or whose text changed, and drops
paragraphs and documents that are gone.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Protocol

from langchain_core.embeddings import Embeddings

from index.models import ParsedDocument
from index.store.embedded_text import EmbeddingRow, embedding_rows

EMBED_BATCH = 16
STORE_BATCH = 256  # rows whose vectors ship with the corpus, stored at once


class SyncTarget(Protocol):
    """What syncing needs of a store: index.store.paragraph_store.ParagraphStore, which calls
    these functions from its sync and rebuild (so this module cannot import it)."""

    embedder: Embeddings

    def collection(self, required: bool = True): ...
    def new_collection(self): ...
    def point_to(self, collection, doc_ids=()) -> None: ...
    def live_collection_name(self) -> str | None: ...
    def drop_collections_except(self, keep: set) -> None: ...
    def pages(self, include: list[str], **query) -> Iterator[dict]: ...
    def metadata_pages(self) -> Iterator[list[dict]]: ...
    def mark_pending(self, doc_ids, pending: bool) -> None: ...
    def mark_written(self, doc_ids=(), removed=()) -> None: ...


@dataclass
class SyncReport:
    embedded: int = 0
    unchanged: int = 0
    removed: int = 0
    documents: list[str] = field(default_factory=list)
    new_documents: list[str] = field(default_factory=list)  # not in the index before
    changed_documents: list[str] = field(default_factory=list)  # some paragraph (re)embedded
    removed_documents: list[str] = field(default_factory=list)
    stopped: bool = False  # asked to stop: what was embedded is kept, a rerun resumes
    shipped: int = 0  # of the embedded, how many vectors came with the bundled corpus
    seconds: float = 0.0


def sync_documents(store: SyncTarget, documents: list[ParsedDocument],
                   scope: list[Path] | None = None,
                   on_progress: Callable[[int, int], None] | None = None,
                   stop: threading.Event | None = None) -> SyncReport:
    """Bring the live collection in line with ``documents``.

    New or changed paragraphs are embedded, a batch at a time, each batch stored as soon as
    it is embedded: stopped (``stop`` set, or the process killed), a rerun embeds only what
    is missing. Paragraphs gone from a document are deleted; documents indexed from a file
    under ``scope`` that no longer exists are removed. ``on_progress(done, total)`` after
    each batch.
    """
    started = time.perf_counter()
    collection = store.collection(required=False)
    if collection is None:
        collection = store.new_collection()
        store.point_to(collection)
    doc_ids = {d.document.doc_id for d in documents}
    # Only the documents being synced are read in full: adding one document to a large
    # index costs memory for that document, not for the index.
    known = {}
    if doc_ids:
        for got in store.pages(["metadatas"], where={"doc_id": {"$in": sorted(doc_ids)}}):
            known.update(zip(got["ids"], got["metadatas"]))
    report = SyncReport()

    rows = embedding_rows(documents)
    wanted = {row.paragraph.id for row in rows}
    todo = [row for row in rows
            if known.get(row.paragraph.id, {}).get("embed_hash") != row.embed_hash]
    report.unchanged = len(rows) - len(todo)
    known_docs = {meta.get("doc_id") for meta in known.values()}
    report.new_documents = sorted({row.paragraph.doc_id for row in rows} - known_docs)
    report.changed_documents = sorted({row.paragraph.doc_id for row in todo} & known_docs)
    changing = {row.paragraph.doc_id for row in todo}
    store.mark_pending(changing, pending=True)
    reused = getattr(store.embedder, "reused", 0)  # index.store.shipped_vectors
    report.embedded = _embed_into(store.embedder, collection, todo, on_progress, stop)
    report.shipped = getattr(store.embedder, "reused", 0) - reused
    report.documents = sorted(d.document.doc_id for d in documents)
    if report.embedded:
        store.mark_written(changing)
    if report.embedded < len(todo):
        report.stopped = True  # nothing is deleted on the way out: the rerun finishes
        report.seconds = time.perf_counter() - started
        return report
    # A file that moved keeps its vectors; only where it now lives is updated, so that
    # re-indexing its old folder does not take it for deleted.
    embedded_ids = {row.paragraph.id for row in todo}  # a set: long documents have thousands
    moved = [row for row in rows if row.paragraph.id not in embedded_ids
             and known[row.paragraph.id].get("source") != row.source]
    if moved:
        collection.update(ids=[row.paragraph.id for row in moved],
                          metadatas=[{**known[row.paragraph.id], "source": row.source}
                                     for row in moved])

    stale = [pid for pid, meta in known.items()
             if meta.get("doc_id") in doc_ids and pid not in wanted]
    if stale:
        collection.delete(ids=stale)
    gone_docs, gone_records = _vanished_documents(store, doc_ids, scope)
    if gone_docs:
        collection.delete(where={"doc_id": {"$in": sorted(gone_docs)}})
    store.mark_pending(changing | gone_docs, pending=False)
    if moved or stale or gone_docs:
        touched = {row.paragraph.doc_id for row in moved} | {known[pid]["doc_id"] for pid in stale}
        store.mark_written(touched, removed=gone_docs)
    report.removed = len(stale) + gone_records
    report.removed_documents = sorted(gone_docs)
    report.seconds = time.perf_counter() - started
    return report


def rebuild_collection(store: SyncTarget, documents: list[ParsedDocument],
                       on_progress: Callable[[int, int], None] | None = None) -> SyncReport:
    """Index everything into a fresh collection, then switch the pointer to it."""
    started = time.perf_counter()
    old = store.live_collection_name()
    collection = store.new_collection()
    rows = embedding_rows(documents)
    _embed_into(store.embedder, collection, rows, on_progress)
    store.point_to(collection, {d.document.doc_id for d in documents})
    # Keep the previous collection: a reader that resolved the pointer just before the
    # switch can finish its query. Older ones go.
    store.drop_collections_except(keep={collection.name, old})
    return SyncReport(embedded=len(rows), documents=sorted(d.document.doc_id for d in documents),
                      seconds=time.perf_counter() - started)


def _vanished_documents(store: SyncTarget, keep: set[str], scope: list[Path] | None
                        ) -> tuple[set[str], int]:
    """Documents (not in ``keep``) indexed from a file under ``scope`` that is gone, and
    how many records they have; one paged pass over the metadata."""
    if not scope:
        return set(), 0
    sources: dict[str, str] = {}
    counts: dict[str, int] = {}
    for page in store.metadata_pages():
        for meta in page:
            doc_id = meta.get("doc_id")
            if doc_id not in keep:
                sources.setdefault(doc_id, meta.get("source"))
                counts[doc_id] = counts.get(doc_id, 0) + 1
    gone = {doc_id for doc_id, source in sources.items() if _vanished(source, scope)}
    return gone, sum(counts[doc_id] for doc_id in gone)


def _vanished(source: str | None, scope: list[Path] | None) -> bool:
    """A document's file is gone from a folder or file list being (re)indexed."""
    if not source or not scope:
        return False
    path = Path(source).resolve()
    in_scope = any(path == s or s in path.parents for s in (p.resolve() for p in scope))
    return in_scope and not path.exists()


def _embed_into(embedder: Embeddings, collection, rows: list[EmbeddingRow],
                on_progress: Callable[[int, int], None] | None = None,
                stop: threading.Event | None = None) -> int:
    """Embed and store ``rows`` in batches; returns how many were stored before a stop.
    ``on_progress(done, total)`` after each batch (the CLI draws its bar from it)."""
    done = 0
    for batch in storage_batches(embedder, rows):
        if stop is not None and stop.is_set():
            break
        vectors = embedder.embed_documents([row.embed_text for row in batch])
        collection.upsert(
            ids=[row.paragraph.id for row in batch],
            embeddings=vectors,
            documents=[row.paragraph.text for row in batch],
            metadatas=[{**row.paragraph.to_metadata(), "context": row.keyword_text,
                        "embed_hash": row.embed_hash, "source": row.source, "date": row.date,
                        "card": row.card}
                       for row in batch],
        )
        done += len(batch)
        if on_progress:
            on_progress(done, len(rows))
    return done


def storage_batches(embedder: Embeddings, rows: list[EmbeddingRow]):
    """EMBED_BATCH rows at a time where a model embeds them (a stop keeps what was embedded;
    the progress bar moves every second or two), up to STORE_BATCH where every vector ships
    with the corpus: Chroma's upsert costs per call, and the library's 3,775 shipped rows
    took 32 s to store 16 at a time."""
    ships = getattr(embedder, "ships", None)
    start = 0
    while start < len(rows):
        end = start
        while (ships is not None and end < len(rows) and end - start < STORE_BATCH
               and ships(rows[end].embed_text)):
            end += 1
        size = max(end - start, EMBED_BATCH)
        yield rows[start:start + size]
        start += size
