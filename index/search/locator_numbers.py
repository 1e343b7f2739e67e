"""Paragraph and annex numbers as a question types them, read into the locator vocabulary.

Users type "para. 021", "22c", "第二十一段", "paras. 21-23", "第 21 至 23 段", "annex III" or "附件三";
the index stores "21", "22(c)", "annex III". A number that cannot exist ("-1", "21.5", "二二")
is kept as typed, so the look-up fails and says so instead of the number being dropped.
"""

from __future__ import annotations

import re
import unicodedata

from index.models import ROMAN, ZH_NUMERALS

__all__ = ["DIGITS", "NUMBER", "NUMBER_END", "ZH_NUMERAL", "ZH_NUMBER", "RANGE_SEP", "LIST_SEP",
           "paragraph_number", "expand_numbers", "annex_part"]

# ---- how numbers are written (regex fragments for the locator grammar) ---------------------

# A paragraph number as typed after a paragraph word: any length, a sign, decimals and letters
# belong to it ("para. 9999", "para. -1", "para. 21.5"). A number that cannot exist must be
# looked up and reported missing; skipping it left a bare symbol, which shows the whole
# document. Every quantifier stops at a different character class, so matching stays linear.
DIGITS = r"-?\d+(?:\.\d+)*"
NUMBER = DIGITS + r"[A-Za-z]*"
NUMBER_END = r"(?![\d/]|\.\d)"
ZH_NUMERAL = r"[〇零一二两三四五六七八九十百千]"
ZH_NUMBER = r"(?:" + DIGITS + r"|" + ZH_NUMERAL + r"{1,12})"
# Separators inside a list or range of paragraph numbers.
RANGE_SEP = r"\s*(?:-|~|to|through|至|到)\s*"
LIST_SEP = r"\s*(?:,|，|、|and|&|和|及|与|or|或)\s*"
# A range separator only follows a number: the "-" of "para. -1" is its sign.
_RANGE_SPLIT_RE = re.compile(r"(?<=\w)" + RANGE_SEP)

# ---- Chinese numerals ----------------------------------------------------------------------

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


# ---- typed numbers -------------------------------------------------------------------------

# Longer numbers are never paragraph numbers: they stay strings (Python refuses int() of a
# number over 4,300 digits, and a range over them would mean nothing).
_MAX_NUMBER_DIGITS = 9
_TYPED_NUMBER_RE = re.compile(r"(-?)(\d+)((?:\.\d+)*)([A-Za-z]*)")


def _ascii_digits(text: str) -> str:
    # \d also matches other scripts' digits ("٢١"); the index stores ASCII.
    return re.sub(r"\d", lambda m: str(unicodedata.decimal(m.group())), text)


def paragraph_number(token: str, zh: bool) -> str:
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


def expand_numbers(spec: str, zh: bool) -> list[str]:
    """"21-22" -> ["21", "22"]; "21, 23 and 25" -> ["21", "23", "25"]; ranges over 20 are cut
    short. A number that cannot exist ("-1", "99999999999") is kept as typed."""
    numbers: list[str] = []
    spec = re.sub(r"\([^)]*\)", " ", spec)  # item markers are read separately
    for piece in re.split(LIST_SEP, spec):
        bounds = [paragraph_number(b, zh) for b in _RANGE_SPLIT_RE.split(piece.replace("第", ""))
                  if b.strip()]
        low, high = (_small_int(b) for b in bounds) if len(bounds) == 2 else (None, None)
        if low is not None and high is not None and low < high:
            numbers.extend(str(v) for v in range(low, min(high, low + 20) + 1))
        else:
            numbers.extend(bounds)
    return numbers


def annex_part(token: str) -> str | None:
    """"III", "iii", "3", "三" -> "annex III"; None when out of range (I..XII)."""
    token = token.strip()
    if token.upper() in ROMAN:
        return f"annex {token.upper()}"
    if token in ZH_NUMERALS:
        return f"annex {ROMAN[ZH_NUMERALS.index(token)]}"
    if token.isdigit() and 1 <= int(token) <= len(ROMAN):
        return f"annex {ROMAN[int(token) - 1]}"
    return None
