"""Which documents a question is asked of: the whole library, some documents (by symbol or doc
id), some series ("GA", "CCW", "CD" …). Documents and series add up: a paragraph is in scope
when its document or its series is named."""

from __future__ import annotations

from dataclasses import dataclass

from index.errors import QueryError
from index.models import Paragraph
from index.un.series import SERIES_NAMES, series_of


@dataclass(frozen=True)
class Scope:
    documents: frozenset[str] = frozenset()  # symbols or doc ids
    series: frozenset[str] = frozenset()  # series codes (index.un.series.series_of)

    @classmethod
    def of(cls, documents=(), series=()) -> "Scope":
        """A scope from what a user typed; QueryError naming an unknown series."""
        documents = frozenset(d.strip() for d in documents or () if d and d.strip())
        codes = frozenset(s.strip().upper() for s in series or () if s and s.strip())
        unknown = sorted(c for c in codes if c not in {k.upper() for k in SERIES_NAMES})
        if unknown:
            raise QueryError(f"no series '{unknown[0]}': choose from "
                             f"{', '.join(sorted(SERIES_NAMES))}")
        names = {k.upper(): k for k in SERIES_NAMES}
        return cls(documents, frozenset(names[c] for c in codes))

    @property
    def everything(self) -> bool:
        return not (self.documents or self.series)

    def admits(self, paragraph: Paragraph) -> bool:
        if self.everything:
            return True
        return (paragraph.doc_id in self.documents or (paragraph.symbol or "") in self.documents
                or series_of(paragraph.symbol) in self.series)


EVERYTHING = Scope()
