"""Read a document file of any supported format into text the parser reads.

The extension says what a file claims to be; its first bytes say what it is. A file whose
content does not match its extension, an empty file, one over the size limit, something that
is not a regular file (a named pipe would block the reader forever) or a Word file whose parts
would inflate past the limits below is refused with a one-line reason naming it, before any
parsing.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from pathlib import Path
from typing import Callable

from index.errors import DocumentError
from index.ingest.limits import (DOCX_RATIO_FROM_MB, MAX_DOCX_PART_MB, MAX_DOCX_PARTS,
                                  MAX_DOCX_RATIO, MAX_DOCX_TOTAL_MB, MAX_FILE_MB, MB)

FORMATS = {".txt": "text", ".md": "text", ".pdf": "pdf", ".docx": "docx", ".html": "html",
           ".htm": "html"}
SUPPORTED = ", ".join(sorted(FORMATS))
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
    size, head = _size_and_head(path)
    if size == 0:
        raise DocumentError(f"{path}: file is empty (0 bytes)")
    if size > max_mb * MB:
        raise DocumentError(f"{path}: {size / 1024 / 1024:.1f} MB is over the {max_mb:g} MB limit")
    kind = FORMATS[suffix]
    actual = sniff(head)
    if kind == "pdf" and actual != "pdf" and b"%PDF-" not in head:  # readers allow junk first
        raise DocumentError(f"{path}: not a PDF (its content is {_describe(actual)})")
    if kind == "docx":
        if actual != "zip":
            raise DocumentError(f"{path}: not a Word .docx file (its content is {_describe(actual)})")
        check_docx_parts(path)
    if kind in ("html", "text") and actual in ("pdf", "zip", "binary"):
        raise DocumentError(
            f"{path}: not a {suffix} text file (its content is {_describe(actual)})"
        )
    return kind


def check_regular_file(path: Path) -> None:
    """DocumentError unless ``path`` is a regular file (or a link to one); never opens it."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    _refuse_unless_regular(path, mode)


def _refuse_unless_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise DocumentError(f"{path}: not a regular file ({_file_kind(mode)})")


def _file_kind(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device")]
    return next((name for test, name in kinds if test(mode)), "not a file")


def _size_and_head(path: Path) -> tuple[int, bytes]:
    """The file's size and first bytes. Opened without blocking and checked on the open file,
    so a named pipe (which blocks an ordinary open until a writer comes) is refused at once,
    even one put in the file's place after the folder was listed."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            _refuse_unless_regular(path, info.st_mode)
            return info.st_size, handle.read(1024)
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read file ({exc.strerror or exc})") from exc


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
        from index.ingest.pdf import pdf_text

        return pdf_text(path, on_page)
    if kind == "docx":
        from index.ingest.docx import docx_text

        return docx_text(path)
    if kind == "html":
        from index.ingest.html import html_text

        return html_text(path)
    from index.ingest.text import read_text

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


def check_docx_parts(path: Path) -> None:
    """Refuse a .docx that is not Word's or whose parts would inflate past the limits, from
    the zip's directory alone: nothing is inflated here."""
    try:
        count = _zip_entry_count(path)
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    if count is not None and count > MAX_DOCX_PARTS:
        raise DocumentError(f"{path}: a zip of {count:,} parts; the limit for a Word document "
                            f"is {MAX_DOCX_PARTS:,}")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        parts = []
    if not any(part.filename == "word/document.xml" for part in parts):
        raise DocumentError(f"{path}: a zip archive, but not a Word .docx document")
    for part in parts:
        _check_docx_part(path, part)
    total = sum(part.file_size for part in parts)
    if total > MAX_DOCX_TOTAL_MB * MB:
        raise DocumentError(f"{path}: its parts would inflate to {_mb(total)} in all; the limit "
                            f"is {MAX_DOCX_TOTAL_MB} MB")


def _check_docx_part(path: Path, part: zipfile.ZipInfo) -> None:
    if part.file_size > MAX_DOCX_PART_MB * MB:
        raise DocumentError(f"{path}: {part.filename} would inflate to {_mb(part.file_size)}; "
                            f"the limit is {MAX_DOCX_PART_MB} MB")
    ratio = part.file_size / max(part.compress_size, 1)
    if part.file_size > DOCX_RATIO_FROM_MB * MB and ratio > MAX_DOCX_RATIO:
        raise DocumentError(f"{path}: {part.filename} would inflate {ratio:,.0f} times (to "
                            f"{_mb(part.file_size)}); the limit is {MAX_DOCX_RATIO} times")


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= 100 * MB else f"{size / MB:.1f} MB"


_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"


def _zip_entry_count(path: Path) -> int | None:
    """How many parts the zip's end record declares (None when it cannot be found: zipfile
    then refuses the file itself). Reads at most the last 64 KB and one ZIP64 record."""
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        tail_start = max(0, size - 22 - 0xFFFF)  # the end record, then a comment of <= 64 KB
        handle.seek(tail_start)
        tail = handle.read()
        at = tail.rfind(_END_OF_DIRECTORY)
        if at < 0 or len(tail) - at < 22:
            return None
        count = struct.unpack("<H", tail[at + 10: at + 12])[0]
        locator = tail[at - 20: at] if at >= 20 else b""
        if count != 0xFFFF or not locator.startswith(_ZIP64_LOCATOR):
            return count
        # ZIP64: the real count is in the record the locator points to.
        handle.seek(struct.unpack("<Q", locator[8:16])[0])
        record = handle.read(56)
        if not record.startswith(_ZIP64_END) or len(record) < 40:
            return None
        return struct.unpack("<Q", record[32:40])[0]
