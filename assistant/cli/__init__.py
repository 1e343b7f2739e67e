"""Command line: `assistant index | docs | remove | show | search | trace | ask | chat | repl | ui |
eval | prepare-model`.

Library code raises typed errors; this is the one place they become a one-line message and a
non-zero exit status.
"""

from __future__ import annotations

import os
import sys

from index.errors import AssistantError

from .documents import cmd_docs, cmd_index, cmd_remove, cmd_show
from .parser import build_parser, settings_from
from .questions import cmd_ask, cmd_chat, cmd_eval, cmd_repl, cmd_search
from .serve import cmd_prepare_embedder, cmd_prepare_model, cmd_ui
from .trace import cmd_trace
from .terminal import EXIT_BROKEN_PIPE, EXIT_ERROR, EXIT_INTERRUPTED, report_error

COMMANDS = {"index": cmd_index, "docs": cmd_docs, "remove": cmd_remove, "search": cmd_search,
            "show": cmd_show, "trace": cmd_trace, "eval": cmd_eval, "repl": cmd_repl, "ask": cmd_ask, "chat": cmd_chat,
            "ui": cmd_ui, "prepare-model": cmd_prepare_model,
            "prepare-embedder": cmd_prepare_embedder}

__all__ = ["COMMANDS", "EXIT_BROKEN_PIPE", "EXIT_ERROR", "build_parser", "main", "settings_from"]


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
        return EXIT_INTERRUPTED
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
