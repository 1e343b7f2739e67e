"""Hybrid retrieval: dense (Chroma) + keyword (BM25 with the zh↔en glossary) + exact locators.

Signals are fused with reciprocal-rank fusion, which needs no score calibration between a cosine
similarity and a BM25 score. A locator the question names ("CCW/GGE.1/2023/2 para. 22 (c)",
"第 20 段") is looked up exactly and always ranks first: a researcher asking for a paragraph
gets that paragraph, not its nearest neighbours.
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from index.errors import ConfigError, QueryError
from index.un.glossary import expand_query, formalize
from index.search.keyword import KeywordIndex
from index.search.locators import Locator, find_symbols, ga_resolution_symbols, parse_locators
from index.models import (BODY, COVERING_LETTER, FOOTNOTES, PREAMBLE, ROMAN, Hit, Paragraph,
                     split_reply)
from index.store.chroma import ParagraphStore
from index.language import detect_lang

RRF_K = 60
LOCATOR_SCORE = 1.0  # far above any fused RRF score (at most ~0.05)
MAX_QUERY_CHARS = 2000
# Earlier questions a follow-up may lean on. The chain and the search use the last one or two;
# unbounded, one 200,000-character history item cost 33 s of CPU before any check.
MAX_HISTORY_TURNS = 20
SHORT_TEXT = 20  # characters
# How often a reader asks the store whether another process changed it (one ~0.3 ms metadata
# read): a document added or removed from the terminal is served within about this long.
CHANGE_CHECK_S = 1.0


def part_rank(part: str) -> int:
    part = split_reply(part)[0]  # a State's reply files under its annex (or the body)
    if part == PREAMBLE:
        return 0
    if part in (BODY, COVERING_LETTER):
        return 1
    if part.startswith("annex "):
        numeral = part.split(" ", 1)[1]
        return 2 + (ROMAN.index(numeral) if numeral in ROMAN else len(ROMAN))
    if part == FOOTNOTES:
        return 100
    return 50


def document_order(p: Paragraph) -> tuple:
    """Sort key that puts a document's records in reading order (items after their lead)."""
    # States' replies follow the text they are filed in, in the UN's alphabetical order.
    return (part_rank(p.part), split_reply(p.part)[1], p.kind == "footnote", p.ordinal,
            p.item_ordinal or 0)


@dataclass(frozen=True)
class _Loaded:
    """What a retriever holds in memory, read from one generation of the store. Swapped whole,
    so a search running meanwhile sees one generation, never a mix."""

    generation: str
    paragraphs: dict[str, Paragraph]
    keywords: KeywordIndex
    by_key: dict[str, list[Paragraph]]
    reply_parts: dict[str, set[str]]  # symbol -> {"annex I, Peru", …}
    langs: list[str]
    symbols: set[str]


