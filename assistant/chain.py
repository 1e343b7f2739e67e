"""The answering chain: (question, history, retriever, llm, settings) → Answer.

1. A question that names a paragraph gets that paragraph verbatim, whatever the model.
2. Follow-ups are rewritten into a standalone question (by the model when there is one).
3. Retrieval; with a model, also with the question translated into the other corpus language.
4. Nothing relevant → a refusal in the question's language listing the nearest paragraphs;
   the model is never asked to answer from its own knowledge.
5. The model answers from numbered passages; the citation guard keeps only the keys it was
   given that support their sentence. No model, or a failing one → the extractive answer.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from typing import Callable

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from index.un.glossary import TERMS
from index.search.keyword import tokenize
from index.search.locators import parse_locators
from index.search.lookup import nearest_valid, one_per_language_pair
from index.models import Hit, Paragraph
from index.search.retriever import Retriever, validate_history, validate_query
from index.language import detect_lang

from .answer import Answer, Citation, Quote, compose
from .evidence import find_quote, settle_yes_no, unsupported_names, unsupported_numbers
from .extractive import best_sentence, best_single_sentence, distinct, extractive_answer
from .grounded import fill, parse_quoted_answer, quote_messages, select_passage
from .guard import MIN_SIMILARITY, document_context, guard

NOT_IN_CORPUS = "NOT_IN_CORPUS"
# Below both, retrieval found nothing about the question (calibrated on eval/qa.jsonl: the
# clearly off-topic questions sit under them, no answerable one does).
MIN_DENSE_SIMILARITY = 0.80
MIN_KEYWORD_SCORE = 8.0
MAX_VERBATIM = 3
PASSAGE_CHARS = {"en": 260, "zh": 130}  # ~60-90 tokens each for the Qwen tokenizer
AUX_TOKENS = 60  # a rewritten or translated question is short
RRF_K = 60

REFUSALS = {
    "en": "The corpus does not cover this question. The nearest paragraphs are:",
    "zh": "语料库中没有涉及这个问题的内容。最接近的段落是：",
}
NO_SUCH_PARAGRAPH = {
    "en": "There is no such paragraph in the corpus. The nearest valid ones are:",
    "zh": "语料库中没有这个段落。最接近的有效段落是：",
}
UNSUPPORTED = {
    "en": "The passages found do not clearly answer this question. The nearest paragraphs are:",
    "zh": "检索到的段落没有明确回答这个问题。最接近的段落是：",
}
VERBATIM_INTRO = {"en": "The text of {label}:", "zh": "{label}原文如下："}
# How a quote stands in for an answer the checks did not keep.
SAYS = {"en": ("The passage says: “", "”"), "zh": ("原文写道：“", "”")}
# The field's terms and their expansions: an answer may explain "LAWS" in capitals of its own.
GLOSSARY_WORDS = frozenset(word.lower() for term in TERMS for form in term.en
                           for word in re.findall(r"[A-Za-z]+", form))

TokenCallback = Callable[[str], None]


def answer_question(question: str, history: list[str], retriever: Retriever,
                    llm: BaseChatModel | None, settings, on_token: TokenCallback | None = None
                    ) -> Answer:
    started = time.perf_counter()
    # Bounded before any work: every later step reads the question and the last turns.
    question = validate_query(question, settings.max_question_chars)
    history = validate_history(history, settings.max_question_chars)
    lang = detect_lang(question)
    timings: dict[str, float] = {}

    named = one_per_language_pair(retriever.lookup(question, history, lang), lang)
    if named:
        result = _verbatim(question, lang, named)
        result.timings = {"total_ms": _ms(started)}
        return result
    if _names_a_paragraph(question):
        result = _no_such_paragraph(question, history, lang, retriever)
        result.timings = {"total_ms": _ms(started)}
        return result

    standalone = question
    # A question that stands on its own is not rewritten: the model call would cost seconds
    # before the first token, and retrieval still sees the history.
    if history and llm is not None and is_follow_up(question):
        standalone = _safe_call(llm, fill("rewrite", lang, history="\n".join(history),
                                           question=question), timings, "rewrite_ms") or question
    elif history and llm is None:
        standalone = rule_rewrite(question, history)
    step = time.perf_counter()
    hits = retriever.search(question if llm is None else standalone, settings.k,
                            history if llm is None or standalone == question else [])
    relevant = bool(hits) and _relevant(retriever, standalone) and years_found(standalone, hits)
    if relevant and llm is not None and settings.translate and len(retriever.langs) > 1:
        other = "zh" if lang == "en" else "en"
        translated = _safe_call(llm, fill("translate", other, question=standalone), timings,
                                "translate_ms")
        if translated:
            hits = fuse([hits, retriever.search(translated, settings.k)], settings.k)
    hits = in_language(hits, lang, retriever)
    timings["retrieval_ms"] = _ms(step)

    if not relevant:
        result = refusal(question, lang, hits, REFUSALS)
    elif llm is None:
        result = extractive_answer(question, lang, hits)
    else:
        result = _generate(question, standalone, lang, hits, retriever, llm, settings, on_token,
                           timings, started)
    result.standalone_question = standalone
    result.passages = hits
    timings["total_ms"] = _ms(started)
    result.timings = timings
    return result


# ---- steps ---------------------------------------------------------------------------------

def _generate(question, standalone, lang, hits, retriever, llm, settings, on_token, timings,
              started) -> Answer:
    """With ``settings.quoted_answers``: the model chooses the passage that answers (or none),
    quotes it, then answers from the quote; code checks the quote and the answer
    (assistant.grounded, assistant.evidence). Otherwise the free answer and the guard.

    Measured (answers judged by their keys, local 1.5B): on eval/qa.jsonl the quoted answers
    reached judged correct 0.556 / confidently wrong 0.222 at select_min_prob 0.35; on the
    held-out eval/qa_fresh.jsonl 0.408 / 0.355 against 0.461 / 0.355 for the free answers, so
    the free answers stay the default.
    """
    if not settings.quoted_answers:
        return _generate_free(question, standalone, lang, hits, retriever, llm, settings,
                              on_token, timings, started)
    given, passages = _numbered_passages(hits, standalone, settings)
    base = [SystemMessage(fill("grounded", lang, passages=passages)),
            HumanMessage(fill("select", lang, question=standalone))]
    step = time.perf_counter()
    try:
        selection = select_passage(llm, base, list(given))
    except Exception as exc:  # any transport or server failure: answer without the model
        timings["select_ms"] = _ms(step)
        return extractive_answer(question, lang, hits, "failed", _reason(exc))
    timings["select_ms"] = _ms(step)
    if selection is not None and (selection.key is None
                                  or selection.probability < settings.select_min_prob):
        # "None of them", or not sure which: a refusal names the nearest paragraphs.
        result = refusal(question, lang, hits, UNSUPPORTED)
        result.selection, result.given = selection.to_record(), given
        return result
    try:
        raw = _draft(llm, quote_messages(base, lang, standalone, selection), on_token, timings,
                     started)
    except Exception as exc:  # any transport or server failure: answer without the model
        return extractive_answer(question, lang, hits, "failed", _reason(exc))
    if not raw:
        return extractive_answer(question, lang, hits, "failed", "empty reply")
    if NOT_IN_CORPUS in raw:
        result = refusal(question, lang, hits, REFUSALS)
    else:
        chosen = {selection.key: given[selection.key]} if selection else given
        result = checked_answer(question, standalone, lang, raw, chosen, hits, retriever)
    result.draft, result.given = raw, given
    result.selection = selection.to_record() if selection else None
    return result


def _numbered_passages(hits: list[Hit], standalone: str, settings
                       ) -> tuple[dict[int, Paragraph], str]:
    """The passages the model sees, under their keys, and the prompt text that lists them."""
    given = {key: hit.paragraph
             for key, hit in enumerate(distinct(hits)[: settings.passages], 1)}
    # Short passages keep the prompt short: on 2 cores the 1.5B model reads ~100 tokens/s,
    # and the first token waits for the whole prompt.
    passages = "\n\n".join(
        f"[{key}] {best_sentence(standalone, p.text, PASSAGE_CHARS[p.lang])}"
        for key, p in given.items())
    return given, passages


def _draft(llm: BaseChatModel, messages, on_token: TokenCallback | None, timings: dict,
           started: float) -> str:
    """The model's reply, streamed to ``on_token`` as it comes; the first token's time is
    taken from the question, as a user waits. Transport errors propagate to the caller."""
    step = time.perf_counter()
    pieces: list[str] = []
    try:
        for chunk in llm.stream(messages):
            token = chunk.content if isinstance(chunk.content, str) else ""
            if token and "first_token_ms" not in timings:
                timings["first_token_ms"] = _ms(started)
            pieces.append(token)
            if on_token and token:
                on_token(token)
    finally:
        timings["generation_ms"] = _ms(step)
    return "".join(pieces).strip()


def _generate_free(question, standalone, lang, hits, retriever, llm, settings, on_token, timings,
                   started) -> Answer:
    """The default: the model answers from numbered passages in its own words; the citation
    guard keeps the keys it was given that support their sentence (assistant.guard)."""
    given, passages = _numbered_passages(hits, standalone, settings)
    messages = [SystemMessage(fill("answer", lang, passages=passages)),
                HumanMessage(standalone)]
    try:
        raw = _draft(llm, messages, on_token, timings, started)
    except Exception as exc:  # any transport or server failure: answer without the model
        return extractive_answer(question, lang, hits, "failed", _reason(exc))
    if not raw:
        return extractive_answer(question, lang, hits, "failed", "empty reply")
    if NOT_IN_CORPUS in raw:
        result = refusal(question, lang, hits, REFUSALS)
    else:
        embedder = retriever.store.embedder
        text, citations, _ = guard(raw, given, lang, similarity=_similarity(embedder),
                                   question=standalone)
        if citations:
            result = Answer(question=question, lang=lang, text=text, citations=citations,
                            mode="llm")
        else:
            # Every claim lacked support in the passages: the model answered from elsewhere.
            result = refusal(question, lang, hits, UNSUPPORTED)
    result.draft, result.given = raw, given
    return result


def checked_answer(question: str, standalone: str, lang: str, raw: str,
                    chosen: dict[int, Paragraph], hits: list[Hit], retriever: Retriever
                    ) -> Answer:
    """The model's answer when its quote is in the chosen paragraph (either language version)
    and the answer keeps to the quote; the quote itself when only the quote holds; the chosen
    passage's best sentence when the quote is not there; a refusal when nothing was chosen."""
    quote, sentence = parse_quoted_answer(raw)
    for key, paragraph in chosen.items():
        versions = [paragraph] + [v for v in [retriever.counterpart(paragraph)] if v]
        found = find_quote(quote, versions) if quote else None
        if found is None:
            continue
        source, words = found
        checked = _sentence_within_quote(sentence, words, source.lang, lang, standalone,
                                         retriever)
        # The sentence, and under it the words it rests on: what the reader is asked to trust
        # is the quote, and the quote alone when the sentence did not pass.
        pieces = ([checked, f" [{key}]\n“", Quote(words), "”"] if checked
                  else [SAYS[lang][0], Quote(words), SAYS[lang][1], f" [{key}]"])
        text, quotes = compose(pieces)
        citation = Citation(key, paragraph, paragraph.label(lang), quote=words)
        return Answer(question=question, lang=lang, text=text, citations=[citation],
                      mode="llm", passages=hits, quotes=quotes)
    if len(chosen) == 1:
        # The model chose a passage but did not copy it: quote its best sentence instead.
        key, paragraph = next(iter(chosen.items()))
        words = best_single_sentence(standalone, paragraph.text)
        text, quotes = compose([SAYS[lang][0], Quote(words), SAYS[lang][1], f" [{key}]"])
        citation = Citation(key, paragraph, paragraph.label(lang), quote=words)
        return Answer(question=question, lang=lang, text=text, citations=[citation],
                      mode="llm", passages=hits, quotes=quotes)
    return refusal(question, lang, hits, UNSUPPORTED)


