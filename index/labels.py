"""How a paragraph is cited, in English and Chinese: the UN-style label ("CCW/GGE.1/2023/2,
para. 21 (c)", "CCW/GGE.1/2023/2 号文件第 21 段(c)分段") and the names of a document's parts.

A counted position is always said as counted, never passed off as an official number; a
record the document prints outside its paragraphs (an adoption line, a date line) is called
what it is.
"""

from __future__ import annotations

import re

# Parts are stored language-independently so the zh and en versions of a paragraph share a key.
BODY = "body"
PREAMBLE = "preamble"
COVERING_LETTER = "covering letter"
FOOTNOTES = "footnotes"

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
ZH_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]

# Lines a document prints outside its numbered paragraphs, kept as records of their own
# (part RECORDS, the record's name as its locator), and what each is called.
RECORDS = "records"
RECORD_NAMES = {
    "adoption": ("adoption line", "通过日期行"),
    "meeting": ("plenary meeting line", "全体会议行"),
    "rapporteur": ("rapporteur line", "报告员行"),
    "date": ("date line", "日期行"),
    "signature": ("signature", "签名"),
}

# ---- labels -------------------------------------------------------------------------------

# "annex II", or a State's reply filed in it: "annex II, Argentina"
ANNEX_RE = re.compile(r"^annex ([IVXL]+)(?:, (.+))?$")
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
    match = ANNEX_RE.match(part)
    if lang == "zh":
        if match:
            annex = "附件" + ZH_NUMERALS[ROMAN.index(match.group(1))]
            return annex + (f"({match.group(2)})" if match.group(2) else "")
        if draft := _DRAFT_RE.match(part):
            return _zh_draft(*draft.groups())
        names = {BODY: "正文", PREAMBLE: "序言部分", COVERING_LETTER: "转递函", FOOTNOTES: "脚注"}
        return names.get(part, part)
    return part


def _doc_name(p, lang: str) -> str:
    if p.symbol:
        return p.symbol
    title = p.doc_title or p.doc_id
    return f"《{title}》(无文号)" if lang == "zh" else f"“{title}” (no symbol)"


def render_label(p, lang: str) -> str:
    """The citation of ``p`` (an index.models.Paragraph) in ``lang``."""
    return _render_zh(p) if lang == "zh" else _render_en(p)


# How a paragraph's own place is written: its printed number, or its counted position said as
# counted (never passed off as an official number), then its item or bullet.
_PLACE = {
    "en": {"number": "para. {}", "preamble": "preambular para. {} (counted)",
           "counted": "counted para. {}", "item": " ({})", "bullet": ", bullet {} (counted)"},
    "zh": {"number": "第 {} 段", "preamble": "第 {} 段(按顺序计数)", "counted": "第 {} 段(按顺序计数)",
           "item": "({})分段", "bullet": "第 {} 项(按顺序计数)"},
}


def _place(p, lang: str) -> str:
    words = _PLACE[lang]
    if p.number is not None:
        place = words["number"].format(p.number)
    else:
        place = words["preamble" if p.part == PREAMBLE else "counted"].format(p.ordinal)
    if p.item_ordinal is not None:
        place += (words["item"].format(p.item) if p.item is not None
                  else words["bullet"].format(p.item_ordinal))
    return place


def _render_en(p) -> str:
    if p.kind == "record":
        return f"{_doc_name(p, 'en')}, {RECORD_NAMES.get(p.number, (p.number,))[0]}"
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


def _render_zh(p) -> str:
    name = _doc_name(p, "zh")
    head = f"{name} 号文件" if p.symbol else name
    if p.kind == "record":
        return f"{head}{RECORD_NAMES.get(p.number, ('', p.number))[1]}"
    part = "" if p.part in (BODY, FOOTNOTES) else part_label(p.part, "zh")
    if p.kind == "footnote":
        return f"{head}脚注 {p.ordinal}"
    if p.kind == "row":
        return f"{head}{part}表格第 {p.ordinal} 行(按顺序计数)"
    return f"{head}{part}{_place(p, 'zh')}"
