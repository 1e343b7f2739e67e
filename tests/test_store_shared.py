"""One embedded store, two processes: the page keeps serving while a terminal changes the store.

Chroma's embedded client holds the vector index in memory and does not see another process's
writes; before the store stamped a generation on every write, a search after `assistant index`
in another process failed with "Error finding id", a removed document stayed citable and an
added one never appeared. The writer here is a real second process on the same directory.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from index.errors import NotFoundError
from index.search.lookup import look_up
from index.search.catalogue import CHANGE_CHECK_S
from index.search.retriever import Retriever
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore

from conftest import DATA_DIR
from fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent

# The writer: the same fake embedder (same name and vectors), in its own process.
WRITER = textwrap.dedent("""
    import sys
    from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings
    from index.store.documents import remove_document
    from index.ingest.corpus import load_documents
    from index.store.client import open_client
    from index.store.paragraph_store import ParagraphStore

    class Fake(Embeddings):
        name = "fake/deterministic-32"
        def __init__(self):
            self.fake = DeterministicFakeEmbedding(size=32)
        def embed_documents(self, texts):
            return self.fake.embed_documents(list(texts))
        def embed_query(self, text):
            return self.fake.embed_query(text)

    from pathlib import Path
    action, store_path, *paths = sys.argv[1:]
    store = ParagraphStore(open_client(store_path, create=True), Fake())
    if action == "add":
        store.sync(load_documents([Path(p) for p in paths]).documents)
    elif action == "rebuild":
        store.rebuild(load_documents([Path(p) for p in paths]).documents)
    else:
        remove_document(store, paths[0])
""")


def write_from_another_process(action: str, store: Path, *args) -> None:
    done = subprocess.run([sys.executable, "-c", WRITER, action, str(store), *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def eventually(check, seconds: float = 10.0):
    """Poll ``check`` (searching meanwhile, as users would) until it holds or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


@pytest.fixture
def served(tmp_path):
    """A store with the GGE excerpt, and a retriever in this process serving it."""
    path = tmp_path / "shared-store"
    store = ParagraphStore(open_client(path, create=True), FakeEmbedder())
    from index.ingest.corpus import load_documents

    store.sync(load_documents([DATA_DIR / "gge_excerpt.en.txt"]).documents)
    return path, Retriever(store)


def questions_all_answer(retriever: Retriever) -> bool:
    for question in ("Does IHL apply to LAWS?", "人的责任", "training of operators"):
        retriever.retrieve(question, 5)  # raises if the index cannot be read
    return True


def test_a_document_added_by_another_process_is_served_without_errors(served):
    path, retriever = served
    before = set(retriever.catalogue.paragraphs)
    write_from_another_process("add", path, DATA_DIR / "letter_excerpt.zh.txt")
    # Right after the write, before any reload: no search fails.
    assert questions_all_answer(retriever)
    assert eventually(lambda: questions_all_answer(retriever)
                      and len(set(retriever.catalogue.paragraphs) - before) > 0,
                      seconds=CHANGE_CHECK_S + 5)
    added = set(retriever.catalogue.paragraphs) - before
    assert all(pid.startswith("letter-excerpt-zh") or "|zh|" in pid for pid in added), added
    # the new document is found by a search, not only listed
    hits = retriever.search("白俄罗斯 裁军谈判会议", 5)
    assert any(hit.paragraph.id in added for hit in hits)


def test_a_document_removed_by_another_process_is_no_longer_served(served):
    path, retriever = served
    write_from_another_process("add", path, DATA_DIR / "letter_excerpt.zh.txt")
    assert eventually(lambda: any(p.lang == "zh" for p in retriever.catalogue.paragraphs.values()))
    symbol = next(p.symbol for p in retriever.catalogue.paragraphs.values() if p.lang == "en")
    write_from_another_process("remove", path, symbol)
    assert questions_all_answer(retriever)
    assert eventually(lambda: not retriever.catalogue.document(symbol), seconds=CHANGE_CHECK_S + 5)
    with pytest.raises(NotFoundError):
        look_up(retriever.catalogue, f"{symbol} para. 21")
    assert all(hit.paragraph.symbol != symbol for hit in retriever.search("IHL apply", 5))


def test_a_rebuild_by_another_process_keeps_searches_working(served):
    path, retriever = served
    old_generation = retriever.catalogue.current().stamp
    write_from_another_process("rebuild", path, DATA_DIR / "gge_excerpt.en.txt",
                               DATA_DIR / "letter_excerpt.zh.txt")
    assert questions_all_answer(retriever)
    assert eventually(lambda: retriever.catalogue.current().stamp != old_generation
                      and any(p.lang == "zh" for p in retriever.catalogue.paragraphs.values()))
    assert questions_all_answer(retriever)
