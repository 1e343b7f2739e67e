"""A search inside a set (a submission, a document, a language) from its vectors held in
memory: the same neighbours as Chroma's filtered query, without asking Chroma for one; after a
write, only the documents whose version changed are read again."""

from dataclasses import replace

import pytest

from index.search.held_vectors import MAX_HELD_SET, HeldVectors


class CountingReads:
    def __init__(self, snapshot):
        self.snapshot, self.asked = snapshot, []

    def vectors(self, ids):
        self.asked.append(list(ids))
        return self.snapshot.vectors(ids)


def test_the_nearest_of_a_set_are_chromas_filtered_ones(fake_retriever):
    loaded = fake_retriever.catalogue.current()
    snapshot = fake_retriever.store.snapshot()
    doc_id, ids = next((d, ids) for d, ids in loaded.by_document.items() if len(ids) > 30)
    vector = fake_retriever.store.embedder.embed_query("human control over weapons systems")
    held = HeldVectors()
    found = held.nearest(snapshot, loaded, ("doc", doc_id), ids, vector, 10)
    chroma = snapshot.nearest_ids(vector, 10, where={"doc_id": doc_id})
    assert [pid for pid, _ in found] == [pid for pid, _ in chroma]
    assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(found, chroma))
    # Read once per generation: a second search asks the store for nothing.
    reads = CountingReads(snapshot)
    assert held.nearest(reads, loaded, ("doc", doc_id), ids, vector, 10) == found
    assert reads.asked == []


def test_after_a_write_only_the_changed_documents_are_read_again(fake_retriever):
    loaded = fake_retriever.catalogue.current()
    snapshot = fake_retriever.store.snapshot()
    lang_ids = loaded.by_lang["en"]
    vector = fake_retriever.store.embedder.embed_query("legal reviews of new weapons")
    assert loaded.versions  # every write stamps its documents' versions
    held = HeldVectors()
    before = held.nearest(snapshot, loaded, ("lang", "en"), lang_ids, vector, 10, 10**6)
    changed = next(d for d, ids in loaded.by_document.items() if ids & lang_ids)
    # The next generation: one document's version moved (it was written again).
    versions = {**loaded.versions, changed: "rewritten"}
    reads = CountingReads(snapshot)
    after = held.nearest(reads, replace(loaded, stamp="next", versions=versions), ("lang", "en"),
                         lang_ids, vector, 10, 10**6)
    assert [set(asked) for asked in reads.asked] == [set(loaded.by_document[changed] & lang_ids)]
    assert [pid for pid, _ in after] == [pid for pid, _ in before]


def test_an_empty_set_finds_nothing_and_a_large_one_is_left_to_chroma(fake_retriever):
    held, snapshot = HeldVectors(), fake_retriever.store.snapshot()
    loaded = fake_retriever.catalogue.current()
    vector = fake_retriever.store.embedder.embed_query("anything")
    assert held.nearest(snapshot, loaded, "empty", frozenset(), vector, 5) == []
    too_many = frozenset(f"id{i}" for i in range(MAX_HELD_SET + 1))
    assert held.nearest(snapshot, loaded, "large", too_many, vector, 5) is None


def test_the_least_recently_used_sets_go_when_too_many_vectors_are_held(fake_retriever,
                                                                        monkeypatch):
    import index.search.held_vectors as held_vectors

    loaded = fake_retriever.catalogue.current()
    snapshot = fake_retriever.store.snapshot()
    vector = fake_retriever.store.embedder.embed_query("weapons")
    sets = [(d, ids) for d, ids in loaded.by_document.items() if len(ids) > 10][:3]
    monkeypatch.setattr(held_vectors, "MAX_HELD_VECTORS", len(sets[0][1]) + len(sets[2][1]))
    held = HeldVectors()
    for doc_id, ids in sets[:2]:
        held.nearest(snapshot, loaded, doc_id, ids, vector, 5)
    held.nearest(snapshot, loaded, sets[0][0], sets[0][1], vector, 5)  # used again
    held.nearest(snapshot, loaded, sets[2][0], sets[2][1], vector, 5)
    assert list(held._held) == [sets[0][0], sets[2][0]]


def test_a_set_inside_a_held_one_is_taken_from_its_rows_not_read_again(fake_retriever):
    loaded = fake_retriever.catalogue.current()
    snapshot = fake_retriever.store.snapshot()
    vector = fake_retriever.store.embedder.embed_query("review of national positions")
    held = HeldVectors()
    held.nearest(snapshot, loaded, ("lang", "en"), loaded.by_lang["en"], vector, 10, 10**6)
    doc_id, ids = next((d, ids) for d, ids in loaded.by_document.items()
                       if 10 < len(ids) and ids <= loaded.by_lang["en"])
    reads = CountingReads(snapshot)
    found = held.nearest(reads, loaded, ("doc", doc_id), ids, vector, 10)
    assert reads.asked == []
    chroma = snapshot.nearest_ids(vector, 10, where={"doc_id": doc_id})
    assert [pid for pid, _ in found] == [pid for pid, _ in chroma]
    # A set larger than may be copied is scored in place among the language's rows.
    in_place = held.nearest(reads, loaded, ("doc", "in place"), ids, vector, 10, largest=5)
    assert in_place == found and reads.asked == []
    # Not inside anything held (another generation): read from the store.
    held.nearest(reads, replace(loaded, stamp="next"), ("doc", "another"), ids, vector, 10)
    assert [set(asked) for asked in reads.asked] == [set(ids)]


