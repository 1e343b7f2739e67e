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

A set inside one already held for the same generation (a submission inside its language) is
taken from that set's rows rather than read again: at 100,000 records the first question
naming a State read its 74 submissions' vectors (~0.3 s) with the language already in memory,
and that was most of the first pass's p95. A set too large to copy (a 6,000-paragraph report)
is scored in place among the rows of the set holding it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

import numpy as np

MAX_HELD_SET = 5000  # a larger set is searched by Chroma with its filter
# Vectors held at once, all sets together (~450 MB of 768-dimension float32); the least
# recently used sets go first. A State's submission is tens of paragraphs; a committee report,
# thousands; a language (index.search.retriever.MAX_HELD_LANGUAGE), up to 100,000.
MAX_HELD_VECTORS = 150_000
# A held set this large, or holding this share of the records, may hold others (a language, a
# report): only these are looked in for a set's rows (every held set: ~2 ms a submission once
# ~1,300 were held).
MIN_COVER, MIN_COVER_SHARE = 1000, 0.1


@dataclass(frozen=True)
class _Held:
    stamp: str  # the store generation the rows are of
    ids: list[str]
    matrix: np.ndarray  # unit rows, one per id
    versions: dict[str, str] | None  # doc_id -> version of the documents the rows came from

    @cached_property
    def rows(self) -> dict[str, int]:
        """id -> its row, built when a set is first looked for inside this one."""
        return {pid: row for row, pid in enumerate(self.ids)}

    def rows_of(self, ids) -> list[int] | None:
        """The rows of ``ids``, or None when this set does not hold every one of them."""
        rows, found = self.rows, []
        for pid in ids:  # most sets asked about hold none of them: stop at the first missing
            row = rows.get(pid)
            if row is None:
                return None
            found.append(row)
        return found


class HeldVectors:
    """A set's key -> its ids and unit vectors, read on first use, kept up to date by
    document."""

    def __init__(self) -> None:
        self._held: OrderedDict[object, _Held] = OrderedDict()
        self._count = 0  # vectors held, all sets together (summed at each keep: 1 M additions)
        self._covers: dict[object, _Held] = {}  # the held sets that may hold others
        self._lock = threading.Lock()
        self._reading: dict[object, threading.Lock] = {}  # key -> held while it is read

    def nearest(self, snapshot, loaded, key, ids, vector: list[float] | None, k: int,
                largest: int = MAX_HELD_SET) -> list[tuple[str, float]] | None:
        """The ``k`` paragraphs of ``ids`` nearest ``vector`` as (id, cosine similarity), best
        first; None when the set is larger than ``largest`` and no held set holds it, or
        another thread is reading it (the caller asks Chroma). ``loaded``: the catalogue
        generation searched (its stamp, paragraphs, versions). With no ``vector`` the set is
        only brought into memory (``Retriever.warm_up``)."""
        if not ids:
            return []
        with self._lock:
            held = self._held.get(key)
            if held is not None:
                self._held.move_to_end(key)
        if held is None or held.stamp != loaded.stamp:
            others = self._others(loaded.stamp, key)
            cover, rows = _holding(ids, others)
            if cover is not None:
                inside = [cover.ids[row] for row in rows]
                if len(ids) > largest:  # scored in place, not copied
                    return [] if vector is None else _best(inside, cover.matrix[rows], vector, k)
                held = _Held(loaded.stamp, inside, cover.matrix[rows],
                             _versions_of(inside, loaded))
            elif len(ids) > largest:
                return None
            else:
                pieced = _pieced(ids, others)
                held = (_Held(loaded.stamp, *pieced, _versions_of(pieced[0], loaded))
                        if pieced is not None else self._read(key, held, snapshot, loaded, ids))
                if held is None:
                    return None
            self._keep(key, held, covers=len(held.ids) >= min(
                MIN_COVER, MIN_COVER_SHARE * len(loaded.paragraphs)))
        return _best(held.ids, held.matrix, vector, k) if vector is not None else []

    def _read(self, key, held: _Held | None, snapshot, loaded, ids) -> _Held | None:
        """The set's rows for ``loaded``'s generation; None while another thread reads them
        (the page's warm-up reading a language: 80,590 vectors, 5-7 s at 100,000 records):
        the search asks Chroma's filtered query (~0.3 s) instead of waiting or reading twice."""
        with self._lock:
            reading = self._reading.setdefault(key, threading.Lock())
        if not reading.acquire(blocking=False):
            return None
        try:
            return _brought_up_to_date(held, snapshot, loaded, ids)
        finally:
            reading.release()

    def _others(self, stamp: str, key) -> list[_Held]:
        """The held sets that may hold others, of generation ``stamp``, other than ``key``'s,
        largest first."""
        with self._lock:
            others = [h for other, h in self._covers.items() if other != key and h.stamp == stamp]
        return sorted(others, key=lambda h: -len(h.ids))

    def _keep(self, key, held: _Held, covers: bool) -> None:
        with self._lock:
            old = self._held.pop(key, None)
            self._count += len(held.ids) - (len(old.ids) if old is not None else 0)
            self._held[key] = held  # the most recently used, last
            self._covers.pop(key, None)
            if covers:
                self._covers[key] = held
            while len(self._held) > 1 and self._count > MAX_HELD_VECTORS:
                gone_key, gone = self._held.popitem(last=False)
                self._covers.pop(gone_key, None)
                self._count -= len(gone.ids)


