"""What the chain returns: an answer, its citations, and how it was made."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.models import Hit, Paragraph


@dataclass(frozen=True)
class Citation:
    key: int  # the [n] marker in the answer text
    paragraph: Paragraph
    label: str  # rendered in the answer's language

    def to_record(self) -> dict:
        record = self.paragraph.to_record()
        record.update(key=self.key, label=self.label)
        return record


@dataclass
class Answer:
    question: str
    lang: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    mode: str = "llm"  # llm, extractive, lookup, refusal
    notice: str = ""  # e.g. "no language model is configured", a fallback reason
    passages: list[Hit] = field(default_factory=list)  # what retrieval found
    standalone_question: str = ""
    timings: dict = field(default_factory=dict)  # milliseconds
    # What the model wrote before the citation guard, and the passages it saw under each key:
    # kept so an evaluator can see what the guard changed (and replay it).
    draft: str = ""
    given: dict[int, Paragraph] = field(default_factory=dict)

    def to_record(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "mode": self.mode,
            "notice": self.notice,
            "lang": self.lang,
            "standalone_question": self.standalone_question,
            "citations": [c.to_record() for c in self.citations],
            "retrieved": [h.to_record(i) for i, h in enumerate(self.passages, 1)],
            "timings": {k: round(v, 1) for k, v in self.timings.items()},
            "draft": self.draft,
            "given": {str(key): p.id for key, p in self.given.items()},
        }
