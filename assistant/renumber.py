"""Citation markers numbered in the order a reader meets them: [1] first, no lone [3].

The guard keeps the keys the model was given, so an answer citing only the third passage
showed "[3]" with no [1] or [2], which reads as if something were missing. Markers are
renumbered once, at the end of the chain, for every kind of answer; a "[7]" inside quoted
document text is the document's own and is left alone. ``Answer.given`` and the draft keep
the model's keys, so an evaluator can still replay what the guard saw.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .answer import Answer

SINGLE_MARKER = re.compile(r"\[(\d+)\]")


def renumber(answer: Answer) -> Answer:
    """``answer`` with its citations' keys 1, 2, … in order of first appearance."""
    if not answer.citations:
        return answer
    known = {c.key for c in answer.citations}
    markers = [m for m in SINGLE_MARKER.finditer(answer.text)
               if int(m.group(1)) in known and not answer.is_quoted(*m.span())]
    order: dict[int, int] = {}
    for key in [int(m.group(1)) for m in markers] + [c.key for c in answer.citations]:
        order.setdefault(key, len(order) + 1)  # a citation not marked in the text: last
    if all(old == new for old, new in order.items()):
        return answer
    pieces, moves, last = [], [], 0  # moves: (where a marker ended, how much it grew)
    for match in markers:
        new = f"[{order[int(match.group(1))]}]"
        pieces += [answer.text[last:match.start()], new]
        moves.append((match.end(), len(new) - (match.end() - match.start())))
        last = match.end()
    pieces.append(answer.text[last:])
    answer.text = "".join(pieces)

    def moved(position: int) -> int:
        return position + sum(grew for end, grew in moves if end <= position)

    answer.quotes = [(moved(start), moved(end)) for start, end in answer.quotes]
    answer.citations = sorted((replace(c, key=order[c.key]) for c in answer.citations),
                              key=lambda c: c.key)
    return answer
