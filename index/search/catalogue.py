"""What the index holds, in memory for searching and browsing: every paragraph by id, the
keyword index, each paragraph's other language version, the documents' symbols and the
States' replies filed in their annexes — brought up to date, document by document, when
another process changes the store (index.search.held_documents).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import defaultdict
from functools import lru_cache

from index.models import (BODY, COVERING_LETTER, FOOTNOTES, PREAMBLE, ROMAN, Paragraph,
                          split_reply)
from index.errors import QueryError
from index.search.keyword import KeywordIndex
from index.search.generation import Generation
from index.search.held_documents import HeldDocuments, HeldFile, Update, held_path, read_changes
from index.search.keyword_file import KeywordFile
from index.search.routing import DocumentCards, voice_of
from index.search.scope import Scope
from index.store.paragraph_store import ParagraphStore
from index.un.identity import IdentityCard
from index.un.states import named_submitters
from index.un.symbols import find_symbols, ga_resolution_symbols

# How often a reader asks the store whether another process changed it (one ~0.3 ms metadata
# read): a document added or removed from the terminal is served within about this long.
CHANGE_CHECK_S = 1.0
log = logging.getLogger(__name__)


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
    return (*_part_order(p.part), p.kind == "footnote", p.ordinal, p.item_ordinal or 0)


@lru_cache(maxsize=4096)
def _part_order(part: str) -> tuple[int, str]:
    # States' replies follow the text they are filed in, in the UN's alphabetical order. Kept:
    # sorting the 10,654 paragraphs 1 of a 100,000-record library read each part again.
    return part_rank(part), split_reply(part)[1]


class Catalogue:
    """The paragraphs of one store, loaded once per process: from the held-documents file and
    the keyword file beside the store when it keeps them, reading only the documents changed
    since (index.search.held_documents); otherwise read whole, the keyword index built."""

    def __init__(self, store: ParagraphStore):
        self.store = store
        path = getattr(store, "keyword_path", None)
        self._keyword_file: KeywordFile | None = None
        self._held_file = HeldFile(held_path(path)) if path is not None else None
        self._held: HeldDocuments | None = None
        self._reloading = threading.Lock()
        self._checked_at = time.monotonic()
        self._loaded = self._load()

    def reload(self) -> None:
        """Read the store again (after documents were added or removed): built aside, then
        swapped in, so a search running meanwhile sees the old index or the new one."""
        with self._reloading:
            self._loaded = self._load()

    def close(self) -> None:
        if self._keyword_file is not None:
            self._keyword_file.close()

    def _load(self) -> Generation:
        held, keywords = self._bring_up_to_date()
        paragraphs: dict[str, Paragraph] = {p.id: p for p in held.paragraphs()}
        cards = read_cards((doc_id, d.card) for doc_id, d in held.documents.items())
        by_key: dict[str, list[Paragraph]] = defaultdict(list)
        reply_parts: dict[str, set[str]] = defaultdict(set)
        by_document: dict[str, set[str]] = defaultdict(set)
        by_submission: dict[tuple[str, str], set[str]] = defaultdict(set)
        by_mention: dict[str, set[str]] = defaultdict(set)
        by_lang: dict[str, set[str]] = defaultdict(set)
        for document in held.documents.values():
            for symbol, ids in document.mentions.items():
                by_mention[symbol].update(ids)
        for p in paragraphs.values():
            by_key[p.key].append(p)
            by_document[p.doc_id].add(p.id)
            by_lang[p.lang].add(p.id)
            if p.symbol and split_reply(p.part)[1]:
                reply_parts[p.symbol].add(p.part)
                by_submission[(p.symbol, p.part)].add(p.id)
        return Generation(held.stamp, held.versions, paragraphs, keywords, dict(by_key),
                          dict(reply_parts), sorted(by_lang),
                          {lang: frozenset(ids) for lang, ids in by_lang.items()},
                          {p.symbol for p in paragraphs.values() if p.symbol},
                          {doc: frozenset(ids) for doc, ids in by_document.items()},
                          {key: frozenset(ids) for key, ids in by_submission.items()},
                          {symbol: frozenset(ids) for symbol, ids in by_mention.items()},
                          DocumentCards.of(cards))

    def _bring_up_to_date(self) -> tuple[HeldDocuments, KeywordIndex | KeywordFile]:
        """The store's paragraphs now, and its keyword index: the held documents (this
        process's, or the file's at start) with the changed ones read again,
        the keyword file given the same change, and the held file written when it changed."""
        base = self._held
        if base is None and self._held_file is not None:
            base = self._held_file.load()
        update = read_changes(self.store, base)
        keywords = self._keywords(update, base)
        if self._held_file is not None and update.changed:
            self._held_file.save(update.held)
        self._held = update.held if self._held_file is not None else None
        return update.held, keywords

    def _keywords(self, update: Update, base: HeldDocuments | None
                  ) -> KeywordIndex | KeywordFile:
        """The keyword index of the store's paragraphs: the store's file on disk, given the
        update's change (or reconciled with every text when it was stamped by another
        generation than ``base``); built in memory for a store that keeps no file."""
        if self._held_file is None:
            keywords = KeywordIndex()
            keywords.add(list(update.texts), list(update.texts.values()))
            return keywords
        if self._keyword_file is None:
            self._keyword_file = KeywordFile(self.store.keyword_path)
        stamp = update.held.stamp
        if self._keyword_file.stamp == stamp:
            return self._keyword_file
        try:
            done = None
            if not update.whole and base is not None:
                done = self._keyword_file.reconcile(update.texts, stamp, among=update.dropped,
                                                    since=base.stamp)
            if done is None:
                texts = update.texts if update.whole else {
                    p.id: text for p, text, _ in self.store.with_keyword_texts()}
                self._keyword_file.reconcile(texts, stamp)
        except sqlite3.OperationalError as exc:
            # Another process holds the write (`assistant index`): serve the file as it is;
            # that process stamps it current, and the retriever keeps loaded ids only.
            log.info("keyword index busy (%s); serving it as it is", exc)
        return self._keyword_file

    def current(self) -> Generation:
        """What this catalogue serves, read again first when another process (``assistant
        index``/``remove`` in a terminal) changed the store; checked at most every
        CHANGE_CHECK_S. One thread reloads; the others keep serving the previous generation."""
        loaded = self._loaded
        now = time.monotonic()
        if now - self._checked_at < CHANGE_CHECK_S:
            return loaded
        self._checked_at = now
        if self.store.generation() == loaded.stamp:
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

    def reply_parts(self, symbol: str) -> set[str]:
        """The parts of a document that hold States' replies ("annex I, Peru")."""
        return self.current().reply_parts.get(symbol, set())

    def in_scope(self, scope: Scope) -> tuple[frozenset[str], frozenset[str]] | None:
        """(doc ids, paragraph ids) a scope covers; None for the whole index. QueryError
        naming a document the index does not hold."""
        if scope.everything:
            return None
        loaded = self.current()
        firsts = {doc: loaded.paragraphs[next(iter(ids))] for doc, ids in loaded.by_document.items()}
        missing = sorted(d for d in scope.documents
                         if not any(d in (doc, p.symbol) for doc, p in firsts.items()))
        if missing:
            raise QueryError(f"no document '{missing[0]}' in the index: `assistant docs` lists "
                             "them")
        docs = frozenset(doc for doc, p in firsts.items() if scope.admits(p))
        return docs, frozenset().union(*(loaded.by_document[d] for d in docs))

    def submissions_named(self, text: str) -> list[tuple[str, str]]:
        """(symbol, part) of the submissions whose submitter a text names ("What did China
        say …?", "中国的立场"): a report's part such as "annex I, China", or a joint
        submission that includes it."""
        named = named_submitters(text)
        if not named:
            return []
        loaded = self.current()
        return sorted(frozenset().union(*(loaded.parts_naming(name) for name in named)))

    def documents_meant(self, text: str) -> dict[str, float]:
        """doc_id -> how strongly ``text`` names the document by its card (routing)."""
        return self.current().cards.scores(text)

    def card(self, doc_id: str) -> IdentityCard | None:
        return self.current().cards.cards.get(doc_id)

    def voice(self, paragraph: Paragraph) -> str:
        """Whose words ``paragraph`` holds: agreed, secretariat, record or view."""
        return voice_of(paragraph, self.card(paragraph.doc_id))

    def named_symbols(self, text: str) -> list[str]:
        """Indexed documents a text names by symbol or as "resolution 78/241"."""
        named = find_symbols(text) + ga_resolution_symbols(text)
        symbols = self.symbols
        return [s for s in dict.fromkeys(named) if s in symbols]

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


def refresh_catalogue_files(store: ParagraphStore) -> None:
    """Bring the files the store keeps beside it (held documents, keyword index) in line with
    it after a write (`assistant index`, `remove`), so the page's next start reads them as
    they are: only the documents changed since they were written are read and tokenized."""
    if getattr(store, "keyword_path", None) is not None:
        Catalogue(store).close()


def read_cards(doc_cards) -> dict[str, IdentityCard]:
    """doc_id -> its identity card, from (doc_id, card JSON) pairs (each document's first)."""
    cards: dict[str, IdentityCard] = {}
    for doc_id, text in doc_cards:
        if doc_id not in cards and text:
            card = IdentityCard.from_json(text)
            if card is not None:
                cards[doc_id] = card
    return cards

