"""A follow-up made standalone by the model, and kept only when it keeps the follow-up's topic.

A small model asked to rewrite "And what about human control?" after a question on IHL often
returns the earlier question word for word, or drops "human control": the search then finds the
first answer again and the user gets it twice. So a rewrite must carry every new term of the
follow-up (a content word the earlier question does not have); one that does not is thrown
away, and the follow-up is searched as if no model had rewritten it: the question itself and
the deterministic merge of the earlier question with it (``index.search.query.analyse``).
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from index.search.keyword import tokenize
from index.search.query import Query
from prompts import fill

from .model_calls import aux_call
from .quote_checks import fold

# Words that only lean on the earlier turn ("and what about …", "那…呢"): not a new topic.
_LEANING_WORDS = frozenset(
    "what about how else also then so ok okay please tell me 那 那么 呢 吗 还有 什么 怎么 如何 "
    "关于 方面 情况 问题 怎样 的话".split())


def new_terms(question: str, earlier: str) -> set[str]:
    """The follow-up's own topic: its index terms that the earlier question lacks."""
    before = set(tokenize(earlier))
    return {term for term in tokenize(question)
            if term not in before and term not in _LEANING_WORDS}


def keeps_topic(rewrite: str, question: str, earlier: str) -> bool:
    """Whether ``rewrite`` (of the follow-up ``question`` after ``earlier``) still asks it:
    not the earlier question again, and every new term of the follow-up in it."""
    if fold(rewrite) == fold(earlier):
        return False
    wanted = new_terms(question, earlier)
    return wanted <= set(tokenize(rewrite))


def standalone_question(query: Query, llm: BaseChatModel, timings: dict) -> str:
    """The model's standalone rewrite of a follow-up when it keeps the follow-up's topic, else
    the question itself (searched with the conversation). A question that stands on its own is
    not rewritten: the model call would cost seconds before the first token."""
    if not (query.history and query.follow_up):
        return query.text
    prompt = fill("rewrite", query.lang, history="\n".join(query.history), question=query.text)
    rewrite = aux_call(llm, prompt, timings, "rewrite_ms")
    if rewrite and keeps_topic(rewrite, query.text, query.history[-1]):
        return rewrite
    return query.text  # the answer's standalone question then shows the follow-up as asked

