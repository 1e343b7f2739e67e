"""Quoted answers (``Settings.quoted_answers``): the model chooses the passage that answers (or
none), quotes it, then answers from the quote; code checks the quote against the paragraph and
the answer against the quote (assistant.quote_protocol, assistant.quote_checks).

Measured (answers judged by their keys, local 1.5B): on eval/qa.jsonl the quoted answers
reached judged correct 0.556 / confidently wrong 0.222 at select_min_prob 0.35; on the
held-out eval/qa_fresh.jsonl 0.408 / 0.355 against 0.461 / 0.355 for the free answers, so
the free answers stay the default.
"""

from __future__ import annotations

import re
import time

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from index.models import Hit, Paragraph
from index.search.keyword import tokenize
from index.search.query import Query
from index.un.glossary import TERMS
from prompts import fill

from .answer import Answer, Citation, Quote, compose
from .quote_checks import find_quote, settle_yes_no, unsupported_names, unsupported_numbers
from .extractive import best_single_sentence, extractive_answer
from .free_answer import model_draft, numbered_passages
from .quote_protocol import parse_quoted_answer, quote_messages, select_passage
from .citation_guard import MIN_SIMILARITY
from .model_calls import TokenCallback, failure_reason, ms_since
from .replies import refusal
from .texts import SAYS, UNSUPPORTED

# The field's terms and their expansions: an answer may explain "LAWS" in capitals of its own.
GLOSSARY_WORDS = frozenset(word.lower() for term in TERMS for form in term.en
                           for word in re.findall(r"[A-Za-z]+", form))


def quoted_answer(query: Query, hits: list[Hit], retriever, llm: BaseChatModel, settings,
                  on_token: TokenCallback | None, timings: dict, started: float) -> Answer:
    """Choose, quote, answer; a refusal when the model chose none or was unsure which."""
    given, passages = numbered_passages(hits, query, settings)
    base = [SystemMessage(fill("grounded", query.lang, passages=passages)),
            HumanMessage(fill("select", query.lang, question=query.standalone))]
    step = time.perf_counter()
    try:
        selection = select_passage(llm, base, list(given))
    except Exception as exc:  # any transport or server failure: answer without the model
        timings["select_ms"] = ms_since(step)
        return extractive_answer(query.text, query.lang, hits, "failed", failure_reason(exc))
    timings["select_ms"] = ms_since(step)
    if selection is not None and (selection.key is None
                                  or selection.probability < settings.select_min_prob):
        # "None of them", or not sure which: a refusal names the nearest paragraphs.
        result = refusal(query.text, query.lang, hits, UNSUPPORTED)
        result.selection, result.given = selection.to_record(), given
        return result
    messages = quote_messages(base, query.lang, query.standalone, selection)
    raw, result = model_draft(llm, messages, query, hits, on_token, timings, started)
    if not raw:
        return result  # the model failed: the extractive answer
    if result is None:
        chosen = {selection.key: given[selection.key]} if selection else given
        result = checked_answer(query, raw, chosen, hits, retriever)
    result.draft, result.given = raw, given
    result.selection = selection.to_record() if selection else None
    return result


def checked_answer(query: Query, raw: str, chosen: dict[int, Paragraph], hits: list[Hit],
                   retriever) -> Answer:
    """The model's answer when its quote is in the chosen paragraph (either language version)
    and the answer keeps to the quote; the quote itself when only the quote holds; the chosen
    passage's best sentence when the quote is not there; a refusal when nothing was chosen."""
    lang = query.lang
    quote, sentence = parse_quoted_answer(raw)
    for key, paragraph in chosen.items():
        versions = [paragraph] + [v for v in [retriever.catalogue.counterpart(paragraph)] if v]
        found = find_quote(quote, versions) if quote else None
        if found is None:
            continue
        source, words = found
        checked = _sentence_within_quote(sentence, words, source.lang, query, retriever)
        # The sentence, and under it the words it rests on: what the reader is asked to trust
        # is the quote, and the quote alone when the sentence did not pass.
        pieces = ([checked, f" [{key}]\n“", Quote(words), "”"] if checked
                  else [SAYS[lang][0], Quote(words), SAYS[lang][1], f" [{key}]"])
        return _quoted(query, hits, key, paragraph, words, pieces)
    if len(chosen) == 1:
        # The model chose a passage but did not copy it: quote its best sentence instead.
        key, paragraph = next(iter(chosen.items()))
        words = best_single_sentence(query.standalone, paragraph.text)
        pieces = [SAYS[lang][0], Quote(words), SAYS[lang][1], f" [{key}]"]
        return _quoted(query, hits, key, paragraph, words, pieces)
    return refusal(query.text, lang, hits, UNSUPPORTED)


def _quoted(query: Query, hits: list[Hit], key: int, paragraph: Paragraph, words: str,
            pieces: list) -> Answer:
    text, quotes = compose(pieces)
    citation = Citation(key, paragraph, paragraph.label(query.lang), quote=words)
    return Answer(question=query.text, lang=query.lang, text=text, citations=[citation],
                  mode="llm", passages=hits, quotes=quotes)


def _sentence_within_quote(sentence: str, quote: str, quote_lang: str, query: Query,
                           retriever) -> str:
    """The model's sentence when it says no more than the quote: its numbers are the quote's,
    its names (English to English) are the quote's or the question's, across languages it
    means the same (multilingual similarity), and it says something the question did not;
    a yes/no kept only where the quote's polarity agrees. "" when it fails."""
    question = query.standalone
    sentence = re.sub(r"\s*[\[【]\s*\d+\s*[\]】]", "", sentence).strip()
    if not sentence or unsupported_numbers(sentence, quote):
        return ""
    if not set(tokenize(sentence)) - set(tokenize(question)):
        return ""  # "The passage states that …" restating the question
    if query.lang == "en" and quote_lang == "en":
        if unsupported_names(sentence, quote, question, GLOSSARY_WORDS):
            return ""
    elif quote_lang != query.lang:
        embedder = retriever.store.embedder
        a, b = embedder.embed_query(sentence), embedder.embed_query(quote)
        if sum(x * y for x, y in zip(a, b)) < MIN_SIMILARITY:
            return ""
    return settle_yes_no(sentence, quote, question)
