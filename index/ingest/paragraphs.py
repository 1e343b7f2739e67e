"""Turn one UN document's text into Paragraph records.

Pipeline: read (typed errors for empty/binary/non-UTF-8) → clean (page furniture, footnotes) →
cut into blocks (blocks.py) → assemble paragraphs here: parts (body, preamble, covering letter,
annexes), the section path, official numbers, items and table rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from index.ingest.blocks import Block, cut_blocks, zh_numeral_to_roman
from index.errors import DocumentError
from index.ingest.files import read_document
from index.ingest.limits import MAX_FILE_MB, MAX_PARAGRAPH_CHARS, paragraph_too_long
from index.ingest.metadata import detect_metadata
from index.models import (BODY, COVERING_LETTER, FOOTNOTES, PREAMBLE, ROMAN, Document, Paragraph,
                          ParsedDocument)
from index.ingest.clean import clean_text, ends_final, join_lines
from index.un.symbols import PRINTED_SYMBOL_RE as SYMBOL_RE  # as a document prints a symbol
from index.language import detect_lang

MAX_HEADING_CHARS = 200
MAX_NUMBER_GAP = 10


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
    overrides = overrides or {}
    lang = overrides.get("lang") or detect_lang(text)
    document = detect_metadata(text, lang, source, overrides)
    cleaned = clean_text(text, lang, document.symbol)
    for note in cleaned.footnotes.values():
        _refuse_if_long([note], source)
    blocks = cut_blocks(cleaned.lines, lang)
    builder = _Builder(document)
    for block in blocks:
        builder.feed(block)
    paragraphs = builder.finish()
    for number, note in sorted(cleaned.footnotes.items()):
        paragraphs.append(_paragraph(document, FOOTNOTES, number, note, kind="footnote"))
    if not paragraphs:
        raise DocumentError(f"{source}: no paragraphs found (is it a UN document in text form?)")
    return ParsedDocument(document, paragraphs)


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


@dataclass
class _Item:
    marker: str | None  # printed marker ("a", "1") or None for a bullet
    lines: list[str]
    lead: int = 0  # leading whitespace of its first line (Chinese unmarked lists)


@dataclass
class _Para:
    part: str
    section: tuple[str, ...]
    ordinal: int
    number: str | None
    lines: list[str]
    lead: int = 0
    kind: str = "paragraph"
    items: list[_Item] = field(default_factory=list)


class _Builder:
    """A small state machine over blocks; the rules live in the ``_on_*`` methods."""

    def __init__(self, document: Document):
        self.doc = document
        self.lang = document.lang
        self.part = COVERING_LETTER if document.kind == "letter" else BODY
        self.section: list[str] = []
        self.paras: list[_Para] = []
        self.started = False
        self.ordinals: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        self.last_number: int | None = None
        self.base_part = self.part  # the annex (or body) that States' replies are filed in
        self.chapter: str | None = None  # the last chapter numeral of the base part ("II")
        self.base_last_number: int | None = None  # the base part's numbering, kept meanwhile

    # ---- helpers ------------------------------------------------------------------------
    @property
    def current(self) -> _Para | None:
        if self.paras and self.paras[-1].part == self.part and not self._closed:
            return self.paras[-1]
        return None

    _closed = True

    def _text(self, block: Block) -> str:
        return join_lines(block.lines, self.lang)

    def _new_para(self, number: str | None, lines: list[str], lead: int, kind="paragraph"):
        if kind == "row":
            self.rows[self.part] = self.rows.get(self.part, 0) + 1
            ordinal = self.rows[self.part]
        else:
            self.ordinals[self.part] = self.ordinals.get(self.part, 0) + 1
            ordinal = self.ordinals[self.part]
        para = _Para(self.part, tuple(self.section), ordinal, number, list(lines), lead, kind)
        self.paras.append(para)
        self._closed = False
        return para

    def _part_has_paragraphs(self) -> bool:
        return any(p.part == self.part for p in self.paras)

    # ---- dispatch -----------------------------------------------------------------------
    def feed(self, block: Block) -> None:
        if not self.started:
            if block.kind in ("heading", "annex", "submission", "numbered", "opener"):
                self.started = True
            elif block.kind == "text" and ends_final(self._text(block)):
                self.started = True
            else:
                return  # front matter (title block, session, agenda): metadata, not paragraphs
        getattr(self, f"_on_{block.kind.replace('-', '_')}")(block)

    def _on_heading(self, block: Block) -> None:
        numeral = zh_numeral_to_roman(block.number or "")
        if numeral in ROMAN:
            if self.part != self.base_part and numeral == self._next_chapter():
                # the document's next chapter: the replies are over, its own numbering resumes
                self.part, self.last_number = self.base_part, self.base_last_number
            if self.part == self.base_part:
                self.chapter = numeral
        self.section = [self._text(block)]
        self._closed = True

    def _next_chapter(self) -> str | None:
        if self.chapter is None:
            return None
        position = ROMAN.index(self.chapter) + 1
        return ROMAN[position] if position < len(ROMAN) else None

    def _on_annex(self, block: Block) -> None:
        self.part = self.base_part = f"annex {block.number}"
        self.chapter = None
        self.section = []
        self.last_number = None
        self._closed = True

    def _on_submission(self, block: Block) -> None:
        # A State's reply is a part of its own ("annex I, Argentina"): its paragraphs are cited
        # by its heading, and its numbering starts again.
        if self.part == self.base_part:
            self.base_last_number = self.last_number
        base = "" if self.base_part == BODY else f"{self.base_part}, "
        self.part = f"{base}{block.number}"
        self.section = []
        self.last_number = None
        self._closed = True

    def _on_opener(self, block: Block) -> None:
        self.part = PREAMBLE
        self._closed = True

    def _on_table_header(self, block: Block) -> None:
        self._closed = True

    def _on_row(self, block: Block) -> None:
        first, *rest = block.lines
        symbol = SYMBOL_RE.match(first).group(0)
        title = join_lines([first[len(symbol) :].strip(), *rest], self.lang)
        self._new_para(None, [f"{symbol} — {title}"], block.lead, kind="row")
        self._closed = True

    def _on_numbered(self, block: Block) -> None:
        number = int(block.number)
        if not self._next_number(number):
            # Not the next paragraph number: a quoted "5." or a list inside the text.
            self._on_text(Block("text", [f"{block.number}. {block.lines[0]}", *block.lines[1:]],
                                block.indent, block.text_col, lead=block.lead))
            return
        if self.part == PREAMBLE:
            self.part = BODY  # operative paragraphs follow the preamble
        self.last_number = number
        self._new_para(str(number), block.lines, block.lead)

    def _next_number(self, number: int) -> bool:
        """Paragraph numbers run in sequence; a small forward gap (a number lost in extraction,
        an excerpt) is tolerated, so one missing paragraph does not un-number the rest."""
        if self.last_number is None:
            return number == 1
        return self.last_number < number <= self.last_number + MAX_NUMBER_GAP

    def _on_item(self, block: Block) -> None:
        para = self.current
        if para is None or para.kind == "row":
            para = self._new_para(None, [], block.lead)
        para.items.append(_Item(block.number, list(block.lines), block.lead))

    def _on_bullet(self, block: Block) -> None:
        para = self.current
        if para is None or para.kind == "row":
            para = self._new_para(None, [], block.lead)
        para.items.append(_Item(None, list(block.lines), block.lead))

    def _on_text(self, block: Block) -> None:
        para = self.current
        text = self._text(block)
        if para is not None and para.kind == "row":
            para.lines.extend(block.lines)
            return
        if para is not None and para.number is not None:
            # Inside a numbered paragraph every unnumbered block is part of it.
            target = para.items[-1].lines if para.items else para.lines
            target.extend(block.lines)
            return
        if not self._part_has_paragraphs():
            if len(text) <= MAX_HEADING_CHARS and text[-1:].isalnum():
                self.section.append(text)  # a title, dateline or table caption
                self._closed = True
                return
        if para is not None and self._continues_list(para, block):
            para.items.append(_Item(None, list(block.lines), block.lead))
            return
        self._new_para(None, block.lines, block.lead)

    def _continues_list(self, para: _Para, block: Block) -> bool:
        """Unmarked list items (lost bullet glyphs) after a lead-in that ends with a colon."""
        lead_text = join_lines(para.lines, self.lang)
        if not lead_text.endswith(("：", ":")):
            return False
        if not para.items:
            return True
        if any(item.marker is not None for item in para.items):
            return False
        last = join_lines(para.items[-1].lines, self.lang)
        if not ends_final(last):
            return True
        first = para.items[0]
        return block.lead == first.lead and first.lead != para.lead

    # ---- output -------------------------------------------------------------------------
    def finish(self) -> list[Paragraph]:
        out: list[Paragraph] = []
        for para in self.paras:
            for lines in [para.lines, *(item.lines for item in para.items)]:
                _refuse_if_long(lines, self.doc.source)  # the lead-in, each subparagraph
            lead = join_lines(para.lines, self.lang)
            items = [(item, join_lines(item.lines, self.lang)) for item in para.items]
            shown = [f"({i.marker}) {t}" if i.marker else f"• {t}" for i, t in items]
            text = "\n".join(piece for piece in [lead, *shown] if piece)
            common = dict(number=para.number, section=para.section)
            out.append(_paragraph(self.doc, para.part, para.ordinal, text, kind=para.kind, **common))
            for position, (item, item_text) in enumerate(items, start=1):
                out.append(
                    _paragraph(
                        self.doc, para.part, para.ordinal, item_text, kind="item",
                        item=item.marker, item_ordinal=position, **common,
                    )
                )
        return out
