"""Build the product's parts from settings: the one place models and stores are constructed."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from index.ingest.corpus import BUNDLED, load_documents
from index.store import indexed_files
from index.store.embedders import make_embedder, make_lazy_embedder
from index.models import ParsedDocument
from index.search.catalogue import Catalogue, refresh_catalogue_files
from index.search.keyword_file import KEYWORD_FILE
from index.search.retriever import Retriever
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore
from index.store.shipped_vectors import ShippedVectors
from index.store.sync import SyncReport

from .settings import Settings


@dataclass
class IndexRun:
    report: SyncReport
    skipped: list[str] = field(default_factory=list)  # one line each, naming the file
    documents: list[ParsedDocument] = field(default_factory=list)

    # Set when nothing was parsed: the files and the store are as this last index left them.
    last_index: indexed_files.LastIndex | None = None

    @property
    def paragraphs(self) -> int:
        if self.last_index is not None:
            return self.last_index.paragraphs
        return sum(len(d.paragraphs) for d in self.documents)


def open_store(settings: Settings, create: bool = False, lazy: bool = False) -> ParagraphStore:
    """The paragraph store the settings name (embedded directory or Chroma server); ``lazy``:
    its embedder loaded only when something is embedded (indexing)."""
    client = open_client(
        path=None if settings.chroma_host else settings.store,
        host=settings.chroma_host,
        port=settings.chroma_port,
        create=create,
    )
    # The bundled corpus's vectors ship with the product: the first index embeds only what
    # changed (index.store.shipped_vectors).
    build = make_lazy_embedder if lazy else make_embedder
    embedder = ShippedVectors(build(settings.embedder, settings.embedder_model))
    return ParagraphStore(client, embedder, keyword_path(settings))


def keyword_path(settings: Settings) -> Path:
    """Where the keyword index lives: inside the embedded store's directory (deleting the store
    deletes it); for a Chroma server, beside where the embedded store would be, one per server."""
    if settings.chroma_host:
        server = f"{settings.chroma_host}_{settings.chroma_port}".replace("/", "_")
        return Path(settings.store).parent / f"keywords-{server}.sqlite3"
    return Path(settings.store) / KEYWORD_FILE


def build_retriever(settings: Settings) -> Retriever:
    return Retriever(open_store(settings))


def remove_from_index(settings: Settings, store: ParagraphStore, name: str):
    """Remove a document (symbol or doc id) and the library's copy of its file, when the page
    had added it and no other document is read from it: a rebuild from files must not revive
    it. A file of the user's own elsewhere is never touched."""
    from index.store.documents import list_documents, remove_document

    removed = remove_document(store, name)
    in_use = {document.source for document in list_documents(store)}
    library = settings.library_dir.resolve()
    for document in removed:
        source = Path(document.source)
        if source.parent.resolve() == library and document.source not in in_use:
            source.unlink(missing_ok=True)
    return removed


def index_paths(settings: Settings, paths: list[Path] | None = None, rebuild: bool = False,
                on_page: Callable[[Path, int, int], None] | None = None,
                on_progress: Callable[[int, int], None] | None = None,
                stop: threading.Event | None = None,
                store: ParagraphStore | None = None) -> IndexRun:
    """Parse and index ``paths`` (the bundled corpus by default): new and changed documents go
    in, unchanged ones are left, bad files are skipped with their reason, and documents
    indexed from a file under ``paths`` that is gone are removed. When the files, the code
    and the store are as the last index left them, nothing is parsed (``indexed_files``)."""
    paths = list(paths) if paths else list(BUNDLED)
    store = store or open_store(settings, create=True, lazy=True)
    record = indexed_files_path(settings)
    files = indexed_files.fingerprint(_files_under(paths), store.embedder_name)
    if not rebuild and (last := indexed_files.unchanged(record, files, store.generation())):
        return IndexRun(SyncReport(unchanged=last.paragraphs, documents=last.documents),
                        last_index=last)
    indexed_files.forget(record)
    loaded = load_documents(paths, on_page=on_page)
    report = index_documents(store, loaded.documents, scope=paths, rebuild=rebuild,
                             on_progress=on_progress, stop=stop)
    run = IndexRun(report, loaded.skipped, loaded.documents)
    if not run.skipped and not report.stopped:  # a bad file is reported at every index
        indexed_files.remember(record, files, store.generation(),
                               indexed_files.LastIndex(report.documents, run.paragraphs))
    return run


def indexed_files_path(settings: Settings) -> Path:
    """Where the last index's record lives: beside the keyword index, one per store."""
    if settings.chroma_host:
        return keyword_path(settings).with_suffix("." + indexed_files.RECORD)
    return Path(settings.store) / indexed_files.RECORD


def _files_under(paths: list[Path]) -> list[Path]:
    """Every regular file an index over ``paths`` may read, metadata files included."""
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(f for f in path.rglob("*") if f.is_file())
        elif path.is_file():
            found.append(path)
    return found


def index_documents(store: ParagraphStore, documents: list[ParsedDocument],
                    scope: list[Path] | None = None, rebuild: bool = False,
                    on_progress: Callable[[int, int], None] | None = None,
                    stop: threading.Event | None = None,
                    catalogue: Catalogue | None = None) -> SyncReport:
    """Put parsed documents into the store, then bring what reads it up to date: the page's
    own ``catalogue`` (reloaded, reading only the documents that changed), else the files
    the store keeps beside it, so the page's next start reads them as they are. The one way
    into the store, for `assistant index` and the page's Add alike. ``scope``: folders or
    files whose vanished documents are removed (a whole-store scan: the page passes none)."""
    if rebuild:
        report = store.rebuild(documents, on_progress=on_progress)
    else:
        report = store.sync(documents, scope=scope, on_progress=on_progress, stop=stop)
    if catalogue is not None:
        catalogue.reload()
    else:
        refresh_catalogue_files(store)
    return report
