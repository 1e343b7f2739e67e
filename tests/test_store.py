"""The Chroma paragraph store: incremental sync, rebuild into a new generation, errors.

Plain tests use the counting FakeEmbedder; the Chroma-server and real-model tests are marked
integration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from eval.browser import free_port
from index.ingest.corpus import load_documents
from index.errors import ConfigError, StoreError
from index.search.retriever import Retriever
from index.store.chroma import COLLECTION_PREFIX, ParagraphStore, open_client

from conftest import FakeEmbedder

SYMBOL = "CCW/GGE.1/2023/2"
GGE = "gge_excerpt.en.txt"
LETTER = "letter_excerpt.zh.txt"


def load(*paths):
    result = load_documents([Path(p) for p in paths])
    return result.documents


def paragraph_count(documents) -> int:
    return sum(len(d.paragraphs) for d in documents)


def stored(store: ParagraphStore) -> dict:
    """id -> (text, embed_hash) of everything in the live collection."""
    got = store.collection().get(include=["documents", "metadatas"])
    return {pid: (text, meta["embed_hash"])
            for pid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])}


def doc_of(documents, name):
    return next(d for d in documents if Path(d.document.source).name == name)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---- the fixture corpus ---------------------------------------------------------------------

def test_fixture_corpus_parses_good_files_and_names_bad_ones(data_dir):
    result = load_documents([data_dir])
    sources = sorted(Path(d.document.source).name for d in result.documents)
    assert sources == [GGE, LETTER]
    gge = doc_of(result.documents, GGE)
    assert gge.document.symbol == SYMBOL and gge.document.lang == "en"
    assert {"21", "21(a)", "22(c)", "23"} <= {p.locator for p in gge.paragraphs}
    letter = doc_of(result.documents, LETTER)
    # The sidecar wins: no symbol is invented for the letter, and its kind and title come
    # from letter_excerpt.zh.meta.json.
    assert letter.document.symbol is None
    assert letter.document.kind == "letter" and letter.document.lang == "zh"
    assert letter.document.title.endswith("的信")
    assert all(p.counted for p in letter.paragraphs)

    assert len(result.skipped) == 3
    for name in ("empty.txt", "broken.txt", "latin1.txt"):
        reasons = [r for r in result.skipped if name in r]
        assert len(reasons) == 1, (name, result.skipped)
        assert "\n" not in reasons[0]
    assert any("empty" in r for r in result.skipped if "empty.txt" in r)
    assert any("UTF-8" in r for r in result.skipped if "latin1.txt" in r)


# ---- incremental sync -----------------------------------------------------------------------

def test_sync_indexes_every_paragraph(fake_store, fake_embedder, data_dir):
    documents = load(data_dir)
    report = fake_store.sync(documents, scope=[data_dir], progress=False)

    expected = {p.id for d in documents for p in d.paragraphs}
    assert report.embedded == len(expected) and report.unchanged == 0 and report.removed == 0
    assert fake_embedder.documents_embedded == len(expected)
    assert set(stored(fake_store)) == expected
    assert fake_store.count() == len(expected)
    assert report.documents == sorted(d.document.doc_id for d in documents)
    # Round trip: what comes back out is the parsed record, text and address intact.
    by_id = {p.id: p for d in documents for p in d.paragraphs}
    for p in fake_store.all_paragraphs():
        assert p == by_id[p.id]


def test_second_sync_embeds_nothing(fake_store, fake_embedder, data_dir):
    documents = load(data_dir)
    fake_store.sync(documents, scope=[data_dir], progress=False)
    before = stored(fake_store)
    fake_embedder.reset()

    report = fake_store.sync(load(data_dir), scope=[data_dir], progress=False)

    assert fake_embedder.documents_embedded == 0 and fake_embedder.document_calls == 0
    assert report.embedded == 0 and report.removed == 0
    assert report.unchanged == paragraph_count(documents)
    assert stored(fake_store) == before


def test_editing_an_item_re_embeds_only_that_item_and_its_paragraph(fake_store, fake_embedder,
                                                                    data_copy):
    fake_store.sync(load(data_copy), scope=[data_copy], progress=False)
    before = stored(fake_store)
    fake_embedder.reset()

    old = "Provide appropriate training and instructions for human operators."
    new = "Provide appropriate training, exercises and instructions for human operators."
    edit(data_copy / GGE, old, new)
    report = fake_store.sync(load(data_copy), scope=[data_copy], progress=False)

    after = stored(fake_store)
    changed = {pid for pid in after if after[pid] != before.get(pid)}
    # The item itself, and paragraph 22 whose text carries its items.
    assert changed == {f"{SYMBOL}|en|body|22(c)", f"{SYMBOL}|en|body|22"}
    assert report.embedded == fake_embedder.documents_embedded == len(changed)
    assert report.unchanged == len(before) - len(changed)
    assert set(after) == set(before)
    assert fake_store.get([f"{SYMBOL}|en|body|22(c)"])[0].text == new
    assert new in fake_store.get([f"{SYMBOL}|en|body|22"])[0].text


def test_editing_a_lead_in_re_embeds_the_paragraph_and_its_items(fake_store, fake_embedder,
                                                                 data_copy):
    fake_store.sync(load(data_copy), scope=[data_copy], progress=False)
    before = stored(fake_store)
    fake_embedder.reset()

    edit(data_copy / GGE, "the Group concluded that:", "the Group unanimously concluded that:")
    documents = load(data_copy)
    report = fake_store.sync(documents, scope=[data_copy], progress=False)

    parent = f"{SYMBOL}|en|body|21"
    family = {p.id for p in doc_of(documents, GGE).paragraphs
              if parent in (p.id, p.parent_id)}
    assert len(family) == 4  # para. 21 and its items (a)-(c)
    after = stored(fake_store)
    assert {pid for pid in after if after[pid][1] != before[pid][1]} == family
    assert report.embedded == fake_embedder.documents_embedded == len(family)
    # The items' own text did not change; only what they are embedded with (the lead-in).
    assert after[f"{parent}(a)"][0] == before[f"{parent}(a)"][0]
    assert "unanimously concluded" in fake_store.get([parent])[0].text


def test_paragraph_dropped_from_a_document_is_deleted(fake_store, data_copy):
    fake_store.sync(load(data_copy), scope=[data_copy], progress=False)
    path = data_copy / GGE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("23."))
    path.write_text("".join(lines[:start]), encoding="utf-8")

    report = fake_store.sync(load(data_copy), scope=[data_copy], progress=False)

    assert report.removed == 1 and report.embedded == 0
    assert fake_store.get([f"{SYMBOL}|en|body|23"]) == []
    assert fake_store.get([f"{SYMBOL}|en|body|22"]) != []


def test_deleted_file_is_removed_on_next_sync_of_its_folder(fake_store, fake_embedder, data_copy):
    documents = load(data_copy)
    fake_store.sync(documents, scope=[data_copy], progress=False)
    letter = doc_of(documents, LETTER)
    fake_embedder.reset()

    (data_copy / LETTER).unlink()
    report = fake_store.sync(load(data_copy), scope=[data_copy], progress=False)

    assert report.removed_documents == [letter.document.doc_id]
    assert report.removed == len(letter.paragraphs)
    assert fake_embedder.documents_embedded == 0
    assert fake_store.where(doc_id=letter.document.doc_id) == []
    assert fake_store.count() == paragraph_count(documents) - len(letter.paragraphs)


def test_deleted_file_outside_the_synced_scope_is_kept(fake_store, data_copy):
    documents = load(data_copy)
    fake_store.sync(documents, scope=[data_copy], progress=False)
    letter = doc_of(documents, LETTER)

    (data_copy / LETTER).unlink()
    report = fake_store.sync(load(data_copy / GGE), scope=[data_copy / GGE], progress=False)

    assert report.removed == 0 and report.removed_documents == []
    assert len(fake_store.where(doc_id=letter.document.doc_id)) == len(letter.paragraphs)


def test_file_that_became_unparsable_keeps_its_paragraphs(fake_store, fake_embedder, data_copy):
    documents = load(data_copy)
    fake_store.sync(documents, scope=[data_copy], progress=False)
    before = stored(fake_store)
    fake_embedder.reset()

    (data_copy / LETTER).write_bytes(b"")  # emptied by accident: still there, but unreadable
    result = load_documents([data_copy])
    assert any(LETTER in reason and "empty" in reason for reason in result.skipped)
    report = fake_store.sync(result.documents, scope=[data_copy], progress=False)

    assert report.removed == 0 and report.removed_documents == []
    assert report.embedded == 0
    assert stored(fake_store) == before


def test_moved_file_survives_reindexing_its_old_folder(fake_store, tmp_path, data_dir):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    shutil.copy(data_dir / GGE, old / GGE)
    shutil.copy(data_dir / LETTER, old / LETTER)
    fake_store.sync(load(old), scope=[old], progress=False)
    shutil.move(old / GGE, new / GGE)
    fake_store.sync(load(new), scope=[new], progress=False)  # now indexed from its new place

    report = fake_store.sync(load(old), scope=[old], progress=False)

    assert report.removed_documents == []
    assert fake_store.get([f"{SYMBOL}|en|body|21"]) != []


def test_deleted_file_is_removed_whatever_the_working_directory(fake_store, data_copy,
                                                                 monkeypatch):
    monkeypatch.chdir(data_copy.parent)
    relative = Path(data_copy.name)
    fake_store.sync(load(relative), scope=[relative], progress=False)
    (data_copy / LETTER).unlink()

    monkeypatch.chdir("/")  # e.g. `assistant index /abs/docs` run from elsewhere
    report = fake_store.sync(load(data_copy), scope=[data_copy], progress=False)

    assert len(report.removed_documents) == 1


# ---- rebuild and the collection pointer -------------------------------------------------------

def _generations(client) -> set[str]:
    names = {getattr(c, "name", c) for c in client.list_collections()}
    return {n for n in names if n.startswith(COLLECTION_PREFIX)}


def test_rebuild_switches_collection_and_old_handles_follow(tmp_path, data_dir):
    path = tmp_path / "store"
    writer = ParagraphStore(open_client(path, create=True), FakeEmbedder())
    documents = load(data_dir)
    writer.sync(documents, scope=[data_dir], progress=False)
    first = writer.collection().name

    reader = ParagraphStore(open_client(path), FakeEmbedder())
    assert reader.collection().name == first  # the reader resolved the pointer before rebuild
    probe = writer.embedder.embed_query("human operators training")

    only_gge = [doc_of(documents, GGE)]
    report = writer.rebuild(only_gge, progress=False)
    second = writer.collection().name

    assert second != first
    assert report.embedded == paragraph_count(only_gge)
    # The pre-rebuild handle re-resolves: it answers from the new generation.
    hits = reader.similar(probe, k=5)
    assert len(hits) == 5
    assert reader.collection().name == second
    assert reader.count() == paragraph_count(only_gge)
    assert {p.doc_id for p, _ in hits} == {only_gge[0].document.doc_id}
    # The previous generation is kept for readers that resolved just before the switch.
    assert _generations(writer.client) == {first, second}

    writer.rebuild(only_gge, progress=False)
    third = writer.collection().name
    assert _generations(writer.client) == {second, third}
    assert len(reader.similar(probe, k=3)) == 3


def test_rebuild_embeds_everything_again(fake_store, fake_embedder, data_dir):
    documents = load(data_dir)
    fake_store.sync(documents, scope=[data_dir], progress=False)
    fake_embedder.reset()
    report = fake_store.rebuild(documents, progress=False)
    assert report.embedded == fake_embedder.documents_embedded == paragraph_count(documents)
    assert fake_store.count() == paragraph_count(documents)


def test_store_built_with_another_embedder_is_refused(tmp_path, data_dir):
    path = tmp_path / "store"
    built = ParagraphStore(open_client(path, create=True), FakeEmbedder(name="fake/one"))
    documents = load(data_dir)
    built.sync(documents, scope=[data_dir], progress=False)

    other = ParagraphStore(open_client(path), FakeEmbedder(name="fake/two"))
    with pytest.raises(StoreError) as info:
        other.similar(other.embedder.embed_query("IHL"), k=3)
    message = str(info.value)
    assert "fake/one" in message and "fake/two" in message and "--rebuild" in message
    with pytest.raises(StoreError, match="--rebuild"):
        other.sync(documents, scope=[data_dir], progress=False)

    # The way out the message names works: a rebuild records the new embedder.
    other.rebuild(documents, progress=False)
    assert other.count() == paragraph_count(documents)
    with pytest.raises(StoreError, match="fake/two"):
        ParagraphStore(open_client(path), FakeEmbedder(name="fake/one")).count()


# ---- errors ------------------------------------------------------------------------------------

def test_open_client_on_missing_dir_says_how_to_build(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(StoreError) as info:
        open_client(missing)
    assert "assistant index" in str(info.value) and str(missing) in str(info.value)
    assert not missing.exists()  # looking must not create it


def test_open_client_on_non_chroma_dir_says_how_to_build(tmp_path):
    folder = tmp_path / "not-a-store"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        open_client(folder)
    assert "not a Chroma store" in str(info.value) and "assistant index" in str(info.value)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_open_client_without_path_or_host_is_a_config_error():
    with pytest.raises(ConfigError):
        open_client()


def test_empty_store_says_to_index(fake_store):
    assert fake_store.count() == 0
    with pytest.raises(StoreError, match="assistant index"):
        fake_store.all_paragraphs()


@pytest.mark.parametrize("k", [0, -3])
def test_similar_rejects_non_positive_k(fake_store, data_dir, k):
    fake_store.sync(load(data_dir), scope=[data_dir], progress=False)
    with pytest.raises(ConfigError, match=f"k must be > 0, got {k}"):
        fake_store.similar(fake_store.embedder.embed_query("IHL"), k=k)


def test_similar_caps_k_at_collection_size_and_filters(fake_store, data_dir):
    documents = load(data_dir)
    fake_store.sync(documents, scope=[data_dir], progress=False)
    total = paragraph_count(documents)
    vector = fake_store.embedder.embed_query("IHL")
    hits = fake_store.similar(vector, k=total + 50)
    assert len(hits) == total
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    zh = fake_store.similar(vector, k=50, where={"lang": "zh"})
    expected_zh = sum(len(d.paragraphs) for d in documents if d.document.lang == "zh")
    assert len(zh) == expected_zh and all(p.lang == "zh" for p, _ in zh)


def test_open_client_to_port_with_no_server_raises_store_error():
    port = free_port()
    started = time.perf_counter()
    with pytest.raises(StoreError, match=f"127.0.0.1:{port}"):
        open_client(host="127.0.0.1", port=port)
    assert time.perf_counter() - started < 30


def test_open_client_rejects_bad_port():
    with pytest.raises(ConfigError, match="port must be > 0"):
        open_client(host="127.0.0.1", port=0)


# ---- integration: a real Chroma server, a real model ------------------------------------------

@pytest.fixture
def chroma_server(tmp_path):
    """`chroma run` on a free loopback port; always terminated."""
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.fail(f"chroma CLI not found beside {sys.executable}")
    port = free_port()
    data = tmp_path / "server-data"
    log = open(tmp_path / "chroma.log", "wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma exited with {proc.returncode}: "
                            f"{(tmp_path / 'chroma.log').read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat",
                                            timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma server did not answer its heartbeat within 30 s")
            time.sleep(0.2)
        yield "127.0.0.1", port, data
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.mark.integration
def test_index_and_search_through_a_chroma_server(chroma_server, data_dir):
    host, port, data = chroma_server
    embedder = FakeEmbedder()
    store = ParagraphStore(open_client(host=host, port=port), embedder)
    documents = load(data_dir)
    report = store.sync(documents, scope=[data_dir], progress=False)
    assert report.embedded == paragraph_count(documents)
    assert store.count() == paragraph_count(documents)

    # A second client (another process would do the same) sees the index and re-syncs for free.
    again = ParagraphStore(open_client(host=host, port=port), FakeEmbedder())
    assert again.sync(load(data_dir), scope=[data_dir], progress=False).embedded == 0
    assert again.embedder.documents_embedded == 0

    hits = Retriever(again).search("CCW/GGE.1/2023/2 para. 21 (a)", k=5)
    first = hits[0].paragraph
    assert (first.symbol, first.part, first.locator) == (SYMBOL, "body", "21(a)")
    assert "locator" in hits[0].sources
    assert first.text.startswith("IHL continues to apply fully")
    assert (data / "chroma.sqlite3").exists()  # the server persisted to the folder it was given


@pytest.mark.integration
def test_real_store_finds_the_ihl_paragraph_in_both_languages(real_store):
    retriever = Retriever(real_store)
    for question in ("Does international humanitarian law apply to autonomous weapons?",
                     "国际人道法是否适用于致命性自主武器系统？"):
        hits = retriever.search(question, k=5)
        found = [(h.paragraph.symbol, h.paragraph.locator) for h in hits]
        assert (SYMBOL, "21(a)") in found or (SYMBOL, "21") in found, (question, found)
    # The zh and en versions of the report share paragraph keys.
    en = real_store.get([f"{SYMBOL}|en|body|21(a)"])[0]
    other = retriever.counterpart(en)
    assert other is not None and other.lang == "zh" and other.key == en.key
