"""The keyword index kept on disk: the in-memory index's rankings, brought in line with the store
by what changed, and repaired after a process died while writing it."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from index.errors import ConfigError
from index.search.keyword import KeywordIndex
from index.search.keyword_file import KeywordFile

ROOT = Path(__file__).resolve().parent.parent
TEXTS = {
    "a|en|body|1": "International humanitarian law continues to apply fully to all weapons systems",
    "a|en|body|2": "Human control over weapons systems must be retained across their life cycle",
    "a|en|body|3": "States should conduct legal reviews of new weapons, means or methods of warfare",
    "a|zh|body|1": "国际人道法继续充分适用于所有武器系统",
    "a|zh|body|2": "在武器系统的整个生命周期内必须保持人类控制",
    "b|en|annex I|1": "See CCW/GGE.1/2023/WP.4/Rev.2 for the draft articles on weapons reviews",
}
QUESTIONS = ["Does IHL apply to weapons systems?", "human control life cycle", "国际人道法适用吗",
             "人类控制", "CCW/GGE.1/2023/WP.4/Rev.2", "legal reviews of weapons", "nothing matches"]


def in_memory(texts: dict[str, str]) -> KeywordIndex:
    index = KeywordIndex()
    index.add(list(texts), list(texts.values()))
    return index


def same(found: list[tuple[str, float]], expected: list[tuple[str, float]]) -> bool:
    """The same ids in the same order, the same scores but for the last bits of a float sum."""
    return ([pid for pid, _ in found] == [pid for pid, _ in expected]
            and all(abs(a - b) < 1e-9 for (_, a), (_, b) in zip(found, expected)))


@pytest.fixture
def keyword_file(tmp_path):
    index = KeywordFile(tmp_path / "keywords.sqlite3")
    index.reconcile(TEXTS, "generation-1")
    return index


def test_rankings_and_scores_are_the_in_memory_index_s(keyword_file):
    memory = in_memory(TEXTS)
    among = {"a|en|body|2", "a|zh|body|2", "b|en|annex I|1"}
    for question in QUESTIONS:
        for scope in (None, among):
            assert same(keyword_file.search(question, 5, scope),
                        memory.search(question, 5, scope)), question
    assert keyword_file.search("nothing matches", 5) == []
    assert len(keyword_file) == len(TEXTS) and "a|zh|body|1" in keyword_file


def test_reconcile_tokenizes_only_what_changed_and_stamps_the_generation(keyword_file):
    assert keyword_file.stamp == "generation-1"
    assert keyword_file.reconcile(TEXTS, "generation-1") == (0, 0)
    changed = dict(TEXTS)
    changed["a|en|body|3"] = "Legal reviews of autonomous weapons are an obligation"
    changed["c|en|body|1"] = "A new report on autonomous weapons"
    del changed["b|en|annex I|1"]
    assert keyword_file.reconcile(changed, "generation-2") == (2, 1)
    assert keyword_file.stamp == "generation-2"
    memory = in_memory(changed)
    for question in QUESTIONS + ["autonomous weapons report"]:
        assert same(keyword_file.search(question, 5), memory.search(question, 5)), question
    assert "b|en|annex I|1" not in keyword_file


def test_it_survives_the_process_and_is_read_by_another(tmp_path, keyword_file):
    again = KeywordFile(tmp_path / "keywords.sqlite3")
    assert again.stamp == "generation-1"
    assert again.search("human control", 3) == keyword_file.search("human control", 3)


def test_bad_arguments_and_a_foreign_file_are_refused(tmp_path, keyword_file):
    with pytest.raises(ConfigError, match="k must be > 0"):
        keyword_file.search("control", 0)
    with pytest.raises(ConfigError, match="same length"):
        keyword_file.add(["x"], [])
    with pytest.raises(ConfigError, match="k1 must be >= 0"):
        KeywordFile(tmp_path / "other.sqlite3", k1=-1)



def test_a_damaged_file_or_one_of_another_layout_is_started_again(tmp_path):
    """It is a cache of the store: started again empty, the next reconcile fills it."""
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    assert KeywordFile(broken).stamp == "" and len(KeywordFile(broken)) == 0
    older = tmp_path / "older.sqlite3"
    first = KeywordFile(older)
    first.reconcile(TEXTS, "generation-1")
    first._connection().execute("UPDATE meta SET value = 'keyword-bm25-sqlite/1' "
                                "WHERE key = 'format'")
    first.close()
    again = KeywordFile(older)
    assert again.stamp == "" and len(again) == 0
    assert again.reconcile(TEXTS, "generation-2") == (len(TEXTS), 0)


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    import index.search.keyword_file as keyword_file
    from index.search.keyword import tokenize

    def slow(text):  # the writer is killed while it tokenizes, inside its transaction
        print("writing", flush=True)
        time.sleep(0.05)
        return tokenize(text)

    keyword_file.tokenize = slow
    texts = {f"new|en|body|{i}": f"paragraph {i} on human control" for i in range(400)}
    keyword_file.KeywordFile(sys.argv[1]).reconcile(texts, "generation-2")
""")


