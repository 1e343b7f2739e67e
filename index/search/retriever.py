"""Hybrid retrieval: dense (Chroma) + keyword (BM25 with the zh↔en glossary) + exact locators.

Signals are fused with reciprocal-rank fusion (index.search.fusion). A locator the question
names ("CCW/GGE.1/2023/2 para. 22 (c)", "第 20 段") is looked up exactly and always ranks
first: a researcher asking for a paragraph gets that paragraph, not its nearest neighbours.
"""

from __future__ import annotations

import math

from index.errors import ConfigError
from index.models import Hit, Paragraph
from index.search.catalogue import Catalogue
from index.search.held_vectors import MAX_HELD_SET, HeldVectors
from index.search.fusion import fuse_ranked
from index.search.keyword import load_segmenter
from index.search.lookup import named_paragraphs
from index.search.query import MAX_QUESTION_CHARS, Query, Wording, analyse
from index.search.result import Retrieval, Signal
from index.search.routing import named_years, routed_documents
from index.search.scope import Scope
from index.search.settings import RetrievalSettings
from index.store.paragraph_store import ParagraphStore
from index.un.symbols import find_symbols
from index.un.votes import is_separate_vote, names_a_draft_part


# The deepest one unfiltered dense query goes (``unfiltered_depth``, ``_nearest_among``): a
# language or a large document rarer than 2 × candidates / this (4 % with 60) is searched by
# Chroma's filtered query instead.
MAX_UNFILTERED_DEPTH = 3000
# The most records of one language searched from vectors held in memory when the unfiltered
# query brings too few of it (~300 MB of 768-dimension float32; read once per generation of the
# store: 3.2 s for 80,590 at 100,000 records).
MAX_HELD_LANGUAGE = 100_000


