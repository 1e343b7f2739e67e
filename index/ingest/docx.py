"""Text of a Word .docx file as blank-line separated paragraphs, for the text parser.

Word keeps what the PDF only shows: one paragraph per paragraph, a style per heading. We keep
the document order of paragraphs and table rows, write a heading style's text as a Markdown
heading (unless it already reads as a UN chapter or annex heading), and print Word's automatic
list numbers ("1.", "(a)") that python-docx leaves out, so numbered paragraphs keep their
numbers. Footnote references are not part of a run's text, so footnote marks never reach it.

Before python-docx builds the document's tree, its main part is streamed once to refuse a
paragraph over the length limit (files.py has already bounded each part's inflated size).
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.parsers import expat

from index.ingest.blocks import classify
from index.errors import DocumentError
from index.ingest.limits import MAX_PARAGRAPH_CHARS, paragraph_too_long

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OFFICE_DOCUMENT = "/officeDocument"  # the package relationship naming the main part


def docx_text(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    refuse_long_paragraphs(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{path}: not a readable Word .docx file ({exc})") from exc
    numbering = _Numbering(document)
    blocks: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{_W}p":
            text = _paragraph_text(element, document, numbering)
            if text:
                blocks.append(text)
        elif element.tag == f"{_W}tbl":
            blocks.extend(_table_rows(element))
    return "\n\n".join(blocks)


def refuse_long_paragraphs(path: Path) -> None:
    """DocumentError when a paragraph or table row of the main part holds more text than
    MAX_PARAGRAPH_CHARS. Streams the part with expat (constant memory) and stops at the first
    one over: python-docx took 2.8 s and 290 MB to read one paragraph of 20 MB of XML; this
    refuses it after its first 20,000 characters."""
    counter = _TextCounter(path)
    try:
        with zipfile.ZipFile(path) as archive:
            _stream_xml(archive, _main_part(archive), start=counter.start, end=counter.end,
                        text=counter.text)
    except expat.ExpatError as exc:
        raise DocumentError(f"{path}: its XML is not well-formed ({exc}); the file may be "
                            "damaged") from exc


def _main_part(archive: zipfile.ZipFile) -> str:
    """The part python-docx will read as the document: the package's officeDocument
    relationship names it (it is word/document.xml as Word writes it)."""
    targets: list[str] = []

    def relationship(name: str, attributes: dict) -> None:
        if name.endswith("}Relationship") and attributes.get("Type", "").endswith(
                _OFFICE_DOCUMENT):
            targets.append(attributes.get("Target", ""))

    if "_rels/.rels" in archive.namelist():
        _stream_xml(archive, "_rels/.rels", start=relationship)
    name = posixpath.normpath(targets[0].lstrip("/")) if targets else "word/document.xml"
    return name if name in archive.namelist() else "word/document.xml"


def _stream_xml(archive: zipfile.ZipFile, name: str, start, end=None, text=None) -> None:
    """Feed one part to expat in 64 KB pieces: memory stays flat however large the part."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True  # one call per run of text, not one per line or entity
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    with archive.open(name) as part:
        while chunk := part.read(1 << 16):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


class _TextCounter:
    """Characters of text (w:t) in the open paragraph and the open table row, as docx_text
    will print them: a paragraph's own runs, and a row's cells all on one line."""

    _P, _T, _ROW = f"{_W}p"[1:], f"{_W}t"[1:], f"{_W}tr"[1:]  # expat names: "uri}local"

    def __init__(self, path: Path):
        self.path = path
        self.paragraphs: list[int] = []  # one count per open paragraph (text boxes nest them)
        self.rows = 0  # open table rows (tables nest); the outermost one's text is counted
        self.row_chars = 0
        self.in_text = 0

    def start(self, name: str, attributes) -> None:
        if name == self._P:
            self.paragraphs.append(0)
        elif name == self._T:
            self.in_text += 1
        elif name == self._ROW:
            self.rows += 1
            if self.rows == 1:
                self.row_chars = 0

    def end(self, name: str) -> None:
        if name == self._P and self.paragraphs:
            self.paragraphs.pop()
        elif name == self._T:
            self.in_text -= 1
        elif name == self._ROW:
            self.rows -= 1

    def text(self, data: str) -> None:
        if not self.in_text:
            return
        if self.paragraphs:
            self.paragraphs[-1] += len(data)
            self._check(self.paragraphs[-1])
        if self.rows:
            self.row_chars += len(data)
            self._check(self.row_chars)

    def _check(self, length: int) -> None:
        if length > MAX_PARAGRAPH_CHARS:
            raise paragraph_too_long(self.path)


