"""Answers that need no model: a named paragraph verbatim, "no such paragraph", and the
refusals that list the nearest paragraphs instead of answering."""

from __future__ import annotations

from index.models import Hit, Paragraph
from index.search.catalogue import Catalogue
from index.search.locators import Locator
from index.search.lookup import nearest_valid
from index.search.query import Query

from .answer import Answer, Citation, Quote, compose
from .texts import NO_SUCH_PARAGRAPH, VERBATIM_INTRO

MAX_VERBATIM = 3


def verbatim(query: Query, paragraphs: list[Paragraph]) -> Answer:
    """The paragraphs the question names, quoted whole."""
    lang = query.lang
    pieces: list[str | Quote] = []
    citations = []
    for key, p in enumerate(paragraphs[:MAX_VERBATIM], 1):
        label = p.label(lang)
        # The paragraph is quoted as a quote: a "[2]" printed in it never becomes a marker.
        pieces += ["\n" if pieces else "", VERBATIM_INTRO[lang].format(label=label),
                   "\n“", Quote(p.text), f"” [{key}]"]
        citations.append(Citation(key, p, label))
    text, quotes = compose(pieces)
    hits = [Hit(p, 1.0, ("locator",)) for p in paragraphs[:MAX_VERBATIM]]
    return Answer(question=query.text, lang=lang, text=text, citations=citations,
                  mode="lookup", passages=hits, quotes=quotes)


def no_such_paragraph(query: Query, catalogue: Catalogue) -> Answer:
    """"No such paragraph", with the nearest valid ones in the document the question names or,
    failing that, the one the conversation last named (``analyse`` put it in the locator)."""
    loc = query.locators[0] if query.locators else Locator(query.context_symbol, None, None, None)
    hits = [Hit(p, 0.0, ("nearest",)) for p in nearest_valid(catalogue, loc)]
    return refusal(query.text, query.lang, hits, NO_SUCH_PARAGRAPH)


def refusal(question: str, lang: str, hits: list[Hit], intro: dict) -> Answer:
    """``intro`` in the question's language, then the nearest paragraphs found."""
    nearest = "\n".join(f"- {h.paragraph.label(lang)}" for h in hits[:3])
    return Answer(question=question, lang=lang, text=f"{intro[lang]}\n{nearest}".strip(),
                  refused=True, mode="refusal", passages=hits)
