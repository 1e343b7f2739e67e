"""The BM25 keyword index kept on disk, in one SQLite file beside the store.

Built in memory (``KeywordIndex``), the index was tokenized again at every start and after
every added document: 28 s at 10,000 paragraphs, 4-7 minutes at 100,000 (README, "Beyond the
library"). Here the postings live in SQLite and survive the process; a start only compares
each paragraph's keyword text with the one the file was built from (a short hash) and
tokenizes what changed, so adding a 150-paragraph document tokenizes 150 paragraphs.

SQLite because it is in the standard library and does the scoring's sum in C; its own FTS5
(and tantivy) fix BM25's k1 at 1.2 and use another idf, which would change this project's
rankings. Here the formula is ``KeywordIndex``'s, term for term, so the rankings are the same
(a tie may break differently only where two float sums differ in the last bit).

The file is a cache of the store, never a source of truth: ``reconcile`` brings it in line
with the store's records and stamps it with the store's generation, so a write that crashed
between the store and this file is repaired at the next start, and a file deleted by hand is
rebuilt.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import threading
from collections import Counter
from contextlib import contextmanager
from collections.abc import Container, Mapping
from pathlib import Path

from index.errors import ConfigError, StoreError
from index.search.keyword import tokenize

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, length INTEGER NOT NULL,
                                 hash TEXT NOT NULL) WITHOUT ROWID;
-- length repeated in each posting: scoring then reads the postings alone, no join
CREATE TABLE IF NOT EXISTS postings (term TEXT NOT NULL, id TEXT NOT NULL,
                                     tf INTEGER NOT NULL, length INTEGER NOT NULL,
                                     PRIMARY KEY (term, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postings_by_id ON postings (id);
"""
FORMAT = "keyword-bm25-sqlite/1"
KEYWORD_FILE = "keyword_index.sqlite3"  # its name inside an embedded store's directory
WRITE_BATCH = 2000


