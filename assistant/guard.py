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
MIN_SIMILARITY = 0.84  # multilingual embedding similarity, for cross-language support
ATTRIBUTE_OVERLAP = 0.5  # an unmarked sentence is attributed only on clear support …
ATTRIBUTE_SIMILARITY = 0.88  # … by shared terms or by embedding similarity
MIN_CLAIM_TERMS = 3  # "Yes." is not a claim that needs a source
NUMBER = re.compile(r"\d+")

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
    (in order of first use), and one note per dropped marker or sentence (for logs and tests).
    A sentence the model left without a marker is attributed to the given passage that
    clearly supports it; a substantial sentence that no passage supports is removed — small
    models add claims of their own, and an uncited claim is not shown.
    """
    kept: dict[int, Citation] = {}
    dropped: list[str] = []
    out = []
    for sentence in split_sentences(text):
        plain = MARKER.sub("", sentence).strip()
        if not MARKER.search(sentence) and plain:
            key = _attribute(plain, given, similarity)
            if key is not None:
                sentence = sentence.rstrip() + f" [{key}]" + (" " if lang == "en" else "")
                kept.setdefault(key, Citation(key, given[key], given[key].label(lang)))
                out.append(sentence)
                continue
            elif len(tokenize(plain)) >= MIN_CLAIM_TERMS:
                dropped.append(f"uncited claim removed: {plain[:60]}")
                continue

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

        checked = MARKER.sub(check, sentence)
        if MARKER.search(sentence) and not MARKER.search(checked) and plain:
            # every marker it had was dropped: attribute it afresh or remove the claim
            key = _attribute(plain, given, similarity)
            if key is not None:
                checked = checked.rstrip() + f" [{key}]" + (" " if lang == "en" else "")
                kept.setdefault(key, Citation(key, given[key], given[key].label(lang)))
            elif len(tokenize(plain)) >= MIN_CLAIM_TERMS:
                dropped.append(f"unsupported claim removed: {plain[:60]}")
                continue
        out.append(checked)
    cleaned = re.sub(r"[ \t]+", " ", "".join(out)).strip()
    return cleaned, list(kept.values()), dropped


def _supports(sentence: str, paragraph: Paragraph, similarity) -> bool:
    if not sentence:
        return True  # a bare marker line cites what the previous sentence said
    if not _numbers_present(sentence, paragraph):
        return False  # "received 10 votes" cannot rest on a passage without that number
    if term_overlap(sentence, paragraph) >= MIN_OVERLAP:
        return True
    return similarity is not None and similarity(sentence, paragraph) >= MIN_SIMILARITY


def _attribute(sentence: str, given: dict[int, Paragraph], similarity) -> int | None:
    best_key, best = None, 0.0
    for key, paragraph in given.items():
        if not _numbers_present(sentence, paragraph):
            continue
        score = term_overlap(sentence, paragraph)
        if score < ATTRIBUTE_OVERLAP and similarity is not None:
            score = max(score, similarity(sentence, paragraph) - ATTRIBUTE_SIMILARITY
                        + ATTRIBUTE_OVERLAP)
        if score > best:
            best_key, best = key, score
    return best_key if best >= ATTRIBUTE_OVERLAP else None


def _numbers_present(sentence: str, paragraph: Paragraph) -> bool:
    return set(NUMBER.findall(sentence)) <= set(NUMBER.findall(paragraph.text))
