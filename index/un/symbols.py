"""The grammar of UN document symbols ("A/RES/78/241", "CCW/GGE.1/2023/WP.4/Rev.2").

A symbol is a series code (A, S, CD, CCW…) followed by one or more segments, each after a slash.
Segments are ASCII letters and digits, with a dot or hyphen joining pieces ("GGE.1", "Rev.2",
"L.56"); ASCII only, because Python's \\w would swallow the "号文件" after a symbol in Chinese.

The grammar is read two ways, from the same building blocks:
- as printed, in cleaned document text (`PRINTED_SYMBOL_RE`): a table row starts with a symbol,
  a page header starts or ends with one, so where it is read is already a symbol's place and
  the pattern only has to say where the symbol ends. It is exactly the printed characters —
  capitals first, nothing between the slashes but symbol characters — because the parser cuts
  the symbol off its line by length;
- as typed, in a question (`find_symbols`): anywhere in free text, so it must keep words out
  ("and/or", "km/h", "TCP/IP") and forgive what users and copied PDF text do: a space after a
  slash ("CCW/ GGE.1/2023/1"), a known series in lower case ("ccw/gge.1/2023/2"), a symbol
  glued to a word ("see/A/78/409"). A joiner never ends a typed symbol, so a sentence's full
  stop stays outside, and every typed symbol carries a number (session, year or serial).

The series codes known in lower case come from series.toml (index.un.series), the one list of
document series.
"""

from __future__ import annotations

import re
import unicodedata

from index.un.series import SERIES_CODES

__all__ = ["PRINTED_SYMBOL_RE", "find_symbols", "ga_resolution_symbols", "normalize",
           "symbol_spans"]

# ---- building blocks (character-class contents) --------------------------------------------

_ALNUM = "A-Za-z0-9"
_UPPER_ALNUM = "A-Z0-9"
_JOINERS = r".\-"  # join pieces inside a segment: "GGE.1", "WP.4", "L.56"

# ---- as printed in document text -----------------------------------------------------------

# Any run of symbol characters that ends in a letter or digit ("A/C.1/78/L.56", not its "."),
# starting with a capital at a word boundary.
_PRINTED_SEGMENT = f"[{_ALNUM}{_JOINERS}]*[{_ALNUM}]"
PRINTED_SYMBOL_RE = re.compile(
    rf"\b[A-Z][{_UPPER_ALNUM}{_JOINERS}]*(?:/{_PRINTED_SEGMENT})+"
)

# ---- as typed in a question ----------------------------------------------------------------

# Pieces joined by single joiners, so a joiner is never last. The series is letters, with dotted
# pieces ("CCW", "A"). No symbol character may come just before it: "x.A/1" is no symbol.
_TYPED_SEGMENT = f"[{_ALNUM}]+(?:[{_JOINERS}][{_ALNUM}]+)*"
_TYPED_SYMBOL_RE = re.compile(
    rf"(?<![{_ALNUM}{_JOINERS}])(?P<series>[A-Za-z]+(?:\.[{_ALNUM}]+)*)"
    rf"(?P<rest>(?:/\s*{_TYPED_SEGMENT})+)"
)
# In a lower-cased symbol these suffix words keep their official capitalisation.
_MIXED_CASE = {"REV": "Rev", "ADD": "Add", "CORR": "Corr", "AMEND": "Amend", "SUPPL": "Suppl"}
_MIXED_CASE_RE = re.compile(r"\b(" + "|".join(_MIXED_CASE) + r")\.")


def _typed_symbol(match: re.Match) -> str | None:
    """The symbol a typed match spells, in its official form; None when it is no symbol."""
    series, rest = match.group("series"), re.sub(r"\s+", "", match.group("rest"))
    head = series.split(".")[0]
    if not head.isupper():
        # Only a known series may be typed in lower case; "and/or 2" and "km/h" stay words.
        if not (head.islower() and head.upper() in SERIES_CODES):
            return None
        series, rest = series.upper(), rest.upper()
        rest = _MIXED_CASE_RE.sub(lambda m: _MIXED_CASE[m.group(1)] + ".", rest)
    symbol = series + rest
    # Every real symbol carries a number (session, year or serial); "TCP/IP" does not.
    return symbol if re.search(r"\d", symbol) else None


def symbol_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, symbol) for every typed symbol in ``text``, which must be `normalize`d."""
    spans, pos = [], 0
    while True:
        match = _TYPED_SYMBOL_RE.search(text, pos)
        if match is None:
            return spans
        symbol = _typed_symbol(match)
        if symbol is None:
            # Retry just after the rejected series: "see/A/78/409" still holds A/78/409.
            pos = match.start("rest") + 1
            continue
        spans.append((match.start(), match.end(), symbol))
        pos = match.end()


def find_symbols(text: str) -> list[str]:
    """UN document symbols in ``text``, in order of first appearance, without duplicates."""
    seen: dict[str, None] = {}
    for _, _, symbol in symbol_spans(normalize(text)):
        seen.setdefault(symbol, None)
    return list(seen)


# ---- the text a question's grammar reads ---------------------------------------------------

# Invisible format characters: bidi marks, embeddings and isolates (U+200E/F, U+202A-202E,
# U+2066-2069, U+061C), zero-width spaces and joiners, word joiners, the BOM, soft hyphens. Text
# copied from right-to-left pages or PDFs carries them inside citations ("para.\u200f 21"), where
# they would stop a grammar from seeing the symbol or the number at all.
_INVISIBLE_RE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                           "\u2066-\u2069\ufeff]")


def normalize(text: str) -> str:
    """``text`` as the question grammars (symbols here, locators in index.search.locators) read
    it: NFKC, invisible format characters removed, dashes and the minus sign as "-". Positions
    are only ever taken in the normalised text."""
    # NFKC turns full-width digits, letters and parentheses ("第21段（c）") into ASCII.
    text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    return text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")


# ---- General Assembly resolutions cited by number ------------------------------------------

# "resolution 78/241", "General Assembly resolution 78/241", "联大第 78/241 号决议": since its
# thirty-first session the General Assembly numbers resolutions session/number, and
# A/RES/<session>/<number> is their symbol. A resolution of another body ("Human Rights Council
# resolution 51/22") is not the Assembly's and is left alone.
_GA_RESOLUTION_EN = re.compile(r"\bresolutions?\s+(\d{2,3})/(\d{1,4})\b", re.I)
_OTHER_BODY = re.compile(r"(Council|Committee|Conference|Commission)\b[^.;]{0,15}$")
# "第 79/62 号决议" needs no "大会": a session/number pair is how General Assembly resolutions
# are numbered (the Security Council's are one number).
_GA_RESOLUTION_ZH = re.compile(r"(?:(?:联大|大会)\s*第?|第)\s*(\d{2,3})\s*/\s*(\d{1,4})\s*号\s*决议")


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
