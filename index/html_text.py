"""Text of an HTML page as blank-line separated paragraphs, for the text parser.

Block elements (p, li, headings, table rows…) become paragraphs; scripts, styles, navigation,
page headers and footers are dropped; a footnote mark (a <sup> holding a number or a link) is
dropped as the text parser drops inline footnote numbers; ordered-list items get the number
the browser would show ("1.", "(a)"), so numbered paragraphs keep their numbers.
"""

from __future__ import annotations

from pathlib import Path

from .blocks import classify
from .errors import DocumentError

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
