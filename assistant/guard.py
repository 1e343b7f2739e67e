"""The citation guard: only passages the model was given can be cited, and only where they
support the sentence that cites them.

The model sees passages under short keys ([1], [2] …). Code maps keys back to paragraphs; a key
that was not given is removed from the text and never shown, whatever the question or a
document told the model to do.
"""

from __future__ import annotations

import re
from typing import Callable

from index.keyword import tokenize
from index.models import Paragraph

from .answer import Citation

MARKER = re.compile(r"\s?[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
MIN_OVERLAP = 0.2  # share of a sentence's terms found in the passage
MIN_SIMILARITY = 0.80  # multilingual embedding similarity, for cross-language support

Support = Callable[[str, Paragraph], float]


def split_sentences(text: str) -> list[str]:
    pieces = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        end = match.end()
        # keep markers that follow the full stop ("… attack. [1]") with their sentence
        trailing = MARKER.match(text, end)
        while trailing:
            end = trailing.end()
            trailing = MARKER.match(text, end)
        if end > start:
            pieces.append(text[start:end])
            start = end
    if start < len(text):
        pieces.append(text[start:])
    return [p for p in pieces if p.strip()]


def term_overlap(sentence: str, paragraph: Paragraph) -> float:
    words = set(tokenize(MARKER.sub("", sentence)))
    if not words:
        return 0.0
    return len(words & set(tokenize(paragraph.text))) / len(words)


def guard(text: str, given: dict[int, Paragraph], lang: str,
          similarity: Callable[[str, Paragraph], float] | None = None
          ) -> tuple[str, list[Citation], list[str]]:
    """Check every [n] in ``text``.

    Returns the text with unknown or unsupported markers removed, the citations that stand
    (in order of first use), and one note per dropped marker (for logs and tests).
    """
    kept: dict[int, Citation] = {}
    dropped: list[str] = []
    out = []
    for sentence in split_sentences(text):
        plain = MARKER.sub("", sentence).strip()

        def check(match: re.Match) -> str:
            keys = [int(k) for k in re.findall(r"\d+", match.group(1))]
            good = []
            for key in keys:
                paragraph = given.get(key)
                if paragraph is None:
                    dropped.append(f"[{key}] was not given to the model")
                    continue
                if not _supports(plain, paragraph, similarity):
                    dropped.append(f"[{key}] does not support: {plain[:60]}")
                    continue
                good.append(key)
                kept.setdefault(key, Citation(key, paragraph, paragraph.label(lang)))
            return "".join(f" [{k}]" if lang == "en" else f"[{k}]" for k in good)

        out.append(MARKER.sub(check, sentence))
    cleaned = re.sub(r"[ \t]+", " ", "".join(out)).strip()
    return cleaned, list(kept.values()), dropped


def _supports(sentence: str, paragraph: Paragraph, similarity) -> bool:
    if not sentence:
        return True  # a bare marker line cites what the previous sentence said
    if term_overlap(sentence, paragraph) >= MIN_OVERLAP:
        return True
    return similarity is not None and similarity(sentence, paragraph) >= MIN_SIMILARITY
