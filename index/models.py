"""The typed records that carry a paragraph from parsing to the UI.

A paragraph is addressed by (symbol or doc_id, lang, part, locator). The locator is the
document's own paragraph number where it prints one ("21", "21(c)"), and otherwise a counted
ordinal always marked as counted ("#3", "#3(1)", "1•2"): never passed off as official.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

LANGS = ("zh", "en")

# Parts are stored language-independently so the zh and en versions of a paragraph share a key.
BODY = "body"
PREAMBLE = "preamble"
COVERING_LETTER = "covering letter"
FOOTNOTES = "footnotes"

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
ZH_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


@dataclass(frozen=True)
class Document:
    """One language version of a document."""

    doc_id: str
    symbol: str | None
    lang: str
    title: str
    date: str | None = None
    source: str = ""
    kind: str = "document"  # report, letter, resolution, document
    original: str | None = None  # "Original: English" on the first page: the drafting language
    distribution: str | None = None  # "Distr.: General" / "Limited"


@dataclass(frozen=True)
class Paragraph:
    """One citable unit: a paragraph, a subparagraph/item, a table row or a footnote.

    A paragraph's ``text`` includes the items it introduces, so a lead-in and its list are
    retrieved together; each item is also a record of its own (``parent`` set) so it can be
    cited alone.
    """

    doc_id: str
    symbol: str | None
    lang: str
    part: str
    ordinal: int  # counted position of the top-level paragraph within its part (1-based)
    text: str
    number: str | None = None  # printed paragraph number, e.g. "21"; None when unnumbered
    item: str | None = None  # printed item marker, e.g. "c" or "1"; None for bullets
    item_ordinal: int | None = None  # counted position of an item within its paragraph
    kind: str = "paragraph"  # paragraph, item, row, footnote
    section: tuple[str, ...] = ()
    doc_title: str = ""

    # ---- addressing -------------------------------------------------------------------
    @property
    def parent_locator(self) -> str:
        if self.kind == "footnote":
            return f"fn{self.ordinal}"
        if self.kind == "row":
            return f"row{self.ordinal}"
        if self.number is not None:
            return self.number
        return f"#{self.ordinal}"

    @property
    def locator(self) -> str:
        """The address of this record within its part ("21(c)", "#3", "1•2", "fn1")."""
        base = self.parent_locator
        if self.item_ordinal is None:
            return base
        if self.item is not None:
            return f"{base}({self.item})"
        return f"{base}•{self.item_ordinal}"

    @property
    def counted(self) -> bool:
        """True when any part of the locator was counted rather than printed."""
        if self.kind == "footnote":
            return False
        if self.kind == "row" or self.number is None:
            return True
        return self.item_ordinal is not None and self.item is None

    @property
    def owner(self) -> str:
        """The document key shared by all language versions (the symbol when known)."""
        return self.symbol or self.doc_id

    @property
    def key(self) -> str:
        """Language-independent address: the same paragraph in zh and en shares it."""
        return f"{self.owner}|{self.part}|{self.locator}"

    @property
    def id(self) -> str:
        """Stable id from (symbol or doc_id, lang, part, locator): re-indexing is idempotent."""
        return f"{self.owner}|{self.lang}|{self.part}|{self.locator}"

    @property
    def parent_id(self) -> str | None:
        if self.item_ordinal is None:
            return None
        return f"{self.owner}|{self.lang}|{self.part}|{self.parent_locator}"

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def label(self, lang: str | None = None) -> str:
        """The UN-style citation in ``lang`` (default: the paragraph's own language)."""
        return render_label(self, lang or self.lang)

    def to_metadata(self) -> dict:
        """Flat metadata for Chroma (no None values, no tuples)."""
        return {
            "doc_id": self.doc_id,
            "symbol": self.symbol or "",
            "lang": self.lang,
            "part": self.part,
            "ordinal": self.ordinal,
            "number": self.number or "",
            "item": self.item or "",
            "item_ordinal": self.item_ordinal if self.item_ordinal is not None else -1,
            "kind": self.kind,
            "section": " > ".join(self.section),
            "doc_title": self.doc_title,
            "locator": self.locator,
            "key": self.key,
            "text_hash": self.text_hash,
        }

    @classmethod
    def from_metadata(cls, text: str, meta: dict) -> "Paragraph":
        item_ordinal = meta.get("item_ordinal", -1)
        return cls(
            doc_id=meta["doc_id"],
            symbol=meta.get("symbol") or None,
            lang=meta["lang"],
            part=meta["part"],
            ordinal=int(meta["ordinal"]),
            text=text,
            number=meta.get("number") or None,
            item=meta.get("item") or None,
            item_ordinal=None if item_ordinal in (-1, None) else int(item_ordinal),
            kind=meta.get("kind", "paragraph"),
            section=tuple(s for s in (meta.get("section") or "").split(" > ") if s),
            doc_title=meta.get("doc_title", ""),
        )

    def to_record(self) -> dict:
        """The JSON shape shared by `search`, `show` and the evaluation results."""
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "symbol": self.symbol,
            "lang": self.lang,
            "part": self.part,
            "number": self.locator,
            "counted": self.counted,
            "kind": self.kind,
            "section": list(self.section),
            "label": self.label(),
            "text": self.text,
        }


