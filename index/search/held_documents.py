"""The paragraphs a reader holds, brought up to date by document: only the documents whose
version changed since the held generation are read from the store, and the whole set is kept
in a file beside the keyword index, so a new process starts from it instead of reading every
paragraph.

Measured at 100,000 records (eval.bench.scale): reading every paragraph from Chroma took 15.9 s
of an 18.5 s start-up, and again after each added document; the file loads in a fraction of
that and an added document costs a read of its own records.

The file is a cache of the store, written by this project's own processes into the store's
directory (pickle: the fastest way back to Python objects); one of another layout, damaged, or
of another collection is ignored and written again after a full read.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path

from index.models import Paragraph
from index.un.symbols import find_symbols

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class HeldDocument:
    card: str  # its identity card, JSON ("" for records stored before cards)
    records: tuple[Paragraph, ...]
    # A symbol -> the ids of its records whose text or section heading mentions it: found
    # once per version of the document (finding them in every paragraph at each start was
    # 3.5 s of 5.2 at 100,000).
    mentions: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class HeldDocuments:
    """Every paragraph of one generation of the store, by document."""

    collection: str
    stamp: str  # the store's generation they were read at
    versions: dict[str, str] | None  # doc_id -> version (None: the store keeps none)
    documents: dict[str, HeldDocument]

    def paragraphs(self):
        for document in self.documents.values():
            yield from document.records


@dataclass
class Update:
    """What reading the store's changes gave: the documents now held, the keyword texts of
    the records read (id -> text) and the ids of the records gone or read again."""

    held: HeldDocuments
    texts: dict[str, str] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    whole: bool = False  # every record was read (texts holds them all)

    @property
    def changed(self) -> bool:
        return bool(self.whole or self.texts or self.dropped)


def read_changes(store, held: HeldDocuments | None) -> Update:
    """``held`` brought up to the store's current generation: the documents whose version
    differs are read, those gone dropped. Everything is read when nothing is held, the
    collection changed (a rebuild), or the store keeps no versions (a collection made
    before them)."""
    state = store.state()
    if (held is None or state.versions is None or held.versions is None
            or held.collection != state.collection):
        records = store.with_keyword_texts()
        return Update(_collect(state, records, {}), {p.id: t for p, t, _ in records},
                      whole=True)
    changed = {d for d, v in state.versions.items() if held.versions.get(d) != v}
    gone = (held.documents.keys() - state.versions.keys()) | changed
    kept = {d: entry for d, entry in held.documents.items() if d not in gone}
    records = store.with_keyword_texts(changed)
    dropped = {p.id for d in gone if d in held.documents for p in held.documents[d].records}
    return Update(_collect(state, records, kept), {p.id: t for p, t, _ in records}, dropped)


def _collect(state, records, kept: dict) -> HeldDocuments:
    """``kept`` documents plus those of ``records`` ((paragraph, keyword text, card JSON)),
    each in store order."""
    read: dict[str, tuple[str, list[Paragraph]]] = {}
    for paragraph, _, card in records:
        entry = read.setdefault(paragraph.doc_id, (card, []))
        entry[1].append(paragraph)
        if card and not entry[0]:
            read[paragraph.doc_id] = (card, entry[1])
    documents = dict(kept)
    for doc_id, (card, records) in read.items():
        mentions: dict[str, list[str]] = defaultdict(list)
        for p in records:
            for symbol in find_symbols(" ".join((p.text, *p.section))):
                mentions[symbol].append(p.id)
        documents[doc_id] = HeldDocument(card, tuple(records),
                                         {s: tuple(ids) for s, ids in mentions.items()})
    return HeldDocuments(state.collection, state.generation, state.versions, documents)


def held_path(keyword_path: str | Path) -> Path:
    """The held-documents file of the store whose keyword file is ``keyword_path``: beside
    it, named after it (one per embedded store or per server)."""
    keyword_path = Path(keyword_path)
    return keyword_path.with_name(f"{keyword_path.stem}.held.pickle")


# The file's layout: a change to what a record or a held document holds makes older files
# unusable (read again from the store), never half-understood.
FORMAT = "held/2:" + ",".join(f.name for cls in (Paragraph, HeldDocument) for f in fields(cls))


class HeldFile:
    """Where a store's held documents are kept between processes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def load(self) -> HeldDocuments | None:
        """What the file holds; None when missing, damaged or of another layout."""
        try:
            with self.path.open("rb") as handle:
                found = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - a cache: any failure means read the store
            log.info("held documents %s not read (%s); reading the store", self.path, exc)
            return None
        if not isinstance(found, dict) or found.get("format") != FORMAT:
            return None
        return found["held"]

    def save(self, held: HeldDocuments) -> None:
        """Written aside and moved in place: a reader, or a process killed meanwhile, sees
        the previous file or this one, never half of one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, aside = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump({"format": FORMAT, "held": held}, out,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(aside, self.path)
        except BaseException:
            Path(aside).unlink(missing_ok=True)
            raise
