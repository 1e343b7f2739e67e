"""The answering chain: (question, history) → Answer, through one analysed ``Query``.

1. A question that names a paragraph gets that paragraph verbatim, whatever the model.
2. Follow-ups are rewritten into a standalone question (by the model when there is one; a
   rewrite that drops the follow-up's new topic is not used).
3. Retrieval; with a model, also with the question translated into the other corpus language.
4. A document the question names that the library does not hold (and no passage mentions),
   a year nothing found is about, or nothing relevant (the relevance gate) → a refusal in the
   question's language saying so and listing the nearest paragraphs; the model is never asked
   to answer from its own knowledge.
5. The model answers from numbered passages; the citation guard keeps only the keys it was
   given that support their sentence (or, opted in, quoted answers). No model, or a failing
   one → the extractive answer.
"""

from __future__ import annotations

import time

from langchain_core.language_models import BaseChatModel

from index.models import Hit, Paragraph
from index.search.catalogue import Catalogue
from index.search.fusion import fuse_hits
from index.search.lookup import named_paragraphs, one_per_language_pair
from index.search.query import Query, analyse
from index.search.relevance import RelevanceGate
from index.search.retriever import Retriever
from index.search.scope import Scope
from prompts import fill

from .absent import absent_intro
from .answer import Answer
from .extractive import extractive_answer
from .free_answer import free_answer
from .model_calls import StepCallback, TokenCallback, aux_call, ms_since
from .named_document import note_other_documents
from .quoted_answer import quoted_answer
from .replies import no_such_paragraph, refusal, verbatim
from .renumber import renumber
from .rewrite import standalone_question
from .texts import REFUSALS


def answer_question(question: str, history: list[str], retriever: Retriever,
                    llm: BaseChatModel | None, settings, on_token: TokenCallback | None = None,
                    gate: RelevanceGate | None = None, scope: Scope | None = None) -> Answer:
    """The answer to ``question`` (``history``: earlier user turns, oldest first).

    Args:
        gate: the relevance gate; by default the one ``settings``' cut-offs make.
        scope: the documents asked of (None: the whole index).
    Raises:
        QueryError: the question or a turn is empty, has no words or is too long.
    """
    started = time.perf_counter()
    # Checked and read once, before any work: every later step reads this query.
    query = analyse(question, history, retriever.catalogue, settings.max_question_chars, scope)
    return answer_query(query, retriever, llm, settings, on_token, gate, started)


def answer_query(query: Query, retriever: Retriever, llm: BaseChatModel | None, settings,
                 on_token: TokenCallback | None = None, gate: RelevanceGate | None = None,
                 started: float | None = None, on_step: StepCallback | None = None) -> Answer:
    """The answer to an analysed question (the page analyses it first, to say what is wrong
    with it before any work); ``started``: when the user asked, for the timings;
    ``on_step``: told each step as it starts ("searching", "reading"), so a page can say what
    it is waiting for (under load the model's first word can be half a minute away)."""
    started = time.perf_counter() if started is None else started
    step_to = on_step or (lambda name, **values: None)
    named = one_per_language_pair(named_paragraphs(query, retriever.catalogue), query.lang)
    if named:
        return _timed(verbatim(query, named), started)
    if query.names_paragraph:
        return _timed(no_such_paragraph(query, retriever.catalogue), started)

    timings: dict[str, float] = {}
    step_to("searching")
    if llm is not None:
        query = query.reworded(standalone_question(query, llm, timings),
                               retriever.catalogue)
    step = time.perf_counter()
    found = retriever.retrieve(query, settings.k)
    hits = found.hits
    gate = gate or RelevanceGate.from_settings(settings, retriever.store.embedder.name)
    missing = absent_intro(found, retriever.catalogue)
    relevant = not missing and gate.admits(found)
    if relevant and llm is not None and settings.translate and len(retriever.catalogue.langs) > 1:
        hits = _with_translation(query, hits, retriever, llm, settings, timings)
    hits = in_language(hits, query.lang, retriever.catalogue)
    timings["retrieval_ms"] = ms_since(step)

    if relevant and llm is not None:
        step_to("reading", passages=min(len(hits), settings.passages))
    if missing:
        result = refusal(query.text, query.lang, hits, missing)
    elif not relevant:
        result = refusal(query.text, query.lang, hits, REFUSALS)
    elif llm is None:
        result = extractive_answer(query.text, query.lang, hits)
    elif settings.quoted_answers:
        result = quoted_answer(query, hits, retriever, llm, settings, on_token, timings, started)
    else:
        result = free_answer(query, hits, retriever.store.embedder, llm, settings, on_token,
                             timings, started)
    result = renumber(note_other_documents(result, query, retriever.catalogue,
                                           retriever.settings.route_margin))
    result.standalone_question = query.standalone
    result.passages = hits
    timings["total_ms"] = ms_since(started)
    result.timings = timings
    return result


