"""The BM25 keyword index kept on disk, in one SQLite file beside the store.

Built in memory (``KeywordIndex``), the index was tokenized again at every start and after
every added document: 28 s at 10,000 paragraphs, 4-7 minutes at 100,000. Here it survives the
process; only texts whose short hash changed are tokenized (a new document: its own).

Layout: each term's postings are one row, a packed array of (paragraph number, term count),
scored with numpy (summing postings row by row in SQL, a first version, cost 14 ms a wording at
10,000 and grew with the library). Each paragraph keeps its terms: removing it rewrites only
their rows.

SQLite: in the standard library, each write one transaction. Its FTS5 (and tantivy) fix k1 at
1.2 with another idf, which would change this project's rankings; here the formula is
``KeywordIndex``'s, term for term and in the same order, so the rankings are the same.

A cache of the store, never a source of truth: ``reconcile`` brings it in line with the
store's records and stamps it with the store's generation, so a write that crashed between the
store and this file is repaired at the next start, and a deleted file is rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import math
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Container, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import ConfigError, StoreError
from index.search.keyword import best_scored, query_terms, tokenize

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (number INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL,
                                 length INTEGER NOT NULL, hash TEXT NOT NULL,
                                 terms TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS postings (term TEXT PRIMARY KEY, packed BLOB NOT NULL) WITHOUT ROWID;
"""
FORMAT = "keyword-bm25-sqlite/2"
KEYWORD_FILE = "keyword_index.sqlite3"  # its name inside an embedded store's directory
log = logging.getLogger(__name__)
BUSY_TIMEOUT_S = 30.0  # how long a write waits for another process's to finish
POSTING = np.dtype([("number", "<i4"), ("tf", "<i4")])