def _sentence_within_quote(sentence: str, quote: str, quote_lang: str, lang: str,
                           question: str, retriever: Retriever) -> str:
    """The model's sentence when it says no more than the quote: its numbers are the quote's,
    its names (English to English) are the quote's or the question's, across languages it
    means the same (multilingual similarity), and it says something the question did not;
    a yes/no kept only where the quote's polarity agrees. "" when it fails."""
    sentence = re.sub(r"\s*[\[【]\s*\d+\s*[\]】]", "", sentence).strip()
    if not sentence or unsupported_numbers(sentence, quote):
        return ""
    if not set(tokenize(sentence)) - set(tokenize(question)):
        return ""  # "The passage states that …" restating the question
    if lang == "en" and quote_lang == "en":
        if unsupported_names(sentence, quote, question, GLOSSARY_WORDS):
            return ""
    elif quote_lang != lang:
        embedder = retriever.store.embedder
        a, b = embedder.embed_query(sentence), embedder.embed_query(quote)
        if sum(x * y for x, y in zip(a, b)) < MIN_SIMILARITY:
            return ""
    return settle_yes_no(sentence, quote, question)


FOLLOW_UP = re.compile(r"^(and|but|what about|how about|also|then|so)\b|^(那|那么|还有|这些|其中|它|他们|该)",
                       re.I)
