"""What the UI's controls do, without Gradio: testable with a fake chat model and no browser.

One ``Handlers`` per process (retriever, model, settings); one ``Conversation`` per browser
session (assistant/ui/conversation.py). A question is asked of the documents the filter beside
the question box chose (assistant/ui/scope_filter.py): none chosen, the whole library.
"""

from __future__ import annotations

import logging
import queue
import re
import tempfile
import threading
import uuid
import time
from pathlib import Path
from typing import Iterator

from index.errors import AssistantError, NotFoundError, QueryError, QueryTooLong
from index.un.symbols import normalize as normalize_citation
from index.search.lookup import look_up
from index.models import Paragraph
from index.search.query import Query
from index.search.retriever import Retriever
from index.language import detect_lang

from ..answer import Answer
from ..chain import answer_query, answer_question
from .. import texts
from ..named_document import count_documents
from . import html as render
from .conversation import Conversation, Reply
from .library import Library
from .scope_filter import filter_choices, scope_of, unknown_document
from .trace_tab import TraceTab

HINTS = {name: texts.both(hint) for name, hint in texts.HINTS.items()}
DRAFT_REFRESH_S = 0.25
CONTEXT_PARAGRAPHS = 4  # shown on each side of a cited paragraph in the document view
INTERNAL_ERROR = texts.INTERNAL_ERROR

log = logging.getLogger(__name__)


class _Stopped(Exception):
    """Raised inside the chain's token callback when nobody listens any more."""


