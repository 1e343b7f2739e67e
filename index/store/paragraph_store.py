"""The Chroma paragraph store: the pointer to the live collection, its generation, and reads."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from langchain_core.embeddings import Embeddings

from index.errors import StoreError
from index.models import Paragraph, ParsedDocument
from index.store.client import ChromaEmbeddingFunction, is_embedded, reopen_embedded
from index.store.snapshot import Snapshot
from index.store.sync import SyncReport, rebuild_collection, sync_documents

META_COLLECTION = "un_assistant_meta"
COLLECTION_PREFIX = "paragraphs_"
PENDING = "pending:"
# Each document's version, in the pointer's metadata: "v:<doc_id>" -> the generation that last
# wrote it. A reader holding the paragraphs of an earlier generation re-reads only the
# documents whose version changed (index.search.held_documents). A collection made before
# versions ("versioned" unset) is read whole until a write stamps every document once.
VERSION = "v:"
VERSIONED = "versioned"
READ_BATCH = 2000
# A query that fails on a client another process outdated is retried on a reopened client; the
# writer may be mid-batch, so wait a little between attempts.
READ_ATTEMPTS = 3
RETRY_PAUSE_S = 0.2

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreState:
    collection: str
    generation: str  # see ParagraphStore.generation
    versions: dict[str, str] | None  # doc_id -> version; None: not kept by this collection


class ParagraphStore:
    """Paragraph records in a Chroma collection, with the pointer to the live collection.

    Collections are versioned: a pointer in a small meta collection names the live one. A
    rebuild fills a fresh collection and then moves the pointer, so a reader never sees a
    half-built index (and a reader's handle is never broken by a delete-and-recreate).

    Several processes may share one embedded store (the page serving while `assistant index` or
    `assistant remove` runs in a terminal). Chroma's embedded client keeps the vector index in
    memory and never sees another process's writes: its queries then fail ("Error finding id")
    or miss the new paragraphs. So every write stamps a new *generation* in the pointer's
    metadata (reading it costs ~0.3 ms), readers compare it with the one they loaded, and a
    reader whose query fails reopens its client (~10 ms: the index is read again from disk) and
    asks once more.
    """

    def __init__(self, client, embedder: Embeddings, keyword_path: Path | None = None):
        self.client = client
        self.embedder = embedder
        # Where the keyword index of these paragraphs is kept on disk
        # (index.search.keyword_file); None: built in memory at each load.
        self.keyword_path = keyword_path
        self._ef = ChromaEmbeddingFunction(embedder)
        self._collection = None
        self._collection_name: str | None = None
        self._reopen_lock = threading.Lock()

    @property
    def embedder_name(self) -> str:
        return getattr(self.embedder, "name", type(self.embedder).__name__)

    # ---- the pointer ----------------------------------------------------------------------
    def _meta(self):
        return self.client.get_or_create_collection(META_COLLECTION, embedding_function=self._ef)

    def _pointer(self) -> dict:
        meta = self._meta().metadata or {}
        return {k: v for k, v in meta.items() if not k.startswith("hnsw:")}

    def live_collection_name(self) -> str | None:
        return self._pointer().get("collection")

    def built_with(self) -> str | None:
        """The name of the embedder the live collection's vectors came from."""
        return self._pointer().get("embedder")

    def point_to(self, collection, doc_ids=()) -> None:
        """Make ``collection`` (holding the documents ``doc_ids``) the live one, for every
        reader."""
        generation = _new_generation()
        self._meta().modify(metadata={"collection": collection.name,
                                      "embedder": self.embedder_name,
                                      "generation": generation, VERSIONED: 1,
                                      **{VERSION + d: generation for d in doc_ids}})
        self._collection, self._collection_name = collection, collection.name

    def generation(self) -> str:
        """Changes with every write to the store, by any process: a reader that holds
        paragraphs in memory compares it with the one it loaded."""
        return self.state().generation

    def state(self) -> StoreState:
        """The live collection, the generation and each document's version, read at once."""
        pointer = self._pointer()
        versions = ({k[len(VERSION):]: v for k, v in pointer.items() if k.startswith(VERSION)}
                    if pointer.get(VERSIONED) else None)
        return StoreState(pointer.get("collection", ""),
                          f"{pointer.get('collection', '')}/{pointer.get('generation', '')}",
                          versions)

    def mark_written(self, doc_ids=(), removed=()) -> None:
        """Stamp a new generation after a write, and it as the version of the documents
        written (``removed``: their versions go). Chroma's modify replaces the whole
        metadata: read, change, write."""
        meta = self._pointer()
        meta["generation"] = _new_generation()
        written = set(doc_ids)
        if not meta.get(VERSIONED):  # stamped once: every document this collection holds
            written |= {m.get("doc_id") for page in self.metadata_pages() for m in page}
            meta[VERSIONED] = 1
        for doc_id in written - set(removed) - {None}:
            meta[VERSION + doc_id] = meta["generation"]
        for doc_id in removed:
            meta.pop(VERSION + doc_id, None)
        self._meta().modify(metadata=meta)

    def refresh(self) -> None:
        """Read the store from disk again: another process may have written to it, and an
        embedded client's in-memory vector index does not see that. A server needs nothing."""
        if not is_embedded(self.client):
            return
        with self._reopen_lock:
            self.client = reopen_embedded(self.client)
            self._collection, self._collection_name = None, None

    def read_with_retry(self, read: Callable):
        """Run ``read`` (a Chroma query on the live collection); on failure, reopen the client
        and try again: a write by another process outdates this process's vector index."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                return read(self.collection())
            except StoreError:
                raise
            except Exception as exc:  # Chroma raises InternalError, NotFoundError, … here
                if attempt == READ_ATTEMPTS or not is_embedded(self.client):
                    raise StoreError(f"reading the index failed ({exc})") from exc
                log.info("index read failed (%s); reopening the store", exc)
                time.sleep(RETRY_PAUSE_S * (attempt - 1))
                self.refresh()

    # A document whose indexing was stopped is marked in the pointer's metadata until a sync
    # completes it, so listings can say it is incomplete. (Chroma's modify replaces the whole
    # metadata: read, change, write.)
    def mark_pending(self, doc_ids, pending: bool) -> None:
        if not doc_ids:
            return
        meta = self._pointer()
        for doc_id in doc_ids:
            meta.pop(PENDING + doc_id, None)
            if pending:
                meta[PENDING + doc_id] = 1
                if meta.get(VERSIONED):  # killed mid-write: readers still re-read it
                    meta[VERSION + doc_id] = _new_generation()
        self._meta().modify(metadata=meta)

    def pending_documents(self) -> set[str]:
        """Documents whose indexing was stopped before all their paragraphs were embedded."""
        return {key[len(PENDING):] for key in self._pointer() if key.startswith(PENDING)}

    def forget_pending(self, doc_ids) -> None:
        self.mark_pending(doc_ids, pending=False)

    # ---- the collections ------------------------------------------------------------------
    def collection(self, required: bool = True):
        """The live collection (re-resolved each call: a rebuild elsewhere may have moved it)."""
        pointer = self._pointer()
        name = pointer.get("collection")
        if not name:
            if required:
                raise StoreError("the store holds no index yet: run `assistant index`")
            return None
        built_with = pointer.get("embedder")
        if built_with and built_with != self.embedder_name:
            raise StoreError(
                f"the index was built with embedder '{built_with}', not '{self.embedder_name}':"
                " choose that embedder or rebuild with `assistant index --rebuild`"
            )
        if name != self._collection_name:
            self._collection = self.client.get_collection(name, embedding_function=self._ef)
            self._collection_name = name
        return self._collection

    def new_collection(self):
        """An empty collection, not yet live (``point_to`` makes it so)."""
        name = f"{COLLECTION_PREFIX}{time.strftime('%Y%m%d%H%M%S')}_{time.time_ns() % 10**6:06d}"
        return self.client.create_collection(
            name, embedding_function=self._ef, metadata={"hnsw:space": "cosine"}
        )

    def drop_collections_except(self, keep: set) -> None:
        """Delete every paragraph collection not named in ``keep``."""
        for listed in self.client.list_collections():
            name = getattr(listed, "name", listed)
            if name.startswith(COLLECTION_PREFIX) and name not in keep:
                self.client.delete_collection(name)

    # ---- reading --------------------------------------------------------------------------
    def count(self) -> int:
        if self.collection(required=False) is None:
            return 0
        return self.read_with_retry(lambda collection: collection.count())

    def pages(self, include: list[str], **query):
        """Chroma ``get`` results in pages, so a large index is never read in one response."""
        offset = 0
        while True:
            got = self.read_with_retry(lambda collection: collection.get(
                include=include, limit=READ_BATCH, offset=offset, **query))
            yield got
            if len(got["ids"]) < READ_BATCH:
                return
            offset += READ_BATCH

    def metadata_pages(self):
        """Every paragraph's metadata, a page at a time."""
        for got in self.pages(["metadatas"]):
            yield got["metadatas"]

    def _read(self, **query) -> list[Paragraph]:
        return [Paragraph.from_metadata(text, meta)
                for got in self.pages(["documents", "metadatas"], **query)
                for text, meta in zip(got["documents"], got["metadatas"])]

    def all_paragraphs(self) -> list[Paragraph]:
        return self._read()

    def get(self, ids: list[str]) -> list[Paragraph]:
        if not ids:
            return []
        return self._read(ids=list(ids))

    def where(self, **equals) -> list[Paragraph]:
        """Paragraphs whose metadata equals every given value (e.g. key=…, symbol=…)."""
        clauses = [{k: v} for k, v in equals.items()]
        where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
        return self._read(where=where)

    def similar(self, vector: list[float], k: int, where: dict | None = None
                ) -> list[tuple[Paragraph, float]]:
        """Nearest paragraphs by cosine similarity (1 - distance), optionally filtered."""
        return self.snapshot().similar(vector, k, where)

    def snapshot(self) -> Snapshot:
        """The live collection, resolved once: several queries for one question share it
        (resolving the pointer and counting cost ~4 ms a query)."""
        return self.read_with_retry(lambda collection: Snapshot(collection, collection.count(),
                                                                self.read_with_retry))

    def with_keyword_texts(self, doc_ids=None) -> list[tuple[Paragraph, str, str]]:
        """Every paragraph (of the documents ``doc_ids``; None: all) with the text the keyword
        index sees and its document's identity card (JSON; "" for a record stored before
        cards), in one pass over the store."""
        query = {} if doc_ids is None else {"where": {"doc_id": {"$in": sorted(doc_ids)}}}
        if doc_ids is not None and not query["where"]["doc_id"]["$in"]:
            return []
        return [(Paragraph.from_metadata(text, meta), meta.get("context") or text,
                 meta.get("card") or "")
                for got in self.pages(["documents", "metadatas"], **query)
                for text, meta in zip(got["documents"], got["metadatas"])]

    # ---- writing (index/store/sync.py) ----------------------------------------------------
    def sync(self, documents: list[ParsedDocument], scope: list[Path] | None = None,
             on_progress: Callable[[int, int], None] | None = None,
             stop: threading.Event | None = None) -> SyncReport:
        """Bring the live collection in line with ``documents`` (see ``sync_documents``)."""
        return sync_documents(self, documents, scope, on_progress, stop)

    def rebuild(self, documents: list[ParsedDocument],
                on_progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Index everything into a fresh collection, then switch the pointer to it."""
        return rebuild_collection(self, documents, on_progress)

    def delete_documents(self, doc_ids) -> None:
        """Remove every record of these documents (nothing else changes)."""
        doc_ids = sorted(set(doc_ids))
        if not doc_ids:
            return
        self.collection().delete(where={"doc_id": {"$in": doc_ids}})
        self.mark_pending(doc_ids, pending=False)
        self.mark_written(removed=doc_ids)


def _new_generation() -> str:
    return uuid.uuid4().hex[:12]
