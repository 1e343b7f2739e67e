"""The vectors of a set of paragraphs (one State's submission, one document, one language),
held in memory so a search inside the set does not ask Chroma for a filtered query.

At 100,000 records every Chroma query with a ``where`` cost 100-400 ms, whatever the set's size
(README, "A library that grows"): a question naming a State searches each of its submissions,
and the slowest synthetic questions, with 72 submissions, took 12 s. The set's vectors are read
once by id and the similarities computed here: the same exact cosine similarities a filtered
query over the set returns, so the rankings do not change.

When the store changes, a held set keeps the rows of the documents whose version did not
change and reads only the others: reading a whole language again after each added document
cost 3-8 s at 100,000 records (80,590 vectors). Sets are dropped least recently used first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

MAX_HELD_SET = 5000  # a larger set is searched by Chroma with its filter
# Vectors held at once, all sets together (~450 MB of 768-dimension float32); the least
# recently used sets go first. A State's submission is tens of paragraphs; a committee report,
# thousands; a language (index.search.retriever.MAX_HELD_LANGUAGE), up to 100,000.
MAX_HELD_VECTORS = 150_000


@dataclass(frozen=True)
class _Held:
    stamp: str  # the store generation the rows are of
    ids: list[str]
    matrix: np.ndarray  # unit rows, one per id
    versions: dict[str, str] | None  # doc_id -> version of the documents the rows came from


class HeldVectors:
    """A set's key -> its ids and unit vectors, read on first use, kept up to date by
    document."""

    def __init__(self) -> None:
        self._held: OrderedDict[object, _Held] = OrderedDict()
        self._lock = threading.Lock()

    def nearest(self, snapshot, loaded, key, ids, vector: list[float], k: int,
                largest: int = MAX_HELD_SET) -> list[tuple[str, float]] | None:
        """The ``k`` paragraphs of ``ids`` nearest ``vector`` as (id, cosine similarity), best
        first; None when the set is larger than ``largest`` (the caller asks Chroma).
        ``loaded``: the catalogue generation searched (its stamp, paragraphs, versions)."""
        if not ids or len(ids) > largest:
            return None if ids else []
        with self._lock:
            held = self._held.get(key)
            if held is not None:
                self._held.move_to_end(key)
        if held is None or held.stamp != loaded.stamp:
            held = _brought_up_to_date(held, snapshot, loaded, ids)
            with self._lock:
                self._held[key] = held
                self._held.move_to_end(key)
                while (len(self._held) > 1 and
                       sum(len(h.ids) for h in self._held.values()) > MAX_HELD_VECTORS):
                    self._held.popitem(last=False)
        if not held.ids:
            return []
        query = np.asarray(vector, dtype=np.float32)
        similarities = held.matrix @ (query / (np.linalg.norm(query) or 1.0))
        order = np.argsort(-similarities, kind="stable")[:k]
        return [(held.ids[i], float(similarities[i])) for i in order]


def _brought_up_to_date(held: _Held | None, snapshot, loaded, ids) -> _Held:
    """The rows of ``ids`` for ``loaded``'s generation: those of ``held`` whose document kept
    its version, the others read from the store."""
    paragraphs, versions = loaded.paragraphs, loaded.versions
    kept: list[int] = []
    if held is not None and held.versions is not None and versions is not None:
        kept = [row for row, pid in enumerate(held.ids)
                if pid in ids and pid in paragraphs and
                held.versions.get(paragraphs[pid].doc_id) == versions.get(paragraphs[pid].doc_id)]
    old_ids = [held.ids[row] for row in kept]
    have = set(old_ids)
    read_ids, read = snapshot.vectors(sorted(pid for pid in ids if pid not in have))
    new_ids = old_ids + list(read_ids)
    rows = [held.matrix[kept]] if kept else []
    if len(read_ids):
        rows.append(_unit_rows(read))
    matrix = np.concatenate(rows) if rows else np.empty((0, 0), np.float32)
    docs = {paragraphs[pid].doc_id for pid in new_ids if pid in paragraphs}
    return _Held(loaded.stamp, new_ids, matrix,
                 None if versions is None else {d: versions.get(d, "") for d in docs})


def _unit_rows(vectors) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
