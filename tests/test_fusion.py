"""Reciprocal-rank fusion (index.search.fusion): one function for every fused list."""

from index.search.fusion import fuse_hits, fuse_ranked, reciprocal_rank


def test_fused_hits_keep_locator_hits_first(fake_retriever):
    hits = fake_retriever.search("What does CCW/GGE.1/2023/2 para. 22 (c) say?", k=3)
    other = fake_retriever.search("training of operators", k=3)
    fused = fuse_hits([other, hits], 3)
    assert fused[0].paragraph.locator == "22(c)"


def test_agreement_between_lists_outranks_one_list_alone():
    scores, sources = fuse_ranked([("dense", ["a", "b"]), ("keyword", ["b", "c"])])
    assert max(scores, key=scores.get) == "b"
    assert scores["b"] == reciprocal_rank(1) + reciprocal_rank(0)
    assert sources["b"] == {"dense", "keyword"} and sources["c"] == {"keyword"}