@dataclass
class ParsedDocument:
    document: Document
    paragraphs: list[Paragraph] = field(default_factory=list)
    card: object = None  # its IdentityCard (index.un.identity, which imports this module)


@dataclass(frozen=True)
class Hit:
    """A retrieved paragraph with its fused score and the signals that found it."""

    paragraph: Paragraph
    score: float
    sources: tuple[str, ...] = ()

    def to_record(self, rank: int) -> dict:
        record = self.paragraph.to_record()
        record.update(rank=rank, score=round(self.score, 6), sources=list(self.sources))
        return record


# ---- labels -------------------------------------------------------------------------------

# "annex II", or a State's reply filed in it: "annex II, Argentina"
_ANNEX_RE = re.compile(r"^annex ([IVXL]+)(?:, (.+))?$")
_DRAFT_RE = re.compile(r"^draft (resolution|decision) ([IVXLC]+)$")  # one a report recommends


def _zh_draft(kind: str, numeral: str) -> str:
    """("resolution", "XXV") -> "决议草案二十五"; a number past 99 stays digits."""
    values = [{"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}[ch] for ch in numeral]
    value = sum(-v if v < after else v for v, after in zip(values, values[1:] + [0]))
    (tens, ones), digits = divmod(value, 10), "零一二三四五六七八九"
    number = (digits[tens % 10] if tens > 1 else "") + "十" * (tens > 0) + digits[ones].strip("零")
    return ("决议草案" if kind == "resolution" else "决定草案") + (number if value < 100 else str(value))


def part_label(part: str, lang: str) -> str:
    """Render a canonical part name ("annex II", "draft resolution XXV") in ``lang``."""
    match = _ANNEX_RE.match(part)
    if lang == "zh":
        if match:
            annex = "附件" + ZH_NUMERALS[ROMAN.index(match.group(1))]
            return annex + (f"({match.group(2)})" if match.group(2) else "")
        if draft := _DRAFT_RE.match(part):
            return _zh_draft(*draft.groups())
        names = {BODY: "正文", PREAMBLE: "序言部分", COVERING_LETTER: "转递函", FOOTNOTES: "脚注"}
        return names.get(part, part)
    return part


def document_context(paragraph: Paragraph) -> str:
    """The paragraph with what frames it: its document's title, symbol and section. "The 2023
    session" rests on a paragraph of the 2023 report even when the paragraph omits the year."""
    return " ".join([paragraph.text, paragraph.doc_title, paragraph.symbol or "",
                     " ".join(paragraph.section)])


def split_reply(part: str) -> tuple[str, str]:
    """(where a State's reply is filed, the reply's heading): "annex I, Peru" -> ("annex I",
    "Peru"); a reply compiled in the body is its heading alone: "Peru" -> ("body", "Peru");
    any other part -> (part, "")."""
    if part in (BODY, PREAMBLE, COVERING_LETTER, FOOTNOTES):
        return part, ""
    match = _ANNEX_RE.match(part)
    if match:
        return f"annex {match.group(1)}", match.group(2) or ""
    return BODY, part


def _doc_name(p: Paragraph, lang: str) -> str:
    if p.symbol:
        return p.symbol
    title = p.doc_title or p.doc_id
    return f"《{title}》(无文号)" if lang == "zh" else f"“{title}” (no symbol)"


def render_label(p: Paragraph, lang: str) -> str:
    return _render_zh(p) if lang == "zh" else _render_en(p)


# How a paragraph's own place is written: its printed number, or its counted position said as
# counted (never passed off as an official number), then its item or bullet.
_PLACE = {
    "en": {"number": "para. {}", "preamble": "preambular para. {} (counted)",
           "counted": "counted para. {}", "item": " ({})", "bullet": ", bullet {} (counted)"},
    "zh": {"number": "第 {} 段", "preamble": "第 {} 段(按顺序计数)", "counted": "第 {} 段(按顺序计数)",
           "item": "({})分段", "bullet": "第 {} 项(按顺序计数)"},
}


def _place(p: Paragraph, lang: str) -> str:
    words = _PLACE[lang]
    if p.number is not None:
        place = words["number"].format(p.number)
    else:
        place = words["preamble" if p.part == PREAMBLE else "counted"].format(p.ordinal)
    if p.item_ordinal is not None:
        place += (words["item"].format(p.item) if p.item is not None
                  else words["bullet"].format(p.item_ordinal))
    return place


def _render_en(p: Paragraph) -> str:
    pieces = [_doc_name(p, "en")]
    if p.part not in (BODY, PREAMBLE, FOOTNOTES):
        pieces.append(p.part)
    if p.kind == "footnote":
        pieces.append(f"footnote {p.ordinal}")
    elif p.kind == "row":
        pieces.append(f"table row {p.ordinal} (counted)")
    else:
        pieces.append(_place(p, "en"))
    return ", ".join(pieces)


def _render_zh(p: Paragraph) -> str:
    name = _doc_name(p, "zh")
    head = f"{name} 号文件" if p.symbol else name
    part = "" if p.part in (BODY, FOOTNOTES) else part_label(p.part, "zh")
    if p.kind == "footnote":
        return f"{head}脚注 {p.ordinal}"
    if p.kind == "row":
        return f"{head}{part}表格第 {p.ordinal} 行(按顺序计数)"
    return f"{head}{part}{_place(p, 'zh')}"
