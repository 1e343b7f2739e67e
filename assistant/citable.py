"""What a passage can support at all, whatever words it shares with a sentence.

The citation guard counts shared terms and numbers; that let a sentence copied from the wrong
paragraph pass. So, before any counting:
- a heading (a short line with no sentence in it: "ACTION 8: STRENGTHEN PEACE OPERATIONS")
  supports nothing;
- a row of a list of documents ("CCW/GGE.1/2023/WP.5 — … Submitted by the Russian
  Federation") supports only a sentence about that document: one naming its symbol or who
  submitted it. "IHL applies to LAWS" once cited such a row, the title of a working paper;
- a State's or organization's submission supports nothing when the question names other
  submitters: "What did China propose?" is not answered by Austria's reply.
"""

from __future__ import annotations

from index.models import Paragraph, split_reply
from index.search.passage_kinds import is_heading, is_listed_document
from index.search.query import Query
from index.un.states import named_submitters, names_in
from index.un.symbols import find_symbols


def submitters_asked_about(query: Query) -> list[str]:
    """The States and organizations the question names (read once per answer)."""
    return named_submitters(query.standalone)


def can_support(sentence: str, paragraph: Paragraph, asked_about: list[str]) -> bool:
    """Whether ``paragraph`` may support ``sentence`` at all (the guard then weighs how well);
    ``asked_about``: the submitters the question names."""
    if is_heading(paragraph):
        return False
    if is_listed_document(paragraph):
        return _about_listed_document(sentence, paragraph)
    submitter = split_reply(paragraph.part)[1]
    return not (submitter and asked_about and not names_in(submitter, asked_about))


def _about_listed_document(sentence: str, row: Paragraph) -> bool:
    """The sentence names the listed document's symbol or one of its submitters."""
    symbols = find_symbols(row.text)
    if any(symbol in find_symbols(sentence) for symbol in symbols[:1]):
        return True
    return bool(set(named_submitters(sentence)) & set(named_submitters(row.text)))
