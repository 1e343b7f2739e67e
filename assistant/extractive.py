"""Answers without a language model: the best sentences of the best passages, quoted."""

from __future__ import annotations

import re

from index.un.glossary import expand_query
from index.search.keyword import tokenize
from index.models import Hit

from .answer import Answer, Citation, Quote, compose
from .texts import EXTRACTIVE_NOTICES

MAX_QUOTES = 3
MAX_QUOTE_CHARS = 400

# A full stop after these is not the end of a sentence ("Ms. Izumi Nakamitsu", "vol. 1342").
ABBREVIATIONS = ("Ms", "Mr", "Mrs", "Dr", "No", "vol", "para", "paras", "art", "e.g", "i.e", "St",
                 "chap", "sect", "Rev", "Add", "Corr")
_SENTENCE_SPLIT = re.compile(
    r"(?<=[。；：])|(?<=[.;:])" + "".join(rf"(?<!\b{re.escape(a)}\.)" for a in ABBREVIATIONS)
    + r"\s+|\n")


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s and s.strip()]


def best_sentence(question: str, text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """The sentences of ``text`` that share most terms with the question, in their order,
    within ``limit`` characters (the whole text when it fits)."""
    if len(text) <= limit:
        return text
    wanted = set(tokenize(f"{question} {expand_query(question)}"))
    sentences = sentences_of(text)
    ranked = sorted(range(len(sentences)),
                    key=lambda i: (-len(wanted & set(tokenize(sentences[i]))), i))
    chosen, used = [], 0
    for i in ranked:
        if used + len(sentences[i]) > limit and chosen:
            continue
        chosen.append(i)
        used += len(sentences[i])
    picked = " … ".join(sentences[i] for i in sorted(chosen))
    return picked if len(picked) <= limit else picked[:limit].rstrip() + "…"


def best_single_sentence(question: str, text: str) -> str:
    """The one sentence of ``text`` that shares most terms with the question (the earliest
    among equals), as the text writes it: quoted words, never trimmed or joined."""
    wanted = set(tokenize(f"{question} {expand_query(question)}"))
    sentences = sentences_of(text) or [text.strip()]
    return max(sentences, key=lambda s: (len(wanted & set(tokenize(s))), -sentences.index(s)))


def distinct(hits: list[Hit], lang: str | None = None) -> list[Hit]:
    """One hit per paragraph: the other language version of a kept paragraph, or its parent or
    item ("(c) Provide training…" inside para. 22), would say the same thing twice. Where both
    language versions were found, the one in ``lang`` is kept."""
    by_key: dict[str, Hit] = {}
    for hit in hits:
        current = by_key.get(hit.paragraph.key)
        if current is None or (lang and current.paragraph.lang != lang
                               and hit.paragraph.lang == lang):
            by_key[hit.paragraph.key] = hit
    kept: list[Hit] = []
    for hit in hits:
        chosen = by_key[hit.paragraph.key]
        p = chosen.paragraph
        related = any(k.paragraph.key == p.key or p.parent_id == k.paragraph.id
                      or k.paragraph.parent_id == p.id
                      for k in kept)
        if not related:
            kept.append(chosen)
    return kept


def extractive_answer(question: str, lang: str, hits: list[Hit], notice_kind: str = "none",
                      reason: str = "") -> Answer:
    """The best sentences of the best MAX_QUOTES passages, quoted with their citations.

    Measured on eval/qa.jsonl (answers judged by their keys): these three quotes were judged
    correct 0.683 with 0.317 confidently wrong; quoting only the one sentence that shares most
    terms with the question (0.540 / 0.452), the top passage alone (0.571 / 0.429) or the top
    two (0.619 / 0.381) did worse on both, so the three quotes stay.
    """
    notice = EXTRACTIVE_NOTICES[notice_kind][lang].format(reason=reason)
    pieces: list[str | Quote] = [notice]
    citations = []
    for key, hit in enumerate(distinct(hits, lang)[:MAX_QUOTES], 1):
        # The document's words are quoted as they stand; marked as a quote, a "[7]" or a
        # symbol inside them stays text and never reads as one of the markers written here.
        pieces += ["\n“", Quote(best_sentence(question, hit.paragraph.text)), f"” [{key}]"]
        citations.append(Citation(key, hit.paragraph, hit.paragraph.label(lang)))
    text, quotes = compose(pieces)
    return Answer(question=question, lang=lang, text=text, citations=citations,
                  mode="extractive", notice=notice, passages=hits, quotes=quotes)