# Words that point back at an earlier turn ("it", "the same", "who else", "上述", "这些"). Single
# Chinese characters count only at the start: 其 is also in 尤其, 其他; 还 in 还是.
REFERS_BACK = re.compile(r"\b(it|its|they|them|their|this|these|those|same|else|also|above|"
                         r"previous|earlier)\b|^(其|该|此|这|那|它)|这些|那些|其中|上述|前面|同样|"
                         r"它们|他们|该段|该文件|这份|那份|这一|那一", re.I)
# characters: "And under item 6?" or "那(d)项呢？" lean on what came before
SHORT_QUESTION = {"en": 25, "zh": 12}


def is_follow_up(question: str) -> bool:
    """Whether a question leans on the conversation so far and needs rewriting."""
    question = question.strip()
    return (bool(FOLLOW_UP.search(question) or REFERS_BACK.search(question))
            or len(question) < SHORT_QUESTION[detect_lang(question)])


def rule_rewrite(question: str, history: list[str]) -> str:
    """Without a model: an elliptical follow-up ("And what about training?") is read with the
    previous question; a question that stands on its own is left alone."""
    if is_follow_up(question):
        return f"{history[-1]} {question}"
    return question


def in_language(hits: list[Hit], lang: str, retriever: Retriever) -> list[Hit]:
    """Each hit in the question's language where the corpus has that version: a small model
    answers best from passages in the language it answers in, and the citation then points
    at the version the reader reads (the other one is one click away)."""
    out: dict[str, Hit] = {}
    for hit in hits:
        other = retriever.counterpart(hit.paragraph) if hit.paragraph.lang != lang else None
        chosen = Hit(other, hit.score, hit.sources) if other is not None else hit
        out.setdefault(chosen.paragraph.id, chosen)  # both versions found: one stays
    return list(out.values())


