"""What the commands share with the terminal: exit codes, one-line errors, typed lines."""

from __future__ import annotations

from index.errors import AssistantError, NotFoundError

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # what a shell reports for a program stopped by Ctrl+C
EXIT_BROKEN_PIPE = 141  # what a shell reports for a program stopped by SIGPIPE


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
