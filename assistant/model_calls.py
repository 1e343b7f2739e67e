"""Calling the chat model: a streamed answer timed from the question, short auxiliary calls
whose failure only skips their step, and failures named in a few words for the notice."""

from __future__ import annotations

import time
from typing import Callable

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

AUX_TOKENS = 60  # a rewritten or translated question is short

TokenCallback = Callable[[str], None]
# A step of an answer as it starts: its name ("searching", "reading") and what it concerns.
StepCallback = Callable[..., None]


def draft(llm: BaseChatModel, messages, on_token: TokenCallback | None, timings: dict,
          started: float) -> str:
    """The model's reply, streamed to ``on_token`` as it comes; the first token's time is
    taken from the question, as a user waits. Transport errors propagate to the caller."""
    step = time.perf_counter()
    pieces: list[str] = []
    try:
        for chunk in llm.stream(messages):
            token = chunk.content if isinstance(chunk.content, str) else ""
            if token and "first_token_ms" not in timings:
                timings["first_token_ms"] = ms_since(started)
            pieces.append(token)
            if on_token and token:
                on_token(token)
    finally:
        timings["generation_ms"] = ms_since(step)
    return "".join(pieces).strip()


def aux_call(llm: BaseChatModel, prompt: str, timings: dict, key: str) -> str:
    """A short auxiliary call (rewrite, translate): its first line, "" when it failed."""
    step = time.perf_counter()
    try:
        reply = llm.invoke([HumanMessage(prompt)], max_tokens=AUX_TOKENS)
        text = reply.content.strip() if isinstance(reply.content, str) else ""
    except Exception:  # any transport or server failure: the step is skipped
        text = ""
    timings[key] = ms_since(step)
    first_line = text.splitlines()[0].strip() if text else ""
    return first_line[:500]


def failure_reason(exc: Exception) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if "Connection" in name:
        return "could not connect"
    return name


def ms_since(since: float) -> float:
    return (time.perf_counter() - since) * 1000
