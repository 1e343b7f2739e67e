"""Find document symbols and paragraph locators in a user's question.

Researchers ask "what does CCW/GGE.1/2023/2 para. 22 (c) say?" or "CCW/GGE.1/2023/2 号文件第 21 段
(c)分段": the retriever turns what this module finds into an exact look-up beside the dense and
keyword search. A locator here uses the same vocabulary as `models.Paragraph` (canonical part
names, "22(c)", counted "#3", "fn1") so the look-up is a plain comparison.

Numbers are only read as paragraph numbers after an explicit word (para., paragraph, §, 第…段,
footnote, 脚注…): "agenda items 5, 6 and 7", "2023 年" and "10 天" are never locators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from index.models import BODY, COVERING_LETTER, FOOTNOTES, PREAMBLE, ROMAN, ZH_NUMERALS

__all__ = ["Locator", "find_symbols", "names_a_paragraph", "normalize", "parse_locators"]


@dataclass(frozen=True)
class Locator:
    """One place a question points at; any field may be unknown (None)."""

    symbol: str | None  # "CCW/GGE.1/2023/2"
    part: str | None  # canonical part: "body", "preamble", "annex III", "footnotes", …
    number: str | None  # as in Paragraph.locator: "22", "22(c)", "#3" (counted), "fn1"
    item: str | None  # an item given without its paragraph: "annex III (b)" -> "b"


# ---- document symbols ---------------------------------------------------------------------

# A symbol starts with a letter-only series code (A, S, CD, CCW, GGE…) and has at least one more
# slash-separated segment. Segments are ASCII only: Python's \w would swallow "号文件". A lone
# dot or hyphen may join pieces ("GGE.1", "Rev.2") but never ends a symbol, so the full stop of a
# sentence stays outside. Whitespace after a slash is tolerated because PDF text and users break
# symbols there ("CCW/ GGE.1/2023/1").
_SEGMENT = r"[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*"
_SYMBOL_RE = re.compile(
    r"(?<![A-Za-z0-9.\-])(?P<series>[A-Za-z]+(?:\.[A-Za-z0-9]+)*)"
    r"(?P<rest>(?:/\s*" + _SEGMENT + r")+)"
)
# Series codes accepted even when typed in lower case ("ccw/gge.1/2023/2"); any other series
# must be upper case, which keeps "and/or 2" or "km/h" out.
_KNOWN_SERIES = {"A", "S", "E", "CD", "CCW", "APLC", "BWC", "NPT", "ST", "UNODA", "DC", "TD"}
# In a lower-cased symbol these suffix words keep their official capitalisation.
_MIXED_CASE = {"REV": "Rev", "ADD": "Add", "CORR": "Corr", "AMEND": "Amend", "SUPPL": "Suppl"}


def _clean_symbol(match: re.Match) -> str | None:
    series, rest = match.group("series"), re.sub(r"\s+", "", match.group("rest"))
    head = series.split(".")[0]
    if not head.isupper():
        if not (head.islower() and head.upper() in _KNOWN_SERIES):
            return None
        series, rest = series.upper(), rest.upper()
        rest = re.sub(
            r"\b(REV|ADD|CORR|AMEND|SUPPL)\.", lambda m: _MIXED_CASE[m.group(1)] + ".", rest
        )
    symbol = series + rest
    # Every real symbol carries a number (session, year or serial); "TCP/IP" does not.
    return symbol if re.search(r"\d", symbol) else None


def _symbol_spans(text: str) -> list[tuple[int, int, str]]:
    spans, pos = [], 0
    while True:
        match = _SYMBOL_RE.search(text, pos)
        if match is None:
            return spans
        symbol = _clean_symbol(match)
        if symbol is None:
            # Retry just after the rejected series: "see/A/78/409" still holds A/78/409.
            pos = match.start("rest") + 1
            continue
        spans.append((match.start(), match.end(), symbol))
        pos = match.end()


def find_symbols(text: str) -> list[str]:
    """UN document symbols in ``text``, in order of first appearance, without duplicates."""
    seen: dict[str, None] = {}
    for _, _, symbol in _symbol_spans(normalize(text)):
        seen.setdefault(symbol, None)
    return list(seen)


# ---- normalisation ------------------------------------------------------------------------


# Invisible format characters: bidi marks, embeddings and isolates (U+200E/F, U+202A-202E,
# U+2066-2069, U+061C), zero-width spaces and joiners, word joiners, the BOM, soft hyphens. Text
# copied from right-to-left pages or PDFs carries them inside citations ("para.\u200f 21"), where
# they would stop the grammar below from seeing the number at all.
_INVISIBLE_RE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                           "\u2066-\u2069\ufeff]")


def normalize(text: str) -> str:
    """``text`` as the grammar reads it: NFKC, invisible format characters removed, dashes and
    the minus sign as "-". Positions are only ever taken in the normalised text."""
    # NFKC turns full-width digits, letters and parentheses ("第21段（c）") into ASCII.
    text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    return text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")


_ZH_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}


def _zh_int(word: str) -> int | None:
    """Chinese numerals ("二十一", "十二", "一百零五") as an int; None when ``word`` is not one
    ("二二", "十十"), so that it is kept as typed and reported missing, never misread."""
    total, digit, last_unit = 0, None, 10**4
    for ch in word:
        if ch in _ZH_DIGITS:
            if digit:  # two digits in a row mean nothing ("二二"); after 零 they may follow
                return None
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS and _ZH_UNITS[ch] < last_unit:
            total += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit, last_unit = None, _ZH_UNITS[ch]
        else:
            return None
    return total + (digit or 0) if word else None


# Longer numbers are never paragraph numbers: they stay strings (Python refuses int() of a
# number over 4,300 digits, and a range over them would mean nothing).
_MAX_NUMBER_DIGITS = 9
_TYPED_NUMBER_RE = re.compile(r"(-?)(\d+)((?:\.\d+)*)([A-Za-z]*)")


def _ascii_digits(text: str) -> str:
    # \d also matches other scripts' digits ("٢١"); the index stores ASCII.
    return re.sub(r"\d", lambda m: str(unicodedata.decimal(m.group())), text)


def _number(token: str, zh: bool) -> str:
    """A typed paragraph number in the locator vocabulary: "021" -> "21", "二十一" -> "21",
    "22c" -> "22(c)". Anything else ("-1", "21.5", "21bis", "二二") is kept as typed, so the
    look-up fails and says so instead of the number being dropped."""
    token = token.strip()
    if zh and not token[:1].isdigit() and not token.startswith("-"):
        value = _zh_int(token)
        return str(value) if value is not None else token
    match = _TYPED_NUMBER_RE.fullmatch(token)
    if match is None:
        return token
    sign, digits, decimals, letters = match.groups()
    digits = _ascii_digits(digits).lstrip("0") or "0"
    number = sign + digits + _ascii_digits(decimals)
    if len(letters) == 1 and not sign and not decimals:
        return f"{number}({letters.lower()})"  # "22c" is how people type 22 (c)
    return number + letters


def _small_int(number: str) -> int | None:
    """A plain paragraph number as an int (for ranges); None for anything else."""
    if number.isdigit() and len(number) <= _MAX_NUMBER_DIGITS:
        return int(number)
    return None


def _annex_part(token: str) -> str | None:
    """"III", "iii", "3", "三" -> "annex III"; None when out of range (I..XII)."""
    token = token.strip()
    if token.upper() in ROMAN:
        return f"annex {token.upper()}"
    if token in ZH_NUMERALS:
        return f"annex {ROMAN[ZH_NUMERALS.index(token)]}"
    if token.isdigit() and 1 <= int(token) <= len(ROMAN):
        return f"annex {ROMAN[int(token) - 1]}"
    return None


# ---- mention patterns ---------------------------------------------------------------------

# An item marker: a letter, a small roman numeral or a one/two-digit number in parentheses.
# Four-digit years "(2015)" and upper-case words "(CCW)" are never items.
_ITEM = r"\(\s*(?P<{name}>[a-z]|[A-Z](?=\s*\))|[ivx]{{2,4}}|\d{{1,2}})\s*\)"
# Right after a paragraph number (or an explicit "subparagraph"), any short lower-case marker is
# an item, so that "para. 21 (zz)" asks for a subparagraph (and is reported missing) instead of
# quietly becoming para. 21.
_PARA_ITEM = r"\(\s*(?P<{name}>[a-z]{{1,4}}|[A-Z](?=\s*\))|\d{{1,2}})\s*\)"
# A paragraph number as typed after a paragraph word: any length, a sign, decimals and letters
# belong to it ("para. 9999", "para. -1", "para. 21.5"). A number that cannot exist must be
# looked up and reported missing; skipping it left a bare symbol, which shows the whole
# document. Every quantifier stops at a different character class, so matching stays linear.
_DIGITS = r"-?\d+(?:\.\d+)*"
_NUM = _DIGITS + r"[A-Za-z]*"
_NUM_END = r"(?![\d/]|\.\d)"
_ZH_NUMERAL = r"[〇零一二两三四五六七八九十百千]"
_ZH_NUM = r"(?:" + _DIGITS + r"|" + _ZH_NUMERAL + r"{1,12})"
# Separators inside a list or range of paragraph numbers.
_RANGE_SEP = r"\s*(?:-|~|to|through|至|到)\s*"
_LIST_SEP = r"\s*(?:,|，|、|and|&|和|及|与|or|或)\s*"
# A range separator only follows a number: the "-" of "para. -1" is its sign.
_RANGE_SPLIT_RE = re.compile(r"(?<=\w)" + _RANGE_SEP)

_EN_PARA_WORD = (
    r"(?:\b(?P<kind>operative|preambular|pre-ambular)\s+)?"
    r"(?:\b(?:sub-?)?para(?:graph)?s?\b\.?|§§?|¶)"
)
_EN_PARA_RE = re.compile(
    r"(?i:" + _EN_PARA_WORD + r")\s*(?P<list>"
    + _NUM + _NUM_END + r"(?:\s*" + _PARA_ITEM.format(name="i0") + r")?"
    r"(?:(?:" + _RANGE_SEP + r"|" + _LIST_SEP + r")" + _NUM
    + _NUM_END + r"(?:\s*" + _PARA_ITEM.format(name="i1") + r")?)*)"
)
# UN shorthand for operative/preambular paragraphs ("OP2", "PP 3"); upper case only.
_OP_PP_RE = re.compile(r"\b(?P<kind>OP|PP)\s?(?P<list>-?\d+)\b")
_ZH_PARA_RE = re.compile(
    r"(?P<kind>执行部分|序言部分|序言)?\s*(?:第\s*(?P<list>" + _ZH_NUM
    + r"(?:\s*(?:-|~|至|到|,|，|、|和|及|与)\s*(?:第\s*)?" + _ZH_NUM + r")*)\s*"
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


def _expand_numbers(spec: str, zh: bool) -> list[str]:
    """"21-22" -> ["21", "22"]; "21, 23 and 25" -> ["21", "23", "25"]; ranges over 20 are cut
    short. A number that cannot exist ("-1", "99999999999") is kept as typed."""
    numbers: list[str] = []
    spec = re.sub(r"\([^)]*\)", " ", spec)  # item markers are read separately
    for piece in re.split(_LIST_SEP, spec):
        bounds = [_number(b, zh) for b in _RANGE_SPLIT_RE.split(piece.replace("第", ""))
                  if b.strip()]
        low, high = (_small_int(b) for b in bounds) if len(bounds) == 2 else (None, None)
        if low is not None and high is not None and low < high:
            numbers.extend(str(v) for v in range(low, min(high, low + 20) + 1))
        else:
            numbers.extend(bounds)
    return numbers


def _para_mention(m: re.Match, spec: str, kind: str | None, items: list[str | None], zh: bool):
    part = {"operative": BODY, "执行部分": BODY, "OP": BODY}.get(kind or "")
    if kind and (kind.lower().startswith("pre") or kind in ("序言部分", "序言", "PP")):
        part = PREAMBLE
    numbers = _expand_numbers(spec, zh)
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

    for start, end, symbol in _symbol_spans(text):
        claim(_Mention(start, end, "symbol", symbol=symbol))
    for m in _FOOTNOTE_RE.finditer(text):
        number = _number(m["n"], zh=False)
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
            part = _annex_part(m["n"])
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
    r"|第\s*[-+#]?\s*(?:[\d.]|" + _ZH_NUMERAL + r")+\s*段"
)


def names_a_paragraph(text: str) -> bool:
    """True when ``text`` names a paragraph by number or item, whether or not it exists:
    "para. 99999", "第 21 段(c)", "OP 2", "footnote 3" — but not "what happened in 2023?"."""
    text = normalize(text or "")
    return (any(loc.number or loc.item for loc in parse_locators(text))
            or _NUMBERED_PARAGRAPH_RE.search(text) is not None)


# "resolution 78/241", "General Assembly resolution 78/241", "联大第 78/241 号决议": since its
# thirty-first session the General Assembly numbers resolutions session/number, and
# A/RES/<session>/<number> is their symbol. A resolution of another body ("Human Rights Council
# resolution 51/22") is not the Assembly's and is left alone.
_GA_RESOLUTION_EN = re.compile(r"\bresolutions?\s+(\d{2,3})/(\d{1,4})\b", re.I)
_OTHER_BODY = re.compile(r"(Council|Committee|Conference|Commission)\b[^.;]{0,15}$")
_GA_RESOLUTION_ZH = re.compile(r"(?:联大|大会)\s*第?\s*(\d{2,3})\s*/\s*(\d{1,4})\s*号\s*决议")


def ga_resolution_symbols(text: str) -> list[str]:
    """A/RES symbols for General Assembly resolutions cited by number."""
    found: list[str] = []
    for match in _GA_RESOLUTION_EN.finditer(text or ""):
        before = text[max(0, match.start() - 30):match.start()]
        if _OTHER_BODY.search(before):
            continue
        found.append(f"A/RES/{match.group(1)}/{match.group(2)}")
    for match in _GA_RESOLUTION_ZH.finditer(text or ""):
        found.append(f"A/RES/{match.group(1)}/{match.group(2)}")
    return list(dict.fromkeys(found))
