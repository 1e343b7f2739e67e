"""When a question names one document and the answer rests on others, the answer says so.

"What does the letter from Belarus say about X?" answered from the Russian Federation's
submission, without a word, reads as if the letter said it: the reader trusts the citation's
existence and misses that it is another document's. The named document is either a symbol
("A/79/88", "resolution 78/241") or the one document the question's words name by its identity
card, clearly ahead of any other (the same rule that searches that document on its own,
``index.search.routing.routed_documents``).
"""

from __future__ import annotations

from index.search.catalogue import Catalogue
from index.search.query import Query
from index.search.routing import routed_documents

from .answer import Answer
from .texts import FROM_ANOTHER_DOCUMENT


def named_documents(query: Query, catalogue: Catalogue, margin: float, lang: str
                    ) -> dict[str, str]:
    """The documents ``query`` names (by symbol, else by one clear card): each document's key
    (``document_key``) -> how the note calls it (its symbol, else its name in ``lang``)."""
    if query.document_symbols:
        return {symbol: symbol for symbol in query.document_symbols}
    loaded = catalogue.current()
    named: dict[str, str] = {}
    for doc_id in routed_documents(query, loaded, catalogue.in_scope(query.scope), margin):
        card = catalogue.card(doc_id)
        names = card and (card.names_zh if lang == "zh" else card.names_en)
        some = next(iter(loaded.by_document.get(doc_id, ())), None)
        title = loaded.paragraphs[some].doc_title if some in loaded.paragraphs else doc_id
        called = (card and card.symbol) or (names[0] if names else title)
        named.setdefault(document_key(doc_id, card and card.symbol), called)
    return named


def document_key(doc_id: str, symbol: str | None) -> str:
    """One key for a document's language versions: its symbol, else its id less the
    language ("cd-letter-2017-09-08-belarus.zh" -> "cd-letter-2017-09-08-belarus")."""
    return symbol or doc_id.rsplit(".", 1)[0]


def count_documents(versions) -> tuple[int, int]:
    """(documents, language versions) among (doc id, symbol) pairs: the page's header and its
    Documents tab both count this way, so they cannot disagree (they once said 10 and 11: one
    counted documents, the other listed each language version)."""
    ids = {doc_id: symbol for doc_id, symbol in versions}
    return len({document_key(doc_id, symbol) for doc_id, symbol in ids.items()}), len(ids)


def note_other_documents(answer: Answer, query: Query, catalogue: Catalogue,
                         margin: float) -> Answer:
    """``answer`` opened with a note when the question names a document and none of the
    answer's citations is from it; unchanged otherwise (and always for a refusal)."""
    if answer.refused or not answer.citations:
        return answer
    named = named_documents(query, catalogue, margin, answer.lang)
    cited = {document_key(c.paragraph.doc_id, c.paragraph.symbol): c.paragraph.symbol
             or c.paragraph.doc_title for c in answer.citations}
    if not named or set(cited) & set(named):
        return answer
    note = FROM_ANOTHER_DOCUMENT[answer.lang].format(
        named=", ".join(named.values()), cited=", ".join(sorted(set(cited.values()))))
    prefix = note + ("\n\n" if answer.text else "")
    answer.text = prefix + answer.text
    # The quoted spans move with the text they mark.
    answer.quotes = [(start + len(prefix), end + len(prefix)) for start, end in answer.quotes]
    return answer
