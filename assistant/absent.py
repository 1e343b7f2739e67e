"""What a question names that is not there: a document the library does not hold and no
passage found mentions ("resolution 79/62"), or a year nothing found is from or about.

Such a question is refused, saying what is missing, instead of answered from a passage about
something else: asked "How many States voted for resolution 79/62?", the chain once answered
with the vote on one paragraph of another draft, and the citation guard passed it because the
passage did hold the numbers it quoted.
"""

from __future__ import annotations

import re

from index.models import Hit, document_context
from index.search.catalogue import Catalogue
from index.search.relevance import missing_years
from index.search.result import Retrieval
from index.search.routing import asks_for_views
from index.un.states import named_submitters, names_in_language
from index.un.symbols import find_symbols, ga_resolution_symbols

from .texts import ABSENT_DOCUMENTS, ABSENT_SUBMITTERS, ABSENT_YEARS, join_names


def absent_documents(question: str, hits: list[Hit], catalogue: Catalogue) -> list[str]:
    """Symbols ``question`` names that are neither an indexed document nor mentioned in a
    passage found: "resolution 79/62" is A/RES/79/62, and a passage saying "resolution 79/62"
    mentions it."""
    named = dict.fromkeys(find_symbols(question) + ga_resolution_symbols(question))
    held = catalogue.symbols
    found = " ".join(document_context(hit.paragraph) for hit in hits)
    return [symbol for symbol in named if symbol not in held and not _mentioned(symbol, found)]


def absent_submitters(question: str, hits: list[Hit], catalogue: Catalogue) -> list[str]:
    """The States and organizations whose views ``question`` asks for that submitted nothing
    the library holds (no reply filed in a report, no document of their own) and that no
    passage found names: "What did the African Union submit for the 2024 report?"."""
    named = named_submitters(question) if asks_for_views(question) else []
    if not named:  # the passages are read only for a question that names someone
        return []
    authors = {card.author_en for card in catalogue.current().cards.cards.values()}
    found = set(named_submitters(" ".join(hit.paragraph.text + " " + document_context(
        hit.paragraph) for hit in hits)))
    return [name for name in named
            if name not in authors and name not in found
            and not catalogue.submissions_named(name)]


def absent_intro(found: Retrieval, catalogue: Catalogue) -> dict[str, str] | None:
    """The refusal's opening, in both languages, naming what is missing from what was found
    for the standalone question; None when nothing is."""
    question, hits = found.query.standalone, found.hits
    if documents := absent_documents(question, hits, catalogue):
        return {lang: text.format(names=join_names(documents, lang))
                for lang, text in ABSENT_DOCUMENTS.items()}
    if submitters := absent_submitters(question, hits, catalogue):
        return {lang: text.format(names=join_names(
                    [names_in_language(name, lang) for name in submitters], lang))
                for lang, text in ABSENT_SUBMITTERS.items()}
    if years := missing_years(question, hits, dict(found.named_years)):  # the gate refuses these; this says which
        return {lang: text.format(years=join_names(years, lang))
                for lang, text in ABSENT_YEARS.items()}
    return None


def _mentioned(symbol: str, text: str) -> bool:
    """The symbol in ``text``; a resolution also as its number ("79/62", "第 79/62 号决议")."""
    if symbol in text:
        return True
    number = re.fullmatch(r"A/RES/(\d+/\d+)", symbol)
    return bool(number and re.search(rf"(?<![\d/]){re.escape(number.group(1))}(?![\d/])", text))
