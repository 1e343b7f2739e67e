"""Which documents a question means, and whose words a paragraph holds: the document-level
signals blended into the paragraph ranking (index.search.retriever).

A question is matched against the documents' identity cards (index.un.identity: names,
kind, bodies, titles, year, symbol, in both languages) by BM25, so "the letter from Belarus",
"专家组 2023 年报告" or "the First Committee's report" points at one document before any
paragraph is scored. The match stays soft: a document's score raises its paragraphs, it does
not remove the others, so a wrong guess costs rank, not the answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from index.models import Paragraph, split_reply
from index.un.identity import TABLE, IdentityCard
from index.un.states import SUBMITTERS

# A document the question names by no more than this (one shared word such as "report") is
# not meant; past it, each document's score is read relative to the best one.
MIN_CARD_SCORE = 2.0
# What each kind of cue on a card weighs when the question holds it. Only the strongest cue
# of each kind counts, so a card with many names does not outscore one with few.
CUE_WEIGHTS = {"name": 3.0, "symbol": 4.0, "title": 3.0, "author": 2.0, "body": 2.0,
               "kind": 1.0, "year": 1.0}
TITLE_SHARE = 0.6  # of a title's distinctive words a question must hold to name it
# A question that asks for views (or names a State) is not steered away from them.
_ASKS_VIEWS = re.compile(
    r"\b(views?|positions?|stance|argue[sd]?|propos\w*|submi\w*|believes?|thinks?|"
    r"oppose[sd]?)\b|立场|观点|看法|意见|主张|认为|提议|提交|反对|怎么看", re.IGNORECASE)
_DRAFT_PART = re.compile(r"^draft (resolution|decision) ")


@dataclass(frozen=True)
class DocumentCards:
    """The cards of the documents in one generation of the index, and what names each."""

    cards: dict[str, IdentityCard]  # doc_id -> its card
    cues: dict[str, list[tuple[str, re.Pattern]]]  # doc_id -> (cue kind, pattern)
    titles: dict[str, frozenset[str]]  # doc_id -> its title's distinctive words

    @classmethod
    def of(cls, cards: dict[str, IdentityCard]) -> "DocumentCards":
        words = {doc_id: _words(card.title_en) for doc_id, card in cards.items()}
        shared = Counter(w for ws in words.values() for w in ws)
        # A word in three or more titles ("lethal", "weapons") names no document.
        distinctive = {doc_id: frozenset(w for w in ws if shared[w] < 3)
                       for doc_id, ws in words.items()}
        return cls(cards, {doc_id: card_cues(card) for doc_id, card in cards.items()},
                   distinctive)

    def scores(self, text: str) -> dict[str, float]:
        """doc_id -> how strongly ``text`` names the document, 1.0 for the best and relative
        to it for the rest; {} when none is named past MIN_CARD_SCORE."""
        asked = _words(text)
        raw = {}
        for doc_id, cues in self.cues.items():
            best: dict[str, float] = {}
            for kind, pattern in cues:
                if kind not in best and pattern.search(text):
                    best[kind] = CUE_WEIGHTS[kind]
            title = self.titles.get(doc_id)
            if title and len(title & asked) >= max(2, TITLE_SHARE * len(title)):
                best["title"] = CUE_WEIGHTS["title"]
            raw[doc_id] = sum(best.values())
        top = max(raw.values(), default=0.0)
        if top < MIN_CARD_SCORE:
            return {}
        ranked = sorted(raw.items(), key=lambda item: -item[1])
        return {doc_id: round(score / top, 4) for doc_id, score in ranked
                if score >= MIN_CARD_SCORE}


def card_cues(card: IdentityCard) -> list[tuple[str, re.Pattern]]:
    """What in a question names this card's document: its names, symbol, author, kind words,
    year and the bodies it is by or about."""
    cues = [("name", _phrase(name)) for name in (*card.names_en, *card.names_zh)]
    cues += [("symbol", _phrase(value)) for value in (card.symbol, card.number) if value]
    kind = next((k for k in TABLE.kinds if k.id == card.kind), None)
    by_body = kind is not None and kind.author in TABLE.bodies
    author = [card.author_en, card.author_zh] + _state_names(card.author_en)
    if by_body:
        author += [*TABLE.bodies[kind.author].en, *TABLE.bodies[kind.author].zh]
    cues += [("author", _phrase(name)) for name in author if name]
    cues += [("kind", _phrase(word)) for word in (kind.words if kind else ())]
    if card.year:
        cues.append(("year", _phrase(card.year)))
    about = card.bodies[1:] if by_body else card.bodies
    cues += [("body", _phrase(name)) for body_id in about if body_id in TABLE.bodies
             for name in (*TABLE.bodies[body_id].en, *TABLE.bodies[body_id].zh)]
    return cues


def _state_names(name: str) -> list[str]:
    """Every name of a State the card names as author ("Belarus", "白俄罗斯")."""
    return next((list(s.names) for s in SUBMITTERS if name and s.en == name), [])


def _phrase(text: str) -> re.Pattern:
    """A name as a question may write it: any spacing, any case (an abbreviation in capitals
    only: "CD", "GA"), whole words in English, an apostrophe's "s" optional."""
    if not text.isascii():
        return re.compile(r"\s*".join(re.escape(ch) for ch in text if not ch.isspace()))
    words = [re.escape(w).replace("'s", "(?:'s)?") for w in text.split()]
    if len(words) > 1 and words[0].casefold() == "the":
        words = words[1:]  # "the letter from Belarus" is also "Belarus's letter … the letter from"
    flags = 0 if text.isupper() and len(text) <= 5 else re.IGNORECASE
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])", flags)


