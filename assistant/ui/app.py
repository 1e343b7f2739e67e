"""The Gradio page: conversation, sources, document view, citation check, export.

``build_app`` wires the controls to ``Handlers`` and returns the Blocks without launching them,
so tests and scripts can serve the same page. Named endpoints (``/chat`` above all) let
``gradio_client`` use the assistant from Python.
"""

from __future__ import annotations

import gradio as gr

from index.ingest.files import FORMATS

from .. import texts
from ..texts import LABELS, both
from . import html as render
from .handlers import Conversation, Handlers
from .library import BUSY, documents_html, preview_html
from .login import LoginGuard
from .trace_html import CSS as TRACE_CSS

def open_on_click(attribute: str, key: str) -> str:
    """A listing's js_on_load: a click (or Enter) on an element carrying data-ATTRIBUTE asks
    for it, as the event value KEY (a document of the library, a row of a trace)."""
    return f"""
function ask(event) {{
  const row = event.target.closest('[data-{attribute}]');
  if (row) trigger('click', {{{key}: row.dataset.{attribute}}});
}}
element.addEventListener('click', ask);
element.addEventListener('keydown', function (event) {{ if (event.key === 'Enter') ask(event); }});
"""


def build_app(handlers: Handlers) -> gr.Blocks:
    with gr.Blocks(title=texts.PAGE_TITLE) as app:
        conversation = gr.State(lambda: Conversation())  # one per browser session
        gr.Markdown(f"## {both(texts.HEADING, ' · ')}")
        corpus_line = gr.Markdown(handlers.corpus_line(), elem_id="corpus-line")
        gr.Markdown(handlers.settings_line(), elem_id="settings-line")
        with gr.Tabs() as tabs:
            with gr.Tab(both(LABELS["ask_tab"]), id="ask"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(elem_id="chat", height=460, label=texts.CHAT_LABEL,
                                             sanitize_html=True, buttons=["copy"],
                                             latex_delimiters=[])
                        with gr.Row():
                            message = gr.Textbox(
                                elem_id="message", show_label=False, scale=5, lines=1,
                                placeholder=both(LABELS["message"], " · "),
                                max_lines=4)
                            send = gr.Button(both(LABELS["send"]), variant="primary", scale=1,
                                             elem_id="send")
                        # none chosen: every document; typed values are checked on asking
                        scope = gr.Dropdown(
                            choices=handlers.filter_choices(), value=[], multiselect=True,
                            allow_custom_value=True, label=both(LABELS["scope"]),
                            elem_id="scope")
                        status = gr.Markdown("", elem_id="status")
                        with gr.Row():
                            new = gr.Button(both(LABELS["new_conversation"]),
                                            elem_id="new-conversation")
                            export = gr.Button(both(LABELS["export"]), elem_id="export")
                        # shown under an answer that cites two or more documents
                        trace_this = gr.Button(both(LABELS["trace_this"]), visible=False,
                                               elem_id="trace-this")
                        gr.Examples(texts.EXAMPLES, inputs=message, label=both(LABELS["examples"]))
                        with gr.Accordion(both(LABELS["glossary"]), open=False):
                            gr.Markdown(render.glossary_markdown())
                        with gr.Accordion(both(LABELS["export_box"]), open=False) as export_box:
                            markdown = gr.Code(language="markdown", label=texts.EXPORT_LABEL,
                                               interactive=False, elem_id="export-markdown",
                                               buttons=["copy"])
                            download = gr.DownloadButton(texts.DOWNLOAD_LABEL, elem_id="download")
                    with gr.Column(scale=2):
                        gr.Markdown(f"### {both(LABELS['sources'])}")
                        sources = gr.HTML(elem_id="sources")
            with gr.Tab(both(LABELS["documents_tab"]), id="documents"):
                with gr.Row():
                    cited = gr.Dropdown(label=both(LABELS["cited"]),
                                        choices=[], elem_id="cited")
                    document = gr.Dropdown(label=both(LABELS["document"]),
                                           choices=handlers.documents(), elem_id="document")
                    locator = gr.Textbox(label=both(LABELS["locator"]), elem_id="locator",
                                         placeholder=texts.LOCATOR_PLACEHOLDER)
                    open_button = gr.Button(both(LABELS["open"]), elem_id="open-document")
                with gr.Row():
                    with gr.Column(scale=1):
                        gr.Markdown(f"#### {both(LABELS['listing'])}")
                        # a click on a listed document opens it (its doc id in data-document)
                        listing = gr.HTML(documents_html(handlers.library.documents()),
                                          elem_id="indexed-documents",
                                          js_on_load=open_on_click("document", "document"))
                    with gr.Column(scale=1):
                        document_html = gr.HTML(elem_id="document-view")
                with gr.Accordion(both(LABELS["library"]), open=False,
                                  elem_id="library"):
                    uploads = gr.File(
                        label=both(LABELS["uploads"]).format(
                            max_mb=handlers.settings.upload_max_mb,
                            max_files=handlers.settings.upload_max_files),
                        file_count="multiple", file_types=[*sorted(FORMATS), ".json"],
                        elem_id="upload")
                    staged = gr.State([])
                    preview = gr.HTML(elem_id="upload-preview")
                    with gr.Row():
                        add_button = gr.Button(both(LABELS["add"]), variant="primary",
                                               interactive=False, elem_id="add-documents")
                        stop_button = gr.Button(both(LABELS["stop"]), elem_id="stop-indexing")
                    added = gr.Markdown(elem_id="add-result")
                    with gr.Row():
                        to_remove = gr.Dropdown(label=both(LABELS["remove_choice"]),
                                                choices=handlers.documents(),
                                                elem_id="remove-choice")
                        remove_button = gr.Button(both(LABELS["remove"]), variant="stop",
                                                  elem_id="remove-document")
            with gr.Tab(both(LABELS["trace_tab"]), id="trace"):
                with gr.Row():
                    theme = gr.Textbox(label=both(LABELS["theme"]), elem_id="trace-theme",
                                       scale=4, placeholder=texts.THEME_PLACEHOLDER)
                    trace_documents = gr.Dropdown(
                        choices=handlers.documents(), value=[], multiselect=True,
                        label=both(LABELS["trace_documents"]), elem_id="trace-documents",
                        scale=3)
                    trace_button = gr.Button(both(LABELS["trace"]), variant="primary", scale=1,
                                             elem_id="trace-button")
                trace_status = gr.Markdown(elem_id="trace-status")
                traced = gr.State(None)
                with gr.Row():
                    trace_markdown = gr.DownloadButton(both(LABELS["trace_markdown"]),
                                                       visible=False, elem_id="trace-markdown")
                    trace_csv = gr.DownloadButton(both(LABELS["trace_csv"]), visible=False,
                                                  elem_id="trace-csv")
                # a click on a row opens its paragraph in the Documents tab
                trace_result = gr.HTML(elem_id="trace-result",
                                       js_on_load=open_on_click("open", "paragraph"))
                with gr.Row():
                    trace_question = gr.Textbox(label=both(LABELS["trace_question"]),
                                                elem_id="trace-question", scale=5,
                                                placeholder=texts.TRACE_QUESTION_PLACEHOLDER)
                    trace_ask = gr.Button(both(LABELS["trace_ask"]), scale=1,
                                          elem_id="trace-ask")
                trace_answer = gr.Markdown(elem_id="trace-answer")
            with gr.Tab(both(LABELS["verify_tab"]), id="verify"):
                citation = gr.Textbox(label=both(LABELS["citation"]), elem_id="verify-input",
                                      placeholder=texts.CITATION_PLACEHOLDER)
                check = gr.Button(both(LABELS["check"]), elem_id="verify-button")
                verified = gr.HTML(elem_id="verify-result")

        def respond(text, chat, state, chosen):
            for reply in handlers.respond(text, chat or [], state, chosen or []):
                cleared = "" if reply.done and reply.answer is not None else gr.update()
                choices = gr.update(choices=state.cited()) if reply.done else gr.update()
                offer = (gr.update(visible=handlers.trace.offers(reply.answer)) if reply.done
                         else gr.update())
                yield (reply.chat, reply.sources if reply.done and reply.answer else gr.update(),
                       reply.status, cleared, choices, state, offer)

        outputs = [chatbot, sources, status, message, cited, conversation, trace_this]
        # Enter and Send are one event, taken once at a time per page. The "…" placeholder
        # shows that an answer is coming; Gradio's animated progress overlays would take CPU
        # from the model on a 2-core machine.
        asking = gr.on([message.submit, send.click], respond,
                       [message, chatbot, conversation, scope], outputs, api_name="ask", show_progress="hidden", trigger_mode="once")

        def start_over():
            return ([], "", "", handlers.new_conversation(), gr.update(choices=[], value=None),
                    gr.update(visible=False))

        # a new conversation stops an answer still streaming into the old one
        new.click(start_over, None, [chatbot, sources, status, conversation, cited, trace_this],
                  api_name="new_conversation", cancels=[asking])

        # ---- tracing a theme ----
        def run_trace(text, chosen):
            result = handlers.trace.run(text, chosen or [])
            files = [gr.update(value=path, visible=path is not None)
                     for path in (result.markdown_path, result.csv_path)]
            return (result.html, result.status, result.trace, *files, "")

        trace_outputs = [trace_result, trace_status, traced, trace_markdown, trace_csv,
                         trace_answer]
        gr.on([trace_button.click, theme.submit], run_trace, [theme, trace_documents],
              trace_outputs, api_visibility="private")

        def trace_from_answer(state):
            text = state.turns[-1].standalone_question or state.turns[-1].question
            return (text, gr.Tabs(selected="trace"), *run_trace(text, []))

        trace_this.click(trace_from_answer, conversation,
                         [theme, tabs, *trace_outputs], api_visibility="private")
        gr.on([trace_ask.click, trace_question.submit], handlers.trace.ask,
              [trace_question, traced], trace_answer, api_visibility="private")

        def open_row(event: gr.EventData):
            return (handlers.open_paragraph(getattr(event, "paragraph", "")),
                    gr.Tabs(selected="documents"))

        trace_result.click(open_row, None, [document_html, tabs], api_visibility="private")

        def do_export(state):
            text, path = handlers.export(state)
            return text, path, gr.update(open=True)

        export.click(do_export, conversation, [markdown, download, export_box],
                     api_visibility="private")
        check.click(handlers.verify, citation, verified, api_name="verify")
        citation.submit(handlers.verify, citation, verified, api_visibility="private")
        open_button.click(handlers.open_document, [document, locator], document_html,
                          api_name="document")
        document.change(handlers.open_document, [document, locator], document_html,
                        api_visibility="private")

        cited.change(handlers.open_paragraph, [cited, conversation], document_html,
                     api_visibility="private")

        def open_listed(event: gr.EventData):
            return handlers.open_document(getattr(event, "document", ""))

        listing.click(open_listed, None, document_html, api_visibility="private")

        # ---- adding and removing documents ----
        library = handlers.library

        def check_files(files):
            items = library.stage([getattr(f, "name", f) for f in files or []])
            ready = any(item.parsed is not None for item in items)
            return items, preview_html(items), gr.update(interactive=ready), ""

        def after_change(message):
            choices = handlers.documents()
            return (message, documents_html(library.documents()), gr.update(choices=choices),
                    gr.update(choices=choices, value=None), handlers.corpus_line(),
                    gr.update(choices=handlers.filter_choices()), gr.update(choices=choices))

        def add_files(items, progress=gr.Progress()):
            progress(0, desc=texts.EMBEDDING_PROGRESS)

            def step(done, total):
                progress((done, total), desc=texts.EMBEDDING_PROGRESS, unit="paragraphs")

            message = library.add(items or [], on_progress=step)
            if message == BUSY:  # keep the files for when the other upload is done
                return (message, *[gr.update()] * 10)
            return (*after_change(message), None, "", [], gr.update(interactive=False))

        # upload and clear, not change: clearing the files after an add must not wipe its message
        uploads.upload(check_files, uploads, [staged, preview, add_button, added],
                       api_visibility="private")
        uploads.clear(lambda: ([], "", gr.update(interactive=False)), None,
                      [staged, preview, add_button], api_visibility="private")
        add_button.click(add_files, staged,
                         [added, listing, document, to_remove, corpus_line, scope,
                          trace_documents, uploads, preview, staged, add_button],
                         api_visibility="private",
                         show_progress_on=preview)  # one progress bar, where the files were
        stop_button.click(library.stop, None, None, api_visibility="private")
        remove_button.click(lambda name: after_change(library.remove(name)), to_remove,
                            [added, listing, document, to_remove, corpus_line, scope,
                             trace_documents], api_visibility="private")
        # Documents added or removed from a terminal show when the page is (re)opened.
        app.load(lambda: after_change("")[1:], None,
                 [listing, document, to_remove, corpus_line, scope, trace_documents],
                 api_visibility="private", show_progress="hidden")
        gr.api(handlers.chat_api, api_name="chat")
    return app


def launch(handlers: Handlers, host: str = "127.0.0.1", port: int = 7860,
           auth: tuple[str, str] | None = None, block: bool = True):
    """Serve the page; on loopback unless ``host`` says otherwise."""
    app = build_app(handlers)
    app.queue(default_concurrency_limit=4)
    # wrong passwords are slowed, then locked out
    login = LoginGuard(*auth).login if auth else None
    app.launch(server_name=host, server_port=port, auth=login, css=render.CSS + TRACE_CSS,
               head=render.HEAD,
               max_file_size=f"{handlers.settings.upload_max_mb}mb",
               prevent_thread_lock=not block, show_error=False, footer_links=["api"], quiet=True)
    return app
