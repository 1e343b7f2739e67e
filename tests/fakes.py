"""The fakes tests share: an embedder that counts, scripted and failing chat models, a tiny QA
set, and the relevance cut-off that lets every question through (the fake embedder's similarities mean
nothing; the gate itself is tested with real vectors in tests/test_relevance.py)."""

from __future__ import annotations

import json
from pathlib import Path

from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from index.search.relevance import RelevanceGate

# Cosine similarities are never below -1: every question passes the similarity cut-off.
OPEN_CUT_OFF = {"min_dense_similarity": -1.0}
OPEN_GATE = RelevanceGate(**OPEN_CUT_OFF)


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


class FailingChatModel(FakeListChatModel):
    """A model server that is down: every call raises."""

    def _call(self, *args, **kwargs):
        raise ConnectionError("connection refused")

    def _stream(self, *args, **kwargs):
        raise ConnectionError("connection refused")


class ScriptedChatModel:
    """Builds fake chat models that speak the chain's two-step protocol (assistant.quote_protocol):
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


# A tiny QA set over tests/data: a named paragraph, a Chinese question, an unanswerable one.
GGE = "CCW/GGE.1/2023/2"
TINY_QA = [
    {"id": "t1", "question": f"What does {GGE} para. 21 (a) say?", "lang": "en",
     "answerable": True, "gold": [{"symbol": GGE, "number": "21(a)"}]},
    {"id": "t2", "question": "国际人道法是否适用？", "lang": "zh", "answerable": True,
     "evidence": ["IHL continues to apply fully"]},
    {"id": "t3", "question": "What is the weather in Geneva?", "lang": "en", "answerable": False},
]


def write_qa(path: Path, items: list[dict]) -> Path:
    """``items`` as a QA file (one JSON object a line)."""
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items),
                    encoding="utf-8")
    return path


# An embedder whose vectors are the topics a text mentions, one dimension per topic named in
# both languages: similarities mean something without the real model (the trace tests).
TOPICS = [("new weapon", "新的武器"), ("warfare", "作战"), ("acquisition", "取得"),
          ("human control", "人的控制"), ("responsibility", "责任"), ("nuclear", "核")]


class TopicEmbedder(Embeddings):
    name = "test/topics"

    def _topics(self, text: str) -> list[float]:
        lowered = text.lower()
        return [float(sum(lowered.count(form) for form in forms)) for forms in TOPICS]

    def embed_documents(self, texts):
        # a constant last dimension: a paragraph on no topic is still a vector, at 0 to a theme
        return [self._topics(text) + [1.0] for text in texts]

    def embed_query(self, text):
        return self._topics(text) + [0.0]
