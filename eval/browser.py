"""What the browser tests and the UI benchmark share: a free loopback port, and how to start
Debian's chromium here (Playwright never downloads a browser on these machines)."""

from __future__ import annotations

import json
import socket
import time

from assistant.ui.html import TEXTS

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps calling out, and a closed network
# refuses it many times a second.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- driving the page -----------------------------------------------------------------------

BOT_MESSAGES = '#chat [data-testid="bot"]'
# The marks a streaming draft carries until the guard's checked answer replaces it.
_DRAFT_MARKS = json.dumps([words["checking"] for words in TEXTS.values()], ensure_ascii=False)
# the newest answer shows something other than the "…" placeholder
FIRST_VISIBLE = f"""n => {{
  const bots = document.querySelectorAll('{BOT_MESSAGES}');
  if (bots.length <= n) return false;
  const text = bots[bots.length - 1].innerText.trim();
  return text !== '' && text !== '…';
}}"""
# ... and it is the checked answer, not a draft still streaming
ANSWER_CHECKED = f"""n => {{
  const bots = document.querySelectorAll('{BOT_MESSAGES}');
  if (bots.length <= n) return false;
  const text = bots[bots.length - 1].innerText.trim();
  return text !== '' && text !== '…' && !{_DRAFT_MARKS}.some(mark => text.includes(mark));
}}"""


def ask(page, question: str, answers_before: int, first_timeout_ms: float | None = None,
        answer_timeout_ms: float | None = None) -> float:
    """Type ``question``, press Enter, wait for the checked answer; returns the milliseconds
    from Enter to the answer's first visible characters. ``answers_before``: how many answers
    the page showed before. Timeouts default to the page's own."""
    page.fill("#message textarea", question)
    started = time.perf_counter()
    page.press("#message textarea", "Enter")
    page.wait_for_function(FIRST_VISIBLE, arg=answers_before, polling=20,
                           timeout=first_timeout_ms)
    elapsed = (time.perf_counter() - started) * 1000
    page.wait_for_function(ANSWER_CHECKED, arg=answers_before, timeout=answer_timeout_ms)
    return elapsed


def new_conversation(page) -> None:
    page.click("#new-conversation")
    page.wait_for_function(f"() => !document.querySelector('{BOT_MESSAGES}')")
