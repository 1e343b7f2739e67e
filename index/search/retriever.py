"""Hybrid retrieval: dense (Chroma) + keyword (BM25 with the zh↔en glossary) + exact locators.

Signals are fused with reciprocal-rank fusion (index.search.fusion). A locator the question
names ("CCW/GGE.1/2023/2 para. 22 (c)", "第 20 段") is looked up exactly and always ranks
first: a researcher asking for a paragraph gets that paragraph, not its nearest neighbours.
"""

from __future__ import annotations

from index.errors import ConfigError
from index.models import Hit, Paragraph
from index.search.catalogue import Catalogue
from index.search.fusion import fuse_ranked
from index.search.lookup import named_paragraphs
from index.search.query import MAX_QUESTION_CHARS, Query, Wording, analyse
from index.search.routing import is_submission, voice_of
from index.search.scope import Scope
from index.store.paragraph_store import ParagraphStore

LOCATOR_SCORE = 1.0  # far above any fused RRF score (at most ~0.05)
# A question naming a State ("What did China say …?") is answered from that State's own
# submission first: its paragraphs rank above the rest, below exactly named paragraphs.
SUBMISSION_SCORE = 0.5
CROSS_LANGUAGE_OFFSET = 0.05
SHORT_TEXT = 20  # characters
DOCUMENT_WEIGHT = 1.0
ROUTE_MARGIN = 0.5  # the runner-up's card score, relative to the best, under which to route
VOICE_WEIGHTS: dict[str, float] = {}  # measured: {"submission": 0.85, "agreed": 1.1} lost 0.01 hit@5
REPEAT_EXPONENT = 0.0


class Retriever:
    """Finds paragraphs for a query. Build once per process: its catalogue loads the keyword
    index.

    Args:
        store: the paragraph store (its embedder embeds queries).
        candidates: how many results each signal contributes before fusion (> 0).
    """

    def __init__(self, store: ParagraphStore, candidates: int = 60):
        if candidates <= 0:
            raise ConfigError(f"candidates must be > 0, got {candidates}")
        self.store = store
        self.candidates = candidates
        self.catalogue = Catalogue(store)

    def analyse(self, question: str, history=(), limit: int = MAX_QUESTION_CHARS,
                scope: Scope | None = None) -> Query:
        """``analyse`` against this index's documents."""
        return analyse(question, history, self.catalogue, limit, scope)

    def search(self, query: Query | str, k: int = 5, history=()) -> list[Hit]:
        """The ``k`` best paragraphs for ``query``; a string is analysed first, with
        ``history`` (earlier user turns, oldest first)."""
        if isinstance(query, str):
            query = self.analyse(query, history)
        if k <= 0:
            raise ConfigError(f"k must be > 0, got {k}")
        loaded = self.catalogue.current()  # one generation for the whole search
        exact = named_paragraphs(query, self.catalogue)
        snapshot = self.store.snapshot()
        scope = self.catalogue.in_scope(query.scope)
        scores, sources = fuse_ranked(
            signal for wording in query.wordings
            for signal in self._signals(loaded, snapshot, query, wording, scope))
        for p in exact:
            # Every exactly named paragraph ranks above the rest; among several (para. 2 of
            # each document), the question's language and its fused relevance decide.
            same_lang = 0.5 if p.lang == query.search_lang else 0.0
            scores[p.id] = LOCATOR_SCORE + same_lang + scores.get(p.id, 0.0)
            sources[p.id].add("locator")

        paragraphs = loaded.paragraphs
        meant = dict(query.documents_meant)
        for pid in scores:
            if "locator" not in sources[pid] and pid in paragraphs:
                scores[pid] *= (brevity_prior(paragraphs[pid])
                                * document_prior(paragraphs[pid], meant, query, loaded))
                if "submission" in sources[pid] and (
                        not meant or meant.get(paragraphs[pid].doc_id, 0.0) >= 1.0):
                    # Unless the question names another document more strongly ("China's
                    # definition in the Chair's compilation" is not China's own reply).
                    scores[pid] += SUBMISSION_SCORE
        # Only what this generation holds: a paragraph another process added since is not
        # loaded yet, one it removed is gone from the store.
        ranked_ids = sorted((pid for pid in scores if pid in paragraphs),
                            key=lambda pid: -scores[pid])[:k]
        return [Hit(paragraphs[pid], scores[pid], tuple(sorted(sources[pid])))
                for pid in ranked_ids]

    def relevance(self, query: Query) -> tuple[float, float]:
        """(best dense similarity in any language, best keyword score) for the standalone
        question: how much the corpus has to say about it at all (index.search.relevance)."""
        wording = query.standalone_wording
        vector = query.vector(wording, self.store.embedder.embed_query)
        snapshot = self.store.snapshot()
        scope = self.catalogue.in_scope(query.scope)
        dense = max((score for lang in self.catalogue.langs for _, score in
                     snapshot.nearest_ids(vector, 1, where=within(scope, lang=lang))),
                    default=0.0)
        found = self.catalogue.keywords.search(wording.keywords, 1, scope and scope[1])
        return dense, (found[0][1] if found else 0.0)

    def _signals(self, loaded, snapshot, query: Query, wording: Wording, scope):
        vector = query.vector(wording, self.store.embedder.embed_query)
        # One dense list over every language, cross-language similarities raised by
        # CROSS_LANGUAGE_OFFSET: they run systematically lower, so unadjusted the English
        # paragraph that answers a Chinese question (and vice versa) would sit under
        # same-language near misses. (One list per language, as before the library, gave
        # the two Chinese documents the top ranks of every English question once the English
        # side grew to eleven documents: library hit@5 0.60, core 0.96 → 0.81.)
        found = []
        for lang in loaded.langs:
            offset = 0.0 if lang == query.search_lang else CROSS_LANGUAGE_OFFSET
            found += [(score + offset, pid) for pid, score in snapshot.nearest_ids(
                vector, self.candidates, where=within(scope, lang=lang))]
        yield "dense", [pid for _, pid in sorted(found, reverse=True)[: self.candidates]]
        for symbol in query.document_symbols:
            # The question names a document: rank within it too.
            hits = snapshot.nearest_ids(vector, self.candidates,
                                        where=within(scope, symbol=symbol))
            yield "document", [pid for pid, _ in hits]
        if not query.document_symbols:
            for doc_id in routed_documents(query, loaded, scope):
                # The one document its card names ("the letter from Belarus"): its own best
                # paragraphs join the candidates even when the whole library outranks them.
                hits = snapshot.nearest_ids(vector, self.candidates,
                                            where=within(scope, doc_id=doc_id))
                yield "document", [pid for pid, _ in hits]
                among = loaded.by_document.get(doc_id, frozenset())
                yield "document", [pid for pid, _ in loaded.keywords.search(
                    wording.keywords, self.candidates, among)]
        yield "keyword", [pid for pid, _ in loaded.keywords.search(
            wording.keywords, self.candidates, scope and scope[1])]
        for symbol, part in query.submissions:
            # The question names a State: search within what it submitted.
            hits = snapshot.nearest_ids(vector, self.candidates,
                                        where=within(scope, symbol=symbol, part=part))
            yield "submission", [pid for pid, _ in hits]
            among = loaded.by_submission.get((symbol, part), frozenset())
            yield "submission", [pid for pid, _ in loaded.keywords.search(
                wording.keywords, self.candidates, among)]


