"""The question, analysed once: ``analyse`` checks it and reads its language, the paragraphs
and documents it names, whether it leans on the conversation, and the wordings to search for;
the chain, the retriever, the relevance gate and the guard all read the one ``Query``.

Before this, one answer ran the language detector and the locator grammar three or four times
on the same text and checked its length three times against two different limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Callable, Protocol

from index.errors import QueryError, QueryTooLong
from index.language import detect_lang
from index.search.locators import Locator, names_a_paragraph, parse_locators
from index.search.routing import asks_for_views
from index.search.scope import EVERYTHING, Scope
from index.un.glossary import expand_query, formalize

# One limit for a question and for each earlier turn (Settings.max_question_chars defaults
# to it): every later step reads the question and the last turns.
MAX_QUESTION_CHARS = 1000
# Earlier questions a follow-up may lean on. The chain and the search use the last one or two;
# unbounded, one 200,000-character history item cost 33 s of CPU before any check.
MAX_HISTORY_TURNS = 20

FOLLOW_UP = re.compile(r"^(and|but|what about|how about|also|then|so)\b|^(那|那么|还有|这些|其中|它|他们|该)",
                       re.I)
# Words that point back at an earlier turn ("it", "the same", "who else", "上述", "这些"). Single
# Chinese characters count only at the start: 其 is also in 尤其, 其他; 还 in 还是.
REFERS_BACK = re.compile(r"\b(it|its|they|them|their|this|these|those|same|else|also|above|"
                         r"previous|earlier)\b|^(其|该|此|这|那|它)|这些|那些|其中|上述|前面|同样|"
                         r"它们|他们|该段|该文件|这份|那份|这一|那一", re.I)
# characters: "And under item 6?" or "那(d)项呢？" lean on what came before
SHORT_QUESTION = {"en": 25, "zh": 12}


class Documents(Protocol):
    """What analysis needs from the index: which documents and which submissions (a State's
    views in a report) a text names (Catalogue)."""

    def named_symbols(self, text: str) -> list[str]: ...
    def submissions_named(self, text: str) -> list[tuple[str, str]]: ...
    def documents_meant(self, text: str) -> dict[str, float]: ...


@dataclass(frozen=True)
class Wording:
    """One wording searched for: as written, formalised ("killer robots" → the UN's term),
    and with the glossary's other-language forms added for the keyword index."""

    text: str
    formal: str
    keywords: str

    @classmethod
    def of(cls, text: str) -> "Wording":
        formal = formalize(text)
        return cls(text, formal, f"{formal} {expand_query(formal)}".strip())


@dataclass(frozen=True)
class Query:
    """A question and what was read from it. ``standalone`` is what the question asks on its
    own (the last turn joined to an elliptical follow-up, or a model's rewrite)."""

    text: str
    history: tuple[str, ...]
    lang: str
    locators: tuple[Locator, ...]  # paragraphs or items named, in the context's document
    names_paragraph: bool  # a paragraph number, even one the grammar cannot place
    context_symbol: str | None  # the document the question or the latest turn naming one names
    document_symbols: tuple[str, ...]  # indexed documents named here or in the last turn
    submissions: tuple[tuple[str, str], ...]  # (symbol, part) of the submitters it names
    follow_up: bool
    standalone: str
    rewritten: bool = False  # standalone is a model's rewrite: search it alone
    search_lang: str = ""  # the language of what is searched (the rewrite's, once rewritten)
    scope: Scope = EVERYTHING  # the documents asked of
    documents_meant: tuple[tuple[str, float], ...] = ()  # (doc_id, 0–1) its words name by card
    asks_views: bool = False  # asks what someone said or proposed, or names a State
    _vectors: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def wordings(self) -> tuple[Wording, ...]:
        """What retrieval searches for: a model's rewrite alone; otherwise the question and,
        after earlier turns, the question read with the last one (so neither an elliptical
        follow-up nor a change of topic loses out)."""
        if self.rewritten:
            return (Wording.of(self.standalone),)
        texts = [self.text] + ([f"{self.history[-1]} {self.text}"] if self.history else [])
        return tuple(Wording.of(text) for text in texts)

    @property
    def search_text(self) -> str:
        """The text whose locators and replies the search resolves: the rewrite, once any."""
        return self.standalone if self.rewritten else self.text

    @cached_property
    def standalone_wording(self) -> Wording:
        """The standalone question's wording: what the relevance gate measures."""
        same = [w for w in self.wordings if w.text == self.standalone]
        return same[0] if same else Wording.of(self.standalone)

    def vector(self, wording: Wording, embed: Callable[[str], list[float]]) -> list[float]:
        """The wording's embedding, computed when first needed and kept for this query (the
        search and the relevance gate embed the same text)."""
        if wording.formal not in self._vectors:
            self._vectors[wording.formal] = embed(wording.formal)
        return self._vectors[wording.formal]

    def reworded(self, standalone: str, documents: Documents | None = None) -> "Query":
        """The query searched in other words (a model's rewrite or translation): searched
        alone, in its own language, with the paragraphs and documents it names (a rewrite
        may carry them over from an earlier turn).
        The question itself (a failed rewrite) is searched with the conversation, as if
        no model had rewritten it."""
        if standalone == self.text:
            return replace(self, standalone=self.text)
        named = _named([standalone], documents)[0]
        context = named[0] if named else None
        submissions = _submissions(standalone, documents)
        return replace(self, standalone=standalone, rewritten=True,
                       locators=_paragraph_locators(parse_locators(standalone), context),
                       context_symbol=context,
                       document_symbols=tuple(named), search_lang=detect_lang(standalone),
                       submissions=submissions, _vectors={},
                       documents_meant=_meant(standalone, documents),
                       asks_views=bool(submissions) or asks_for_views(standalone))


def analyse(question: str, history=(), documents: Documents | None = None,
            limit: int = MAX_QUESTION_CHARS, scope: Scope | None = None) -> Query:
    """The question checked (QueryError naming the limit) and read, once per answer.

    Args:
        history: earlier user turns, oldest first.
        documents: the index's documents (a Catalogue), to read which of them are named;
            None reads none (unit tests, text with no index behind it).
        limit: the most characters a question or an earlier turn may have.
        scope: the documents the question is asked of (None: all of them).
    """
    text = validate_query(question, limit)
    turns = tuple(validate_history(history, limit))
    lang = detect_lang(text)
    named = _named([text, *reversed(turns)], documents)
    # A locator without a symbol ("第 20 段") takes the document the most recent turn named.
    context = next((symbols[0] for symbols in named if symbols), None)
    follow_up = is_follow_up(text, lang)
    standalone = f"{turns[-1]} {text}" if turns and follow_up else text
    last_two = [*(named[1] if turns else []), *named[0]]
    locators = parse_locators(text)
    submissions = _submissions(text, documents)
    return Query(text=text, history=turns, lang=lang,
                 locators=_paragraph_locators(locators, context),
                 names_paragraph=names_a_paragraph(text, locators), context_symbol=context,
                 submissions=submissions,
                 document_symbols=tuple(dict.fromkeys(last_two)), follow_up=follow_up,
                 standalone=standalone, search_lang=lang, scope=scope or EVERYTHING,
                 documents_meant=_meant(standalone, documents),
                 asks_views=bool(submissions) or asks_for_views(standalone))


def _meant(text: str, documents: Documents | None) -> tuple[tuple[str, float], ...]:
    """The documents a text names by their cards, with the glossary's other-language forms
    ("GGE" also reads "政府专家组"), best first."""
    if documents is None:
        return ()
    return tuple(documents.documents_meant(Wording.of(text).keywords).items())


def _submissions(text: str, documents: Documents | None) -> tuple[tuple[str, str], ...]:
    return tuple(documents.submissions_named(text)) if documents is not None else ()


def _named(texts: list[str], documents: Documents | None) -> list[list[str]]:
    return [documents.named_symbols(t) if documents is not None else [] for t in texts]


def _paragraph_locators(locators: list[Locator], context_symbol: str | None
                        ) -> tuple[Locator, ...]:
    """The paragraphs and items named, each in its own document or the context's."""
    return tuple(Locator(loc.symbol or context_symbol, loc.part, loc.number, loc.item)
                 for loc in locators if loc.number or loc.item)


def is_follow_up(question: str, lang: str) -> bool:
    """Whether a question leans on the conversation so far and needs rewriting."""
    question = question.strip()
    return (bool(FOLLOW_UP.search(question) or REFERS_BACK.search(question))
            or len(question) < SHORT_QUESTION[lang])


_WORD_CHAR_RE = re.compile(r"\w")  # a letter, digit or CJK character (Unicode \w)


def validate_query(query: str, limit: int = MAX_QUESTION_CHARS, what: str = "the question") -> str:
    """The question with runs of whitespace made one space; QueryError naming the limit when
    it is empty, has no words at all ("?!…") or is longer than ``limit`` characters. The
    length is checked before anything else reads the text."""
    if query is None or not str(query).strip():
        raise QueryError(f"{what} is empty: type a question or a citation")
    query = str(query)
    if len(query) > 2 * limit:  # whitespace cannot shrink it below the limit: no need to clean
        raise _too_long(what, len(query), limit)
    query = re.sub(r"\s+", " ", query).strip()
    if len(query) > limit:
        raise _too_long(what, len(query), limit)
    if not _WORD_CHAR_RE.search(query):
        raise QueryError(f"{what} has no words, only punctuation: type a question or a citation")
    return query


def _too_long(what: str, length: int, limit: int) -> QueryTooLong:
    return QueryTooLong(f"{what} is {length} characters long; the limit is {limit}", length, limit)


def validate_history(history, limit: int = MAX_QUESTION_CHARS,
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