def test_a_set_across_two_held_languages_is_pieced_from_their_rows(fake_retriever):
    # A State's reply in both language versions of a report: in neither language's set alone.
    loaded = fake_retriever.catalogue.current()
    snapshot = fake_retriever.store.snapshot()
    vector = fake_retriever.store.embedder.embed_query("national positions on human control")
    held = HeldVectors()
    for lang in ("en", "zh"):
        held.nearest(snapshot, loaded, ("lang", lang), loaded.by_lang[lang], vector, 10, 10**6)
    english = sorted(loaded.by_lang["en"])[:20]
    chinese = sorted(loaded.by_lang["zh"])[:20]
    ids = frozenset(english + chinese)
    reads = CountingReads(snapshot)
    found = held.nearest(reads, loaded, ("both", 1), ids, vector, 10)
    assert reads.asked == []
    expected = HeldVectors().nearest(snapshot, loaded, ("both", 2), ids, vector, 10)
    assert [pid for pid, _ in found] == [pid for pid, _ in expected]
    assert [s for _, s in found] == [pytest.approx(s, abs=1e-6) for _, s in expected]
    # Of a generation no held set is of: read from the store.
    held.nearest(reads, replace(loaded, stamp="next"), ("both", 3), ids, vector, 10)
    assert [set(asked) for asked in reads.asked] == [set(ids)]


def test_a_language_warmed_up_is_searched_without_a_read(fake_retriever):
    fake_retriever.held = HeldVectors()
    fake_retriever.warm_up()
    loaded = fake_retriever.catalogue.current()
    reads = CountingReads(fake_retriever.snapshot(loaded.stamp))
    lang = loaded.langs[0]
    vector = fake_retriever.store.embedder.embed_query("human control")
    found = fake_retriever.held.nearest(reads, loaded, ("lang", lang), loaded.by_lang[lang],
                                        vector, 3, len(loaded.by_lang[lang]))
    assert len(found) == 3 and reads.asked == []  # held by warm_up: scored without a read
    fake_retriever.held = HeldVectors()  # the session's retriever as other tests found it


def test_a_search_while_another_reads_its_set_asks_chroma_instead_of_reading_twice(
        fake_retriever):
    import threading
    import time

    class SlowReads(CountingReads):
        def vectors(self, ids):
            time.sleep(0.3)  # long enough for the second search to arrive during the read
            return super().vectors(ids)

    loaded = fake_retriever.catalogue.current()
    reads, held = SlowReads(fake_retriever.store.snapshot()), HeldVectors()
    vector = fake_retriever.store.embedder.embed_query("human control")
    ids = loaded.by_lang["en"]

    def first():
        found.append(held.nearest(reads, loaded, ("lang", "en"), ids, vector, 5, 10**6))

    found: list = []
    reader = threading.Thread(target=first)
    reader.start()
    time.sleep(0.1)
    assert held.nearest(reads, loaded, ("lang", "en"), ids, vector, 5, 10**6) is None
    reader.join()
    assert len(reads.asked) == 1 and len(found[0]) == 5
    # once read, the set is held: the next search is answered from it
    assert held.nearest(reads, loaded, ("lang", "en"), ids, vector, 5, 10**6) == found[0]


def test_while_the_warm_up_reads_the_languages_a_search_asks_chroma_for_them(
        fake_retriever, monkeypatch):
    import threading
    import time

    from index.store.snapshot import Snapshot

    # As at 100,000 records: the unfiltered query brings too few of a language, and each
    # language is larger than a set a search may read for itself.
    monkeypatch.setattr("index.search.retriever.MAX_UNFILTERED_DEPTH", 5)
    monkeypatch.setattr("index.search.retriever.MAX_HELD_SET", 10)
    reads: list[tuple[str, int]] = []
    original = Snapshot.vectors

    def slow(self, ids):
        ids = list(ids)
        reads.append((threading.current_thread().name, len(ids)))
        time.sleep(0.3)  # the search arrives while the warm-up reads
        return original(self, ids)

    monkeypatch.setattr(Snapshot, "vectors", slow)
    fake_retriever.held = HeldVectors()
    warming = threading.Thread(target=fake_retriever.warm_up, name="warm-up")
    warming.start()
    time.sleep(0.1)
    assert fake_retriever.search("human control over weapons systems", 5)
    searched_during = [n for name, n in reads if name != "warm-up"]
    warming.join()
    loaded = fake_retriever.catalogue.current()
    assert searched_during == []
    assert sorted(n for _, n in reads) == sorted(len(ids) for ids in loaded.by_lang.values())
    reads.clear()
    assert fake_retriever.search("human control over weapons systems", 5)
    assert reads == []  # held now: no read at all
    fake_retriever.held = HeldVectors()  # the session's retriever as other tests found it
