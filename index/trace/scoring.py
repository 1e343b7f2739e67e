"""Every paragraph of each document scored against a theme, the document searched on its own:
cosine similarities from the vectors held in memory (index.search.held_vectors) and BM25 scores
within the document, fused by reciprocal rank as the retriever fuses its signals.

A document with a version in the theme's language is scored in that version (the other is
shown beside it). A document only in the other language is scored across languages, its
similarities raised by the gap this theme shows between the languages on the library's
paragraphs that exist in both: with EmbeddingGemma a Chinese theme sits ~0.09 closer to a
Chinese paragraph than to its English version, an English theme ~0.02 closer to the English
one (themes c01-c12 of eval/themes_dev.jsonl over CCW/GGE.1/2023/2), so one fixed offset
would favour one language's documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from index.models import Paragraph
from index.search.fusion import fuse_ranked
from index.search.passage_kinds import is_heading
from index.search.retriever import MAX_HELD_LANGUAGE, brevity_prior
from index.search.routing import is_submission


@dataclass(frozen=True)
class Scored:
    own: frozenset[str]  # the ids of the document's own text (not a submission filed in it)
    same_language: bool  # scored in the theme's language (else across languages)
    fused: dict[str, float]  # paragraph id -> fused score within its document
    similarity: dict[str, float]  # id -> best cosine over the wordings (cross-language raised)
    keyword: dict[str, float]  # id -> best BM25 score over the wordings


def score_documents(retriever, loaded, snapshot, groups: dict[str, frozenset[str]],
                    wanted: list[str], vectors, lang: str) -> dict[str, Scored]:
    """Document -> its paragraphs scored; ``vectors``: (wording, its vector) of the theme."""
    similarities = [_similarities(retriever, loaded, snapshot, groups, wanted, vector)
                    for _, vector in vectors]
    dense = {owner: [{pid: found[pid] for pid in groups[owner] if pid in found}
                     for found in similarities] for owner in wanted}
    gap = _language_gap(dense, loaded, retriever.catalogue, lang,
                        retriever.settings.cross_language_offset)
    return {owner: _scored(retriever, loaded, groups[owner], dense[owner], vectors, lang, gap)
            for owner in wanted}


def _similarities(retriever, loaded, snapshot, groups, wanted, vector) -> dict[str, float]:
    """Every paragraph's cosine similarity to ``vector``, from each language's vectors the
    retriever already holds (one product a language, not one copy of every document's rows
    beside them); a language not held (too large, or being read) by each document's own
    filtered Chroma query."""
    found: dict[str, float] = {}
    for language in loaded.langs:
        ids = loaded.by_lang[language]
        held = retriever.held.nearest(snapshot, loaded, ("lang", language), ids, vector,
                                      len(ids), MAX_HELD_LANGUAGE)
        if held is not None:
            found.update(held)
            continue
        for owner in wanted:
            doc_ids = sorted({loaded.paragraphs[pid].doc_id for pid in groups[owner]
                              if pid in ids})
            if doc_ids:
                found.update(snapshot.nearest_ids(vector, retriever.candidates, where={
                    "$and": [{"doc_id": {"$in": doc_ids}}, {"lang": language}]}))
    return found


def _language_gap(dense, loaded, catalogue, lang: str, default: float) -> float:
    """How much closer the theme sits to a paragraph in its own language than to the same
    paragraph in the other: the mean over the pairs the documents scored hold."""
    gaps = []
    paragraphs = loaded.paragraphs
    for per_wording in dense.values():
        for similarities in per_wording:
            for pid, score in similarities.items():
                paragraph = paragraphs.get(pid)
                if paragraph is None or paragraph.lang != lang:
                    continue
                other = catalogue.counterpart(paragraph)
                if other is not None and other.id in similarities:
                    gaps.append(score - similarities[other.id])
    return float(np.mean(gaps)) if gaps else default


@lru_cache(maxsize=200_000)
def has_wording(paragraph: Paragraph) -> bool:
    """Whether a record holds wording of its own: not a heading, a table row (a list of
    documents, a vote count) or a footnote (a source cited)."""
    return paragraph.kind not in ("row", "footnote") and not is_heading(paragraph)


def _scored(retriever, loaded, ids, dense, vectors, lang: str, gap: float) -> Scored:
    paragraphs = loaded.paragraphs
    in_language = frozenset(pid for pid in ids if paragraphs[pid].lang == lang)
    ids = frozenset(pid for pid in in_language or ids if has_wording(paragraphs[pid]))
    raise_by = 0.0 if in_language else gap
    similarity: dict[str, float] = {}
    keyword: dict[str, float] = {}
    lists = []
    for (wording, _), similarities in zip(vectors, dense):
        ranked = sorted(((pid, score + raise_by) for pid, score in similarities.items()
                         if pid in ids and pid in paragraphs), key=lambda item: (-item[1], item[0]))
        words = loaded.keywords.search(wording.keywords, len(ids), ids)
        for pid, score in ranked:
            similarity[pid] = max(similarity.get(pid, -1.0), score)
        for pid, score in words:
            keyword[pid] = max(keyword.get(pid, 0.0), score)
        lists += [("dense", [pid for pid, _ in ranked[:retriever.candidates]]),
                  ("keyword", [pid for pid, _ in words[:retriever.candidates]])]
    fused, _ = fuse_ranked(lists)
    short = retriever.settings.short_text
    fused = {pid: score * brevity_prior(paragraphs[pid], short)
             for pid, score in fused.items() if pid in paragraphs}
    own = frozenset(pid for pid in ids if not is_submission(paragraphs[pid]))
    return Scored(own, bool(in_language), fused, similarity, keyword)
