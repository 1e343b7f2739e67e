"""Text of a plain-text or Markdown file, with typed errors for empty, binary and non-UTF-8
files."""

from __future__ import annotations

from pathlib import Path

from index.errors import DocumentError


def read_text(path: Path) -> str:
    """Read a text document, raising DocumentError with a reason that names the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise DocumentError(f"{path}: file is empty")
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{path}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{path}: not valid UTF-8 (byte {exc.start}); save it as UTF-8 and index it again"
        ) from exc