class Handlers:
    def __init__(self, retriever: Retriever, llm, settings):
        self.retriever, self.llm, self.settings = retriever, llm, settings
        self.library = Library(retriever, settings)
        self._exports = tempfile.TemporaryDirectory(prefix="un-assistant-exports-")
        self.trace = TraceTab(retriever, llm, settings, Path(self._exports.name))

    # ---- what the page says about itself -------------------------------------------------

    def corpus_line(self) -> str:
        paragraphs = list(self.retriever.catalogue.paragraphs.values())
        documents, versions = count_documents((p.doc_id, p.symbol) for p in paragraphs)
        langs = sorted({p.lang for p in paragraphs}, reverse=True)
        languages = " and ".join(texts.LANGUAGE_NAMES.get(lang, lang) for lang in langs)
        return texts.both(texts.CORPUS_LINE).format(documents=documents, versions=versions,
                                                    languages=languages,
                                                    paragraphs=len(paragraphs))

    def settings_line(self) -> str:
        s = self.settings
        model = texts.MODEL_NAMES[s.llm].format(local_model=s.local_model,
                                                remote=s.llm_model or s.llm_base_url)
        return texts.SETTINGS_LINE.format(model=model, passages=s.passages, k=s.k)

    def documents(self) -> list[tuple[str, str]]:
        """(display name, symbol or doc id) of every indexed document, by symbol."""
        names: dict[str, str] = {}
        for p in self.retriever.catalogue.paragraphs.values():
            key = p.symbol or p.doc_id
            names.setdefault(key, f"{p.symbol} — {p.doc_title}" if p.symbol else p.doc_title)
        return sorted(((name, key) for key, name in names.items()), key=lambda item: item[1])

    def filter_choices(self) -> list[tuple[str, str]]:
        """(label, value) of the documents filter: each series the library holds, then its
        documents."""
        return filter_choices(self.retriever.catalogue.paragraphs.values())

    # ---- conversation ---------------------------------------------------------------------

    def respond(self, message: str, chat: list[dict], conversation: Conversation,
                documents: list[str] | None = None) -> Iterator[Reply]:
        """Stream one answer: the user's message, the model's words as they come, then the
        checked answer with its sources. ``documents``: the filter's values (series codes,
        symbols, doc ids; none: every document). Bad input changes nothing and says why."""
        question = (message or "").strip()
        if not question:
            yield Reply(chat=chat, status=HINTS["empty"], done=True)
            return
        try:
            # Read once, here: the chain answers this query, and a bad one is said at once.
            scope = scope_of(documents)
            missing = unknown_document(scope, self.retriever.catalogue)
            if missing:
                yield Reply(chat=chat, done=True, status=texts.both(texts.NOT_IN_LIBRARY).format(
                    document=render.escape_markdown(missing)))
                return
            query = self.retriever.analyse(question, conversation.history(),
                                           self.settings.max_question_chars, scope=scope)
        except QueryTooLong as exc:
            yield Reply(chat=chat, done=True,
                        status=texts.both(texts.QUESTION_TOO_LONG).format(
                            length=exc.length, limit=exc.limit))
            return
        except QueryError as exc:
            yield Reply(chat=chat, status=render.escape_markdown(str(exc)), done=True)
            return
        lang = query.lang
        shown = chat + [{"role": "user", "content": render.user_message(question)}]
        yield Reply(chat=shown + [{"role": "assistant", "content": "…"}])
        draft, last_shown = "", 0.0
        for kind, value in self._stream(query):
            if kind == "token":
                draft += value
                # The first words at once, then a few updates a second: re-rendering the chat
                # for every token costs the CPU that the model needs on a small machine.
                if last_shown == 0.0 or time.monotonic() - last_shown >= DRAFT_REFRESH_S:
                    last_shown = time.monotonic()
                    yield Reply(chat=shown + [{"role": "assistant",
                                               "content": render.draft_message(draft, lang)}])
            elif kind == "step":
                if not draft:  # once the model writes, its words say more than the step
                    yield Reply(chat=shown + [{"role": "assistant",
                                               "content": f"*{render.escape_markdown(value)}*"}])
            elif kind == "error":
                yield Reply(chat=chat, status=render.escape_markdown(str(value)), done=True)
                return
            else:
                answer: Answer = value
                conversation.turns.append(answer)
                turn = len(conversation.turns)
                final = shown + [{"role": "assistant",
                                  "content": render.answer_message(answer, turn)}]
                yield Reply(chat=final, done=True, answer=answer,
                            sources=render.sources_panel(conversation.numbered(),
                                                         self.retriever.catalogue.counterpart),
                            # said once: an extractive answer opens with its notice
                            status="" if answer.notice in answer.text else answer.notice)

    def _stream(self, query: Query) -> Iterator[tuple[str, object]]:
        """The chain runs in a worker thread; its tokens come back through a queue. When the
        page stops listening (a new conversation, a closed tab) the worker stops at its next
        token instead of generating for nobody."""
        events: queue.Queue = queue.Queue()
        stopped = threading.Event()

        def on_token(token: str) -> None:
            if stopped.is_set():
                raise _Stopped()
            events.put(("token", token))

        def on_step(name: str, **values) -> None:
            if stopped.is_set():
                raise _Stopped()
            events.put(("step", texts.STEPS[query.lang][name].format(**values)))

        def work():
            outcome: tuple[str, object] = ("error", INTERNAL_ERROR)
            try:
                outcome = ("answer", answer_query(query, self.retriever, self.llm,
                                                  self.settings, on_token=on_token,
                                                  on_step=on_step))
            except AssistantError as exc:
                outcome = ("error", str(exc))
            except BaseException:  # noqa: BLE001 - the page must say something, never hang
                if not stopped.is_set():
                    log.exception("answering %r failed", query.text)
            finally:
                events.put(outcome)

        threading.Thread(target=work, daemon=True).start()
        try:
            while True:
                kind, value = events.get()
                yield kind, value
                if kind not in ("token", "step"):
                    return
        finally:
            stopped.set()

    def new_conversation(self) -> Conversation:
        return Conversation()

    def export(self, conversation: Conversation) -> tuple[str, str | None]:
        """The latest answer as Markdown, and a file of it to download."""
        if not conversation.turns:
            return "", None
        text = render.answer_markdown(conversation.turns[-1])
        # one folder per process, removed with it; a file per export
        path = Path(self._exports.name) / f"answer-{uuid.uuid4().hex[:12]}.md"
        path.write_text(text, encoding="utf-8")
        return text, str(path)

    # ---- verification and documents ---------------------------------------------------------

    def verify(self, citation: str) -> str:
        text = (citation or "").strip()
        if not text:
            return render.not_found(HINTS["verify_empty"], [], "en")
        lang = detect_lang(text)
        try:
            found = look_up(self.retriever.catalogue, text)
        except NotFoundError as exc:
            message = (str(exc) if lang == "en"
                       else f"{texts.ANSWER_PANEL[lang]['not_found']}：{text}")
            return render.not_found(message, exc.nearest, lang)
        except QueryError as exc:
            return render.not_found(str(exc), [], lang)
        return render.verify_result(found, lang, self.retriever.catalogue.counterpart)

    def open_document(self, document: str, locator: str = "") -> str:
        """A document by symbol, at the paragraph ``locator`` names when given."""
        if not document:
            return ""
        locator = normalize_citation(locator or "").strip()
        if locator:
            if re.match(r"[-+(\d]", locator):  # "21 (c)", "-1" in the paragraph box: para. …
                locator = f"para. {locator}"
            try:
                found = look_up(self.retriever.catalogue, f"{document} {locator}")
            except NotFoundError as exc:
                return render.not_found(str(exc), exc.nearest, detect_lang(locator))
            except QueryError as exc:
                return render.not_found(str(exc), [], "en")
            mine = [p for p in found if document in (p.symbol, p.doc_id)]
            if not mine:
                return render.not_found(texts.NO_PARAGRAPH_IN_DOCUMENT.format(
                    document=document, locator=locator), found, detect_lang(locator))
            # the language version that browsing the document shows first
            shown_first = self.retriever.catalogue.document(document)[0].lang
            mine.sort(key=lambda p: p.lang != shown_first)
            return self.open_paragraph(mine[0].id)
        paragraphs = self.retriever.catalogue.document(document)
        if not paragraphs:
            return render.not_found(texts.NO_DOCUMENT.format(document=document), [], "en")
        first_lang = paragraphs[0].lang
        return render.document_view(_one_version(paragraphs, first_lang), first_lang,
                                    self.retriever.catalogue.counterpart)

    def open_paragraph(self, paragraph_id: str, conversation: Conversation | None = None) -> str:
        """The cited paragraph's document, the paragraph highlighted among its neighbours and
        the words an answer quoted from it marked."""
        focus = self.retriever.catalogue.paragraphs.get(paragraph_id or "")
        if focus is None:
            return ""
        paragraphs = _one_version(self.retriever.catalogue.document(focus.doc_id), focus.lang)
        quote = conversation.quote_of(focus.id) if conversation else ""
        return render.document_view(paragraphs, focus.lang, self.retriever.catalogue.counterpart,
                                    focus=focus, around=CONTEXT_PARAGRAPHS, quote=quote)

    # ---- the API endpoint -----------------------------------------------------------------

    def chat_api(self, message: str, history: list[str] | None = None,
                 documents: list[str] | None = None) -> dict:
        """One answer for scripts: text, refusal flag, notice, and each citation with its
        label, text and the other language version. ``documents``: symbols, doc ids or series
        codes to search only (none: every document)."""
        try:
            answer = answer_question(message, list(history or []), self.retriever, self.llm,
                                     self.settings, scope=scope_of(documents))
        except AssistantError as exc:  # an empty or over-long question, no such document
            return {"error": str(exc), "answer": "", "refused": True, "mode": "error",
                    "notice": "", "citations": [], "markdown": ""}
        citations = []
        for c in answer.citations:  # the search/show record shape, plus the other version
            record = c.to_record()
            other = self.retriever.catalogue.counterpart(c.paragraph)
            record["other_language"] = (None if other is None else
                                        {"label": other.label(), "text": other.text})
            citations.append(record)
        return {"error": None, "answer": answer.text, "refused": answer.refused, "mode": answer.mode,
                "notice": answer.notice, "citations": citations,
                "markdown": render.answer_markdown(answer)}


def _one_version(paragraphs: list[Paragraph], lang: str) -> list[Paragraph]:
    """One language version of a document (the other is shown beside each paragraph)."""
    chosen = [p for p in paragraphs if p.lang == lang]
    return chosen or paragraphs