def _verbatim(question: str, lang: str, paragraphs: list[Paragraph]) -> Answer:
    pieces: list[str | Quote] = []
    citations = []
    for key, p in enumerate(paragraphs[:MAX_VERBATIM], 1):
        label = p.label(lang)
        # The paragraph is quoted as a quote: a "[2]" printed in it never becomes a marker.
        pieces += ["\n" if pieces else "", VERBATIM_INTRO[lang].format(label=label),
                   "\n“", Quote(p.text), f"” [{key}]"]
        citations.append(Citation(key, p, label))
    text, quotes = compose(pieces)
    hits = [Hit(p, 1.0, ("locator",)) for p in paragraphs[:MAX_VERBATIM]]
    return Answer(question=question, lang=lang, text=text, citations=citations,
                  mode="lookup", passages=hits, quotes=quotes)


def _names_a_paragraph(question: str) -> bool:
    # Any number-like paragraph ("para. 99999", "para. -1", "第 21 段(zz)"), not only the ones
    # that could exist: a missing one gets "no such paragraph", never unrelated passages.
    from index.search.locators import names_a_paragraph

    return names_a_paragraph(question)


def _no_such_paragraph(question, history, lang, retriever) -> Answer:
    """The "no such paragraph" answer, with the nearest valid ones in the document the question
    names or, failing that, the one the conversation last named (as Retriever.lookup does)."""
    from index.search.locators import Locator

    named = [loc for loc in parse_locators(question) if loc.number or loc.item]
    loc = named[0] if named else Locator(None, None, None, None)
    if loc.symbol is None:
        turns = [question, *reversed(list(history))]
        symbol = next((s for turn in turns for s in retriever.named_symbols(turn)), None)
        loc = Locator(symbol, loc.part, loc.number, loc.item)
    nearest = nearest_valid(retriever, loc)
    hits = [Hit(p, 0.0, ("nearest",)) for p in nearest]
    return refusal(question, lang, hits, NO_SUCH_PARAGRAPH)


