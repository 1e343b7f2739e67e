"""The commands about questions: `assistant search | ask | chat | repl | eval`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from index.errors import AssistantError, QueryError

from ..render import print_hits, print_paragraphs
from ..settings import Settings
from .terminal import report_error, typed_lines

# Twenty earlier questions of at most 2,000 characters fit well within this; a larger file is
# refused before it is read (a 300,000-character history made `search` take 113 s).
MAX_HISTORY_FILE_BYTES = 256 * 1024


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
