"""This project's retrieval as a LangChain retriever, for a user's own chain.

    from assistant.services import build_retriever
    from assistant.settings import Settings
    from index.search.langchain_retriever import ParagraphRetriever

    retriever = ParagraphRetriever(retriever=build_retriever(Settings.from_env()), k=5)
    for document in retriever.invoke("Does IHL apply to autonomous weapons?"):
        print(document.metadata["label"], document.page_content[:80])

Each ``Document`` is one paragraph: its text as ``page_content``; in ``metadata`` its UN
citation label, symbol, paragraph number (``counted`` says when the number is a counted
position, not one the document prints), language, the signals that found it and its score, and
the same paragraph in the other language where the library has it. The search is
``Retriever.search`` itself (dense + keyword + exact locators, fused, routed by document), so
the citations a chain built on it shows are the ones this project's answers show.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, field_validator

from index.models import Hit
from index.search.retriever import Retriever


class ParagraphRetriever(BaseRetriever):
    """Paragraphs of the library for a question, as LangChain ``Document``s.

    Args:
        retriever: the project's ``Retriever`` (``assistant.services.build_retriever``).
        k: how many paragraphs (at least 1).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    k: int = 5

    @field_validator("k")
    @classmethod
    def _positive(cls, k: int) -> int:
        if k <= 0:
            raise ValueError(f"k must be > 0, got {k}")
        return k

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[Document]:
        hits = self.retriever.search(query, self.k, kwargs.get("history", ()))
        return [self.to_document(hit, rank) for rank, hit in enumerate(hits, 1)]

    def to_document(self, hit: Hit, rank: int) -> Document:
        """One hit as a ``Document``: the paragraph's record, and its other-language version."""
        metadata = hit.to_record(rank)
        text = metadata.pop("text")
        other = self.retriever.catalogue.counterpart(hit.paragraph)
        metadata["other_language"] = None if other is None else {
            "lang": other.lang, "label": other.label(), "text": other.text}
        return Document(page_content=text, metadata=metadata, id=metadata["id"])