class Retriever:
    """Finds paragraphs for a question. Build once per process: it loads the keyword index.

    Args:
        store: the paragraph store (its embedder embeds queries).
        candidates: how many results each signal contributes before fusion (> 0).
    """

    def __init__(self, store: ParagraphStore, candidates: int = 60):
        if candidates <= 0:
            raise ConfigError(f"candidates must be > 0, got {candidates}")
        self.store = store
        self.candidates = candidates
        # The chain embeds the same question for its relevance check and for the search:
        # remember the last few vectors (a handful only, so repeated benchmark rounds still
        # pay for every embedding).
        self._embed_query = lru_cache(maxsize=4)(store.embedder.embed_query)
        self._reloading = threading.Lock()
        self._checked_at = time.monotonic()
        self._loaded = self._load()

    def reload(self) -> None:
        """Read the store again (after documents were added or removed): built aside, then
        swapped in, so a search running meanwhile sees the old index or the new one."""
        self._loaded = self._load()

    def _load(self) -> _Loaded:
        generation = self.store.generation()  # before reading: a write meanwhile shows later
        records = self.store.with_keyword_texts()
        paragraphs: dict[str, Paragraph] = {p.id: p for p, _ in records}
        keywords = KeywordIndex()
        keywords.add([p.id for p, _ in records], [text for _, text in records])
        by_key: dict[str, list[Paragraph]] = defaultdict(list)
        reply_parts: dict[str, set[str]] = defaultdict(set)
        for p in paragraphs.values():
            by_key[p.key].append(p)
            if p.symbol and split_reply(p.part)[1]:
                reply_parts[p.symbol].add(p.part)
        return _Loaded(generation, paragraphs, keywords, dict(by_key), dict(reply_parts),
                       sorted({p.lang for p in paragraphs.values()}),
                       {p.symbol for p in paragraphs.values() if p.symbol})

    def current(self) -> _Loaded:
        """What this retriever serves, read again first when another process (``assistant
        index``/``remove`` in a terminal) changed the store; checked at most every
        CHANGE_CHECK_S. One thread reloads; the others keep serving the previous generation."""
        loaded = self._loaded
        now = time.monotonic()
        if now - self._checked_at < CHANGE_CHECK_S:
            return loaded
        self._checked_at = now
        if self.store.generation() == loaded.generation:
            return loaded
        if not self._reloading.acquire(blocking=False):
            return loaded
        try:
            self.store.refresh()  # this process's vector index is outdated too
            self._loaded = self._load()
        finally:
            self._reloading.release()
        return self._loaded

    # What is loaded, always the current generation (see ``current``).
    @property
    def paragraphs(self) -> dict[str, Paragraph]:
        return self.current().paragraphs

    @property
    def keywords(self) -> KeywordIndex:
        return self.current().keywords

    @property
    def langs(self) -> list[str]:
        return self.current().langs

    @property
    def symbols(self) -> set[str]:
        return self.current().symbols

    # ---- public ---------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, history: list[str] | tuple = ()) -> list[Hit]:
        """The ``k`` best paragraphs for ``query`` (history: earlier user turns, oldest first)."""
        query = validate_query(query)
        history = validate_history(history)
        if k <= 0:
            raise ConfigError(f"k must be > 0, got {k}")
        lang = detect_lang(query)
        loaded = self.current()  # one generation for the whole search
        exact = self.lookup(query, history, lang)

        scores: dict[str, float] = defaultdict(float)
        sources: dict[str, set] = defaultdict(set)
        queries = [query]
        if history:
            # A follow-up ("And what about training?") leans on the previous turn: search with
            # both, so neither an elliptical follow-up nor a change of topic loses out.
            queries.append(f"{history[-1]} {query}")
        named = self.named_symbols(" ".join([*history[-1:], query]))
        snapshot = self.store.snapshot()
        for text in queries:
            for name, ranked in self._signals(loaded, snapshot, text, named):
                for rank, pid in enumerate(ranked):
                    scores[pid] += 1.0 / (RRF_K + rank + 1)
                    sources[pid].add(name)
        for p in exact:
            # Every exactly named paragraph ranks above the rest; among several (para. 2 of
            # each document), the question's language and its fused relevance decide.
            same_lang = 0.5 if p.lang == lang else 0.0
            scores[p.id] = LOCATOR_SCORE + same_lang + scores.get(p.id, 0.0)
            sources[p.id].add("locator")

        paragraphs = loaded.paragraphs
        for pid in scores:
            if "locator" not in sources[pid] and pid in paragraphs:
                scores[pid] *= brevity_prior(paragraphs[pid])
        # Only what this generation holds: a paragraph another process added since is not
        # loaded yet, one it removed is gone from the store.
        ranked_ids = sorted((pid for pid in scores if pid in paragraphs),
                            key=lambda pid: -scores[pid])[:k]
        return [Hit(paragraphs[pid], scores[pid], tuple(sorted(sources[pid])))
                for pid in ranked_ids]

    def lookup(self, text: str, history=(), lang: str | None = None) -> list[Paragraph]:
        """Paragraphs that a locator in ``text`` names exactly, question language first.

        A locator without a symbol ("第 20 段") takes the symbol from the most recent earlier
        turn that named one, as a reader would.
        """
        locators = [loc for loc in parse_locators(text) if loc.number or loc.item]
        if not locators:
            return []
        context_symbol = None
        for turn in [text, *reversed(list(history))]:
            named = self.named_symbols(turn)
            if named:
                context_symbol = named[0]
                break
        found: list[Paragraph] = []
        for loc in locators:
            loc = self.narrow_to_reply(
                text, Locator(loc.symbol or context_symbol, loc.part, loc.number, loc.item))
            found.extend(p for p in self.resolve(loc) if p not in found)
        lang = lang or detect_lang(text)
        return sorted(found, key=lambda p: (p.lang != lang, document_order(p)))

    def narrow_to_reply(self, text: str, loc: Locator) -> Locator:
        """A State's reply named in the text ("annex I, Australia, para. 3") narrows the
        locator's part to that reply: locators know annexes, not the replies filed in them."""
        if not loc.symbol:
            return loc
        lowered = text.lower()
        named = [reply for reply in self.current().reply_parts.get(loc.symbol, ())
                 if loc.part in (None, split_reply(reply)[0])
                 and re.search(r"\b" + re.escape(split_reply(reply)[1].lower()) + r"\b",
                               lowered)]
        if not named:
            return loc
        return Locator(loc.symbol, max(named, key=len), loc.number, loc.item)

    def resolve(self, loc: Locator) -> list[Paragraph]:
        """Every paragraph a locator matches (any language)."""
        out = []
        for p in self.paragraphs.values():
            if loc.symbol and p.symbol != loc.symbol:
                continue
            if loc.part and p.part != loc.part:
                continue
            if loc.number is not None:
                # "paragraph 3" of an unnumbered part means its third (counted) paragraph.
                counted = p.number is None and p.locator.lstrip("#") == loc.number.lstrip("#")
                if p.locator != loc.number and not counted:
                    continue
            elif loc.item is not None:
                if p.item != loc.item:
                    continue
            out.append(p)
        if loc.number is not None and not loc.number.startswith("#"):
            official = [p for p in out if p.number is not None]
            if official or (loc.part is None and loc.symbol is None):
                # A printed number wins over a counted position ("para. 2" of a resolution is
                # operative paragraph 2, not the second preambular one); with no document
                # named, counted positions in letters are never what was meant.
                out = official
        return sorted(out, key=document_order)

    def relevance(self, query: str) -> tuple[float, float]:
        """(best dense similarity in any language, best keyword score): how much the corpus
        has to say about a question at all, for the chain's "not covered" decision."""
        text = formalize(validate_query(query))
        vector = self._embed_query(text)
        snapshot = self.store.snapshot()
        dense = max((score for lang in self.langs
                     for _, score in snapshot.nearest_ids(vector, 1, where={"lang": lang})),
                    default=0.0)
        found = self.keywords.search(f"{text} {expand_query(text)}", 1)
        return dense, (found[0][1] if found else 0.0)

    def named_symbols(self, text: str) -> list[str]:
        """Indexed documents a text names by symbol or as "resolution 78/241"."""
        named = find_symbols(text) + ga_resolution_symbols(text)
        return [s for s in dict.fromkeys(named) if s in self.symbols]

    def counterpart(self, paragraph: Paragraph) -> Paragraph | None:
        """The same paragraph in the other language version, when the corpus has it."""
        for other in self.current().by_key.get(paragraph.key, []):
            if other.lang != paragraph.lang:
                return other
        return None

    def document(self, symbol_or_doc_id: str) -> list[Paragraph]:
        """All records of a document (every language version), in reading order."""
        wanted = symbol_or_doc_id.strip()
        found = [p for p in self.paragraphs.values() if wanted in (p.symbol, p.doc_id)]
        return sorted(found, key=lambda p: (p.lang, document_order(p)))

    # ---- signals --------------------------------------------------------------------------
    def _signals(self, loaded: _Loaded, snapshot, text: str, named: list[str] = ()):
        text = formalize(text)
        expanded = f"{text} {expand_query(text)}".strip()
        vector = self._embed_query(text)
        # One dense list per corpus language: cross-language similarities run systematically
        # lower, so a single list would bury the English paragraph that answers a Chinese
        # question (and vice versa) under same-language near misses.
        for lang in loaded.langs:
            hits = snapshot.nearest_ids(vector, self.candidates, where={"lang": lang})
            yield "dense", [pid for pid, _ in hits]
        for symbol in named:
            # The question names a document: rank within it too.
            hits = snapshot.nearest_ids(vector, self.candidates, where={"symbol": symbol})
            yield "document", [pid for pid, _ in hits]
        yield "keyword", [pid for pid, _ in loaded.keywords.search(expanded, self.candidates)]


