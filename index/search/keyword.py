"""A BM25 keyword index that sits beside the vector store.

Dense embeddings miss exact words: document symbols, names, rare terms. This index catches them.
Chinese is segmented with jieba (`lcut_for_search`, which also emits the short words inside long
ones, so "人道法" finds "国际人道法"); English is lower-cased with a light plural folding.

Built in memory for a store that keeps no keyword file; the page's store keeps one on disk
(index.search.keyword_file, the same formula). Scoring is plain Okapi BM25 over an inverted
index: a query touches only the postings of its own terms, well under a millisecond for a few
thousand paragraphs.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
import threading
import unicodedata
from functools import lru_cache

import numpy as np
import snowballstemmer
from collections import Counter
from collections.abc import Container

from index.errors import ConfigError
from index.un.symbols import find_symbols

__all__ = ["tokenize", "KeywordIndex"]

# Function words that carry no topic. Kept short on purpose: BM25's idf already discounts
# common words, and an aggressive list would drop words users do search for.
_EN_STOPWORDS = frozenset(
    """a an the and or of to in on at by for from with as is are was were be been being it its
    this that these those which who whom what when where why how do does did has have had not no
    nor but if then than so such can could may might must shall should will would there their
    they them he she his her we our you your i me my about into over under also any all each
    other per via""".split()
)
_ZH_STOPWORDS = frozenset("的 了 和 在 是 与 及 对 等 或 并 把 被 其 之 而 也 就 都 于 以 为 由 将 从 向 这 那 该 此 各 个".split())

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD_RE = re.compile(r"[0-9a-z]")
_jieba = None


# A Snowball stemmer keeps its working word in the object, so one shared by the page's request
# threads raised IndexError and, worse, silently returned other threads' stems (194 of 2,400
# tokenizations from 8 threads differed). One stemmer per thread; they cost ~50 µs to make.
_stemmers = threading.local()


def _segmenter():
    """Import jieba on first use: loading its dictionary takes about a second."""
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    return _jieba


def load_segmenter() -> None:
    """Load jieba's dictionary now (0.5-1 s; 2.5-3.3 s beside other work at start) rather
    than inside the first question that needs it: every question does, through the
    glossary's Chinese terms."""
    _segmenter().initialize()


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    # Snowball (Porter 2) English stemming, so "chaired"/"chair", "reviews"/"review" and
    # "encourages"/"encouraged" meet. Measured on the QA set: English keyword hit@5 0.68 → 0.72.
    # Cached: the stemmer is pure Python, and indexing the library stemmed 253,733 words (of a
    # few thousand distinct ones) one by one, ~40% of building its keyword index.
    if len(word) <= 3 or not word.isalpha():
        return word
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def tokenize(text: str) -> list[str]:
    """Index terms of ``text``: jieba words for Chinese, lower-case words and numbers otherwise.

    Whitespace and punctuation never become tokens (else an English query would match the
    spaces of every Chinese paragraph); stopwords and single Latin letters are dropped. UN
    symbols are also kept whole ("ccw/gge.1/2023/2") so a symbol query ranks exact mentions first.
    """
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text)
    tokens = [symbol.lower() for symbol in find_symbols(text)]
    for raw in _segmenter().lcut_for_search(text):
        token = raw.strip()
        if not token:
            continue
        if _CJK_RE.search(token):
            if len(token) == 1 and token in _ZH_STOPWORDS:
                continue
            tokens.append(token)
            continue
        # Latin runs: jieba keeps "GGE.1" whole; strip edge punctuation and split what is left.
        for word in re.split(r"[^0-9A-Za-z.\-']+", token):
            word = word.strip(".-'")
            if not word or not _WORD_RE.search(word.lower()):
                continue
            lower = word.lower()
            if lower in _EN_STOPWORDS or (len(lower) == 1 and lower.isalpha()):
                continue
            # An all-capital abbreviation is not a plural: "LAWS" must not become "law".
            tokens.append(lower if word.isupper() else _stem(lower))
    return tokens


@lru_cache(maxsize=1024)
def query_terms(query: str) -> tuple[str, ...]:
    """A query's distinct index terms, in order. Kept: a question naming a State searches each
    of its submissions with the same words (74 at 100,000 records), and tokenizing them again
    each time was half of such a search (0.53 of 0.97 s)."""
    return tuple(dict.fromkeys(tokenize(query)))


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ConfigError(f"{name} must be a number, got {value!r}")
    return float(value)


