"""The relevance gate (index.search.relevance): named cut-offs, and years that must be found."""

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


def test_a_year_nothing_found_mentions_means_not_covered(fake_retriever):
    hits = fake_retriever.search("What did the GGE conclude?", k=5)
    assert years_found("What did the 2023 session conclude?", hits)
    assert not years_found("What did the 2031 session conclude?", hits)
    assert years_found("What did the GGE conclude?", hits)


def test_the_gate_admits_only_with_hits_and_reads_the_standalone_question(fake_retriever):
    query = fake_retriever.analyse("What did the 2031 session conclude?")
    hits = fake_retriever.search(query, 5)
    open_gate = RelevanceGate(min_dense_similarity=-1.0)
    assert not open_gate.admits(query, [], fake_retriever)
    assert not open_gate.admits(query, hits, fake_retriever)  # no 2031 in what was found
    query = fake_retriever.analyse("What did the 2023 session conclude?")
    assert open_gate.admits(query, fake_retriever.search(query, 5), fake_retriever)