def answer_about(question: str, paragraphs: list[Paragraph], retriever: Retriever,
                 llm: BaseChatModel | None, settings, on_token: TokenCallback | None = None
                 ) -> Answer:
    """The answer to a question about given paragraphs (a trace's rows: "why was 'meaningful'
    dropped?"): they are the passages, the closest to the question first, in its language
    where the library has it; the citation guard checks each claim as for any answer.

    Raises:
        QueryError: the question is empty, has no words or is too long.
    """
    started = time.perf_counter()
    query = analyse(question, [], retriever.catalogue, settings.max_question_chars)
    hits = in_language(_closest(query, paragraphs, retriever), query.lang, retriever.catalogue)
    timings: dict[str, float] = {}
    if llm is None:
        result = extractive_answer(query.text, query.lang, hits)
    else:
        result = free_answer(query, hits, retriever.store.embedder, llm, settings, on_token,
                             timings, started)
    result = renumber(result)
    result.standalone_question = query.standalone
    result.passages = hits
    timings["total_ms"] = ms_since(started)
    result.timings = timings
    return result


def _closest(query: Query, paragraphs: list[Paragraph], retriever: Retriever) -> list[Hit]:
    """``paragraphs`` as hits, the most similar to the question first."""
    by_id = {p.id: p for p in paragraphs}
    loaded = retriever.catalogue.current()
    vector = query.vector(query.standalone_wording, retriever.store.embedder.embed_query)
    found = retriever.held.nearest(retriever.snapshot(loaded.stamp), loaded,
                                   ("passages", tuple(sorted(by_id))), frozenset(by_id), vector,
                                   len(by_id)) or []
    ranked = [Hit(by_id[pid], score, ("trace",)) for pid, score in found if pid in by_id]
    seen = {hit.paragraph.id for hit in ranked}
    return ranked + [Hit(p, 0.0, ("trace",)) for p in paragraphs if p.id not in seen]


def _with_translation(query: Query, hits: list[Hit], retriever: Retriever, llm: BaseChatModel,
                      settings, timings: dict) -> list[Hit]:
    """The hits fused with those of the standalone question translated into the other corpus
    language (a small model answers best from passages in its own language)."""
    other = "zh" if query.lang == "en" else "en"
    translated = aux_call(llm, fill("translate", other, question=query.standalone), timings,
                          "translate_ms")
    if not translated:
        return hits
    more = retriever.search(query.reworded(translated, retriever.catalogue), settings.k)
    return fuse_hits([hits, more], settings.k)


def in_language(hits: list[Hit], lang: str, catalogue: Catalogue) -> list[Hit]:
    """Each hit in the question's language where the corpus has that version: a small model
    answers best from passages in the language it answers in, and the citation then points
    at the version the reader reads (the other one is one click away)."""
    out: dict[str, Hit] = {}
    for hit in hits:
        other = catalogue.counterpart(hit.paragraph) if hit.paragraph.lang != lang else None
        chosen = Hit(other, hit.score, hit.sources) if other is not None else hit
        out.setdefault(chosen.paragraph.id, chosen)  # both versions found: one stays
    return list(out.values())


def _timed(result: Answer, started: float) -> Answer:
    result.timings = {"total_ms": ms_since(started)}
    return result
