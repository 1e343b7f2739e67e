"""Document metadata: symbol, language, title, date and kind, from the text or a metadata file.

The text wins where it prints a value; a metadata file beside the document (``NAME.meta.json``)
overrides it. A symbol is never invented: a letter that prints none keeps ``symbol=None``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from index.ingest.blocks import cut_blocks
from index.errors import DocumentError
from index.models import Document
from index.ingest.clean import clean_text, ends_final, join_lines
from index.un.symbols import PRINTED_SYMBOL_RE

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_DATE_EN = re.compile(r"\b(\d{1,2}) (" + "|".join(m.title() for m in MONTHS) + r") (\d{4})\b")
_DATE_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_RES_NUMBER = re.compile(r"^\d+/\d+\.\s+")
HEADER_LINES = 12
META_FIELDS = {"doc_id", "symbol", "lang", "title", "date", "kind", "original", "distribution"}
# First-page slugs: "Original: English" (the language it was written in) and "Distr.: General".
_ORIGINAL = re.compile(r"\bOriginal:\s*([A-Z][a-z]+(?:\s*(?:and|/|,)\s*[A-Z][a-z]+)*)")
_DISTRIBUTION = re.compile(r"\bDistr\.?:\s*([A-Z][a-z]+)")
_ORIGINAL_ZH = re.compile(r"原\s*文\s*[:：]\s*(\S+?)文")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + ".meta.json")


def load_sidecar(path: Path) -> dict:
    """Read ``NAME.meta.json`` beside a document; {} when there is none."""
    meta_path = sidecar_path(path)
    if not meta_path.exists():
        return {}
    return read_metadata_file(meta_path)


def read_metadata_file(meta_path: Path) -> dict:
    """A metadata file's overrides; DocumentError naming the file when it is unusable."""
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"{meta_path}: unreadable metadata file ({exc})") from exc
    if not isinstance(data, dict) or set(data) - META_FIELDS:
        raise DocumentError(f"{meta_path}: expected an object with keys among {sorted(META_FIELDS)}")
    return data


def detect_symbol(text: str) -> str | None:
    """The symbol printed in the page header: at the start or end of one of the first lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:HEADER_LINES]
    for line in lines:
        for match in PRINTED_SYMBOL_RE.finditer(line):
            if match.start() == 0 or match.end() == len(line):
                return match.group(0)
    return None


def detect_date(text: str, title: str) -> str | None:
    head = "\n".join(text.splitlines()[:30])
    for source in (title, head):
        if m := _DATE_EN.search(source):
            return f"{m.group(3)}-{MONTHS.index(m.group(2).lower()) + 1:02d}-{int(m.group(1)):02d}"
    if m := _DATE_ZH.search(title):
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def detect_title(text: str, lang: str, symbol: str | None) -> str:
    """The last group of front matter before the body starts (the document's title block)."""
    cleaned = clean_text(text, lang, symbol)
    blocks = cut_blocks(cleaned.lines, lang)
    structural = ("heading", "annex", "submission", "numbered", "opener")
    front = []
    for block in blocks:
        if block.kind in structural or (block.kind == "text" and ends_final(" ".join(block.lines))):
            break
        front.append(block)
    if not front and blocks and blocks[0].kind == "annex" and len(blocks) > 1:
        front = [blocks[1]]  # an annex printed alone: its title follows the heading
    if not front:
        return ""
    if lang == "zh":
        # Chinese extraction has a blank after every line: blocks are the only grouping.
        # A title broken by a short line continues in blocks that have no leading space.
        if any(b.kind in structural for b in blocks):
            start = max((i for i, b in enumerate(front) if b.lead > 0), default=len(front) - 1)
            title_blocks = front[start:]
        else:
            title_blocks = front[:1]
        return join_lines([line for b in title_blocks for line in b.lines], "zh")
    # Layout English: the title block is the last blank-separated group of front lines.
    groups: list[list[str]] = []
    for block in front:
        for position, line in enumerate(block.lines):
            if not groups or (position == 0 and block.blank_before) or position in block.breaks:
                groups.append([])
            groups[-1].append(line)
    title = " ".join(" ".join(groups[-1]).split())
    return _RES_NUMBER.sub("", title).strip()


def detect_kind(text: str, title: str) -> str:
    head = "\n".join(text.splitlines()[:30])
    if re.search(r"^(Letter dated|Note verbale)|的信$|普通照会", title):
        return "letter"
    if re.search(r"Resolution adopted by|通过的决议", head):
        return "resolution"
    if title.startswith("Report") or "报告" in title:
        return "report"
    return "document"


def detect_slugs(text: str) -> tuple[str | None, str | None]:
    """(original language, distribution) from the first page's slugs, when printed."""
    head = "\n".join(text.splitlines()[:40])
    original = _ORIGINAL.search(head) or _ORIGINAL_ZH.search(head)
    distribution = _DISTRIBUTION.search(head)
    return (original.group(1) if original else None,
            distribution.group(1) if distribution else None)


def make_doc_id(symbol: str | None, lang: str, source: str) -> str:
    base = symbol or Path(source).stem
    return re.sub(r"[^A-Za-z0-9]+", "-", base).strip("-").lower() + f".{lang}"


def detect_metadata(text: str, lang: str, source: str, overrides: dict) -> Document:
    symbol = overrides["symbol"] if "symbol" in overrides else detect_symbol(text)
    title = overrides.get("title") or detect_title(text, lang, symbol)
    original, distribution = detect_slugs(text)
    return Document(
        doc_id=overrides.get("doc_id") or make_doc_id(symbol, lang, source),
        symbol=symbol or None,
        lang=lang,
        title=title or Path(source).stem,
        date=overrides.get("date") or detect_date(text, title),
        source=source,
        kind=overrides.get("kind") or detect_kind(text, title),
        original=overrides.get("original") or original,
        distribution=overrides.get("distribution") or distribution,
    )
