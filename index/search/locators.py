"""Find paragraph locators (and the symbols they belong to) in a user's question.

Researchers ask "what does CCW/GGE.1/2023/2 para. 22 (c) say?" or "CCW/GGE.1/2023/2 号文件第 21 段
(c)分段": the retriever turns what this module finds into an exact look-up beside the dense and
keyword search. A locator here uses the same vocabulary as `models.Paragraph` (canonical part
names, "22(c)", counted "#3", "fn1") so the look-up is a plain comparison. Symbols are read by
index.un.symbols, numbers by locator_numbers; this module says which paragraph they point at.

Numbers are only read as paragraph numbers after an explicit word (para., paragraph, §, 第…段,
footnote, 脚注…): "agenda items 5, 6 and 7", "2023 年" and "10 天" are never locators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.models import BODY, COVERING_LETTER, FOOTNOTES, PREAMBLE
from index.search.locator_numbers import (LIST_SEP, NUMBER, NUMBER_END, RANGE_SEP, ZH_NUMBER,
                                          ZH_NUMERAL, annex_part, expand_numbers,
                                          paragraph_number)
from index.un.symbols import normalize, symbol_spans

__all__ = ["Locator", "names_a_paragraph", "parse_locators"]


@dataclass(frozen=True)
class Locator:
    """One place a question points at; any field may be unknown (None)."""

    symbol: str | None  # "CCW/GGE.1/2023/2"
    part: str | None  # canonical part: "body", "preamble", "annex III", "footnotes", …
    number: str | None  # as in Paragraph.locator: "22", "22(c)", "#3" (counted), "fn1"
    item: str | None  # an item given without its paragraph: "annex III (b)" -> "b"


# ---- mention patterns ---------------------------------------------------------------------

# An item marker: a letter, a small roman numeral or a one/two-digit number in parentheses.
# Four-digit years "(2015)" and upper-case words "(CCW)" are never items.
_ITEM = r"\(\s*(?P<{name}>[a-z]|[A-Z](?=\s*\))|[ivx]{{2,4}}|\d{{1,2}})\s*\)"
# Right after a paragraph number (or an explicit "subparagraph"), any short lower-case marker is
# an item, so that "para. 21 (zz)" asks for a subparagraph (and is reported missing) instead of
# quietly becoming para. 21.
_PARA_ITEM = r"\(\s*(?P<{name}>[a-z]{{1,4}}|[A-Z](?=\s*\))|\d{{1,2}})\s*\)"
_EN_PARA_WORD = (
    r"(?:\b(?P<kind>operative|preambular|pre-ambular)\s+)?"
    r"(?:\b(?:sub-?)?para(?:graph)?s?\b\.?|§§?|¶)"
)
_EN_PARA_RE = re.compile(
    r"(?i:" + _EN_PARA_WORD + r")\s*(?P<list>"
    + NUMBER + NUMBER_END + r"(?:\s*" + _PARA_ITEM.format(name="i0") + r")?"
    r"(?:(?:" + RANGE_SEP + r"|" + LIST_SEP + r")" + NUMBER
    + NUMBER_END + r"(?:\s*" + _PARA_ITEM.format(name="i1") + r")?)*)"
)
# UN shorthand for operative/preambular paragraphs ("OP2", "PP 3"); upper case only.
_OP_PP_RE = re.compile(r"\b(?P<kind>OP|PP)\s?(?P<list>-?\d+)\b")
_ZH_PARA_RE = re.compile(
    r"(?P<kind>执行部分|序言部分|序言)?\s*(?:第\s*(?P<list>" + ZH_NUMBER
    + r"(?:\s*(?:-|~|至|到|,|，|、|和|及|与)\s*(?:第\s*)?" + ZH_NUMBER + r")*)\s*"
    r"(?:" + _PARA_ITEM.format(name="zi0") + r"\s*)?段落?"
    r"|段落\s*(?P<list2>-?\d+))"
    r"(?:\s*(?:第\s*)?" + _PARA_ITEM.format(name="zi1") + r"\s*(?:分段|项|小段)?)?"
)
_FOOTNOTE_RE = re.compile(r"(?:(?i:\bfoot-?notes?\b|\bfn\b\.?)|脚注)\s*(?P<n>-?\d+)")
_EN_ANNEX_RE = re.compile(
    r"(?i:\bannex(?:es)?)\s+(?P<n>(?i:[IVX]{1,4})|\d{1,2})(?![A-Za-z0-9])"
)
_ZH_ANNEX_RE = re.compile(r"附件\s*(?P<n>十[一二]|[一二三四五六七八九十]|\d{1,2}|[IVX]{1,4}(?![A-Za-z]))")
_PART_WORD_RE = re.compile(
    r"(?P<preamble>(?i:\bpreamble\b)|序言部分)"
    r"|(?P<letter>(?i:\bcovering\s+letter\b|\bcover\s+letter\b)|转递函|转递信)"
    r"|(?P<body>(?i:\boperative\s+part\b)|执行部分|正文)"
)
# An item named without a paragraph: "guiding principle (b)", "subparagraph (c)", "指导原则(b)",
# and an item that directly follows an annex ("annex III (b)", "annex III, principle (b)").
_ITEM_RE = re.compile(
    r"(?:(?i:\b(?:guiding\s+)?principles?|\bsub-?paragraphs?|(?<!agenda\s)\bitems?)"
    r"|指导原则|原则|分段|项)\s*"
    + _PARA_ITEM.format(name="it")
    + r"|" + _PARA_ITEM.format(name="zit") + r"\s*(?:分段|项|小段)"
)
_ANNEX_ITEM_RE = re.compile(r"\s*[,，]?\s*" + _ITEM.format(name="ai"))


@dataclass
class _Mention:
    start: int
    end: int
    kind: str  # "symbol", "part", "para", "item"
    symbol: str | None = None
    part: str | None = None
    numbers: tuple[str, ...] = ()
    item: str | None = None


def _item(value: str | None) -> str | None:
    return value.lower() if value else None


def _para_mention(m: re.Match, spec: str, kind: str | None, items: list[str | None], zh: bool):
    part = {"operative": BODY, "执行部分": BODY, "OP": BODY}.get(kind or "")
    if kind and (kind.lower().startswith("pre") or kind in ("序言部分", "序言", "PP")):
        part = PREAMBLE
    numbers = expand_numbers(spec, zh)
    item = next((i for i in items if i), None)
    # An item marker belongs to the paragraph it follows; with one paragraph that is the only one.
    if item and len(numbers) == 1:
        numbers = [f"{numbers[0]}({_item(item)})"]
    return _Mention(m.start(), m.end(), "para", part=part, numbers=tuple(numbers))


def _mentions(text: str) -> list[_Mention]:
    found: list[_Mention] = []
    taken = [False] * (len(text) + 1)

    def claim(mention: _Mention) -> None:
        if any(taken[mention.start:mention.end]):
            return
        for i in range(mention.start, mention.end):
            taken[i] = True
        found.append(mention)

    for start, end, symbol in symbol_spans(text):
        claim(_Mention(start, end, "symbol", symbol=symbol))
    for m in _FOOTNOTE_RE.finditer(text):
        number = paragraph_number(m["n"], zh=False)
        claim(_Mention(m.start(), m.end(), "para", part=FOOTNOTES, numbers=(f"fn{number}",)))
    for m in _EN_PARA_RE.finditer(text):
        kind = (m["kind"] or "").lower() or None
        claim(_para_mention(m, m["list"], kind, [m["i0"], m["i1"]], zh=False))
    for m in _OP_PP_RE.finditer(text):
        claim(_para_mention(m, m["list"], m["kind"], [], zh=False))
    for m in _ZH_PARA_RE.finditer(text):
        spec = m["list"] or m["list2"]
        claim(_para_mention(m, spec, m["kind"], [m["zi0"], m["zi1"]], zh=True))
    for regex in (_EN_ANNEX_RE, _ZH_ANNEX_RE):
        for m in regex.finditer(text):
            part = annex_part(m["n"])
            if part is None:
                continue
            claim(_Mention(m.start(), m.end(), "part", part=part))
            tail = _ANNEX_ITEM_RE.match(text, m.end())
            if tail:
                claim(_Mention(tail.start(), tail.end(), "item", item=_item(tail["ai"])))
    for m in _PART_WORD_RE.finditer(text):
        part = PREAMBLE if m["preamble"] else COVERING_LETTER if m["letter"] else BODY
        claim(_Mention(m.start(), m.end(), "part", part=part))
    for m in _ITEM_RE.finditer(text):
        claim(_Mention(m.start(), m.end(), "item", item=_item(m["it"] or m["zit"])))
    return sorted(found, key=lambda x: x.start)


# ---- assembling locators ------------------------------------------------------------------

# What may stand between a part and the paragraph it qualifies ("annex III, principle (b)",
# "附件一第 2 段"): connectors only, so a part in one sentence does not leak into the next.
_PART_GAP_RE = re.compile(r"^[\s,，、:：]*(?:of|in|the|,|\s|的|中)*$", re.IGNORECASE)
# ... or the heading of a State's reply filed in the part, as reply citations are written:
# "annex I, Argentina, para. 3", "附件一(Argentina)第 3 段" (the retriever narrows to it).
_REPLY_GAP_RE = re.compile(r"^\s*(?:[,，]\s*[A-Z][^\n.,;:，。]{0,60}[,，]|[(（][^()（）\n]{1,60}[)）])\s*$")
# "paragraph 22 of CCW/GGE.1/2023/2": a symbol written after the locator it qualifies.
_SYMBOL_AFTER_RE = re.compile(
    r"^\s*[,，]?\s*(?:of|in|from)\s+(?:the\s+)?(?:document\s*|report\s*|resolution\s*)?\(?$",
    re.IGNORECASE,
)
# "paragraph 22, subparagraph (c)": an item right after a paragraph refines that paragraph.
_ITEM_GAP_RE = re.compile(r"^[\s,，]*(?:of\s+)?$")


def _counted(part: str | None, number: str) -> str:
    # Preambular paragraphs and letters are unnumbered: the parser stores them as counted "#n".
    if part in (PREAMBLE, COVERING_LETTER) and number[:1].isdigit():
        return "#" + number
    return number


def parse_locators(text: str) -> list[Locator]:
    """Every locator mentioned in ``text``, in order, without duplicates; [] when none.

    A symbol applies to the locators after it until the next symbol, and to locators just before
    it when joined by "of"/"in" ("para 22 of CCW/…"). A part ("annex III", "附件一") qualifies the
    paragraph or item right next to it. A symbol or part with nothing more specific becomes a
    locator of its own: "CCW/GGE.1/2023/2" -> ``Locator("CCW/GGE.1/2023/2", None, None, None)``.
    """
    if not text:
        return []
    text = normalize(text)
    out: list[Locator] = []
    symbol: str | None = None
    symbol_used = True  # False while the current symbol has produced no locator yet
    part: _Mention | None = None
    part_used = True
    prev: _Mention | None = None
    made: list[int] = []  # indexes in ``out`` that ``prev`` produced

    def rewrite(indexes: list[int], symbol: str | None = None, part: str | None = None) -> None:
        for i in indexes:
            loc = out[i]
            if symbol is not None:
                loc = Locator(symbol, loc.part, loc.number, loc.item)
            if part is not None and loc.part is None:
                number = _counted(part, loc.number) if loc.number else None
                loc = Locator(loc.symbol, part, number, loc.item)
            out[i] = loc

    for m in _mentions(text):
        gap = text[prev.end:m.start] if prev else ""
        after_of = prev is not None and prev.kind in ("para", "item", "part")
        after_of = after_of and _SYMBOL_AFTER_RE.match(gap) is not None
        if m.kind == "symbol":
            if after_of:
                # "paragraph 22 of CCW/…", "annex III of CCW/…": the symbol qualifies what precedes.
                if prev.kind == "part" and not part_used:
                    out.append(Locator(m.symbol, part.part, None, None))
                    part_used = True
                rewrite(made, symbol=m.symbol)
                symbol_used = True
            else:
                if part is not None and not part_used:
                    out.append(Locator(symbol, part.part, None, None))
                if not symbol_used:
                    out.append(Locator(symbol, None, None, None))
                symbol_used = False
            symbol, part, part_used, made = m.symbol, None, True, []
        elif m.kind == "part":
            if after_of and prev.kind in ("para", "item") and made:
                # "paragraph 3 of annex I": the part qualifies the paragraph before it.
                rewrite(made, part=m.part)  # ``made`` stays: "… of annex I of CCW/…"
                part_used = True
            else:
                if part is not None and not part_used:
                    out.append(Locator(symbol, part.part, None, None))
                part_used, made = False, []
            part, symbol_used = m, True
        else:
            gap = text[part.end:m.start] if part is not None else ""
            near = part is not None and (_PART_GAP_RE.match(gap) is not None
                                         or _REPLY_GAP_RE.match(gap) is not None)
            use_part = m.part or (part.part if near else None)
            refines = (
                m.kind == "item"
                and prev is not None
                and prev.kind == "para"
                and len(made) == 1
                and out[made[0]].number is not None
                and "(" not in out[made[0]].number
                and _ITEM_GAP_RE.match(gap) is not None
            )
            if refines:
                # "paragraph 22, subparagraph (c)" is paragraph 22(c).
                last = out[made[0]]
                out[made[0]] = Locator(last.symbol, last.part, f"{last.number}({m.item})", None)
            elif m.kind == "item":
                made = [len(out)]
                out.append(Locator(symbol, use_part, None, m.item))
            else:
                made = list(range(len(out), len(out) + len(m.numbers)))
                out.extend(
                    Locator(symbol, use_part, _counted(use_part, n), None) for n in m.numbers
                )
            if near:
                part_used = True
            symbol_used = True
        prev = m
    if part is not None and not part_used:
        out.append(Locator(symbol, part.part, None, None))
    if not symbol_used:
        out.append(Locator(symbol, None, None, None))
    return list(dict.fromkeys(out))


# A paragraph word followed by anything number-like ("para. +5", "¶ #3", "第 -1 段"): the
# grammar above reads the usual forms; this catches the rest, so that a citation naming a
# paragraph is never mistaken for a bare symbol (which shows the whole document).
_NUMBERED_PARAGRAPH_RE = re.compile(
    r"(?:(?i:" + _EN_PARA_WORD + r"|\bfoot-?notes?\b|\bfn\b\.?)|脚注|段落)\s*[-+#]?\s*\d"
    r"|\b(?:OP|PP)\s?[-+#]?\d"
    r"|第\s*[-+#]?\s*(?:[\d.]|" + ZH_NUMERAL + r")+\s*段"
)


def names_a_paragraph(text: str, locators: list[Locator] | None = None) -> bool:
    """True when ``text`` names a paragraph by number or item, whether or not it exists:
    "para. 99999", "第 21 段(c)", "OP 2", "footnote 3" — but not "what happened in 2023?".
    ``locators``: the text's locators when already parsed (the text is then not parsed again)."""
    text = normalize(text or "")
    if locators is None:
        locators = parse_locators(text)
    return (any(loc.number or loc.item for loc in locators)
            or _NUMBERED_PARAGRAPH_RE.search(text) is not None)
