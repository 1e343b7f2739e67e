"""What changed between two paragraphs that say nearly the same thing: a principle restated, a
conclusion carried from one report to the next. Compared word by word (character by character
in Chinese, which has no spaces); two paragraphs that share too little are not compared, so no
difference is forced on texts that are merely about the same theme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

# The share of words two paragraphs must have in common (SequenceMatcher's ratio, 2 × matched /
# total) to be shown as one text changed. Guiding Principle (a) of 2019 and the 2023 report's
# para. 21 (a) ("IHL continues to apply fully to …") share well over half their words; two
# paragraphs merely about human control share a few function words (about 0.2-0.35).
CLOSE_RATIO = 0.5
# A Chinese character, or a run of letters or digits, or one other mark; each with the spaces
# after it, so the pieces join back into the text as written.
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]\s*|\w+\s*|[^\w\s]\s*|\s+")

SAME, ADDED, REMOVED = "same", "added", "removed"


@dataclass(frozen=True)
class Piece:
    op: str  # same, added, removed
    text: str


@dataclass(frozen=True)
class Change:
    """The newer paragraph as pieces of the older one kept, removed and added."""

    ratio: float
    pieces: tuple[Piece, ...]

    def words(self, op: str) -> list[str]:
        """The runs of text with ``op`` (ADDED or REMOVED), as written."""
        return [piece.text.strip() for piece in self.pieces if piece.op == op]

    def to_record(self) -> dict:
        return {"ratio": round(self.ratio, 3),
                "pieces": [{"op": p.op, "text": p.text} for p in self.pieces]}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str, close: float = CLOSE_RATIO) -> Change | None:
    """``new`` as a change of ``old``; None when they share less than ``close`` of their words.
    Case and spacing do not count as a change."""
    before, after = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, [_folded(t) for t in before], [_folded(t) for t in after],
                              autojunk=False)
    ratio = matcher.ratio()
    if ratio < close:
        return None
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(pieces, SAME, "".join(after[j1:j2]))
            continue
        if tag in ("delete", "replace"):
            _append(pieces, REMOVED, "".join(before[i1:i2]))
        if tag in ("insert", "replace"):
            _append(pieces, ADDED, "".join(after[j1:j2]))
    return Change(ratio, tuple(pieces))


def _folded(token: str) -> str:
    return token.strip().casefold()


def _append(pieces: list[Piece], op: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].op == op:
        pieces[-1] = Piece(op, pieces[-1].text + text)
    else:
        pieces.append(Piece(op, text))
