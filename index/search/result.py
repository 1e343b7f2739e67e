"""What one search found: the ranked hits, each signal's scored list, the documents the
question names and how close the corpus came to it at all. The relevance gate and the answer
read this instead of calling back into the retriever (one answer used to take two snapshots,
resolve its scope twice and repeat the dense and keyword searches for the gate)."""

from __future__ import annotations

from dataclasses import dataclass

from index.models import Hit
from index.search.query import Query


@dataclass(frozen=True)
class Signal:
    """One ranked list fused into the hits: which signal, for which wording, with its scores
    (a dense list's cosine similarities, a keyword list's BM25 scores), best first."""

    name: str  # dense, keyword, document, submission
    wording: str
    scored: tuple[tuple[str, float], ...]  # (paragraph id, score)


@dataclass(frozen=True)
class Retrieval:
    query: Query
    hits: list[Hit]
    signals: tuple[Signal, ...]
    documents: tuple[tuple[str, float], ...]  # (doc_id, 0–1): the documents its words name
    dense_best: float  # the best dense similarity to the standalone question, any language
    keyword_best: float  # the best keyword score of the standalone question
    # (doc_id, year) of each document the question names outright, from its identity card:
    # "its 2024 submission for the Secretary-General's report" is dated by the report.
    named_years: tuple[tuple[str, str], ...] = ()

    @property
    def relevance(self) -> tuple[float, float]:
        """(best dense similarity, best keyword score): how much the corpus says about the
        question at all (index.search.relevance)."""
        return self.dense_best, self.keyword_best
