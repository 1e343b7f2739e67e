"""Answering from one passage the model chose, in words it quoted from it.

Two calls that share their beginning (the passages, then the question), so llama.cpp reuses
the processed prompt and the second call reads only its own few tokens:
1. **Which passage answers, or none?** One token constrained to "0"…"n" by a grammar; its
   probabilities (``logprobs``) say how sure the model is. "0" winning, or the chosen key
   below ``select_min_prob``, is a refusal: the small model answers *something* from the
   nearest passage otherwise (the chair of another body, a count from a symbol).
2. **Quote, then answer.** The model copies the words of that passage that answer, then writes
   one sentence; code checks the quote against the paragraph (either language version) and the
   sentence against the quote (assistant.quote_checks).
A server that returns no logprobs gets step 2 alone, the model choosing the passage; the quote
check says which one it used.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from prompts import fill

NONE_KEY = 0
QUOTE_LINE = re.compile(r"^\s*\**\s*(?:QUOTE|原文)\s*\**\s*[:：]\s*\**\s*(?P<text>.*)$",
                        re.IGNORECASE | re.MULTILINE)
ANSWER_LINE = re.compile(r"^\s*\**\s*(?:ANSWER|回答|答案)\s*\**\s*[:：]\s*\**\s*(?P<text>.*)$",
                         re.IGNORECASE | re.MULTILINE)
QUOTE_MARKS = "\"'“”‘’「」『』《》"


@dataclass
class Selection:
    """The passage the model says answers (None: "none of them"), and how sure it is."""

    key: int | None
    probability: float
    probabilities: dict[int, float] = field(default_factory=dict)  # over 0 … n, summing to 1

    def to_record(self) -> dict:
        return {"key": self.key, "probability": round(self.probability, 4),
                "probabilities": {str(k): round(p, 4) for k, p in self.probabilities.items()}}


def select_passage(llm: BaseChatModel, messages: list[BaseMessage], keys: list[int]
                   ) -> Selection | None:
    """Ask which of ``keys`` answers (or 0); None when the server returns no token
    probabilities (then the caller lets the model choose while it answers)."""
    grammar = "root ::= " + " | ".join(f'"{k}"' for k in [NONE_KEY, *keys])
    reply = llm.bind(max_tokens=1, logprobs=True, top_logprobs=len(keys) + 3,
                     extra_body={"grammar": grammar}).invoke(messages)
    logprobs = (reply.response_metadata or {}).get("logprobs") or {}
    content = logprobs.get("content") or []
    if not content or not content[0].get("top_logprobs"):
        return None
    allowed = {str(k): k for k in [NONE_KEY, *keys]}
    # The top list is the model's own distribution, before the grammar: keep the keys only.
    weights = {allowed[t["token"].strip()]: math.exp(t["logprob"])
               for t in content[0]["top_logprobs"] if t["token"].strip() in allowed}
    chosen = allowed.get(str(reply.content).strip())
    if chosen is not None:
        weights.setdefault(chosen, math.exp(content[0].get("logprob", -50.0)))
    total = sum(weights.values())
    if not total:
        return None
    probabilities = {k: w / total for k, w in sorted(weights.items())}
    best = max(probabilities, key=lambda k: probabilities[k])
    return Selection(None if best == NONE_KEY else best, probabilities[best], probabilities)


def quote_messages(base: list[BaseMessage], lang: str, question: str,
                   selection: Selection | None) -> list[BaseMessage]:
    """The second call: the first call's messages and its answer, then "quote and answer"
    (sharing the first call's beginning); without a selection, a call of its own."""
    if selection is None:
        return [base[0], HumanMessage(fill("quote_any", lang, question=question))]
    return [*base, AIMessage(str(selection.key)), HumanMessage(fill("quote", lang,
                                                                    key=selection.key))]


def parse_quoted_answer(raw: str) -> tuple[str, str]:
    """(quote, answer) from "QUOTE: …\\nANSWER: …"; either may be empty."""
    quote = QUOTE_LINE.search(raw)
    answer = ANSWER_LINE.search(raw)
    quote_text = quote.group("text").strip().strip(QUOTE_MARKS).strip() if quote else ""
    # One line: what the small model adds below it is commentary (measured on eval/qa.jsonl:
    # invented expansions of abbreviations, "LAWS：法律武器"), not the answer.
    answer_text = answer.group("text").strip() if answer else ""
    return quote_text, answer_text
