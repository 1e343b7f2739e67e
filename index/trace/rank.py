"""The best paragraph of each document on a theme, or none where the document is silent.

Each document is searched on its own (index.trace.scoring). The best of the document's own text
(agreed conclusions, the Secretary-General's words, a resolution's paragraphs) is the row;
what States and organizations submitted inside a compiled report is grouped by submitter
beneath it, so one report's 1,500 paragraphs of views do not stand in for its own text.

A document is silent when its best paragraph is not close enough to the theme: under the
dense cut-off and without the theme's words (TraceSettings). No model is asked anything.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import NamedTuple

from index.errors import ConfigError, NotFoundError
from index.models import Paragraph, split_reply
from index.search.keyword import tokenize
from index.search.query import Query, validate_query
from index.search.retriever import Retriever
from index.search.routing import is_submission, voice_of
from index.trace.diff import CLOSE_RATIO, word_diff
from index.trace.model import Trace, TraceRow, View
from index.trace.scoring import Scored, score_documents

MAX_THEME_CHARS = 300  # a theme is a phrase or one question, not a passage
# The document's own paragraphs looked at: its first few by fused score, the closest to the
# theme first; the first the gate admits is the row. On the dev gold (eval/themes_dev.jsonl)
# the fused order's keyword half put a paragraph sharing the theme's words before the one on
# it, and the closest of all the document's paragraphs lost the words' anchor ("working methods
# of the CD" -> a panel that "shall meet virtually ... to advance their work"). On its 54
# themes (min_similarity 0.45, keyword_similarity 0.35, no floor for the closest paragraph),
# row precision / rows right: fused order 0.748 / 0.430; the closest of the first 3 0.796 /
# 0.458, of 6 0.791 / 0.486, of 12 0.786 / 0.492, of all 0.770 / 0.486.
TOP_CONSIDERED = 3
_YEAR = re.compile(r"/((?:19|20)\d{2})/")  # "CCW/MSP/2019/9": the year a symbol carries


@dataclass(frozen=True)
class TraceSettings:
    """Named cut-offs of a trace, checked when built. A document addresses the theme when its
    own text's best paragraph is

    - near the closest of the documents traced: a cosine similarity within ``margin`` of the
      best any of them reaches, and at least ``min_similarity`` (a document only in the other
      language raised by the theme's language gap first, index.trace.scoring);
    - the library's closest paragraph itself, from ``min_closest_similarity``: a short theme's
      similarities run low, and a trace that calls every document silent on a theme the library
      addresses is the most misleading answer it can give; or
    - among the documents that use the theme's words most, in the theme's language: a BM25
      score of at least ``keyword_share`` of the best document's and at least
      ``min_keyword_score``, holding at least ``keyword_coverage`` of the theme's terms, with
      a similarity of at least ``keyword_similarity``.

    Relative to the library because a short theme's similarities run low and vary by theme
    (0.25-0.60 for paragraphs on it, 0.10-0.45 for the rest). Set on eval/themes_dev.jsonl (54
    themes with gold rows, written apart from eval/themes.jsonl, which was never read for them):
    with the closest of the first three (TOP_CONSIDERED), ``min_similarity`` 0.40 -> 0.45 took
    its row precision from 0.688 to 0.787 (rows right 0.492 -> 0.475; two themes the library
    addresses traced with no row at all, as before); admitting the closest paragraph from 0.40
    gave back rows right 0.486 for precision 0.784. Not taken: ``keyword_similarity`` 0.35
    (0.792, but four themes with no row at all) and ``min_closest_similarity`` 0.38 (one such
    theme, precision 0.763). README, "How the wording moved".
    ``close_ratio``: a row sharing this much of an earlier row's wording shows what changed.
    """

    margin: float = 0.10
    min_similarity: float = 0.45
    min_closest_similarity: float = 0.40
    keyword_share: float = 0.6
    min_keyword_score: float = 8.0
    keyword_similarity: float = 0.25
    keyword_coverage: float = 0.5
    close_ratio: float = CLOSE_RATIO
    max_views: int = 200  # submitters listed under one document

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"trace setting {field.name} must be a number >= 0, "
                                  f"got {value!r}")
        for name in ("close_ratio", "keyword_share", "keyword_coverage"):
            if getattr(self, name) > 1:
                raise ConfigError(f"{name} must be between 0 and 1, got {getattr(self, name)}")


def trace(retriever: Retriever, theme: str, documents=(), settings: TraceSettings | None = None
          ) -> Trace:
    """The theme traced across the library (or the ``documents`` named: symbols or doc ids).

    Raises:
        QueryError: the theme is empty, has no words or is over MAX_THEME_CHARS.
        NotFoundError: a document named is not in the library.
    """
    settings = settings or TraceSettings()
    theme, query, loaded, groups, scored = score_theme(retriever, theme, documents)
    gate = _Gate.of(scored.values(), settings, frozenset(tokenize(query.standalone)),
                    loaded.paragraphs)
    rows = [_row(owner, groups[owner], scored[owner], loaded, retriever, query.lang, gate)
            for owner in scored]
    rows.sort(key=lambda row: (row.date == "", row.date, row.document))
    return Trace(theme, query.lang, tuple(_with_changes(rows, settings)))


class ThemeScores(NamedTuple):
    theme: str  # as validated: stripped
    query: Query
    loaded: object  # the catalogue's records at the time of the trace
    groups: dict[str, frozenset[str]]  # document -> the ids of all its language versions
    scored: dict[str, Scored]  # document traced -> its paragraphs scored, in the order asked


def score_theme(retriever: Retriever, theme: str, documents=()) -> ThemeScores:
    """Every paragraph of each document traced scored against the theme (what the trace
    decides its rows from; eval.themes_pool shows the same to people writing gold rows).

    Raises:
        QueryError: the theme is empty, has no words or is over MAX_THEME_CHARS.
        NotFoundError: a document named is not in the library.
    """
    theme = validate_query(theme, MAX_THEME_CHARS, "the theme")
    query = retriever.analyse(theme, limit=MAX_THEME_CHARS)
    loaded = retriever.catalogue.current()
    groups, owners = _documents(loaded)
    wanted = _chosen(groups, owners, documents)
    vectors = [(wording, query.vector(wording, retriever.store.embedder.embed_query))
               for wording in query.wordings]
    scored = score_documents(retriever, loaded, retriever.snapshot(loaded.stamp), groups,
                             wanted, vectors, query.search_lang)
    return ThemeScores(theme, query, loaded, groups, {owner: scored[owner] for owner in wanted})


def _documents(loaded) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """Document (symbol, or doc id without one) -> the ids of all its language versions; and
    each language version's doc id -> its document."""
    groups: dict[str, set[str]] = defaultdict(set)
    owners: dict[str, str] = {}
    for doc_id, ids in loaded.by_document.items():
        first = loaded.paragraphs[next(iter(ids))]
        owners[doc_id] = first.symbol or doc_id
        groups[owners[doc_id]].update(ids)
    return {owner: frozenset(ids) for owner, ids in groups.items()}, owners


def _chosen(groups: dict[str, frozenset[str]], owners: dict[str, str], documents) -> list[str]:
    """The documents named (a symbol, or a doc id of one language version), or all of them;
    NotFoundError naming the first the library lacks."""
    named = [d.strip() for d in documents or () if d and d.strip()]
    if not named:
        return sorted(groups)
    chosen = []
    for name in named:
        owner = name if name in groups else owners.get(name)
        if owner is None:
            raise NotFoundError(f"no document '{name}' in the library")
        if owner not in chosen:
            chosen.append(owner)
    return chosen


@dataclass(frozen=True)
class _Gate:
    """The similarity and keyword score from which a paragraph addresses the theme, set by
    the closest document of the library (TraceSettings)."""

    similarity: float
    closest: float  # the library's closest paragraph, admitted from a lower floor
    keyword: float
    keyword_similarity: float
    coverage: float
    terms: frozenset[str]  # the theme's index terms
    paragraphs: dict
    max_views: int

    @classmethod
    def of(cls, scored, settings: TraceSettings, terms: frozenset[str], paragraphs) -> "_Gate":
        # Documents' own texts set the bar: a report's hundred States' views would raise it
        # above every agreed text.
        top_similarity = max((s.similarity.get(pid, 0.0) for s in scored for pid in s.own),
                             default=0.0)
        top_keyword = max((s.keyword.get(pid, 0.0) for s in scored if s.same_language
                           for pid in s.own), default=0.0)
        closest = (top_similarity if top_similarity >= settings.min_closest_similarity
                   else float("inf"))
        return cls(max(settings.min_similarity, top_similarity - settings.margin), closest,
                   max(settings.min_keyword_score, settings.keyword_share * top_keyword),
                   settings.keyword_similarity, settings.keyword_coverage, terms, paragraphs,
                   settings.max_views)

    def admits(self, pid: str, scored: Scored) -> bool:
        similarity = scored.similarity.get(pid, 0.0)
        if similarity >= self.similarity or similarity >= self.closest:
            return True
        # The theme's words count only in its own language (in the other, its keywords are
        # the glossary's translations of a few terms, and a small language's rare terms score
        # high: the two Chinese documents matched most English themes on them), and only when
        # the paragraph holds most of them (one rare word shared scored as high as a topic).
        return (scored.same_language and scored.keyword.get(pid, 0.0) >= self.keyword
                and similarity >= self.keyword_similarity
                and self._coverage(pid) >= self.coverage)

    def _coverage(self, pid: str) -> float:
        if not self.terms:
            return 0.0
        return len(self.terms & _terms(self.paragraphs[pid].text)) / len(self.terms)


@lru_cache(maxsize=20_000)
def _terms(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


def closest_first(ranked: list[str], scored: Scored) -> list[str]:
    """The document's first own paragraphs by fused score, the closest to the theme first."""
    considered = [pid for pid in ranked if pid in scored.own][:TOP_CONSIDERED]
    return sorted(considered, key=lambda pid: (-scored.similarity.get(pid, 0.0), pid))


def _best_of(considered: list[str], scored: Scored, gate: _Gate, paragraphs) -> str | None:
    """The first of the paragraphs ``considered`` that the gate admits; one of its items
    when an item is admitted behind it (a subparagraph is the more exact citation: "21 (c)"
    rather than all of "21")."""
    admitted = [pid for pid in considered if gate.admits(pid, scored)]
    if not admitted:
        return None
    best = admitted[0]
    item = next((pid for pid in admitted[1:]
                 if paragraphs[pid].parent_id == best), None)
    return item or best


def _row(owner, ids, scored: Scored, loaded, retriever, lang, gate: _Gate) -> TraceRow:
    paragraphs = loaded.paragraphs
    first = paragraphs[next(iter(ids))]
    card = loaded.cards.cards.get(first.doc_id)
    date = (card.date or card.year) if card else ""
    if not date:
        match = _YEAR.search(f"/{first.symbol}/" if first.symbol else "")
        date = match.group(1) if match else ""
    ranked = sorted(scored.fused, key=lambda pid: (-scored.fused[pid], pid))
    best = _best_of(closest_first(ranked, scored), scored, gate, paragraphs)
    views = _views(ranked, scored, paragraphs, gate)
    if best is None:
        return TraceRow(owner, card, date, views=views)
    shown, other = _in_language(paragraphs[best], lang, retriever.catalogue)
    return TraceRow(owner, card, date, shown, other, voice_of(shown, card),
                    scored.similarity.get(best, 0.0), views)


def _views(ranked, scored: Scored, paragraphs, gate: _Gate) -> tuple[View, ...]:
    """Each submitter's best paragraph that addresses the theme, the closest first."""
    best: dict[str, str] = {}
    for pid in ranked:
        paragraph = paragraphs[pid]
        if is_submission(paragraph):
            best.setdefault(split_reply(paragraph.part)[1], pid)
    views = [View(submitter, paragraphs[pid], scored.similarity.get(pid, 0.0))
             for submitter, pid in best.items() if gate.admits(pid, scored)]
    views.sort(key=lambda view: (-view.similarity, view.submitter))
    return tuple(views[:gate.max_views])


def _in_language(paragraph: Paragraph, lang: str, catalogue) -> tuple[Paragraph, Paragraph | None]:
    """The paragraph in ``lang`` where the library has that version, and the other one."""
    other = catalogue.counterpart(paragraph)
    if other is not None and paragraph.lang != lang:
        return other, paragraph
    return paragraph, other


def _with_changes(rows: list[TraceRow], settings: TraceSettings) -> list[TraceRow]:
    """Each row with what changed since the latest earlier row that says nearly the same
    (a 2019 principle restated in 2023, with the Chair's compilation between them), compared
    in a language both have; none when no earlier row is close."""
    out: list[TraceRow] = []
    for row in rows:
        if row.paragraph is not None:
            for earlier in reversed(out):
                pair = _same_language(earlier, row) if earlier.paragraph is not None else None
                change = word_diff(pair[0].text, pair[1].text, settings.close_ratio) if pair \
                    else None
                if change is not None:
                    row = replace(row, change=change, changed_since=earlier.paragraph)
                    break
        out.append(row)
    return out


def _same_language(before: TraceRow, after: TraceRow) -> tuple[Paragraph, Paragraph] | None:
    for old in (before.paragraph, before.other):
        for new in (after.paragraph, after.other):
            if old is not None and new is not None and old.lang == new.lang:
                return old, new
    return None
