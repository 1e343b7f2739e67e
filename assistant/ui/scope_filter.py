"""The documents filter beside the question box, without Gradio: what it offers, and the
``Scope`` the chosen values make.

A value is what a script passes in ``/chat``'s ``documents`` too: a series code ("GA", "CCW",
"other", in any case) or a document's symbol or doc id. Nothing chosen is the whole library.
A value that is no series code is a document; the search names one the index does not hold.
"""

from __future__ import annotations

from typing import Iterable

from index.errors import QueryError
from index.models import Paragraph
from index.search.scope import Scope
from index.un.series import SERIES_NAMES, series_of

from .. import texts

_CODES = {code.upper(): code for code in SERIES_NAMES}


def scope_of(chosen: Iterable[str] | str | None) -> Scope:
    """The scope of the chosen values (a single string is one value); QueryError when a value
    is not text."""
    if isinstance(chosen, str):
        chosen = [chosen]
    values = list(chosen or ())
    if not all(isinstance(value, str) for value in values):
        raise QueryError("documents must be symbols, doc ids or series codes (text)")
    values = [value.strip() for value in values if value.strip()]
    series = [value for value in values if value.upper() in _CODES]
    documents = [value for value in values if value.upper() not in _CODES]
    return Scope.of(documents, series)


def unknown_document(scope: Scope, catalogue) -> str | None:
    """The first document ``scope`` names that ``catalogue`` does not hold (None: all held),
    for the page to say so in its own words before any search."""
    return next((d for d in sorted(scope.documents) if not catalogue.document(d)), None)


def series_order(code: str) -> tuple[int, str]:
    """Series as SERIES_NAMES lists them ("other" last), any series it lacks before "other"."""
    codes = list(SERIES_NAMES)
    if code in codes and code != "other":
        return codes.index(code), code
    return (len(codes) + (code == "other"), code)


def filter_choices(paragraphs: Iterable[Paragraph]) -> list[tuple[str, str]]:
    """(label, value) of every series the index holds documents of, each followed by those
    documents (one per symbol, every language version; a document without one by its id)."""
    documents: dict[str, Paragraph] = {}
    for p in paragraphs:
        known = documents.get(p.owner)
        if known is None or (known.lang != "en" and p.lang == "en"):  # the English title
            documents[p.owner] = p
    by_series: dict[str, list[Paragraph]] = {}
    for key in sorted(documents):
        first = documents[key]
        by_series.setdefault(series_of(first.symbol), []).append(first)
    choices: list[tuple[str, str]] = []
    for code in sorted(by_series, key=series_order):
        if code in SERIES_NAMES:
            names = SERIES_NAMES[code]
            choices.append((texts.SERIES_CHOICE.format(code=code, en=names["en"],
                                                       zh=names["zh"]), code))
        choices += [(texts.DOCUMENT_CHOICE.format(name=_name(p), code=code), p.owner)
                    for p in by_series[code]]
    return choices


def _name(p: Paragraph) -> str:
    title = _shorten(" ".join(p.doc_title.split()), texts.TITLE_IN_CHOICE)
    if p.symbol:
        return f"{p.symbol} — {title}" if title else p.symbol
    return title or p.doc_id


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