def _paragraph_text(element, document, numbering: "_Numbering") -> str:
    from docx.text.paragraph import Paragraph

    paragraph = Paragraph(element, document)
    text = " ".join(paragraph.text.split())
    if not text:
        return ""
    marker = numbering.marker(element, paragraph.style)
    if marker:
        text = f"{marker} {text}"
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower().startswith(("heading", "title")) and classify(text, "en", False)[0] == "text":
        text = f"# {text}"
    return text


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.iter(f"{_W}tr"):
        cells = []
        for cell in row.iter(f"{_W}tc"):
            words = "".join(node.text or "" for node in cell.iter(f"{_W}t"))
            if words.strip():
                cells.append(" ".join(words.split()))
        if cells:
            rows.append("   ".join(cells))
    return rows


class _Numbering:
    """Word's automatic list numbers: a counter per list and level, printed by the level's
    format ("%1." decimal, "(%1)" lower letter…) from the level's start value.

    Numbering instances of one abstract list continue one count (a report's paragraphs stay
    numbered across chapters) unless an instance overrides its start, which restarts it.
    """

    def __init__(self, document):
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.list_of: dict[str, str] = {}  # numId -> the counter it advances
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels = {}
            for level in node.iter(f"{_W}lvl"):
                fmt = level.find(f"{_W}numFmt")
                text = level.find(f"{_W}lvlText")
                start = level.find(f"{_W}start")
                levels[int(level.get(f"{_W}ilvl"))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "%1.",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.iter(f"{_W}num"):
            num_id = num.get(f"{_W}numId")
            ref = num.find(f"{_W}abstractNumId")
            abstract_id = ref.get(f"{_W}val") if ref is not None else None
            levels = dict(abstract.get(abstract_id) or {})
            overrides = list(num.iter(f"{_W}lvlOverride"))
            for override in overrides:
                start = override.find(f"{_W}startOverride")
                ilvl = int(override.get(f"{_W}ilvl"))
                if start is not None and ilvl in levels:
                    fmt, pattern, _ = levels[ilvl]
                    levels[ilvl] = (fmt, pattern, int(start.get(f"{_W}val")))
            self.list_of[num_id] = f"num {num_id}" if overrides else f"abstract {abstract_id}"
            for ilvl, value in levels.items():
                self.formats[(num_id, ilvl)] = value

    def marker(self, paragraph, style) -> str:
        num_pr = _num_pr(paragraph)
        while num_pr is None and style is not None:  # "List Number" numbers through its style
            num_pr = _num_pr(style.element)
            style = style.base_style
        if num_pr is None:
            return ""
        num_id = num_pr.find(f"{_W}numId")
        ilvl = num_pr.find(f"{_W}ilvl")
        num = num_id.get(f"{_W}val") if num_id is not None else None
        level = int(ilvl.get(f"{_W}val")) if ilvl is not None else 0
        if (num, level) not in self.formats:
            return ""
        fmt, pattern, start = self.formats[(num, level)]
        counters = self.counters.setdefault(self.list_of[num], [0] * 9)
        if counters[level] == 0:
            counters[level] = start - 1
        counters[level] += 1
        for deeper in range(level + 1, len(counters)):
            counters[deeper] = 0  # a new item restarts the lists under it
        if fmt == "bullet":
            return "•"
        marker = pattern
        for depth in range(level + 1):
            value = counters[depth] or 1
            marker = marker.replace(f"%{depth + 1}",
                                    _format(value, fmt if depth == level else "decimal"))
        return marker


def _num_pr(element):
    props = element.find(f"{_W}pPr")
    return props.find(f"{_W}numPr") if props is not None else None


def _format(value: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return chr(ord("a") + (value - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (value - 1) % 26)
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    return str(value)


def _roman(value: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for amount, numeral in numerals:
        while value >= amount:
            out, value = out + numeral, value - amount
    return out
