"""The default answer: the model answers from numbered passages in its own words, and the
citation guard keeps the keys it was given that support their sentence (assistant.citation_guard)."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from index.models import Hit, Paragraph
from index.search.query import Query
from prompts import fill

from .answer import Answer
from .extractive import best_sentence, distinct, extractive_answer
from .citation_guard import guard
from .model_calls import TokenCallback, draft, failure_reason
from .one_language import one_language
from .replies import refusal
from .texts import REFUSALS, UNSUPPORTED

NOT_IN_CORPUS = "NOT_IN_CORPUS"
PASSAGE_CHARS = {"en": 260, "zh": 130}  # ~60-90 tokens each for the Qwen tokenizer


def numbered_passages(hits: list[Hit], query: Query, settings
                      ) -> tuple[dict[int, Paragraph], str]:
    """The passages the model sees, under their keys, and the prompt text that lists them."""
    given = {key: hit.paragraph
             for key, hit in enumerate(distinct(hits)[: settings.passages], 1)}
    # Short passages keep the prompt short: on 2 cores the 1.5B model reads ~100 tokens/s,
    # and the first token waits for the whole prompt.
    passages = "\n\n".join(
        f"[{key}] {best_sentence(query.standalone, p.text, PASSAGE_CHARS[p.lang])}"
        for key, p in given.items())
    return given, passages


def free_answer(query: Query, hits: list[Hit], embedder, llm: BaseChatModel, settings,
                on_token: TokenCallback | None, timings: dict, started: float) -> Answer:
    """The model's answer as the guard left it; a refusal when no claim kept its support;
    the extractive answer when the model failed or said nothing."""
    given, passages = numbered_passages(hits, query, settings)
    messages = [SystemMessage(fill("answer", query.lang, passages=passages)),
                HumanMessage(query.standalone)]
    raw, result = model_draft(llm, messages, query, hits, on_token, timings, started)
    if not raw:
        return result  # the model failed: the extractive answer
    if result is None:
        text, citations, _ = guard(raw, given, query, similarity=similarity_of(embedder))
        if citations:
            result = Answer(question=query.text, lang=query.lang,
                            text=one_language(text, query.lang),
                            citations=citations, mode="llm")
        else:
            # Every claim lacked support in the passages: the model answered from elsewhere.
            result = refusal(query.text, query.lang, hits, UNSUPPORTED)
    result.draft, result.given = raw, given
    return result


def model_draft(llm: BaseChatModel, messages, query: Query, hits: list[Hit],
                on_token: TokenCallback | None, timings: dict, started: float
                ) -> tuple[str, Answer | None]:
    """The model's draft, and the answer that stands in for it where there is one: the
    extractive answer when the model failed or said nothing (the draft is then ""), a refusal
    when it said the passages do not cover the question."""
    try:
        raw = draft(llm, messages, on_token, timings, started)
    except Exception as exc:  # any transport or server failure: answer without the model
        return "", extractive_answer(query.text, query.lang, hits, "failed", failure_reason(exc))
    if not raw:
        return "", extractive_answer(query.text, query.lang, hits, "failed", "empty reply")
    if NOT_IN_CORPUS in raw:
        return raw, refusal(query.text, query.lang, hits, REFUSALS)
    return raw, None


def similarity_of(embedder):
    """Multilingual similarity for the guard; each paragraph is embedded once per answer,
    however many sentences are checked against it."""
    vectors: dict[str, list[float]] = {}

    def similarity(sentence: str, paragraph: Paragraph) -> float:
        if paragraph.id not in vectors:
            vectors[paragraph.id] = embedder.embed_documents([paragraph.text])[0]
        a = embedder.embed_query(sentence)
        return sum(x * y for x, y in zip(a, vectors[paragraph.id]))
    return similarity