class Retriever:
    """Finds paragraphs for a query. Build once per process: its catalogue loads the keyword
    index.

    Args:
        store: the paragraph store (its embedder embeds queries).
        settings: the named retrieval settings (index.search.settings).
    """

    def __init__(self, store: ParagraphStore, settings: RetrievalSettings | None = None):
        self.store = store
        self.settings = settings or RetrievalSettings()
        self.candidates = self.settings.candidates
        self.catalogue = Catalogue(store)
        self.held = HeldVectors()  # small sets' vectors, searched without a Chroma filter
        self._snapshot: tuple[str, object] | None = None  # (generation, the store's snapshot)
        self._warming = False  # warm_up is reading the languages' vectors

    def warm_up(self) -> None:
        """Load jieba and bring each language's vectors into memory (at 100,000 records: 5-7 s);
        the page runs it beside its first questions, not before them
        (index.search.held_vectors). Meanwhile a question searches a language not yet held
        with Chroma (``nearest_by_language``) instead of reading it too: an English first question
        at 100,000 records read the 19,410 Chinese vectors itself while the warm-up read the
        English ones, 3 s of its 7-9 s."""
        self._warming = True
        try:
            load_segmenter()
            loaded = self.catalogue.current()
            snapshot = self.snapshot(loaded.stamp)
            for lang in loaded.langs:
                self.held.nearest(snapshot, loaded, ("lang", lang), loaded.by_lang[lang], None,
                                  0, MAX_HELD_LANGUAGE)
        finally:
            self._warming = False

    def analyse(self, question: str, history=(), limit: int = MAX_QUESTION_CHARS,
                scope: Scope | None = None) -> Query:
        """``analyse`` against this index's documents."""
        return analyse(question, history, self.catalogue, limit, scope)

    def search(self, query: Query | str, k: int = 5, history=()) -> list[Hit]:
        """The ``k`` best paragraphs for ``query``; a string is analysed first, with
        ``history`` (earlier user turns, oldest first)."""
        return self.retrieve(query, k, history).hits

    def retrieve(self, query: Query | str, k: int = 5, history=()) -> Retrieval:
        """The ``k`` best paragraphs for ``query`` with what found them: one generation of
        the catalogue, one snapshot of the store, the scope resolved once."""
        if isinstance(query, str):
            query = self.analyse(query, history)
        if k <= 0:
            raise ConfigError(f"k must be > 0, got {k}")
        loaded = self.catalogue.current()  # one generation for the whole search
        exact = named_paragraphs(query, self.catalogue)
        snapshot = self.snapshot(loaded.stamp)
        scope = self.catalogue.in_scope(query.scope)
        signals = tuple(signal for wording in query.wordings
                        for signal in self._signals(loaded, snapshot, query, wording, scope))
        scores, sources = fuse_ranked((s.name, [pid for pid, _ in s.scored]) for s in signals)
        for p in exact:
            # Every exactly named paragraph ranks above the rest; among several (para. 2 of
            # each document), the question's language and its fused relevance decide.
            same_lang = 0.5 if p.lang == query.search_lang else 0.0
            scores[p.id] = self.settings.locator_score + same_lang + scores.get(p.id, 0.0)
            sources[p.id].add("locator")

        paragraphs = loaded.paragraphs
        meant = dict(query.documents_meant)
        asks_about_a_part = names_a_draft_part(query.search_text)  # once, not per candidate
        for pid in scores:
            if "locator" not in sources[pid] and pid in paragraphs:
                paragraph = paragraphs[pid]
                # Raised by how strongly the question names its document (routing).
                scores[pid] *= (brevity_prior(paragraph, self.settings.short_text)
                                * (1.0 + self.settings.document_weight
                                   * meant.get(paragraph.doc_id, 0.0)))
                if not asks_about_a_part and is_separate_vote(paragraph.text):
                    scores[pid] *= self.settings.separate_vote_weight
                if "submission" in sources[pid] and (
                        not meant or meant.get(paragraph.doc_id, 0.0) >= 1.0):
                    # Unless the question names another document more strongly ("China's
                    # definition in the Chair's compilation" is not China's own reply).
                    scores[pid] += self.settings.submission_score
        # Only what this generation holds: a paragraph another process added since is not
        # loaded yet, one it removed is gone from the store.
        ranked_ids = sorted((pid for pid in scores if pid in paragraphs),
                            key=lambda pid: -scores[pid])[:k]
        hits = [Hit(paragraphs[pid], scores[pid], tuple(sorted(sources[pid])))
                for pid in ranked_ids]
        dense, keyword = self._closeness(signals, query, loaded, snapshot, scope)
        return Retrieval(query, hits, signals, query.documents_meant, dense, keyword,
                         named_years(query, loaded))

    def snapshot(self, stamp: str):
        """The store's live collection, resolved once per generation of the catalogue
        (resolving the pointer and counting cost 8-15 ms a search at 100,000 records)."""
        cached = self._snapshot
        if cached is None or cached[0] != stamp:
            cached = self._snapshot = (stamp, self.store.snapshot())
        return cached[1]

    def _closeness(self, signals, query: Query, loaded, snapshot, scope) -> tuple[float, float]:
        """(best dense similarity, best keyword score) of the standalone question, read off
        its own signals when it was searched (always, but for a wording no search used)."""
        wording = query.standalone_wording
        mine = [s for s in signals if s.wording == wording.text]
        if not mine:
            mine = list(self._signals(loaded, snapshot, query, wording, scope))
        # The dense list is ranked with cross-language similarities raised: its best
        # similarity itself may stand lower down.
        best = {name: max((score for s in mine if s.name == name for _, score in s.scored),
                          default=0.0) for name in ("dense", "keyword")}
        return best["dense"], best["keyword"]

    def _signals(self, loaded, snapshot, query: Query, wording: Wording, scope):
        vector = query.vector(wording, self.store.embedder.embed_query)
        # One dense list over every language, cross-language similarities raised by
        # the cross-language offset: they run systematically lower, so unadjusted the English
        # paragraph that answers a Chinese question (and vice versa) would sit under
        # same-language near misses. (One list per language, as before the library, gave
        # the two Chinese documents the top ranks of every English question once the English
        # side grew to eleven documents: library hit@5 0.60, core 0.96 → 0.81.)
        found = [(score + (0.0 if lang == query.search_lang
                           else self.settings.cross_language_offset), score, pid)
                 for pid, score, lang in self.nearest_by_language(loaded, snapshot, vector, scope)]
        # Ranked by the adjusted similarity, kept with the similarity itself.
        ranked = sorted(found, key=lambda f: (f[0], f[2]), reverse=True)[: self.candidates]
        yield Signal("dense", wording.text, tuple((pid, score) for _, score, pid in ranked))
        for symbol in query.document_symbols:
            # The question names a document: rank within it too.
            ids = frozenset().union(*(ids for doc, ids in loaded.by_document.items()
                                      if loaded.paragraphs[next(iter(ids))].symbol == symbol))
            yield self._dense_among("document", wording, vector, snapshot, loaded,
                                    ("symbol", symbol), ids, within(scope, symbol=symbol), scope)
        if not query.document_symbols:
            for doc_id in routed_documents(query, loaded, scope, self.settings.route_margin):
                # The one document its card names ("the letter from Belarus"): its own best
                # paragraphs join the candidates even when the whole library outranks them.
                yield self._dense_among("document", wording, vector, snapshot, loaded,
                                        ("doc", doc_id), loaded.by_document.get(doc_id, ()),
                                        within(scope, doc_id=doc_id), scope)
                yield self._keyword("document", wording, loaded,
                                    loaded.by_document.get(doc_id, frozenset()))
        yield self._keyword("keyword", wording, loaded, scope and scope[1])
        for symbol in find_symbols(wording.text):
            # A symbol the library holds no document of (a draft, "A/C.1/79/L.43"): the
            # records that mention it, such as the draft's account in a committee report.
            mentions = loaded.by_mention.get(symbol, frozenset())
            if symbol not in loaded.symbols and mentions:
                yield self._keyword("mention", wording, loaded,
                                    mentions & scope[1] if scope else mentions)
        for symbol, part in query.submissions:
            # The question names a State: search within what it submitted.
            yield self._dense_among("submission", wording, vector, snapshot, loaded,
                                    ("submission", symbol, part),
                                    loaded.by_submission.get((symbol, part), ()),
                                    within(scope, symbol=symbol, part=part), scope)
            yield self._keyword("submission", wording, loaded,
                                loaded.by_submission.get((symbol, part), frozenset()))

    def nearest_by_language(self, loaded, snapshot, vector, scope):
        """(id, similarity, language) of the nearest paragraphs, ``candidates`` of each language.

        Each language is searched from its vectors held in memory (index.search.held_vectors;
        up to MAX_HELD_LANGUAGE records): exact, and cheaper than any query to Chroma (5 ms for
        80,590 vectors of 100,000 records; over the eleven-document library 1-2 ms against
        23 ms for the unfiltered query below, most of a search after embedding the question).
        A language not held (larger, or not yet read by the warm-up while it runs) comes from
        one query without a filter, split by language, deep enough to bring twice the
        candidates of the smallest language if languages mixed (``unfiltered_depth``): a
        ``where`` on the language made Chroma read the metadata of every paragraph of that
        language for each query (75-275 ms at 100,000 records). When that brought too few of
        it, Chroma's filtered query. Inside a scope, one filtered query per language."""
        langs, c = loaded.langs, self.candidates
        if scope is not None:
            return [(pid, score, lang) for lang in langs for pid, score in
                    snapshot.nearest_ids(vector, c, where=within(scope, lang=lang))]
        largest = MAX_HELD_SET if self._warming else MAX_HELD_LANGUAGE
        by_lang = {lang: self.held.nearest(snapshot, loaded, ("lang", lang), loaded.by_lang[lang],
                                           vector, c, largest) for lang in langs}
        missing = {lang: [] for lang, found in by_lang.items() if found is None}
        if missing:
            paragraphs = loaded.paragraphs
            sizes = {lang: len(ids) for lang, ids in loaded.by_lang.items()}
            for pid, score in snapshot.nearest_ids(vector, unfiltered_depth(sizes, c)):
                if pid in paragraphs and paragraphs[pid].lang in missing:
                    missing[paragraphs[pid].lang].append((pid, score))
            for lang, found in missing.items():
                by_lang[lang] = found if len(found) >= c else snapshot.nearest_ids(
                    vector, c, where={"lang": lang})
        return [(pid, score, lang) for lang, found in by_lang.items() for pid, score in found[:c]]

    def _dense_among(self, name: str, wording: Wording, vector, snapshot, loaded, key, ids,
                     where: dict, scope) -> Signal:
        """The nearest paragraphs of a small set (a submission, a document) from its vectors
        held in memory (index.search.held_vectors); a large set by Chroma's filtered query."""
        if scope is not None:
            ids, key = frozenset(ids) & scope[1], (key, scope[0])
        found = self.held.nearest(snapshot, loaded, key, ids, vector, self.candidates)
        if found is None:  # too large to hold: from one unfiltered query when it is common
            found = self._nearest_among(snapshot, vector, ids, len(loaded.paragraphs))
        if found is None:
            return self._dense(name, wording, vector, snapshot, where)
        return Signal(name, wording.text, tuple(found))

    def _nearest_among(self, snapshot, vector, ids, total: int) -> list | None:
        """The nearest ``candidates`` of ``ids`` from one unfiltered query deep enough to
        hold twice as many of them (a document of 5,000 of 100,000 paragraphs: 2,400 deep,
        ~14 ms, against 0.4-0.5 s for Chroma's query filtered by document); None when that is
        deeper than MAX_UNFILTERED_DEPTH or still brought too few."""
        c = self.candidates
        depth = math.ceil(2 * c * total / max(len(ids), 1))
        if depth > MAX_UNFILTERED_DEPTH:
            return None
        found = [(pid, score) for pid, score in snapshot.nearest_ids(vector, depth)
                 if pid in ids]
        return found[:c] if len(found) >= c else None

    def _dense(self, name: str, wording: Wording, vector, snapshot, where: dict) -> Signal:
        return Signal(name, wording.text, tuple(snapshot.nearest_ids(vector, self.candidates,
                                                                     where=where)))

    def _keyword(self, name: str, wording: Wording, loaded, among) -> Signal:
        return Signal(name, wording.text, tuple(loaded.keywords.search(
            wording.keywords, self.candidates, among)))