def _holding(ids, others: list[_Held]) -> tuple[_Held | None, list[int] | None]:
    """The smallest of ``others`` holding every one of ``ids``, and their rows."""
    for held in reversed([h for h in others if len(h.ids) >= len(ids)]):
        rows = held.rows_of(ids)
        if rows is not None:
            return held, rows
    return None, None


def _pieced(ids, others: list[_Held]) -> tuple[list[str], np.ndarray] | None:
    """The rows of ``ids`` gathered from several held sets (a State's reply in both language
    versions of a report, from the two languages' sets), or None when some id is in none.
    At 100,000 records 20 of the 72 submissions of one State were read from the store
    again (45 ms) for want of one set holding both languages."""
    rows: dict[int, list[int]] = {}  # the index in ``others`` -> rows of that set
    order: list[str] = []
    for pid in ids:
        where = next(((n, h.rows[pid]) for n, h in enumerate(others) if pid in h.rows), None)
        if where is None:
            return None
        rows.setdefault(where[0], []).append(where[1])
    for n, found in rows.items():
        order.extend(others[n].ids[row] for row in found)
    matrix = np.concatenate([others[n].matrix[found] for n, found in rows.items()])
    return order, matrix


def _best(ids: list[str], matrix: np.ndarray, vector, k: int) -> list[tuple[str, float]]:
    """The ``k`` rows most similar to ``vector``, best first, ties in row order. Only the
    rows at or above the k-th similarity are sorted (sorting all 80,590 of a language for
    each wording cost ~5 ms)."""
    if not ids:
        return []
    query = np.asarray(vector, dtype=np.float32)
    similarities = matrix @ (query / (np.linalg.norm(query) or 1.0))
    rows = np.arange(len(similarities))
    if 0 < k < len(similarities):
        kth = np.partition(similarities, len(similarities) - k)[len(similarities) - k]
        rows = np.flatnonzero(similarities >= kth)  # every row tied with the k-th stays
    order = rows[np.argsort(-similarities[rows], kind="stable")][:k]
    return [(ids[i], float(similarities[i])) for i in order]


def _versions_of(ids: list[str], loaded) -> dict[str, str] | None:
    """doc_id -> version, of the documents ``ids`` come from, as ``loaded`` knows them."""
    if loaded.versions is None:
        return None
    paragraphs = loaded.paragraphs
    docs = {paragraphs[pid].doc_id for pid in ids if pid in paragraphs}
    return {d: loaded.versions.get(d, "") for d in docs}


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
    return _Held(loaded.stamp, new_ids, matrix, _versions_of(new_ids, loaded))


def _unit_rows(vectors) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
