"""Build the product's parts from settings: the one place models and stores are constructed."""

from __future__ import annotations

from pathlib import Path

from index.corpus import DEFAULT_CORPUS, load_documents
from index.embedders import make_embedder
from index.retriever import Retriever
from index.store import ParagraphStore, SyncReport, open_client

from .settings import Settings


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
                progress: bool = True) -> tuple[SyncReport, list[str], int]:
    """Parse and index ``paths`` (the bundled corpus by default).

    Returns the sync report, the one-line reasons for skipped files, and the paragraph count.
    """
    paths = list(paths) if paths else [DEFAULT_CORPUS]
    loaded = load_documents(paths)
    store = open_store(settings, create=True)
    if rebuild:
        report = store.rebuild(loaded.documents, progress=progress)
    else:
        report = store.sync(loaded.documents, scope=paths, progress=progress)
    paragraphs = sum(len(d.paragraphs) for d in loaded.documents)
    return report, loaded.skipped, paragraphs