def within(scope: tuple[frozenset[str], frozenset[str]] | None, **equals) -> dict:
    """A Chroma ``where`` for metadata ``equals``, inside the scope's documents when one is
    given (``Catalogue.in_scope``)."""
    clauses = [{key: value} for key, value in equals.items()]
    if scope is not None:
        clauses.append({"doc_id": {"$in": sorted(scope[0]) or [""]}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def unfiltered_depth(lang_counts: dict[str, int], candidates: int) -> int:
    """How many neighbours one unfiltered query asks for: twice the candidates of each
    language at least, and enough that the smallest language's share of them is twice its
    candidates, up to MAX_UNFILTERED_DEPTH (HNSW at 100,000 records: 2 ms for 240, 4 ms for
    600, 12 ms for 2,000, 23 ms for 4,000) and the number of records."""
    if not lang_counts:
        return candidates
    total, smallest = sum(lang_counts.values()), min(lang_counts.values())
    wanted = max(2 * candidates * len(lang_counts), math.ceil(2 * candidates * total / smallest))
    return max(1, min(total, wanted, MAX_UNFILTERED_DEPTH))


def brevity_prior(paragraph: Paragraph, short_text: int = 20) -> float:
    """Down-weight very short records (salutations, signatures, "关于议程项目 5。").

    They carry the document's title in their retrieval text and little else, so they match
    every question about that document while answering none.
    """
    length = len(paragraph.text)
    return min(1.0, (length + short_text) / (2 * short_text))
