"""The catalogue's paragraphs kept beside the store and brought up to date by document: a new
process starts from the file, an added or removed document is read (or dropped) alone, and
what a crash or a damaged file leaves is repaired by reading the store."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index.ingest.corpus import CORPUS_DIR, load_documents
from index.search.catalogue import Catalogue, refresh_catalogue_files
from index.search.held_documents import HeldFile, held_path
from index.search.keyword import KeywordIndex
from index.store.client import open_client
from index.store.paragraph_store import VERSION, VERSIONED, ParagraphStore

ROOT = Path(__file__).resolve().parent.parent
RESOLUTION = CORPUS_DIR / "A_RES_78_241.en.txt"
PRINCIPLES = CORPUS_DIR / "CCW_MSP_2019_9_annexIII.en.txt"
REPORT = CORPUS_DIR / "CCW_GGE.1_2023_2.en.txt"
QUESTIONS = ("human-machine interaction", "resolution 78/241 requests the Secretary-General",
             "legal reviews of new weapons", "accountability chain of command")


def open_store(path: Path, embedder) -> ParagraphStore:
    return ParagraphStore(open_client(path, create=True), embedder,
                          keyword_path=path / "keywords.sqlite3")


def documents(*files: Path):
    return load_documents(list(files)).documents


class CountingReads:
    """Records which documents each read of records asked for (None: every record)."""

    def __init__(self, store: ParagraphStore):
        self.asked: list[set | None] = []
        read = store.with_keyword_texts

        def counted(doc_ids=None):
            self.asked.append(None if doc_ids is None else set(doc_ids))
            return read(doc_ids)

        store.with_keyword_texts = counted


def assert_matches_the_store(catalogue: Catalogue, store: ParagraphStore) -> None:
    """What the catalogue serves equals a whole read of the store: the same paragraphs (every
    field), and keyword searches ranked as an index built from every record."""
    records = store.with_keyword_texts()
    assert catalogue.paragraphs == {p.id: p for p, _, _ in records}
    memory = KeywordIndex()
    memory.add([p.id for p, _, _ in records], [text for _, text, _ in records])
    for question in QUESTIONS:
        assert [pid for pid, _ in catalogue.keywords.search(question, 10)] == \
               [pid for pid, _ in memory.search(question, 10)]
    assert len(catalogue.keywords) == len(records)


def test_a_new_process_starts_from_the_file_without_reading_the_store(tmp_path, fake_embedder):
    store = open_store(tmp_path / "store", fake_embedder)
    store.sync(documents(RESOLUTION, PRINCIPLES))
    refresh_catalogue_files(store)  # as `assistant index` does
    assert held_path(store.keyword_path).exists()

    fresh = open_store(tmp_path / "store", fake_embedder)  # the page, started later
    reads = CountingReads(fresh)
    catalogue = Catalogue(fresh)
    assert reads.asked == [set()]  # no document changed since the file was written
    assert_matches_the_store(catalogue, fresh)


def test_an_added_document_is_read_alone_and_a_removed_one_dropped(tmp_path, fake_embedder):
    path = tmp_path / "store"
    store = open_store(path, fake_embedder)
    store.sync(documents(RESOLUTION, PRINCIPLES))
    catalogue = Catalogue(store)
    reads = CountingReads(store)

    writer = open_store(path, fake_embedder)  # another process: `assistant index` in a terminal
    writer.sync(documents(REPORT))
    catalogue.reload()
    report_doc = next(p.doc_id for p in catalogue.paragraphs.values()
                      if p.symbol == "CCW/GGE.1/2023/2")
    assert reads.asked == [{report_doc}]
    assert_matches_the_store(catalogue, store)

    resolution_doc = next(p.doc_id for p in catalogue.paragraphs.values()
                          if p.symbol == "A/RES/78/241")
    writer.delete_documents([resolution_doc])
    catalogue.reload()
    assert reads.asked[-1] == set()
    assert not any(p.doc_id == resolution_doc for p in catalogue.paragraphs.values())
    assert_matches_the_store(catalogue, store)
    # And the file follows: a process started now holds the same.
    assert_matches_the_store(Catalogue(open_store(path, fake_embedder)), store)


def test_a_damaged_file_is_replaced_by_a_whole_read(tmp_path, fake_embedder):
    store = open_store(tmp_path / "store", fake_embedder)
    store.sync(documents(RESOLUTION))
    refresh_catalogue_files(store)
    held_path(store.keyword_path).write_bytes(b"not a pickle at all")
    reads = CountingReads(store)
    catalogue = Catalogue(store)
    assert reads.asked == [None]
    assert_matches_the_store(catalogue, store)
    assert HeldFile(held_path(store.keyword_path)).load() is not None  # written again


def test_a_store_made_before_versions_is_read_whole_until_a_write_stamps_them(
        tmp_path, fake_embedder):
    store = open_store(tmp_path / "store", fake_embedder)
    store.sync(documents(RESOLUTION))
    # What an older version of this project left: a pointer with no document versions.
    meta = {k: v for k, v in store._meta().metadata.items()
            if not k.startswith(VERSION) and k != VERSIONED}
    store._meta().modify(metadata=meta)
    assert store.state().versions is None
    reads = CountingReads(store)
    Catalogue(store)
    Catalogue(store)
    assert reads.asked == [None, None]

    store.sync(documents(PRINCIPLES))  # stamps every document, old and new
    assert len(store.state().versions) == 2
    Catalogue(store)  # reads whole once more (the file held no versions) …
    catalogue = Catalogue(store)  # … and from then on only what changed
    assert reads.asked[-1] == set()
    assert_matches_the_store(catalogue, store)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_between_the_store_write_and_the_files_nothing_is_lost(tmp_path, fake_embedder):
    """`assistant index` killed after the store write, before the held-documents and keyword
    files were brought in line: the next start reads the documents that changed and repairs
    both files."""
    path = tmp_path / "store"
    store = open_store(path, fake_embedder)
    store.sync(documents(RESOLUTION))
    refresh_catalogue_files(store)
    script = textwrap.dedent(f"""
        import os, signal
        from index.ingest.corpus import load_documents
        from index.store.client import open_client
        from index.store.paragraph_store import ParagraphStore
        from tests.fakes import FakeEmbedder
        from pathlib import Path
        store = ParagraphStore(open_client({str(path)!r}), FakeEmbedder(),
                               keyword_path=Path({str(path / "keywords.sqlite3")!r}))
        store.sync(load_documents([Path({str(PRINCIPLES)!r})]).documents)
        os.kill(os.getpid(), signal.SIGKILL)  # before refresh_catalogue_files
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == -signal.SIGKILL
    restarted = open_store(path, fake_embedder)
    reads = CountingReads(restarted)
    catalogue = Catalogue(restarted)
    assert len(reads.asked) == 1 and len(reads.asked[0]) == 1  # the new document alone
    assert_matches_the_store(catalogue, restarted)
    assert catalogue.keywords.stamp == restarted.generation()