_WORD = re.compile(r"[a-z]{3,}")
_STOP = {"the", "and", "for", "its", "with", "from", "into", "report", "work", "non"}


def _words(text: str) -> frozenset[str]:
    return frozenset(w.rstrip("s") for w in _WORD.findall(text.casefold()) if w not in _STOP)


def asks_for_views(text: str) -> bool:
    """Whether a question asks what someone said or proposed, rather than what is agreed."""
    return bool(_ASKS_VIEWS.search(text))


def is_submission(paragraph: Paragraph) -> bool:
    """Whether a paragraph is part of a submission filed in a report (a State's or an
    organization's reply in an annex), not of the report's own text or a draft it holds."""
    return bool(split_reply(paragraph.part)[1]) and not _DRAFT_PART.match(paragraph.part)


def voice_of(paragraph: Paragraph, card: IdentityCard | None) -> str:
    """Whose words a paragraph holds: a submission filed in a report is a view, whatever the
    report is; otherwise its document's voice."""
    if is_submission(paragraph):
        return "view"
    return card.voice if card is not None else ""


def routed_documents(query, loaded, scope=None, margin: float = 0.5) -> list[str]:
    """The documents searched on their own: those the question (an index.search.query.Query)
    names best by card, when they are one document (its language versions) and the
    runner-up's score, relative to the best, is at most ``margin``; only inside the scope
    asked of (``Catalogue.in_scope``)."""
    best = [doc_id for doc_id, weight in query.documents_meant if weight >= 1.0
            and (scope is None or doc_id in scope[0])]
    owners = {loaded.cards.cards[d].symbol or d for d in best if d in loaded.cards.cards}
    runner_up = max((w for _, w in query.documents_meant if w < 1.0), default=0.0)
    return best if len(owners) == 1 and runner_up <= margin else []


def named_years(query, loaded) -> tuple[tuple[str, str], ...]:
    """(doc_id, year) of each document the question names outright (weight 1), from its card."""
    cards = loaded.cards.cards
    return tuple((doc_id, cards[doc_id].year) for doc_id, weight in query.documents_meant
                 if weight >= 1.0 and doc_id in cards and cards[doc_id].year)