def brevity_prior(paragraph: Paragraph) -> float:
    """Down-weight very short records (salutations, signatures, "关于议程项目 5。").

    They carry the document's title in their retrieval text and little else, so they match
    every question about that document while answering none.
    """
    length = len(paragraph.text)
    return min(1.0, (length + SHORT_TEXT) / (2 * SHORT_TEXT))


_WORD_CHAR_RE = re.compile(r"\w")  # a letter, digit or CJK character (Unicode \w)


def validate_query(query: str, limit: int = MAX_QUERY_CHARS, what: str = "the question") -> str:
    """The question with runs of whitespace made one space; QueryError naming the limit when
    it is empty, has no words at all ("?!…") or is longer than ``limit`` characters. The
    length is checked before anything else reads the text."""
    if query is None or not str(query).strip():
        raise QueryError(f"{what} is empty: type a question or a citation")
    query = str(query)
    if len(query) > 2 * limit:  # whitespace cannot shrink it below the limit: no need to clean
        raise QueryError(f"{what} is {len(query)} characters long; the limit is {limit}")
    query = re.sub(r"\s+", " ", query).strip()
    if len(query) > limit:
        raise QueryError(f"{what} is {len(query)} characters long; the limit is {limit}")
    if not _WORD_CHAR_RE.search(query):
        raise QueryError(f"{what} has no words, only punctuation: type a question or a citation")
    return query


def validate_history(history, limit: int = MAX_QUERY_CHARS,
                     max_turns: int = MAX_HISTORY_TURNS) -> list[str]:
    """Earlier user turns, each checked like a question; QueryError naming the limit when
    there are more than ``max_turns`` or one is too long or not text."""
    if history is None:
        return []
    if isinstance(history, str) or not isinstance(history, (list, tuple)):
        raise QueryError("the history must be a list of earlier questions")
    if len(history) > max_turns:
        raise QueryError(f"the history has {len(history)} earlier questions; the limit is "
                         f"{max_turns}")
    turns = []
    for number, turn in enumerate(history, 1):
        if not isinstance(turn, str):
            raise QueryError(f"earlier question {number} is not text")
        turns.append(validate_query(turn, limit, f"earlier question {number}"))
    return turns
