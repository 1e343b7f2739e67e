"""A read-only view of the live collection, resolved once for the queries of one question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from index.errors import ConfigError
from index.models import Paragraph


VECTOR_BATCH = 5_000


@dataclass(frozen=True)
class Snapshot:
    collection: object
    total: int
    # The store's read_with_retry: reopens and retries when another process wrote.
    read_again: Callable | None = None

    def _query(self, **query) -> dict:
        try:
            return self.collection.query(**query)
        except Exception:  # noqa: BLE001 - an outdated client: read through the store again
            if self.read_again is None:
                raise
            return self.read_again(lambda collection: collection.query(**query))

    def similar(self, vector: list[float], k: int, where: dict | None = None
                ) -> list[tuple[Paragraph, float]]:
        """Nearest paragraphs by cosine similarity (1 - distance), optionally filtered."""
        if k <= 0:
            raise ConfigError(f"k must be > 0, got {k}")
        if self.total == 0:
            return []
        got = self._query(query_embeddings=[vector], n_results=min(k, self.total),
                          where=where, include=["documents", "metadatas", "distances"])
        return [
            (Paragraph.from_metadata(t, m), 1.0 - d)
            for t, m, d in zip(got["documents"][0], got["metadatas"][0], got["distances"][0])
        ]

    def nearest_ids(self, vector: list[float], k: int, where: dict | None = None
                    ) -> list[tuple[str, float]]:
        """Like ``similar`` but ids only: a caller that holds the paragraphs in memory skips
        fetching texts and metadata, which is most of a query's cost (~6 of 9 ms for 60)."""
        if k <= 0:
            raise ConfigError(f"k must be > 0, got {k}")
        if self.total == 0:
            return []
        got = self._query(query_embeddings=[vector], n_results=min(k, self.total),
                          where=where, include=["distances"])
        return [(pid, 1.0 - d) for pid, d in zip(got["ids"][0], got["distances"][0])]

    def vectors(self, ids: list[str]) -> tuple[list[str], np.ndarray]:
        """(ids, their stored vectors as float32 rows), for those of ``ids`` the collection
        holds; read VECTOR_BATCH ids at a time (Chroma's SQLite refuses a statement with more
        than ~32,000 variables; and a server sends vectors as JSON lists, ~24 bytes a number,
        so each batch is made an array before the next is read)."""
        found_ids: list[str] = []
        found: list[np.ndarray] = []
        ids = list(ids)
        for start in range(0, len(ids), VECTOR_BATCH):
            batch = ids[start:start + VECTOR_BATCH]
            try:
                got = self.collection.get(ids=batch, include=["embeddings"])
            except Exception:  # noqa: BLE001 - an outdated client: read through the store again
                if self.read_again is None:
                    raise
                got = self.read_again(lambda c: c.get(ids=batch, include=["embeddings"]))
            if len(got["ids"]):
                found_ids += list(got["ids"])
                found.append(np.asarray(got["embeddings"], dtype=np.float32))
        return found_ids, (np.concatenate(found) if found else np.empty((0, 0), np.float32))
