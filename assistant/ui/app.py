"""The Gradio page: conversation, sources, document view, citation check, export.

``build_app`` wires the controls to ``Handlers`` and returns the Blocks without launching them,
so tests and scripts can serve the same page. Named endpoints (``/chat`` above all) let
``gradio_client`` use the assistant from Python.
"""

from __future__ import annotations

import gradio as gr

from index.ingest.files import FORMATS

from . import html as render
from .handlers import Conversation, Handlers
from .library import BUSY, documents_html, preview_html
from .login import LoginGuard

EXAMPLES = [
    "Does international humanitarian law apply to killer robots?",
    "What did the 2023 expert group conclude about human control?",
    "国际人道法适用于致命性自主武器系统吗？",
    "联大第 78/241 号决议要求秘书长做什么？",
]


def build_app(handlers: Handlers) -> gr.Blocks:
    with gr.Blocks(title="UN disarmament documents assistant") as app:
        conversation = gr.State(lambda: Conversation())  # one per browser session
        gr.Markdown("## UN disarmament documents · 联合国裁军文件问答")
        corpus_line = gr.Markdown(handlers.corpus_line(), elem_id="corpus-line")
        gr.Markdown(handlers.settings_line(), elem_id="settings-line")
        with gr.Tabs():
            with gr.Tab("Ask 提问", id="ask"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(elem_id="chat", height=460, label="Conversation",
                                             sanitize_html=True, buttons=["copy"],
                                             latex_delimiters=[])
                        with gr.Row():
                            message = gr.Textbox(
                                elem_id="message", show_label=False, scale=5, lines=1,
                                placeholder="Ask in Chinese or English · 用中文或英文提问",
                                max_lines=4)
                            send = gr.Button("Send 发送", variant="primary", scale=1,
                                             elem_id="send")
                        status = gr.Markdown("", elem_id="status")
                        with gr.Row():
                            new = gr.Button("New conversation 新对话", elem_id="new-conversation")
                            export = gr.Button("Export answer (Markdown) 导出", elem_id="export")
                        gr.Examples(EXAMPLES, inputs=message, label="Examples 示例")
                        with gr.Accordion("Glossary 术语表", open=False):
                            gr.Markdown(render.glossary_markdown())
                        with gr.Accordion("Export 导出", open=False) as export_box:
                            markdown = gr.Code(language="markdown", label="Latest answer",
                                               interactive=False, elem_id="export-markdown",
                                               buttons=["copy"])
                            download = gr.DownloadButton("Download .md", elem_id="download")
                    with gr.Column(scale=2):
                        gr.Markdown("### Sources 出处")
                        sources = gr.HTML(elem_id="sources")
            with gr.Tab("Documents 文件", id="documents"):
                with gr.Row():
                    cited = gr.Dropdown(label="Open a cited paragraph 打开引用的段落",
                                        choices=[], elem_id="cited")
                    document = gr.Dropdown(label="Browse a document 浏览文件",
                                           choices=handlers.documents(), elem_id="document")
                    locator = gr.Textbox(label="Paragraph (optional) 段落", elem_id="locator",
                                         placeholder="21 (c)")
                    open_button = gr.Button("Open 打开", elem_id="open-document")
                document_html = gr.HTML(elem_id="document-view")
                with gr.Accordion("Add or remove documents 添加或删除文件", open=False,
                                  elem_id="library"):
                    uploads = gr.File(
                        label=f"PDF, Word (.docx), HTML, text or Markdown · up to "
                              f"{handlers.settings.upload_max_mb} MB and "
                              f"{handlers.settings.upload_max_files} files · NAME.meta.json "
                              f"beside NAME.pdf overrides what is detected 上传文件",
                        file_count="multiple", file_types=[*sorted(FORMATS), ".json"],
                        elem_id="upload")
                    staged = gr.State([])
                    preview = gr.HTML(elem_id="upload-preview")
                    with gr.Row():
                        add_button = gr.Button("Add to index 加入索引", variant="primary",
                                               interactive=False, elem_id="add-documents")
                        stop_button = gr.Button("Stop 停止", elem_id="stop-indexing")
                    added = gr.Markdown(elem_id="add-result")
                    listing = gr.HTML(documents_html(handlers.library.documents()),
                                      elem_id="indexed-documents")
                    with gr.Row():
                        to_remove = gr.Dropdown(label="Remove a document 删除文件",
                                                choices=handlers.documents(),
                                                elem_id="remove-choice")
                        remove_button = gr.Button("Remove 删除", variant="stop",
                                                  elem_id="remove-document")
            with gr.Tab("Verify a citation 核对引文", id="verify"):
                citation = gr.Textbox(label="Citation 引文", elem_id="verify-input",
                                      placeholder="CCW/GGE.1/2023/2 para. 21 (c) · 第 21 段(c) · "
                                                  "A/RES/78/241")
                check = gr.Button("Check 核对", elem_id="verify-button")
                verified = gr.HTML(elem_id="verify-result")

        def respond(text, chat, state):
            for reply in handlers.respond(text, chat or [], state):
                cleared = "" if reply.done and reply.answer is not None else gr.update()
                choices = gr.update(choices=state.cited()) if reply.done else gr.update()
                yield (reply.chat, reply.sources if reply.done and reply.answer else gr.update(),
                       reply.status, cleared, choices, state)

        outputs = [chatbot, sources, status, message, cited, conversation]
        # Enter and Send are one event, taken once at a time per page. The "…" placeholder
        # shows that an answer is coming; Gradio's animated progress overlays would take CPU
        # from the model on a 2-core machine.
        asking = gr.on([message.submit, send.click], respond, [message, chatbot, conversation],
                       outputs, api_name="ask", show_progress="hidden", trigger_mode="once")

        def start_over():
            return [], "", "", handlers.new_conversation(), gr.update(choices=[], value=None)

        # a new conversation stops an answer still streaming into the old one
        new.click(start_over, None, [chatbot, sources, status, conversation, cited],
                  api_name="new_conversation", cancels=[asking])

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

        # ---- adding and removing documents ----
        library = handlers.library

        def check_files(files):
            items = library.stage([getattr(f, "name", f) for f in files or []])
            ready = any(item.parsed is not None for item in items)
            return items, preview_html(items), gr.update(interactive=ready), ""

        def after_change(message):
            choices = handlers.documents()
            return (message, documents_html(library.documents()), gr.update(choices=choices),
                    gr.update(choices=choices, value=None), handlers.corpus_line())

        def add_files(items, progress=gr.Progress()):
            progress(0, desc="embedding")

            def step(done, total):
                progress((done, total), desc="embedding", unit="paragraphs")

            message = library.add(items or [], on_progress=step)
            if message == BUSY:  # keep the files for when the other upload is done
                return (message, *[gr.update()] * 8)
            return (*after_change(message), None, "", [], gr.update(interactive=False))

        # upload and clear, not change: clearing the files after an add must not wipe its message
        uploads.upload(check_files, uploads, [staged, preview, add_button, added],
                       api_visibility="private")
        uploads.clear(lambda: ([], "", gr.update(interactive=False)), None,
                      [staged, preview, add_button], api_visibility="private")
        add_button.click(add_files, staged,
                         [added, listing, document, to_remove, corpus_line, uploads, preview,
                          staged, add_button], api_visibility="private",
                         show_progress_on=preview)  # one progress bar, where the files were
        stop_button.click(library.stop, None, None, api_visibility="private")
        remove_button.click(lambda name: after_change(library.remove(name)), to_remove,
                            [added, listing, document, to_remove, corpus_line],
                            api_visibility="private")
        # Documents added or removed from a terminal show when the page is (re)opened.
        app.load(lambda: after_change("")[1:], None, [listing, document, to_remove, corpus_line],
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
    app.launch(server_name=host, server_port=port, auth=login, css=render.CSS, head=render.HEAD,
               max_file_size=f"{handlers.settings.upload_max_mb}mb",
               prevent_thread_lock=not block, show_error=False, footer_links=["api"], quiet=True)
    return app
