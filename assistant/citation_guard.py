"""The citation guard: only passages the model was given can be cited, and only where they
support the sentence that cites them.

The model sees passages under short keys ([1], [2] …). Code maps keys back to paragraphs; a key
that was not given is removed from the text and never shown, whatever the question or a
document told the model to do. Each sentence is then scored against every given passage:
- a cited passage that does not support the sentence loses its marker;
- a clearly better-supporting passage replaces the one cited (small models often pick the
  wrong number for the right text);
- a sentence without a marker is attributed to a passage only on clear support;
- a bare "Yes. [1]" asserts what the question asked: the cited passage must support the question;
- a substantial sentence that no passage supports is removed: an uncited claim is not shown;
- some passages support nothing whatever words they share (``assistant.citable``): a heading,
  a row of a list of documents for a sentence not about that document, another State's view.
"""

from __future__ import annotations

import re
from typing import Callable

from index.search.keyword import tokenize
from index.models import Paragraph, document_context
from index.search.query import Query

from .answer import Citation
from .citable import can_support, submitters_asked_about
from .numbers import numbers_in

MARKER = re.compile(r"\s?[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
# A full stop followed by a space ends an English sentence ("CCW/CONF.V/10" does not end one);
# Chinese sentence marks end one wherever they stand.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")
NUMBER = re.compile(r"\d+")
MIN_SUPPORT = 0.2  # share of a sentence's terms found in the passage
MIN_SIMILARITY = 0.80  # multilingual embedding similarity counting as MIN_SUPPORT across languages
ATTRIBUTE_SUPPORT = 0.5  # an unmarked sentence is attributed only on clear support
CORRECTION_MARGIN = 0.25  # a passage this much better replaces the one the model cited
MIN_CLAIM_TERMS = 3  # "Yes." is not a claim that needs a source
BARE_YES_NO = re.compile(r"^\W*(yes|no|是|否|是的|不是|对|不)\W*$", re.I)

Similarity = Callable[[str, Paragraph], float]


def split_sentences(text: str) -> list[str]:
    pieces = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        end = match.end()
        # keep markers that follow the full stop ("… attack. [1]") with their sentence
        trailing = MARKER.match(text, end)
        while trailing:
            end = trailing.end()
            trailing = MARKER.match(text, end)
        if end > start:
            pieces.append(text[start:end])
            start = end
    if start < len(text):
        pieces.append(text[start:])
    return [p for p in pieces if p.strip()]


def term_overlap(sentence: str, paragraph: Paragraph) -> float:
    words = set(tokenize(MARKER.sub("", sentence)))
    if not words:
        return 0.0
    return len(words & set(tokenize(paragraph.text))) / len(words)


class _Scorer:
    """Support of a sentence by a passage, 0 … 1, memoised per (sentence, key)."""

    def __init__(self, given: dict[int, Paragraph], query: Query, similarity: Similarity | None):
        self.given, self.similarity = given, similarity
        self.lang = query.lang
        self.asked_about = submitters_asked_about(query)
        self._memo: dict[tuple[str, int], float] = {}

    def __call__(self, sentence: str, key: int) -> float:
        if (sentence, key) not in self._memo:
            self._memo[(sentence, key)] = self._score(sentence, self.given[key])
        return self._memo[(sentence, key)]

    def _score(self, sentence: str, paragraph: Paragraph) -> float:
        if not can_support(sentence, paragraph, self.asked_about):
            return 0.0  # a heading, another document's list row, another State's view
        if not set(NUMBER.findall(sentence)) <= numbers_in(document_context(paragraph)):
            return 0.0  # "received 10 votes" cannot rest on a passage without that number
        score = term_overlap(sentence, paragraph)
        if paragraph.lang != self.lang and self.similarity is not None and score < MIN_SUPPORT:
            # across languages few terms are shared: the multilingual embedder judges
            score = max(score, self.similarity(sentence, paragraph) - MIN_SIMILARITY + MIN_SUPPORT)
        return score

    def best(self, sentence: str) -> tuple[int | None, float]:
        scored = [(self(sentence, key), -key) for key in self.given]
        if not scored:
            return None, 0.0
        score, negative_key = max(scored)
        return -negative_key, score


def guard(text: str, given: dict[int, Paragraph], query: Query,
          similarity: Similarity | None = None) -> tuple[str, list[Citation], list[str]]:
    """Check every sentence of ``text`` and its [n] markers, in the query's language (its
    standalone question is what a short answer such as "Yes. [1]" claims, having no claim of
    its own to check).

    Returns the checked text, the citations that stand (in order of first use), and one note
    per change (for logs and tests).
    """
    lang, question = query.lang, query.standalone
    score = _Scorer(given, query, similarity)
    kept: dict[int, Citation] = {}
    notes: list[str] = []
    out = []
    for sentence in split_sentences(text):
        plain = MARKER.sub("", sentence).strip()
        cited = [int(k) for m in MARKER.finditer(sentence) for k in re.findall(r"\d+", m.group(1))]
        for key in cited:
            if key not in given:
                notes.append(f"[{key}] was not given to the model")
        keys = _keys_for(plain, [k for k in dict.fromkeys(cited) if k in given], score, notes,
                         question)
        if keys is None:
            continue  # an unsupported claim: removed
        for key in keys:
            kept.setdefault(key, Citation(key, given[key], given[key].label(lang)))
        markers = "".join(f"[{k}]" for k in keys)
        body = MARKER.sub("", sentence).rstrip()
        out.append(f"{body} {markers} " if lang == "en" and markers else f"{body}{markers}")
    cleaned = re.sub(r"[ \t]+", " ", "".join(out)).strip()
    return cleaned, list(kept.values()), notes


def _keys_for(plain: str, cited: list[int], score: _Scorer, notes: list[str],
              question: str = "") -> list[int] | None:
    """The keys a sentence keeps, [] for a sentence that needs none, None to remove it."""
    if not plain:
        return cited  # a bare marker line cites what the previous sentence said
    substantial = len(tokenize(plain)) >= MIN_CLAIM_TERMS
    if BARE_YES_NO.match(plain) and cited and question:
        # "Yes. [1]" claims the question's own proposition: the passage cited must support it
        supported = [k for k in cited if score(question, k) >= MIN_SUPPORT]
        if not supported:
            notes.append(f"unsupported answer removed: {plain}")
            return None
        return supported
    best, best_score = score.best(plain)
    supported = [k for k in cited if score(plain, k) >= MIN_SUPPORT]
    for key in set(cited) - set(supported):
        notes.append(f"[{key}] does not support: {plain[:60]}")
    if supported:
        top = max(score(plain, k) for k in supported)
        if best not in supported and best_score >= top + CORRECTION_MARGIN:
            notes.append(f"[{supported[0]}] replaced by the better-supporting [{best}]")
            return [best]
        return supported
    threshold = MIN_SUPPORT if cited else ATTRIBUTE_SUPPORT
    if best is not None and best_score >= threshold:
        return [best]
    if substantial:
        notes.append(f"unsupported claim removed: {plain[:60]}")
        return None
    return []
