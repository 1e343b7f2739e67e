"""How a report records votes: on a draft as a whole, or on one of its paragraphs.

A First Committee report records each separate vote on a preambular or operative paragraph
("The first preambular paragraph was retained by a recorded vote of 146 to 1 …") just before
the vote on the draft as a whole, in the same words and with the same country lists. A question
about how a draft was voted on means the vote on the whole draft unless it names a paragraph.
"""

from __future__ import annotations

import re

_SEPARATE_VOTE = re.compile(
    r"\b(?:preambular|operative) paragraph\b[^.]{0,80}?\bwas (?:retained|adopted|deleted|"
    r"rejected)\b|(?:序言部分|执行部分)第[^。]{0,30}?(?:以记录表决|获得保留|被保留)", re.I)
_NAMES_A_PART = re.compile(
    r"\bparagraph|\bpara\.|\bpreambular\b|\boperative\b|段|序言部分|执行部分", re.I)


def is_separate_vote(text: str) -> bool:
    """Whether a record is a vote on one paragraph of a draft, not on the draft as a whole."""
    return bool(_SEPARATE_VOTE.search(text[:300]))


def names_a_draft_part(question: str) -> bool:
    """Whether a question asks about a paragraph of a text ("operative paragraph 3")."""
    return bool(_NAMES_A_PART.search(question))