def test_a_writer_killed_mid_write_leaves_the_last_whole_index_and_the_next_start_repairs_it(
        tmp_path, keyword_file):
    """kill -9 between the store's write and the keyword index's: the file still holds the
    previous generation whole, and the next load brings it in line with the store."""
    path = tmp_path / "keywords.sqlite3"
    keyword_file.close()
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert writer.stdout.readline().strip() == b"writing"
    time.sleep(0.2)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)

    after = KeywordFile(path)
    assert after.stamp == "generation-1"  # the killed write left nothing of itself
    assert len(after) == len(TEXTS)
    store_now = {**TEXTS, "new|en|body|1": "paragraph 1 on human control"}
    assert after.reconcile(store_now, "generation-2") == (1, 0)
    assert same(after.search("paragraph human control", 3),
                in_memory(store_now).search("paragraph human control", 3))


def test_the_catalogue_keeps_the_file_in_line_with_the_store(tmp_path, fake_embedder):
    """A store with a keyword file: the catalogue's searches are the in-memory index's; a
    document removed from the store (by another process) leaves the file at the next load,
    without tokenizing the rest again."""
    from index.ingest.corpus import CORPUS_DIR, load_documents
    from index.search.catalogue import Catalogue
    from index.store.client import open_client
    from index.store.paragraph_store import ParagraphStore

    files = [CORPUS_DIR / "A_RES_78_241.en.txt", CORPUS_DIR / "CCW_MSP_2019_9_annexIII.en.txt"]
    path = tmp_path / "store"
    store = ParagraphStore(open_client(path, create=True), fake_embedder,
                           keyword_path=path / "keywords.sqlite3")
    store.sync(load_documents(files).documents)
    catalogue = Catalogue(store)
    records = store.with_keyword_texts()
    memory = in_memory({p.id: text for p, text, _ in records})
    for question in ("human-machine interaction", "resolution 78/241 requests the Secretary-General"):
        assert same(catalogue.keywords.search(question, 10), memory.search(question, 10))

    resolution = next(p.doc_id for p, _, _ in records if p.symbol == "A/RES/78/241")
    writer = ParagraphStore(open_client(path), fake_embedder)  # the terminal's process
    writer.delete_documents([resolution])
    catalogue.reload()
    assert catalogue.keywords.stamp == store.generation()
    assert not any(pid.startswith("A/RES/78/241") for pid, _ in
                   catalogue.keywords.search("resolution 78/241 Secretary-General", 50))
    assert len(catalogue.keywords) == len(catalogue.paragraphs)


def test_an_id_given_twice_keeps_its_last_text(tmp_path):
    index = KeywordFile(tmp_path / "k.sqlite3")
    index.add(["x", "x"], ["first text", "second text"])
    memory = KeywordIndex()
    memory.add(["x", "x"], ["first text", "second text"])
    assert len(index) == 1 and same(index.search("second", 3), memory.search("second", 3))
    assert index.search("first", 3) == []


def test_searches_while_another_connection_writes_see_one_version(tmp_path):
    """The page searches while `assistant index` writes: each search reads the paragraphs and
    the postings of one version (a posting of a paragraph newer than the paragraphs read
    would point past them)."""
    import threading

    path = tmp_path / "k.sqlite3"
    reader, writer = KeywordFile(path), KeywordFile(path)
    reader.reconcile(TEXTS, "g1")
    errors, done = [], threading.Event()

    def write():
        try:
            for i in range(60):
                writer.add([f"new|en|body|{i}"], [f"human control paragraph {i}"])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    while not done.is_set():
        try:
            reader.search("human control paragraph", 5)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            break
    thread.join()
    assert errors == []
    assert len(reader.search("paragraph", 100)) == 60


def test_a_load_while_another_process_writes_the_file_serves_it_as_it_is(
        tmp_path, fake_embedder, monkeypatch):
    """`assistant index` holds the keyword file's write lock while it builds it: the page's
    catalogue loads meanwhile, serving the file as it is, instead of failing."""
    import sqlite3

    import index.search.keyword_file as keyword_file
    from index.ingest.corpus import CORPUS_DIR, load_documents
    from index.search.catalogue import Catalogue
    from index.store.client import open_client
    from index.store.paragraph_store import ParagraphStore

    monkeypatch.setattr(keyword_file, "BUSY_TIMEOUT_S", 0.1)
    path = tmp_path / "store"
    store = ParagraphStore(open_client(path, create=True), fake_embedder,
                           keyword_path=path / "keywords.sqlite3")
    store.sync(load_documents([CORPUS_DIR / "A_RES_78_241.en.txt"]).documents)
    KeywordFile(path / "keywords.sqlite3").close()  # created, never reconciled
    other = sqlite3.connect(path / "keywords.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other process's write in progress
    try:
        catalogue = Catalogue(store)
        assert catalogue.keywords.stamp == "" and catalogue.paragraphs
    finally:
        other.execute("ROLLBACK")
        other.close()
    catalogue.reload()
    assert catalogue.keywords.stamp == store.generation()
    assert len(catalogue.keywords) == len(catalogue.paragraphs)