def text_hash(text: str) -> str:
    """A short fingerprint of a keyword text: a changed text is tokenized again."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class _Paragraphs:
    """What scoring needs of every paragraph, read once per version of the file."""

    version: str
    ids: np.ndarray  # paragraph number -> id ("" where none)
    numbers: dict[str, int]  # id -> paragraph number
    lengths: np.ndarray  # paragraph number -> its term count (0 where none)
    count: int
    average: float


class KeywordFile:
    """Okapi BM25 over postings in SQLite (``path``, created when missing); searched like
    ``KeywordIndex``, with its ``k1`` and ``b`` (the same defaults, the same checks)."""

    def __init__(self, path: str | Path, k1: float = 1.5, b: float = 0.75) -> None:
        if k1 < 0:
            raise ConfigError(f"k1 must be >= 0, got {k1}")
        if not 0 <= b <= 1:
            raise ConfigError(f"b must be between 0 and 1, got {b}")
        self.path, self.k1, self.b = Path(path), float(k1), float(b)
        self._local = threading.local()  # one connection per thread (the page's requests)
        self._cache: _Paragraphs | None = None
        self._last: tuple[tuple, np.ndarray] | None = None  # (version, terms) -> scores
        try:
            self._open()
        except (sqlite3.DatabaseError, StoreError) as exc:
            # A cache of the store: a file of an older layout, or one damaged, is started
            # again empty, and the next reconcile fills it from the store.
            log.info("keyword index %s started again (%s)", self.path, exc)
            self.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._open()

    def _open(self) -> None:
        self._connection().executescript(SCHEMA)
        found = self._meta("format")
        if found is None:
            with self._transaction() as connection:
                connection.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        elif found != FORMAT:
            raise StoreError(f"{self.path} is a keyword index of another layout ({found})")

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit with explicit transactions: no read pins an old snapshot of the file.
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._local.connection = connection
        return connection

    @contextmanager
    def _transaction(self, kind: str = "IMMEDIATE"):
        """A write (IMMEDIATE), or a read that sees one version of the file (DEFERRED)."""
        connection = self._connection()
        connection.execute(f"BEGIN {kind}")
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

    # ---- the store's generation ---------------------------------------------------------

    @property
    def stamp(self) -> str:
        """The store generation this file was last reconciled with ("" when never)."""
        return self._meta("stamp") or ""

    def reconcile(self, texts: Mapping[str, str], stamp: str,
                  among: Container[str] | None = None, since: str | None = None
                  ) -> tuple[int, int] | None:
        """Make the index hold ``texts`` (paragraph id -> keyword text): texts new or changed
        are tokenized, ids gone are removed, and the file is stamped with the store's
        generation, in one transaction (two processes reconciling at once take turns; the one
        with older texts leaves an older stamp, so the next load repairs it). A part of the
        store: only ids in ``among`` may go, and only onto a file stamped ``since`` (None
        returned otherwise: reconcile it with every text). Returns (added or changed, removed).
        """
        with self._transaction() as connection:
            if since is not None and self.stamp != since:
                return None
            held = dict(connection.execute("SELECT id, hash FROM docs"))
            changed = [(pid, text) for pid, text in texts.items()
                       if held.get(pid) != text_hash(text)]
            gone = [pid for pid in held if pid not in texts and (among is None or pid in among)]
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

    def _write(self, connection: sqlite3.Connection, put: list[tuple[str, str]],
               drop: list[str]) -> None:
        """Inside a transaction: a reader sees the index before or after, never half of it.
        Each term's row is rewritten once, whatever number of paragraphs touch it."""
        if not put and not drop:
            return
        put = list(dict(put).items())  # an id given twice: its last text, as KeywordIndex
        dropped: dict[str, set[int]] = defaultdict(set)  # term -> numbers leaving its row
        for pid in dict.fromkeys(drop + [pid for pid, _ in put]):
            row = connection.execute("SELECT number, terms FROM docs WHERE id = ?",
                                     (pid,)).fetchone()
            if row is not None:
                for term in row[1].split("\n") if row[1] else ():
                    dropped[term].add(row[0])
                connection.execute("DELETE FROM docs WHERE number = ?", (row[0],))
        added: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for pid, text in put:
            counts = Counter(tokenize(text))
            number = connection.execute(
                "INSERT INTO docs (id, length, hash, terms) VALUES (?, ?, ?, ?)",
                (pid, sum(counts.values()), text_hash(text), "\n".join(counts))).lastrowid
            for term, tf in counts.items():
                added[term].append((number, tf))
        for term in dropped.keys() | added.keys():
            row = connection.execute("SELECT packed FROM postings WHERE term = ?",
                                     (term,)).fetchone()
            postings = np.frombuffer(row[0], POSTING) if row else np.empty(0, POSTING)
            if term in dropped:
                postings = postings[~np.isin(postings["number"], list(dropped[term]))]
            if term in added:
                postings = np.concatenate([postings, np.array(added[term], POSTING)])
            if len(postings):
                connection.execute("INSERT OR REPLACE INTO postings VALUES (?, ?)",
                                   (term, postings.tobytes()))
            else:
                connection.execute("DELETE FROM postings WHERE term = ?", (term,))
        count, total = connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(length), 0) FROM docs").fetchone()
        version = str(int(self._meta("version") or 0) + 1)
        connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               [("count", str(count)), ("total_length", str(total)),
                                ("version", version)])

    # ---- reading ------------------------------------------------------------------------

    def _paragraphs(self, connection: sqlite3.Connection) -> _Paragraphs:
        """The paragraphs' ids and lengths, read again after any write (by any process)."""
        row = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        version = row[0] if row else "0"
        cache = self._cache
        if cache is not None and cache.version == version:
            return cache
        rows = connection.execute("SELECT number, id, length FROM docs").fetchall()
        size = max((number for number, _, _ in rows), default=0) + 1
        ids = np.full(size, "", dtype=object)
        lengths = np.zeros(size, dtype=np.float64)
        for number, pid, length in rows:
            ids[number], lengths[number] = pid, length
        count = len(rows)
        average = (float(lengths.sum()) / count if count else 0.0) or 1.0
        cache = _Paragraphs(version, ids, {pid: number for number, pid, _ in rows}, lengths,
                            count, average)
        self._cache = cache
        return cache

    def __len__(self) -> int:
        return int(self._meta("count") or 0)

    def __contains__(self, doc_id: object) -> bool:
        return self._connection().execute("SELECT 1 FROM docs WHERE id = ?",
                                          (doc_id,)).fetchone() is not None

    def search(self, query: str, k: int = 10, among: Container[str] | None = None
               ) -> list[tuple[str, float]]:
        """The ``k`` best (id, BM25 score) pairs, best first, as ``KeywordIndex.search``
        (ties broken by id); ``among``: only these ids."""
        if isinstance(k, bool) or not isinstance(k, int):
            raise ConfigError(f"k must be an integer, got {k!r}")
        if k <= 0:
            raise ConfigError(f"k must be > 0, got {k}")
        terms = query_terms(query)  # each distinct term counts once
        if not terms:
            return []
        paragraphs, scores = self._scored(terms)
        numbers = None
        if among is not None:
            known = paragraphs.numbers
            # Distinct ids, distinct numbers, ranked in any order: no np.unique (16 ms once).
            numbers = np.fromiter((known[pid] for pid in among if pid in known), np.int64)
        return best_scored(scores, paragraphs.ids, k, numbers)

    def _scored(self, terms: tuple[str, ...]) -> tuple[_Paragraphs, np.ndarray]:
        """Every paragraph's BM25 score for ``terms``; the last query's are kept (never
        changed): a question naming a State searches each of its submissions with the same
        words (74 of them at 100,000 records: 0.5 s when each was scored again)."""
        # One read transaction: the paragraphs and the postings of one version of the file,
        # whatever another process writes meanwhile.
        with self._transaction("DEFERRED") as connection:
            paragraphs = self._paragraphs(connection)
            last = self._last
            if last is not None and last[0] == (paragraphs.version, terms):
                return paragraphs, last[1]
            packed = [connection.execute("SELECT packed FROM postings WHERE term = ?",
                                         (term,)).fetchone() for term in terms]
        n = paragraphs.count
        norms = self.k1 * (1.0 - self.b + self.b * paragraphs.lengths / paragraphs.average)
        scores = np.zeros(len(paragraphs.ids))
        for row in packed:  # in the query's order, as KeywordIndex sums them
            if row is None or not n:
                continue
            postings = np.frombuffer(row[0], POSTING)
            df = len(postings)
            weight = math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * (self.k1 + 1.0)
            numbers, tf = postings["number"], postings["tf"].astype(np.float64)
            scores[numbers] += weight * tf / (tf + norms[numbers])  # numbers are unique
        self._last = ((paragraphs.version, terms), scores)
        return paragraphs, scores

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
