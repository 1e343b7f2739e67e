"""A search inside a small set (a submission, a document) from its vectors held in memory: the
same neighbours as Chroma's filtered query, without asking Chroma for one."""

from index.search.held_vectors import MAX_HELD_SET, HeldVectors


def test_the_nearest_of_a_set_are_chromas_filtered_ones(fake_retriever):
    loaded = fake_retriever.catalogue.current()
    snapshot = fake_retriever.store.snapshot()
    doc_id, ids = next((d, ids) for d, ids in loaded.by_document.items() if len(ids) > 30)
    vector = fake_retriever.store.embedder.embed_query("human control over weapons systems")
    held = HeldVectors()
    found = held.nearest(snapshot, loaded.stamp, ("doc", doc_id), ids, vector, 10)
    chroma = snapshot.nearest_ids(vector, 10, where={"doc_id": doc_id})
    assert [pid for pid, _ in found] == [pid for pid, _ in chroma]
    assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(found, chroma))
    # Read once per generation: a second search asks the store for nothing.
    class NoReads:
        def vectors(self, ids):
            raise AssertionError("read again")
    assert held.nearest(NoReads(), loaded.stamp, ("doc", doc_id), ids, vector, 10) == found


def test_an_empty_set_finds_nothing_and_a_large_one_is_left_to_chroma(fake_retriever):
    held, snapshot = HeldVectors(), fake_retriever.store.snapshot()
    vector = fake_retriever.store.embedder.embed_query("anything")
    assert held.nearest(snapshot, "g", "empty", frozenset(), vector, 5) == []
    too_many = frozenset(f"id{i}" for i in range(MAX_HELD_SET + 1))
    assert held.nearest(snapshot, "g", "large", too_many, vector, 5) is None


def test_the_oldest_sets_go_when_too_many_vectors_are_held(fake_retriever, monkeypatch):
    import index.search.held_vectors as held_vectors

    loaded = fake_retriever.catalogue.current()
    snapshot = fake_retriever.store.snapshot()
    vector = fake_retriever.store.embedder.embed_query("weapons")
    sets = [(d, ids) for d, ids in loaded.by_document.items() if len(ids) > 10][:3]
    monkeypatch.setattr(held_vectors, "MAX_HELD_VECTORS", len(sets[1][1]) + len(sets[2][1]))
    held = HeldVectors()
    for doc_id, ids in sets:
        held.nearest(snapshot, loaded.stamp, doc_id, ids, vector, 5)
    assert [key for _, key in held._held] == [sets[1][0], sets[2][0]]
