"""Judging answers, not only citations: a wrong date, a wrong name or a wrong "yes" with a correct
citation is a wrong answer.

An item's short-answer keys (eval/qaset.py) say what a correct answer contains:
- answerable: correct when not refused, every ``answer_keys`` group is matched by one of its
  alternatives, no ``answer_not`` string appears and the answer does not start with one of
  ``answer_not_start``; matching is case-insensitive with all whitespace removed, in the
  answer's text and its citation labels;
- unanswerable: correct when refused.
*Confidently wrong* is what costs a user's trust: a wrong answer shown with at least one
citation, or a cited answer to a question the corpus cannot answer.
"""

from __future__ import annotations

import re

from .qaset import QAItem

# What may precede the first word of an answer: quotes, brackets, spaces, punctuation.
_LEADING = re.compile(r"^[\s\"'“”‘’「」『』(（\[【*_:：,，.。-]+")


def _folded(text: str) -> str:
    return "".join(text.split()).lower()


def judge(record: dict, item: QAItem) -> dict:
    """{"correct": bool | None, "confidently_wrong": bool, "why": str} for one answer record
    (Answer.to_record()). ``correct`` is None for an answerable item without keys."""
    refused = bool(record.get("refused"))
    cited = len(record.get("citations") or []) > 0
    if not item.answerable:
        wrong = not refused
        return {"correct": refused, "confidently_wrong": wrong and cited,
                "why": "" if refused else "answered a question the corpus cannot answer"}
    if not item.answer_keys:
        return {"correct": None, "confidently_wrong": False, "why": "no answer keys"}
    if refused:
        return {"correct": False, "confidently_wrong": False, "why": "refused"}
    why = _mismatch(record, item)
    return {"correct": not why, "confidently_wrong": bool(why) and cited, "why": why}


def _mismatch(record: dict, item: QAItem) -> str:
    """Why an answer does not match its keys ("" when it does)."""
    answer = record.get("answer") or ""
    labels = " ".join(c.get("label", "") for c in record.get("citations") or [])
    haystack = _folded(f"{answer} {labels}")
    for group in item.answer_keys:
        if not any(_folded(alternative) in haystack for alternative in group):
            return f"missing {group[0]!r}"
    for wrong in item.answer_not:
        if _folded(wrong) in _folded(answer):
            return f"contains {wrong!r}"
    start = _LEADING.sub("", answer).lower()
    for opening in item.answer_not_start:
        if start.startswith(opening.lower()):
            return f"starts with {opening!r}"
    return ""


def summarize_judged(rows: list[dict]) -> dict:
    """Shares over all items of a group: judged_correct (answered correctly or rightly refused,
    among items that can be judged) and confidently_wrong (among all items)."""
    judged = [r for r in rows if r["judged"]["correct"] is not None]
    return {
        "n": len(rows),
        "judged": len(judged),
        "judged_correct": (sum(r["judged"]["correct"] for r in judged) / len(judged)
                           if judged else None),
        "confidently_wrong": (sum(r["judged"]["confidently_wrong"] for r in rows) / len(rows)
                              if rows else None),
    }