def within(scope: tuple[frozenset[str], frozenset[str]] | None, **equals) -> dict:
    """A Chroma ``where`` for metadata ``equals``, inside the scope's documents when one is
    given (``Catalogue.in_scope``)."""
    clauses = [{key: value} for key, value in equals.items()]
    if scope is not None:
        clauses.append({"doc_id": {"$in": sorted(scope[0]) or [""]}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def routed_documents(query: Query, loaded, scope=None) -> list[str]:
    """The documents searched on their own: those the question names best by card, when
    they are one document (its language versions) and nothing else comes close; only inside
    the scope asked of (``Catalogue.in_scope``)."""
    best = [doc_id for doc_id, weight in query.documents_meant if weight >= 1.0
            and (scope is None or doc_id in scope[0])]
    owners = {loaded.cards.cards[d].symbol or d for d in best if d in loaded.cards.cards}
    runner_up = max((w for _, w in query.documents_meant if w < 1.0), default=0.0)
    return best if len(owners) == 1 and runner_up <= ROUTE_MARGIN else []


def document_prior(paragraph: Paragraph, meant: dict[str, float], query: Query,
                   loaded) -> float:
    """How much a paragraph's document and voice weigh: raised by how strongly the question
    names its document (routing), lowered for one State's view when the question does not
    ask for views, raised for agreed text, lowered for an opening its document repeats."""
    weight = 1.0 + DOCUMENT_WEIGHT * meant.get(paragraph.doc_id, 0.0)
    if not query.asks_views:
        # One State's view filed in a report weighs less than agreed text on the same point;
        # a State's own letter is not down-weighted (a question about it means it).
        voice = ("submission" if is_submission(paragraph)
                 else voice_of(paragraph, loaded.cards.cards.get(paragraph.doc_id)))
        weight *= VOICE_WEIGHTS.get(voice, 1.0)
    return weight / loaded.repeats.get(paragraph.id, 1) ** REPEAT_EXPONENT


def brevity_prior(paragraph: Paragraph) -> float:
    """Down-weight very short records (salutations, signatures, "关于议程项目 5。").

    They carry the document's title in their retrieval text and little else, so they match
    every question about that document while answering none.
    """
    length = len(paragraph.text)
    return min(1.0, (length + SHORT_TEXT) / (2 * SHORT_TEXT))