def refusal(question: str, lang: str, hits: list[Hit], intro: dict) -> Answer:
    nearest = "\n".join(f"- {h.paragraph.label(lang)}" for h in hits[:3])
    return Answer(question=question, lang=lang, text=f"{intro[lang]}\n{nearest}".strip(),
                  refused=True, mode="refusal", passages=hits)


def _relevant(retriever: Retriever, question: str) -> bool:
    return covered(*retriever.relevance(question))


YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def years_found(question: str, hits: list[Hit]) -> bool:
    """A year the question asks about must appear in what was found (a passage, its document's
    title, symbol or date): "the 2024 session" is not answered by the report of the 2023 one."""
    years = set(YEAR.findall(question))
    if not years:
        return True
    seen = set(YEAR.findall(" ".join(document_context(h.paragraph) for h in hits)))
    return years <= seen


def covered(dense: float, keyword: float) -> bool:
    """Whether the corpus says anything close to the question at all."""
    return dense >= MIN_DENSE_SIMILARITY or keyword >= MIN_KEYWORD_SCORE


def fuse(lists: list[list[Hit]], k: int) -> list[Hit]:
    """Reciprocal-rank fusion of hit lists (original question + its translation)."""
    scores: dict[str, float] = defaultdict(float)
    best: dict[str, Hit] = {}
    for hits in lists:
        for rank, hit in enumerate(hits):
            pid = hit.paragraph.id
            # an exact locator hit keeps its place at the top
            scores[pid] += hit.score if "locator" in hit.sources else 1.0 / (RRF_K + rank + 1)
            best.setdefault(pid, hit)
    ranked = sorted(scores, key=lambda pid: -scores[pid])[:k]
    return [Hit(best[pid].paragraph, scores[pid], best[pid].sources) for pid in ranked]


# ---- helpers -------------------------------------------------------------------------------

def _safe_call(llm: BaseChatModel, prompt: str, timings: dict, key: str) -> str:
    """A short auxiliary call (rewrite, translate); its failure only skips the step."""
    step = time.perf_counter()
    try:
        reply = llm.invoke([HumanMessage(prompt)], max_tokens=AUX_TOKENS)
        text = reply.content.strip() if isinstance(reply.content, str) else ""
    except Exception:
        text = ""
    timings[key] = _ms(step)
    first_line = text.splitlines()[0].strip() if text else ""
    return first_line[:500]


def _similarity(embedder):
    """Multilingual similarity for the guard; each paragraph is embedded once per answer,
    however many sentences are checked against it."""
    vectors: dict[str, list[float]] = {}

    def similarity(sentence: str, paragraph: Paragraph) -> float:
        if paragraph.id not in vectors:
            vectors[paragraph.id] = embedder.embed_documents([paragraph.text])[0]
        a = embedder.embed_query(sentence)
        return sum(x * y for x, y in zip(a, vectors[paragraph.id]))
    return similarity


def _reason(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if "Connection" in name:
        return "could not connect"
    return name


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000
