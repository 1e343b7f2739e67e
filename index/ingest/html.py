"""Text of an HTML page as blank-line separated paragraphs, for the text parser.

Block elements (p, li, headings, table rows…) become paragraphs; scripts, styles, navigation,
page headers and footers are dropped; a footnote mark (a <sup> holding a number or a link) is
dropped as the text parser drops inline footnote numbers; ordered-list items get the number
the browser would show ("1.", "(a)"), so numbered paragraphs keep their numbers.

Before BeautifulSoup builds its tree (14-30 times the page's size in memory, measured), the
page is scanned once without a tree to refuse a paragraph over the length limit.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from index.ingest.blocks import classify
from index.errors import DocumentError
from index.ingest.limits import MAX_PARAGRAPH_CHARS, paragraph_too_long

_DROP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
         "button", "svg", "head"}
_BLOCK = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
          "section", "article", "main", "body", "ol", "ul", "table", "tbody", "thead", "dd",
          "dt", "dl", "figcaption", "caption", "address", "center", "html"}
_CELL = {"td", "th"}
_HEADING = {"h1", "h2", "h3", "h4", "h5", "h6"}


def html_text(path: Path) -> str:
    from bs4 import BeautifulSoup

    data = path.read_bytes()
    refuse_long_paragraphs(path, data)
    soup = BeautifulSoup(data, "html.parser")
    if soup.find(True) is None:
        raise DocumentError(f"{path}: no HTML markup found (is it an HTML page?)")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for sup in soup.find_all("sup"):
        if sup.find("a") is not None or sup.get_text(strip=True).isdigit():
            sup.decompose()
    blocks: list[str] = []
    _walk(soup, blocks, marker="")
    return "\n\n".join(blocks)


def refuse_long_paragraphs(path: Path, data: bytes) -> None:
    """DocumentError when text between two block elements (one paragraph once _walk has read
    it) runs past MAX_PARAGRAPH_CHARS. A 20 MB page of one paragraph with inline tags took
    BeautifulSoup 9.8 s and 623 MB; this scan keeps no tree and stops at the first paragraph
    over the limit."""
    scanner = _ParagraphScanner(path)
    scanner.feed(_decoded(data))  # in one piece: a tag cut between pieces is re-read each time
    scanner.close()


def _decoded(data: bytes) -> str:
    """Text good enough for counting characters: UTF-16 by its byte-order mark, else the
    encoding the page declares (a GB2312 page read as UTF-8 would count its characters about
    twice), else UTF-8, where a byte of a single-byte encoding counts as one character."""
    from bs4.dammit import EncodingDetector

    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    try:
        return data.decode(declared or "utf-8", errors="replace")
    except LookupError:  # a name Python does not know
        return data.decode("utf-8", errors="replace")


class _ParagraphScanner(HTMLParser):
    """Counts the characters _walk would gather into one paragraph: text outside dropped
    elements, whitespace collapsed, since the last block element opened or closed."""

    _BOUNDARIES = {"tr", "li"} | _BLOCK | _HEADING

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.dropped = 0  # open elements whose content is dropped (script, nav…)
        self.chars = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        self._tag(tag, opening=True)

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, opening=False)

    def _tag(self, tag: str, opening: bool) -> None:
        if tag in _DROP:
            self.dropped = self.dropped + 1 if opening else max(0, self.dropped - 1)
        if tag in self._BOUNDARIES:
            self.chars = 0

    def handle_data(self, data: str) -> None:
        if self.dropped:
            return
        # Counted a slice at a time, so 20 MB of text in one piece never becomes a list of
        # millions of words; a slice may split a word, which counts one space too many.
        for start in range(0, len(data), _SLICE):
            words = len(" ".join(data[start:start + _SLICE].split()))
            if words:
                self.chars += words + 1  # + the space _walk puts between inline pieces
            if self.chars > MAX_PARAGRAPH_CHARS:
                raise paragraph_too_long(self.path)


_SLICE = 1 << 16


def _walk(node, blocks: list[str], marker: str) -> None:
    """Append the paragraphs under ``node``: inline text gathers until a block element."""
    from bs4 import NavigableString, Tag

    buffer: list[str] = []

    def flush():
        nonlocal marker
        text = " ".join(" ".join(buffer).split())
        buffer.clear()
        if text:
            if marker:
                text, marker = f"{marker} {text}", ""
            blocks.append(text)

    counter = 0
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a comment, doctype or CDATA
                buffer.append(str(child))
        elif isinstance(child, Tag):
            name = child.name.lower()
            if name == "br":
                buffer.append(" ")
            elif name == "tr":
                flush()
                cells = [" ".join(c.get_text(" ").split()) for c in child.find_all(_CELL)]
                row = "   ".join(cell for cell in cells if cell)
                if row:
                    blocks.append(row)
            elif name in _HEADING:
                flush()
                text = " ".join(child.get_text(" ").split())
                if text:
                    plain = classify(text, "en", False)[0] == "text"
                    blocks.append(f"# {text}" if plain else text)
            elif name == "li":
                flush()
                counter += 1
                _walk(child, blocks, _list_marker(node, counter))
            elif name in _BLOCK:
                flush()
                _walk(child, blocks, "")
            else:
                buffer.append(child.get_text(" "))
    flush()


def _list_marker(parent, position: int) -> str:
    if getattr(parent, "name", "") != "ol":
        return "•"
    start = parent.get("start", "1")
    number = position - 1 + (int(start) if str(start).isdigit() else 1)
    kind = parent.get("type", "1")
    if kind == "a":
        return f"({chr(ord('a') + (number - 1) % 26)})"
    if kind == "A":
        return f"({chr(ord('A') + (number - 1) % 26)})"
    return f"{number}."
