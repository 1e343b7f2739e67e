"""Incremental sync (index/store/sync.py): only new or changed paragraphs are embedded, gone ones
are deleted; and the fixture corpus the store tests index."""

from __future__ import annotations

import shutil
from pathlib import Path

from index.ingest.corpus import load_documents
from index.store.paragraph_store import ParagraphStore

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
    report = fake_store.sync(documents, scope=[data_dir])

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
    fake_store.sync(documents, scope=[data_dir])
    before = stored(fake_store)
    fake_embedder.reset()

    report = fake_store.sync(load(data_dir), scope=[data_dir])

    assert fake_embedder.documents_embedded == 0 and fake_embedder.document_calls == 0
    assert report.embedded == 0 and report.removed == 0
    assert report.unchanged == paragraph_count(documents)
    assert stored(fake_store) == before


def test_editing_an_item_re_embeds_only_that_item_and_its_paragraph(fake_store, fake_embedder,
                                                                    data_copy):
    fake_store.sync(load(data_copy), scope=[data_copy])
    before = stored(fake_store)
    fake_embedder.reset()

    old = "Provide appropriate training and instructions for human operators."
    new = "Provide appropriate training, exercises and instructions for human operators."
    edit(data_copy / GGE, old, new)
    report = fake_store.sync(load(data_copy), scope=[data_copy])

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
    fake_store.sync(load(data_copy), scope=[data_copy])
    before = stored(fake_store)
    fake_embedder.reset()

    edit(data_copy / GGE, "the Group concluded that:", "the Group unanimously concluded that:")
    documents = load(data_copy)
    report = fake_store.sync(documents, scope=[data_copy])

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
    fake_store.sync(load(data_copy), scope=[data_copy])
    path = data_copy / GGE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("23."))
    path.write_text("".join(lines[:start]), encoding="utf-8")

    report = fake_store.sync(load(data_copy), scope=[data_copy])

    assert report.removed == 1 and report.embedded == 0
    assert fake_store.get([f"{SYMBOL}|en|body|23"]) == []
    assert fake_store.get([f"{SYMBOL}|en|body|22"]) != []


def test_deleted_file_is_removed_on_next_sync_of_its_folder(fake_store, fake_embedder, data_copy):
    documents = load(data_copy)
    fake_store.sync(documents, scope=[data_copy])
    letter = doc_of(documents, LETTER)
    fake_embedder.reset()

    (data_copy / LETTER).unlink()
    report = fake_store.sync(load(data_copy), scope=[data_copy])

    assert report.removed_documents == [letter.document.doc_id]
    assert report.removed == len(letter.paragraphs)
    assert fake_embedder.documents_embedded == 0
    assert fake_store.where(doc_id=letter.document.doc_id) == []
    assert fake_store.count() == paragraph_count(documents) - len(letter.paragraphs)


def test_deleted_file_outside_the_synced_scope_is_kept(fake_store, data_copy):
    documents = load(data_copy)
    fake_store.sync(documents, scope=[data_copy])
    letter = doc_of(documents, LETTER)

    (data_copy / LETTER).unlink()
    report = fake_store.sync(load(data_copy / GGE), scope=[data_copy / GGE])

    assert report.removed == 0 and report.removed_documents == []
    assert len(fake_store.where(doc_id=letter.document.doc_id)) == len(letter.paragraphs)


def test_file_that_became_unparsable_keeps_its_paragraphs(fake_store, fake_embedder, data_copy):
    documents = load(data_copy)
    fake_store.sync(documents, scope=[data_copy])
    before = stored(fake_store)
    fake_embedder.reset()

    (data_copy / LETTER).write_bytes(b"")  # emptied by accident: still there, but unreadable
    result = load_documents([data_copy])
    assert any(LETTER in reason and "empty" in reason for reason in result.skipped)
    report = fake_store.sync(result.documents, scope=[data_copy])

    assert report.removed == 0 and report.removed_documents == []
    assert report.embedded == 0
    assert stored(fake_store) == before


def test_moved_file_survives_reindexing_its_old_folder(fake_store, tmp_path, data_dir):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    shutil.copy(data_dir / GGE, old / GGE)
    shutil.copy(data_dir / LETTER, old / LETTER)
    fake_store.sync(load(old), scope=[old])
    shutil.move(old / GGE, new / GGE)
    fake_store.sync(load(new), scope=[new])  # now indexed from its new place

    report = fake_store.sync(load(old), scope=[old])

    assert report.removed_documents == []
    assert fake_store.get([f"{SYMBOL}|en|body|21"]) != []


def test_deleted_file_is_removed_whatever_the_working_directory(fake_store, data_copy,
                                                                 monkeypatch):
    monkeypatch.chdir(data_copy.parent)
    relative = Path(data_copy.name)
    fake_store.sync(load(relative), scope=[relative])
    (data_copy / LETTER).unlink()

    monkeypatch.chdir("/")  # e.g. `assistant index /abs/docs` run from elsewhere
    report = fake_store.sync(load(data_copy), scope=[data_copy])

    assert len(report.removed_documents) == 1


def test_rows_whose_vectors_ship_are_stored_in_large_batches_the_rest_sixteen_at_a_time():
    """Chroma's upsert costs per call: the library's shipped rows, 16 at a time, took 32 s."""
    from types import SimpleNamespace

    from index.store.sync import EMBED_BATCH, STORE_BATCH, storage_batches

    rows = [SimpleNamespace(embed_text=("shipped" if i < 600 or i >= 640 else "new") + str(i))
            for i in range(700)]
    embedder = SimpleNamespace(ships=lambda text: text.startswith("shipped"))

    sizes = [len(batch) for batch in storage_batches(embedder, rows)]

    # 600-639 need the model: 16, 16, then 632-647 (eight of each), then the shipped rest
    assert sizes == [STORE_BATCH, STORE_BATCH, 88, EMBED_BATCH, EMBED_BATCH, EMBED_BATCH, 52]
    assert sum(sizes) == len(rows)
    # an embedder that cannot tell (a model alone): sixteen at a time, as before
    assert {len(b) for b in storage_batches(SimpleNamespace(), rows[:64])} == {EMBED_BATCH}
