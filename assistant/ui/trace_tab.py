"""What the Trace tab's controls do, without Gradio: trace a theme, export it, ask about its
rows; and whether an answer offers "trace this theme". Bad input is one line on the page,
never an exception (texts.TRACE)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from index.errors import AssistantError, QueryError, QueryTooLong
from index.search.scope import Scope
from index.trace.export import to_csv, to_markdown
from index.trace.model import Trace
from index.trace.rank import trace

from .. import texts
from ..answer import Answer
from ..chain import answer_about
from . import html as render
from .scope_filter import unknown_document
from .trace_html import trace_view

MIN_DOCUMENTS_TO_OFFER = 2  # an answer citing this many documents offers "trace this theme"


@dataclass
class TraceResult:
    html: str = ""
    status: str = ""
    trace: Trace | None = None
    markdown_path: str | None = None
    csv_path: str | None = None


class TraceTab:
    def __init__(self, retriever, llm, settings, exports: Path):
        self.retriever, self.llm, self.settings = retriever, llm, settings
        self.exports = exports

    def run(self, theme: str, documents: list[str] | None = None) -> TraceResult:
        """The theme traced over the documents chosen (none: all), with its files to download."""
        theme = (theme or "").strip()
        if not theme:
            return TraceResult(status=texts.both(texts.TRACE["empty"]))
        missing = unknown_document(Scope.of(documents or ()), self.retriever.catalogue)
        if missing:
            return TraceResult(status=texts.both(texts.TRACE["unknown"]).format(
                document=render.escape_markdown(missing)))
        try:
            traced = trace(self.retriever, theme, documents or ())
        except QueryTooLong as exc:
            return TraceResult(status=texts.both(texts.TRACE["too_long"]).format(
                length=exc.length, limit=exc.limit))
        except QueryError:
            return TraceResult(status=texts.both(texts.TRACE["no_words"]))
        shown = render.escape_markdown(theme)
        if not traced.addressed:
            return TraceResult(status=texts.both(texts.TRACE["nothing"]).format(theme=shown),
                               trace=traced,
                               html=trace_view(traced, self.retriever.catalogue.counterpart))
        status = texts.TRACE["found"][traced.lang].format(
            addressed=len(traced.addressed), documents=len(traced.rows), theme=shown)
        return TraceResult(trace_view(traced, self.retriever.catalogue.counterpart), status,
                           traced, self._file(to_markdown(traced), "md"),
                           self._file(to_csv(traced), "csv"))

    def ask(self, question: str, traced: Trace | None) -> str:
        """An answer to a question about the trace's rows, those paragraphs in context."""
        question = (question or "").strip()
        if traced is None or not traced.addressed:
            return texts.both(texts.TRACE["no_trace"])
        if not question:
            return texts.both(texts.HINTS["empty"])
        paragraphs = [row.paragraph for row in traced.addressed]
        try:
            answer = answer_about(question, paragraphs, self.retriever, self.llm, self.settings)
        except AssistantError as exc:
            return render.escape_markdown(str(exc))
        return render.answer_markdown(answer)

    @staticmethod
    def offers(answer: Answer | None) -> bool:
        """Whether an answer cites paragraphs of two or more documents: a theme to trace."""
        if answer is None or answer.refused:
            return False
        documents = {c.paragraph.owner for c in answer.citations}
        return len(documents) >= MIN_DOCUMENTS_TO_OFFER

    def _file(self, text: str, suffix: str) -> str:
        path = self.exports / f"trace-{uuid.uuid4().hex[:12]}.{suffix}"
        path.write_text(text, encoding="utf-8")
        return str(path)
