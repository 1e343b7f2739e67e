"""One generation of what the catalogue holds (index.search.catalogue): every paragraph by id,
the keyword index, the ids by language, document, State's reply and symbol mentioned; swapped
whole when the store changes, so a search sees one generation, never a mix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from index.models import Paragraph, split_reply
from index.search.keyword import KeywordIndex
from index.search.keyword_file import KeywordFile
from index.search.routing import DocumentCards
from index.un.states import names_in


@dataclass(frozen=True)
class Generation:
    """What a catalogue holds, read from one generation of the store. Swapped whole, so a
    search running meanwhile sees one generation, never a mix."""

    stamp: str
    versions: dict[str, str] | None  # doc_id -> its version in the store (None: not kept)
    paragraphs: dict[str, Paragraph]
    keywords: KeywordIndex | KeywordFile  # the store's file, or built in memory
    by_key: dict[str, list[Paragraph]]
    reply_parts: dict[str, set[str]]  # symbol -> {"annex I, Peru", …}
    langs: list[str]
    by_lang: dict[str, frozenset[str]]  # language -> its records' ids
    symbols: set[str]
    by_document: dict[str, frozenset[str]]  # doc id -> its paragraph ids
    by_submission: dict[tuple[str, str], frozenset[str]]  # (symbol, reply part) -> ids
    # A symbol -> the ids of the records whose text or section heading mentions it (a draft
    # resolution's account in a committee report, an earlier report cited).
    by_mention: dict[str, frozenset[str]]
    cards: DocumentCards  # the documents' identity cards, searchable
    parts_by_submitter: dict = field(default_factory=dict, compare=False, repr=False)

    def parts_naming(self, submitter: str) -> frozenset[tuple[str, str]]:
        """(symbol, part) of the replies whose heading is or includes ``submitter``, found on
        the first question naming it, heading by heading (at 100,000 records, 4,558 reply
        parts read for each question cost 37 ms; their ~300 headings, ~2 ms)."""
        found = self.parts_by_submitter.get(submitter)
        if found is None:
            found = self.parts_by_submitter[submitter] = frozenset().union(*(
                parts for heading, parts in self.replies_by_heading.items()
                if names_in(heading, [submitter])))
        return found

    @cached_property
    def replies_by_heading(self) -> dict[str, frozenset[tuple[str, str]]]:
        by_heading: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for symbol, parts in self.reply_parts.items():
            for part in parts:
                by_heading[split_reply(part)[1]].add((symbol, part))
        return {heading: frozenset(parts) for heading, parts in by_heading.items()}