def text_hash(text: str) -> str:
    """A short fingerprint of a keyword text: a changed text is tokenized again."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


class KeywordFile:
    """Okapi BM25 over postings in SQLite; searched like ``KeywordIndex``.

    Args:
        path: the SQLite file (created when missing).
        k1, b: as ``KeywordIndex`` (the same defaults, the same checks).
    """

    def __init__(self, path: str | Path, k1: float = 1.5, b: float = 0.75) -> None:
        if k1 < 0:
            raise ConfigError(f"k1 must be >= 0, got {k1}")
        if not 0 <= b <= 1:
            raise ConfigError(f"b must be between 0 and 1, got {b}")
        self.path, self.k1, self.b = Path(path), float(k1), float(b)
        self._local = threading.local()  # one connection per thread (the page's requests)
        connection = self._connection()
        try:
            connection.executescript(SCHEMA)
            found = self._meta("format")
            if found is None:
                self._set_meta({"format": FORMAT})
            elif found != FORMAT:
                raise StoreError(f"{self.path} is a keyword index of another format ({found}); "
                                 "delete it and it is rebuilt from the store")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot read the keyword index {self.path} ({exc}); delete it "
                             "and it is rebuilt from the store") from exc

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit, with explicit transactions for writes: a search's temporary table
            # must not leave a transaction open (it would pin an old snapshot of the file).
            connection = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self._local.connection = connection
        return connection

    @contextmanager
    def _transaction(self):
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _meta(self, key: str) -> str | None:
        row = self._connection().execute("SELECT value FROM meta WHERE key = ?",
                                         (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, values: Mapping[str, str]) -> None:
        with self._transaction() as connection:
            connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    # ---- the store's generation ---------------------------------------------------------

    @property
    def stamp(self) -> str:
        """The store generation this file was last reconciled with ("" when never)."""
        return self._meta("stamp") or ""

    def reconcile(self, texts: Mapping[str, str], stamp: str) -> tuple[int, int]:
        """Make the index hold exactly ``texts`` (paragraph id -> keyword text): texts that
        are new or changed are tokenized, ids gone are removed, and the file is stamped with
        the store's generation, in one transaction (two processes reconciling at once take
        turns; the one with older texts leaves an older stamp, so the next load repairs it).
        Returns (added or changed, removed)."""
        with self._transaction() as connection:
            held = dict(connection.execute("SELECT id, hash FROM docs"))
            changed = [(pid, text) for pid, text in texts.items()
                       if held.get(pid) != text_hash(text)]
            gone = [pid for pid in held if pid not in texts]
            self._write(connection, changed, gone)
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (stamp,))
        return len(changed), len(gone)

    # ---- writing ------------------------------------------------------------------------

    def add(self, ids: list[str], texts: list[str]) -> None:
        """Index ``texts`` under ``ids``; an id already present is replaced."""
        ids, texts = list(ids), list(texts)
        if len(ids) != len(texts):
            raise ConfigError(
                f"ids and texts must have the same length, got {len(ids)} and {len(texts)}")
        with self._transaction() as connection:
            self._write(connection, list(zip(ids, texts)), [])

    def remove(self, ids: list[str]) -> int:
        """Forget ``ids``; unknown ids are ignored. Returns how many were removed."""
        if isinstance(ids, str):
            ids = [ids]
        before = len(self)
        with self._transaction() as connection:
            self._write(connection, [], list(ids))
        return before - len(self)

    @staticmethod
    def _write(connection: sqlite3.Connection, put: list[tuple[str, str]], drop: list[str]
               ) -> None:
        """Inside a transaction: a reader sees the index before or after, never half of it."""
        if not put and not drop:
            return
        gone = [(pid,) for pid in drop] + [(pid,) for pid, _ in put]
        connection.executemany("DELETE FROM postings WHERE id = ?", gone)
        connection.executemany("DELETE FROM docs WHERE id = ?", gone)
        for start in range(0, len(put), WRITE_BATCH):
            docs, postings = [], []
            for pid, text in put[start:start + WRITE_BATCH]:
                counts = Counter(tokenize(text))
                length = sum(counts.values())
                docs.append((pid, length, text_hash(text)))
                postings.extend((term, pid, tf, length) for term, tf in counts.items())
            connection.executemany("INSERT INTO docs VALUES (?, ?, ?)", docs)
            connection.executemany("INSERT INTO postings VALUES (?, ?, ?, ?)", postings)
        count, total = connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(length), 0) FROM docs").fetchone()
        connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               [("count", str(count)), ("total_length", str(total))])

    # ---- reading ------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._meta("count") or 0)

    def __contains__(self, doc_id: object) -> bool:
        return self._connection().execute("SELECT 1 FROM docs WHERE id = ?",
                                          (doc_id,)).fetchone() is not None

    def search(self, query: str, k: int = 10, among: Container[str] | None = None
               ) -> list[tuple[str, float]]:
        """The ``k`` best (id, BM25 score) pairs, best first, as ``KeywordIndex.search``;
        ``among``: only these ids."""
        if isinstance(k, bool) or not isinstance(k, int):
            raise ConfigError(f"k must be an integer, got {k!r}")
        if k <= 0:
            raise ConfigError(f"k must be > 0, got {k}")
        n = len(self)
        terms = list(dict.fromkeys(tokenize(query)))  # each distinct term counts once
        if not n or not terms:
            return []
        connection = self._connection()
        marks = ",".join("?" * len(terms))
        frequencies = connection.execute(
            f"SELECT term, COUNT(*) FROM postings WHERE term IN ({marks}) GROUP BY term", terms)
        weights = [(term, math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * (self.k1 + 1.0))
                   for term, df in frequencies]
        if not weights:
            return []
        average = int(self._meta("total_length") or 0) / n or 1.0
        values = ",".join("(?, ?)" for _ in weights)
        scope, scope_args = "", []
        if among is not None:
            scope, scope_args = self._among(connection, among)
        rows = connection.execute(
            f"WITH q(term, weight) AS (VALUES {values}) "
            "SELECT p.id, SUM(q.weight * p.tf / (p.tf + ? * (1.0 - ? + ? * p.length / ?))) "
            "AS score FROM q JOIN postings p ON p.term = q.term "
            f"{scope} GROUP BY p.id ORDER BY score DESC, p.id LIMIT ?",
            [value for pair in weights for value in pair]
            + [self.k1, self.b, self.b, average] + scope_args + [k])
        return [(pid, score) for pid, score in rows]

    def _among(self, connection: sqlite3.Connection, among: Container[str]
               ) -> tuple[str, list]:
        """The clause that keeps only ``among`` (a temporary table of this connection)."""
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS among (id TEXT PRIMARY KEY)")
        connection.execute("DELETE FROM among")
        connection.executemany("INSERT OR IGNORE INTO among VALUES (?)",
                               ((pid,) for pid in among))
        return "WHERE p.id IN (SELECT id FROM among)", []

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
