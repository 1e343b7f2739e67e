"""Build the product's parts from settings: the one place models and stores are constructed."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from index.corpus import DEFAULT_CORPUS, load_documents
from index.embedders import make_embedder
from index.models import ParsedDocument
from index.retriever import Retriever
from index.store import ParagraphStore, SyncReport, open_client

from .settings import Settings


@dataclass
class IndexRun:
    report: SyncReport
    skipped: list[str] = field(default_factory=list)  # one line each, naming the file
    documents: list[ParsedDocument] = field(default_factory=list)

    @property
    def paragraphs(self) -> int:
        return sum(len(d.paragraphs) for d in self.documents)


def open_store(settings: Settings, create: bool = False) -> ParagraphStore:
    """The paragraph store the settings name (embedded directory or Chroma server)."""
    client = open_client(
        path=None if settings.chroma_host else settings.store,
        host=settings.chroma_host,
        port=settings.chroma_port,
        create=create,
    )
    return ParagraphStore(client, make_embedder(settings.embedder, settings.embedder_model))


def build_retriever(settings: Settings) -> Retriever:
    return Retriever(open_store(settings))


def index_paths(settings: Settings, paths: list[Path] | None = None, rebuild: bool = False,
                progress: bool = True,
                on_page: Callable[[Path, int, int], None] | None = None,
                on_progress: Callable[[int, int], None] | None = None,
                stop: threading.Event | None = None,
                store: ParagraphStore | None = None) -> IndexRun:
    """Parse and index ``paths`` (the bundled corpus by default): new and changed documents go
    in, unchanged ones are left, bad files are skipped with their reason."""
    paths = list(paths) if paths else [DEFAULT_CORPUS]
    loaded = load_documents(paths, on_page=on_page)
    store = store or open_store(settings, create=True)
    if rebuild:
        report = store.rebuild(loaded.documents, progress=progress)
    else:
        report = store.sync(loaded.documents, scope=paths, progress=progress,
                            on_progress=on_progress, stop=stop)
    return IndexRun(report, loaded.skipped, loaded.documents)
