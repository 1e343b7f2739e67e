"""One browser session's conversation, and what one step of a streamed answer shows: Gradio
keeps a ``Conversation`` per session in a ``gr.State``, so two sessions never share a history."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.search.query import MAX_HISTORY_TURNS

from ..answer import Answer


@dataclass
class Conversation:
    """One browser session's answers, oldest first; the questions are the chain's history."""

    turns: list[Answer] = field(default_factory=list)

    def history(self) -> list[str]:
        """The latest questions, at most as many as the chain accepts (a follow-up leans on
        the last one or two)."""
        return [answer.question for answer in self.turns[-MAX_HISTORY_TURNS:]]

    def numbered(self) -> list[tuple[int, Answer]]:
        return list(enumerate(self.turns, 1))

    def quote_of(self, paragraph_id: str) -> str:
        """The latest quote an answer took from this paragraph ("" when none)."""
        for answer in reversed(self.turns):
            for c in answer.citations:
                if c.paragraph.id == paragraph_id and c.quote:
                    return c.quote
        return ""

    def cited(self) -> list[tuple[str, str]]:
        """(label, paragraph id) of every paragraph cited so far, newest answer first."""
        seen: dict[str, str] = {}
        for answer in reversed(self.turns):
            for c in answer.citations:
                seen.setdefault(c.paragraph.id, c.label)
        return [(label, pid) for pid, label in seen.items()]


@dataclass
class Reply:
    """What one step of a streamed answer shows."""

    chat: list[dict]
    sources: str = ""
    status: str = ""
    done: bool = False
    answer: Answer | None = None
