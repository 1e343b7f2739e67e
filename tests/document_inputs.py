"""Oversized inputs for the input-bounds tests: Word files written part by part, long paragraphs,
and the one-line refusal each must get."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from index.errors import DocumentError
from index.ingest.paragraphs import parse_file

# python-docx is imported where used: each test module skips itself without it.

SENTENCE = ("The Group of Governmental Experts affirmed that international humanitarian law "
            "applies. ")
HANG = 10  # seconds: only to turn a hang into a failure; refusals take well under one second
MB = 1024 * 1024


def _template() -> zipfile.ZipFile:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return zipfile.ZipFile(buffer)


def write_docx(path: Path, body_pieces, extra_parts: int = 0) -> Path:
    """A valid Word file (python-docx's own template) whose word/document.xml body is written
    piece by piece, so a part of hundreds of MB never sits in the test's memory."""
    template = _template()
    xml = template.read("word/document.xml").decode()
    head = xml.split("<w:body>")[0] + "<w:body>"
    tail = "<w:sectPr" + xml.split("<w:sectPr", 1)[1]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in template.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info, template.read(info.filename))
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head.encode())
            for piece in body_pieces:
                part.write(piece)
            part.write(tail.encode())
        for number in range(extra_parts):
            archive.writestr(f"customXml/extra{number}.xml", b"")
    return path


def repeated_paragraph(megabytes: int, text: bytes = SENTENCE.encode()):
    """One Word paragraph of ``megabytes`` MB of runs of repeated text (deflates ~300:1)."""
    run = b'<w:r><w:t xml:space="preserve">' + text + b"</w:t></w:r>"
    block = run * (MB // len(run))
    yield b"<w:p>"
    for _ in range(megabytes):
        yield block
    yield b"</w:p>"


def one_letter_paragraph(megabytes: int):
    """One paragraph of a single letter repeated: deflates ~1,000:1, the most deflate can."""
    yield b'<w:p><w:r><w:t>'
    for _ in range(megabytes):
        yield b"a" * MB
    yield b"</w:t></w:r></w:p>"


def paragraphs_xml(*texts: str) -> list[bytes]:
    return [f'<w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>'.encode() for t in texts]


def saved_docx(path: Path, *paragraphs: str, row: list[str] | None = None) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if row:
        cells = document.add_table(rows=1, cols=len(row)).rows[0].cells
        for cell, text in zip(cells, row):
            cell.text = text
    document.save(str(path))
    return path


def long_text(chars: int) -> str:
    return (SENTENCE * (chars // len(SENTENCE) + 1))[:chars]


def refused(path: Path) -> tuple[str, float]:
    """The one-line reason parsing ``path`` is refused with, and how long refusing took."""
    start = time.perf_counter()
    with pytest.raises(DocumentError) as info:
        parse_file(path)
    seconds = time.perf_counter() - start
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message, seconds


def inflated_mb(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return round(archive.getinfo("word/document.xml").file_size / MB)
