"""The vectors of a small set of paragraphs (one State's submission, one document), held in
memory so a search inside the set does not ask Chroma for a filtered query.

At 100,000 records every Chroma query with a ``where`` cost 100-400 ms, whatever the set's size
(README, "A library that grows"): a question naming a State searches each of its submissions,
and the slowest synthetic questions, with 72 submissions, took 12 s. The set's vectors are read
once by id (per generation of the store) and the similarities computed here: the same exact
cosine similarities a filtered query over a small set returns, so the rankings do not change.
"""

from __future__ import annotations

import threading

import numpy as np

MAX_HELD_SET = 5000  # a larger set is searched by Chroma with its filter
# Vectors held at once, all sets together (~450 MB of 768-dimension float32); the oldest sets
# go first. A State's submission is tens of paragraphs; a committee report, thousands; a
# language (index.search.retriever.MAX_HELD_LANGUAGE), up to 100,000.
MAX_HELD_VECTORS = 150_000


class HeldVectors:
    """(generation, set) -> the set's ids and unit vectors, read on first use."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, object], tuple[list[str], np.ndarray]] = {}
        self._lock = threading.Lock()

    def nearest(self, snapshot, stamp: str, key, ids, vector: list[float], k: int,
                largest: int = MAX_HELD_SET) -> list[tuple[str, float]] | None:
        """The ``k`` paragraphs of ``ids`` nearest ``vector`` as (id, cosine similarity), best
        first; None when the set is larger than ``largest`` (the caller asks Chroma)."""
        if not ids or len(ids) > largest:
            return None if ids else []
        held = self._held.get((stamp, key))
        if held is None:
            held = _unit_rows(*snapshot.vectors(sorted(ids)))
            with self._lock:
                self._held[(stamp, key)] = held
                while sum(len(ids) for ids, _ in self._held.values()) > MAX_HELD_VECTORS:
                    self._held.pop(next(iter(self._held)))
        found, matrix = held
        if not found:
            return []
        query = np.asarray(vector, dtype=np.float32)
        similarities = matrix @ (query / (np.linalg.norm(query) or 1.0))
        order = np.argsort(-similarities, kind="stable")[:k]
        return [(found[i], float(similarities[i])) for i in order]


def _unit_rows(ids: list[str], vectors) -> tuple[list[str], np.ndarray]:
    matrix = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return list(ids), matrix / np.where(norms == 0, 1.0, norms)
