"""Turn one UN document's text into Paragraph records.

Pipeline: read (typed errors for empty/binary/non-UTF-8) → clean (page furniture, footnotes) →
cut into blocks (blocks.py) → assemble them (assemble.py: parts, section path, official numbers,
lead-ins and items) → records here: a paragraph with its items' text, each item, table rows and
footnotes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from index.ingest.assemble import Assembler, Para
from index.ingest.blocks import cut_blocks
from index.ingest.columns import read_columns
from index.errors import DocumentError
from index.ingest.files import read_document
from index.ingest.identity import detect_card
from index.ingest.limits import MAX_FILE_MB, MAX_PARAGRAPH_CHARS, paragraph_too_long
from index.ingest.metadata import detect_metadata
from index.ingest.records import detect_records
from index.models import FOOTNOTES, Document, Paragraph, ParsedDocument
from index.ingest.clean import clean_text, join_lines
from index.language import detect_lang


def parse_file(path: str | Path, overrides: dict | None = None,
               on_page: Callable[[int, int], None] | None = None,
               max_mb: float = MAX_FILE_MB) -> ParsedDocument:
    """Parse a .txt/.md/.pdf/.docx/.html file; ``overrides`` (from a metadata file) win over
    detection; ``on_page(done, total)`` reports a PDF's pages as they are read."""
    path = Path(path)
    return parse_text(read_document(path, on_page, max_mb), source=str(path), overrides=overrides)


def parse_text(text: str, source: str = "<text>", overrides: dict | None = None) -> ParsedDocument:
    """Paragraph records of ``text``; DocumentError naming ``source`` when it has none, or a
    paragraph longer than MAX_PARAGRAPH_CHARS."""
    refuse_long_lines(text, source)
    text = read_columns(text)  # a two-column page, one column after the other
    overrides = overrides or {}
    lang = overrides.get("lang") or detect_lang(text)
    document = detect_metadata(text, lang, source, overrides)
    cleaned = clean_text(text, lang, document.symbol)
    for note in cleaned.footnotes.values():
        _refuse_if_long([note], source)
    assembler = Assembler(document)
    for block in cut_blocks(cleaned.lines, lang):
        assembler.feed(block)
    paragraphs = _records(document, assembler.paras)
    for number, note in sorted(cleaned.footnotes.items()):
        paragraphs.append(_paragraph(document, FOOTNOTES, number, note, kind="footnote"))
    if paragraphs:  # an adoption line alone is no document
        paragraphs += detect_records(text, document)
    if not paragraphs:
        raise DocumentError(f"{source}: no paragraphs found (is it a UN document in text form?)")
    return ParsedDocument(document, paragraphs, detect_card(text, document, overrides.get("names")))


def refuse_long_lines(text: str, source: str) -> None:
    """A line longer than the paragraph limit is a paragraph over it (Word and HTML give a
    paragraph one line). Checked first, in one pass, because everything after it works line
    by line, some of it character by character (the issue's Word file became one 28 MB line)."""
    longest = max(map(len, text.splitlines()), default=0)
    if longest > MAX_PARAGRAPH_CHARS:
        raise paragraph_too_long(source, longest)


def _refuse_if_long(lines: list[str], source: str) -> None:
    """Hard-wrapped lines of one paragraph, measured before they are joined."""
    length = sum(len(line) + 1 for line in lines) - 1
    if length > MAX_PARAGRAPH_CHARS:
        raise paragraph_too_long(source, length)


def _paragraph(doc: Document, part: str, ordinal: int, text: str, **fields) -> Paragraph:
    return Paragraph(
        doc_id=doc.doc_id,
        symbol=doc.symbol,
        lang=doc.lang,
        part=part,
        ordinal=ordinal,
        text=text,
        doc_title=doc.title,
        **fields,
    )


def _records(document: Document, paras: list[Para]) -> list[Paragraph]:
    """One record per paragraph (with its items' text), then one per item."""
    out: list[Paragraph] = []
    lang = document.lang
    for para in paras:
        for lines in [para.lines, *(item.lines for item in para.items)]:
            _refuse_if_long(lines, document.source)  # the lead-in, each subparagraph
        lead = join_lines(para.lines, lang)
        items = [(item, join_lines(item.lines, lang)) for item in para.items]
        shown = [f"({i.marker}) {t}" if i.marker else f"• {t}" for i, t in items]
        text = "\n".join(piece for piece in [lead, *shown] if piece)
        common = dict(number=para.number, section=para.section)
        out.append(_paragraph(document, para.part, para.ordinal, text, kind=para.kind, **common))
        for position, (item, item_text) in enumerate(items, start=1):
            out.append(
                _paragraph(
                    document, para.part, para.ordinal, item_text, kind="item",
                    item=item.marker, item_ordinal=position, **common,
                )
            )
    return out
