"""Document metadata: symbol, language, title, date and kind, from the text or a metadata file.

The text wins where it prints a value; a metadata file beside the document (``NAME.meta.json``)
overrides it. A symbol is never invented: a letter that prints none keeps ``symbol=None``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from index.errors import DocumentError
from index.ingest.blocks import TABLE_HEADER
from index.ingest.titles import BYLINE, detect_title
from index.models import Document
from index.un.symbols import PRINTED_SYMBOL_RE

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_DATE_EN = re.compile(r"\b(\d{1,2}) (" + "|".join(m.title() for m in MONTHS) + r") (\d{4})\b")
_DATE_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A resolution is dated by its adoption ("Resolution adopted by the General Assembly on
# 24 December 2024"), not by its distribution a week later.
_ADOPTED_EN = re.compile(r"\badopted by the [A-Z][\w ]{2,60}?\s+on\s+(?=\d)")
_ADOPTED_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*通过的决议")
# A document dated by month alone, on a line of its own: "JULY 2023".
_MONTH_LINE = re.compile(r"^\s*(" + "|".join(MONTHS) + r")\s+(\d{4})\s*$",
                         re.IGNORECASE | re.MULTILINE)
REISSUE_MARK = "*"  # "A/79/408*": the symbol of a reissued document, marked
HEADER_LINES = 12
META_FIELDS = {"doc_id", "symbol", "lang", "title", "date", "kind", "original", "distribution",
               "names"}  # names: what people call it, added to its identity card
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
    names = data.get("names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise DocumentError(f"{meta_path}: 'names' must be a list of names, not {names!r}")
    return data


def detect_symbol(text: str) -> str | None:
    """The symbol printed in the page header: at the start or end of one of the first lines
    (a reissue's asterisk after it is not part of it)."""
    lines = [line.strip().rstrip(REISSUE_MARK).rstrip() for line in text.splitlines()
             if line.strip()][:HEADER_LINES]
    for line in lines:
        for match in PRINTED_SYMBOL_RE.finditer(line):
            if match.start() == 0 or match.end() == len(line):
                return match.group(0)
    return None


def listed_symbol(text: str, title: str) -> str | None:
    """The symbol a document gives itself in its own list of documents (a table under "Symbol
    Title", "文号 标题"), where its header prints none: a report's annex lists the report,
    "CCW/GGE.1/2023/2  <its title>"."""
    wanted = re.sub(r"\s+", "", title)
    if len(wanted) < 8:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    in_table = False
    for index, line in enumerate(lines):
        in_table = in_table or bool(TABLE_HEADER.match(" ".join(line.split())))
        match = PRINTED_SYMBOL_RE.match(line) if in_table else None
        if match is None:
            continue
        listed = re.sub(r"\s+", "", "".join([line[match.end():], *lines[index + 1:index + 4]]))
        if listed.startswith(wanted):
            return match.group(0)
    return None


def detect_date(text: str, title: str) -> str | None:
    """The document's date: a resolution's adoption date, else the first full date of the
    title or the first page, else a month printed alone ("JULY 2023" -> "2023-07")."""
    head = "\n".join(text.splitlines()[:30])
    flat = " ".join(head.split())
    if (m := _ADOPTED_EN.search(flat)) and (d := _DATE_EN.match(flat, m.end())):
        return _iso(d)
    if m := _ADOPTED_ZH.search(flat):
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    for source in (title, head):
        if m := _DATE_EN.search(source):
            return _iso(m)
    if m := _DATE_ZH.search(title):
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    if m := _MONTH_LINE.search(head):
        return f"{m.group(2)}-{MONTHS.index(m.group(1).lower()) + 1:02d}"
    return None


def _iso(match: re.Match) -> str:
    day, month, year = match.groups()
    return f"{year}-{MONTHS.index(month.lower()) + 1:02d}-{int(day):02d}"


def detect_kind(text: str, title: str) -> str:
    head = "\n".join(text.splitlines()[:30])
    if re.search(r"^(Letter dated|Note verbale)|的信$|普通照会", title):
        return "letter"
    if re.search(r"Resolution adopted by|通过的决议", head):
        return "resolution"
    if title.startswith("Report") or "报告" in title:
        return "report"
    if any(BYLINE.match(line.strip()) and line.strip().startswith("Report")
           for line in head.splitlines()):
        return "report"  # "Report of the Secretary-General" under the title
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
    if "symbol" not in overrides and symbol is None:
        symbol = listed_symbol(text, title)
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
