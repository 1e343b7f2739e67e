"""Reciprocal-rank fusion: the one way ranked lists are combined (the retriever's signals, and
the chain's original and translated question).

RRF needs no calibration between a cosine similarity and a BM25 score: each list contributes
1 / (RRF_K + rank) per item, so agreement between lists counts, not the scale of their scores.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from index.models import Hit

RRF_K = 60


def reciprocal_rank(rank: int) -> float:
    """What a list contributes for an item at 0-based ``rank``."""
    return 1.0 / (RRF_K + rank + 1)


def fuse_ranked(lists: Iterable[tuple[str, list[str]]]
                ) -> tuple[dict[str, float], dict[str, set[str]]]:
    """Fused scores of ids from named ranked lists, and which lists found each id."""
    scores: dict[str, float] = defaultdict(float)
    sources: dict[str, set[str]] = defaultdict(set)
    for name, ranked in lists:
        for rank, pid in enumerate(ranked):
            scores[pid] += reciprocal_rank(rank)
            sources[pid].add(name)
    return scores, sources


def fuse_hits(lists: list[list[Hit]], k: int) -> list[Hit]:
    """The ``k`` best hits of several hit lists; an exact locator hit keeps its own score, so
    it stays at the top."""
    scores: dict[str, float] = defaultdict(float)
    best: dict[str, Hit] = {}
    for hits in lists:
        for rank, hit in enumerate(hits):
            pid = hit.paragraph.id
            scores[pid] += hit.score if "locator" in hit.sources else reciprocal_rank(rank)
            best.setdefault(pid, hit)
    ranked = sorted(scores, key=lambda pid: -scores[pid])[:k]
    return [Hit(best[pid].paragraph, scores[pid], best[pid].sources) for pid in ranked]