class KeywordIndex:
    """Okapi BM25 over tokenized paragraphs, keyed by paragraph id.

    Args:
        k1: term-frequency saturation (>= 0; 1.2–2.0 is usual).
        b: length normalisation, between 0 (none) and 1 (full).
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = _number(k1, "k1")
        self.b = _number(b, "b")
        if self.k1 < 0:
            raise ConfigError(f"k1 must be >= 0, got {k1}")
        if not 0 <= self.b <= 1:
            raise ConfigError(f"b must be between 0 and 1, got {b}")
        self._docs: dict[str, dict[str, int]] = {}  # id -> term counts
        self._lengths: dict[str, int] = {}
        self._postings: dict[str, dict[str, int]] = {}  # term -> {id: count}
        self._total_length = 0
        self._norms: dict[str, float] | None = None  # per-doc BM25 length factor, built lazily

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    # ---- building -----------------------------------------------------------------------

    def add(self, ids: list[str], texts: list[str]) -> None:
        """Index ``texts`` under ``ids``; an id already present is replaced (idempotent)."""
        ids, texts = list(ids), list(texts)
        if len(ids) != len(texts):
            raise ConfigError(
                f"ids and texts must have the same length, got {len(ids)} and {len(texts)}"
            )
        for doc_id, text in zip(ids, texts):
            if not isinstance(doc_id, str) or not doc_id:
                raise ConfigError(f"ids must be non-empty strings, got {doc_id!r}")
            if not isinstance(text, str):
                raise ConfigError(
                    f"texts must be strings, got {type(text).__name__} for id {doc_id!r}"
                )
            self._put(doc_id, dict(Counter(tokenize(text))))

    def _put(self, doc_id: str, counts: dict[str, int]) -> None:
        self._drop(doc_id)
        self._norms = None
        self._docs[doc_id] = counts
        length = sum(counts.values())
        self._lengths[doc_id] = length
        self._total_length += length
        for term, count in counts.items():
            self._postings.setdefault(term, {})[doc_id] = count

    def _drop(self, doc_id: str) -> bool:
        counts = self._docs.pop(doc_id, None)
        if counts is None:
            return False
        self._norms = None
        self._total_length -= self._lengths.pop(doc_id)
        for term in counts:
            posting = self._postings[term]
            posting.pop(doc_id, None)
            if not posting:
                del self._postings[term]
        return True

    def remove(self, ids: list[str]) -> int:
        """Forget ``ids``; unknown ids are ignored. Returns how many were removed."""
        if isinstance(ids, str):  # a bare string would be iterated character by character
            ids = [ids]
        return sum(self._drop(doc_id) for doc_id in ids)

    # ---- searching ----------------------------------------------------------------------

    def search(self, query: str, k: int = 10, among: Container[str] | None = None
               ) -> list[tuple[str, float]]:
        """The ``k`` best (id, BM25 score) pairs, best first; [] when no query term is indexed.
        ``among``: only these ids (a question asked of some documents); None: all."""
        if isinstance(k, bool) or not isinstance(k, int):
            raise ConfigError(f"k must be an integer, got {k!r}")
        if k <= 0:
            raise ConfigError(f"k must be > 0, got {k}")
        if not self._docs:
            return []
        n = len(self._docs)
        norms = self._length_norms()
        scores: dict[str, float] = {}
        get = scores.get
        # Each distinct term counts once: a glossary expansion that repeats a word must not
        # outweigh the user's own words.
        for term in query_terms(query):
            posting = self._postings.get(term)
            if not posting:
                continue
            df = len(posting)
            # The "+1" form of idf is never negative, so a very common term cannot lower a score.
            weight = math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * (self.k1 + 1.0)
            for doc_id, tf in posting.items():
                if among is None or doc_id in among:
                    scores[doc_id] = get(doc_id, 0.0) + weight * tf / (tf + norms[doc_id])
        # Ties broken by id so results do not depend on insertion order.
        best = heapq.nsmallest(k, scores.items(), key=lambda item: (-item[1], item[0]))
        return [(doc_id, score) for doc_id, score in best]

    def _length_norms(self) -> dict[str, float]:
        """k1 * (1 - b + b * len/avg_len) per document, cached until the next add or remove."""
        if self._norms is None:
            avg = self._total_length / len(self._docs) or 1.0
            k1, b = self.k1, self.b
            self._norms = {d: k1 * (1.0 - b + b * n / avg) for d, n in self._lengths.items()}
        return self._norms


def best_scored(scores: np.ndarray, ids: np.ndarray, k: int,
                among: np.ndarray | None = None) -> list[tuple[str, float]]:
    """The ``k`` highest non-zero scores of an array over paragraph numbers (``ids``: number
    -> id), ties broken by id, as ``KeywordIndex`` ranks them; ``among``: only these numbers
    (looked at alone: a mask over every paragraph cost ~1 ms a search at 100,000 records,
    and a question naming a State searches each of its 70-odd submissions)."""
    scored = np.flatnonzero(scores) if among is None else among[scores[among] != 0]
    if len(scored) > k:
        kth = np.partition(scores[scored], len(scored) - k)[len(scored) - k]
        scored = scored[scores[scored] >= kth]  # every paragraph tied with the k-th stays
    ranked = sorted(scored, key=lambda number: (-scores[number], ids[number]))[:k]
    return [(ids[number], float(scores[number])) for number in ranked]
