"""Claims rest on quoted words: the checks a model's quote and its answer sentence must pass.

The model copies the words of a passage that support its answer (as kotaemon's citations do);
code finds those words in the cited paragraph or its other language version, whitespace and
punctuation folded, and keeps the answer only when
- every number and date in the answer occurs in the quote (not merely somewhere in the
  document: "20 May" must not rest on a paragraph whose "2 May" sits beside a "20"),
- every proper name in an English answer occurs in the quote or the question, when the quote
  is English too (across languages the multilingual similarity judges, in the chain),
- a leading "yes"/"no" (是/否) agrees with the quote's polarity, or it is dropped.
"""

from __future__ import annotations

import re
import unicodedata

from index.models import Paragraph

# Words a polarity check reads as negation.
NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|cannot|without)\b|n't|不|未|没有|无|非|禁止",
                      re.IGNORECASE)
# A leading yes/no (what the model was not asked to say, and often gets backwards).
# Only with punctuation after it: "No State may…" is not an answer "No".
LEADING_YES_NO = re.compile(
    r"^\s*(?P<word>yes|no|是的|不是|不对|是|否|对)\s*(?:[,，.。:：;；!！、]\s*|$)",
    re.IGNORECASE)
YES_WORDS = {"yes", "是的", "是", "对"}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A capitalised word inside an English sentence: a name, a body, a place.
NAME = re.compile(r"(?<![\w.])[A-Z][a-zA-Z\u00C0-\u024F'’-]+")
ELLIPSIS = re.compile(r"\s*(?:\.{3}|…)+\s*")


def fold(text: str) -> str:
    """Letters and digits only, lower-cased and NFKC-normalised: a copied quote matches its
    source whatever the spacing, line breaks, quotes and punctuation."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


MIN_QUOTE_CHARS = 4  # letters or digits: a shorter quote proves nothing


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, its index in ``text``."""
    chars, positions = [], []
    for index, ch in enumerate(text):
        for folded in unicodedata.normalize("NFKC", ch).lower():
            if folded.isalnum():
                chars.append(folded)
                positions.append(index)
    return "".join(chars), positions


def locate_quote(quote: str, paragraph: Paragraph) -> tuple[int, int] | None:
    """Where ``quote`` stands in the paragraph's text, as [start, end) of the original words
    (pieces around an ellipsis found in order: the span runs from the first to the last), or
    None when it is not there."""
    pieces = [fold(piece) for piece in ELLIPSIS.split(quote)]
    pieces = [piece for piece in pieces if piece]
    if sum(len(piece) for piece in pieces) < MIN_QUOTE_CHARS:
        return None
    haystack, positions = _folded_with_positions(paragraph.text)
    cursor, start = 0, None
    for piece in pieces:
        found = haystack.find(piece, cursor)
        if found < 0:
            return None
        start = positions[found] if start is None else start
        cursor = found + len(piece)
    return start, positions[cursor - 1] + 1


def find_quote(quote: str, paragraphs: list[Paragraph]) -> tuple[Paragraph, str] | None:
    """The first of ``paragraphs`` holding ``quote``, and the quoted words as the paragraph
    writes them; None when none holds it."""
    for paragraph in paragraphs:
        span = locate_quote(quote, paragraph)
        if span is not None:
            return paragraph, paragraph.text[span[0]:span[1]]
    return None


def unsupported_numbers(answer: str, quote: str) -> list[str]:
    """Numbers of the answer that the quote does not contain."""
    quoted = {_digits(n) for n in NUMBER.findall(quote)}
    return [n for n in NUMBER.findall(answer) if _digits(n) not in quoted]


def _digits(number: str) -> str:
    return re.sub(r"[.,]", "", number)


def unsupported_names(answer: str, quote: str, question: str,
                      allowed: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised words of an English answer found neither in the quote nor in the question
    (nor in ``allowed``: the field's abbreviations and their expansions); the answer's first
    word is capitalised anyway and is not counted."""
    body = LEADING_YES_NO.sub("", answer.strip())
    known = fold(f"{quote} {question}")
    names = []
    for match in NAME.finditer(body):
        if match.start() == 0:
            continue
        word = match.group(0)
        if fold(word) in known or word.lower() in allowed:
            continue
        names.append(word)
    return names


def settle_yes_no(answer: str, quote: str, question: str) -> str:
    """``answer`` with a leading yes/no kept only where the quote's polarity agrees with it:
    "yes" when neither the quote nor the rest of the answer negates; "no" when the quote
    negates and the question does not. Otherwise the word goes and the sentence stands."""
    match = LEADING_YES_NO.match(answer)
    if not match:
        return answer
    rest = answer[match.end():].strip()
    if not rest:
        return answer  # a bare "Yes": nothing else to say; the caller decides
    says_yes = match.group("word").lower() in YES_WORDS
    quote_negates = bool(NEGATION.search(quote))
    if says_yes and not quote_negates and not NEGATION.search(rest):
        return answer
    if not says_yes and quote_negates and not NEGATION.search(question):
        return answer
    return rest[0].upper() + rest[1:] if rest[:1].isalpha() else rest
