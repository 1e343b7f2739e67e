"""Read a document file of any supported format into text the parser reads.

The extension says what a file claims to be; its first bytes say what it is. A file whose
content does not match its extension, an empty file or one over the size limit is refused
with a one-line reason naming it, before any parsing.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Callable

from .errors import DocumentError

FORMATS = {".txt": "text", ".md": "text", ".pdf": "pdf", ".docx": "docx", ".html": "html",
           ".htm": "html"}
SUPPORTED = ", ".join(sorted(FORMATS))
MAX_FILE_MB = 100  # a 180-page UN report is ~2 MB; anything near this is not one document
_LEGACY = {".doc": "save it as .docx", ".rtf": "save it as .docx", ".odt": "save it as .docx",
           ".xhtml": "rename it .html"}


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def check_file(path: Path, max_mb: float = MAX_FILE_MB) -> str:
    """The file's format after the checks that need no parsing; DocumentError otherwise."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        hint = f"; {_LEGACY[suffix]}" if suffix in _LEGACY else ""
        raise DocumentError(
            f"{path}: unsupported file type '{suffix or '(none)'}' (use {SUPPORTED}){hint}"
        )
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    if size == 0:
        raise DocumentError(f"{path}: file is empty (0 bytes)")
    if size > max_mb * 1024 * 1024:
        raise DocumentError(f"{path}: {size / 1024 / 1024:.1f} MB is over the {max_mb:g} MB limit")
    kind = FORMATS[suffix]
    actual = sniff(head)
    if kind == "pdf" and actual != "pdf" and b"%PDF-" not in head:  # readers allow junk first
        raise DocumentError(f"{path}: not a PDF (its content is {_describe(actual)})")
    if kind == "docx":
        if actual != "zip":
            raise DocumentError(f"{path}: not a Word .docx file (its content is {_describe(actual)})")
        if not _is_docx(path):
            raise DocumentError(f"{path}: a zip archive, but not a Word .docx document")
    if kind in ("html", "text") and actual in ("pdf", "zip", "binary"):
        raise DocumentError(
            f"{path}: not a {suffix} text file (its content is {_describe(actual)})"
        )
    return kind


def read_document(path: Path, on_page: Callable[[int, int], None] | None = None,
                  max_mb: float = MAX_FILE_MB) -> str:
    """The text of ``path`` in the form the text parser reads (see parser.parse_text)."""
    kind = check_file(path, max_mb)
    try:
        text = _extract(kind, path, on_page)
    except DocumentError:
        raise
    except RecursionError as exc:
        raise DocumentError(f"{path}: the {kind} is nested too deeply to read") from exc
    except Exception as exc:  # noqa: BLE001 - a damaged file can break a reader in any way
        detail = " ".join(str(exc).split())[:200]
        raise DocumentError(f"{path}: cannot read this {kind} file, it may be damaged "
                            f"({type(exc).__name__}: {detail})") from exc
    if not text.strip():
        raise DocumentError(f"{path}: no text found in the document")
    return text


def _extract(kind: str, path: Path, on_page) -> str:
    if kind == "pdf":
        from .pdf_layout import pdf_text

        return pdf_text(path, on_page)
    if kind == "docx":
        from .docx_text import docx_text

        return docx_text(path)
    if kind == "html":
        from .html_text import html_text

        return html_text(path)
    from .parser import read_text

    return read_text(path)


def sniff(head: bytes) -> str:
    """What the first bytes are: pdf, zip, text or binary."""
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if b"\x00" in head:
        # UTF-16 text has NULs too; it is text, just not in an encoding we read.
        return "text" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "binary"
    return "text"


def _describe(kind: str) -> str:
    return {"pdf": "a PDF", "zip": "a zip archive", "text": "plain text",
            "binary": "binary data"}[kind]


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
