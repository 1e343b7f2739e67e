"""Retrieval and citation look-up: exact locators, both languages, follow-ups, bad queries."""

import pytest

from index.errors import ConfigError, NotFoundError, QueryError
from index.search.held_vectors import HeldVectors
from index.search.query import validate_query
from index.search.retriever import Retriever, brevity_prior
from index.search.scope import Scope

GGE = "CCW/GGE.1/2023/2"


@pytest.fixture(scope="module")
def real_retriever(real_store):
    return Retriever(real_store)


# ---- exact look-up (no real model needed) ----------------------------------------------------

def test_named_paragraph_ranks_first_in_the_question_language(fake_retriever):
    hits = fake_retriever.search("What does CCW/GGE.1/2023/2 para. 22 (c) say?", k=3)
    first = hits[0].paragraph
    assert (first.symbol, first.locator, first.lang) == (GGE, "22(c)", "en")
    assert "locator" in hits[0].sources
    zh = fake_retriever.search("CCW/GGE.1/2023/2 号文件第 22 段(c)分段说了什么？", k=3)[0].paragraph
    assert (zh.locator, zh.lang) == ("22(c)", "zh")


def test_a_paragraph_number_without_symbol_takes_the_symbol_from_history(fake_retriever):
    history = ["What does resolution A/RES/78/241 say about the Secretary-General?"]
    first = fake_retriever.search("And paragraph 2?", k=3, history=history)[0].paragraph
    assert (first.symbol, first.locator) == ("A/RES/78/241", "2")


def test_counterpart_links_the_two_language_versions(fake_retriever):
    en = next(p for p in fake_retriever.catalogue.paragraphs.values()
              if p.symbol == GGE and p.lang == "en" and p.locator == "21(c)")
    zh = fake_retriever.catalogue.counterpart(en)
    assert zh is not None and zh.lang == "zh" and zh.locator == "21(c)"
    assert "国际人道法" in zh.text
    assert fake_retriever.catalogue.counterpart(zh) == en
    resolution = next(p for p in fake_retriever.catalogue.paragraphs.values() if p.symbol == "A/RES/78/241")
    assert fake_retriever.catalogue.counterpart(resolution) is None  # English only in this corpus


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_is_refused(fake_retriever, query):
    with pytest.raises(QueryError):
        fake_retriever.search(query)


def test_overlong_query_and_bad_k_are_refused(fake_retriever):
    with pytest.raises(QueryError, match="limit"):
        validate_query("x" * 5000)
    with pytest.raises(ConfigError, match="k must be > 0, got 0"):
        fake_retriever.search("IHL", k=0)


def test_brevity_prior_only_touches_very_short_records(fake_retriever):
    short = next(p for p in fake_retriever.catalogue.paragraphs.values() if p.text == "阁下，")
    long = next(p for p in fake_retriever.catalogue.paragraphs.values() if len(p.text) > 100)
    assert brevity_prior(short) < 0.7
    assert brevity_prior(long) == 1.0


# ---- real embedder ---------------------------------------------------------------------------

@pytest.mark.integration
def test_plain_english_question_finds_the_ihl_conclusion(real_retriever):
    hits = real_retriever.search("Does international humanitarian law apply to LAWS?", k=5)
    keys = {(h.paragraph.symbol, h.paragraph.locator) for h in hits}
    assert keys & {(GGE, "21(a)"), (GGE, "21"), ("CCW/MSP/2019/9", "#1(a)")}


@pytest.mark.integration
def test_informal_name_does_not_send_a_newcomer_to_an_ngo_list(real_retriever):
    hits = real_retriever.search("Does international law apply to killer robots?", k=3)
    assert all(h.paragraph.locator != "11" for h in hits)  # "Campaign to Stop Killer Robots"


@pytest.mark.integration
def test_english_question_reaches_the_chinese_only_letter(real_retriever):
    hits = real_retriever.search(
        "What did the Friend of the Chair propose the Conference on Disarmament should do first?",
        k=5)
    assert any(h.paragraph.symbol is None and h.paragraph.lang == "zh" for h in hits)


@pytest.mark.integration
def test_chinese_question_reaches_the_english_only_resolution(real_retriever):
    hits = real_retriever.search("联合国大会关于致命性自主武器系统的决议确认了哪些法律适用？", k=5)
    assert any(h.paragraph.symbol == "A/RES/78/241" for h in hits)


@pytest.mark.integration
def test_follow_up_uses_the_previous_turn(real_retriever):
    history = ["What should States do to limit weapon systems based on LAWS technologies?"]
    hits = real_retriever.search("And what about training?", k=3, history=history)
    assert any(h.paragraph.symbol == GGE and h.paragraph.locator in ("22(c)", "22")
               for h in hits)


def test_the_document_a_question_names_by_its_card_comes_first(fake_retriever):
    # With the fake embedder the dense list is noise: the card names the letter.
    question = "What does the letter from Belarus say about the working group?"
    query = fake_retriever.analyse(question)
    assert dict(query.documents_meant).get("cd-letter-2017-09-08-belarus.zh") == 1.0
    hits = fake_retriever.search(query, 5)
    assert hits[0].paragraph.doc_id == "cd-letter-2017-09-08-belarus.zh"
    assert "document" in hits[0].sources  # searched on its own as the one document meant


@pytest.mark.parametrize("change, message", [
    ({"candidates": 0}, "candidates must be a whole number > 0, got 0"),
    ({"document_weight": -1}, "document_weight must be >= 0, got -1"),
    ({"route_margin": 2}, "route_margin must be between 0 and 1, got 2"),
    ({"submission_score": "high"}, "submission_score must be a number, got 'high'"),
])
def test_retrieval_settings_are_checked_when_built(change, message):
    from index.search.settings import RetrievalSettings
    with pytest.raises(ConfigError, match=message):
        RetrievalSettings(**change)


def test_a_document_weight_of_zero_ignores_the_cards(fake_retriever):
    from index.search.settings import RetrievalSettings
    plain = Retriever(fake_retriever.store, RetrievalSettings(document_weight=0, route_margin=0))
    query = plain.analyse("What does the letter from Belarus say about the working group?")
    weighted = {h.paragraph.id: h.score for h in fake_retriever.search(query, 20)}
    unweighted = {h.paragraph.id: h.score for h in plain.search(query, 20)}
    letter = [pid for pid in weighted if pid.startswith("cd-letter") or "|zh|annex" in pid]
    shared = [pid for pid in letter if pid in unweighted]
    assert shared and all(weighted[pid] > unweighted[pid] for pid in shared)


class CountingSnapshot:
    """Wraps a snapshot and records each query's depth and filter."""

    def __init__(self, snapshot):
        self.snapshot, self.calls = snapshot, []

    def nearest_ids(self, vector, k, where=None):
        self.calls.append((k, where))
        return self.snapshot.nearest_ids(vector, k, where)

    def vectors(self, ids):
        return self.snapshot.vectors(ids)


def test_the_unfiltered_query_goes_deep_enough_for_the_smallest_language():
    from index.search.retriever import MAX_UNFILTERED_DEPTH, unfiltered_depth
    assert unfiltered_depth({"en": 500, "zh": 500}, 60) == 240  # twice each language's share
    assert unfiltered_depth({"en": 80_590, "zh": 19_410}, 60) == 619  # 120 Chinese expected
    assert unfiltered_depth({"en": 99_000, "zh": 1_000}, 60) == MAX_UNFILTERED_DEPTH
    assert unfiltered_depth({"en": 100}, 60) == 100  # never past the records held
    assert unfiltered_depth({}, 60) == 60


def test_the_dense_list_searches_each_language_held_and_asks_chroma_for_one_not_held(
        fake_retriever, monkeypatch):
    """Over the whole library each language is searched from its vectors held in memory, the
    exact cosine ranking a filtered query gives, without asking Chroma at all; a language too
    large to hold comes from one query without a filter, then, when that brought fewer than
    ``candidates`` of it, its filtered query. Each language keeps at most ``candidates``, best
    first."""
    import index.search.retriever as retriever_module
    from index.search.retriever import unfiltered_depth

    # The fixture is small: an unfiltered query this shallow brings too few of each language.
    monkeypatch.setattr(retriever_module, "MAX_UNFILTERED_DEPTH", 10)
    loaded = fake_retriever.catalogue.current()
    snapshot = CountingSnapshot(fake_retriever.store.snapshot())
    query = fake_retriever.analyse("Does IHL apply to lethal autonomous weapons systems?")
    vector = query.vector(query.standalone_wording, fake_retriever.store.embedder.embed_query)
    c = fake_retriever.candidates
    fake_retriever.held = HeldVectors()
    found = fake_retriever.nearest_by_language(loaded, snapshot, vector, None)
    assert snapshot.calls == []  # no query to Chroma: every language read and held
    for lang in loaded.langs:
        mine = [(pid, score) for pid, score, l in found if l == lang]
        assert 0 < len(mine) <= c and [s for _, s in mine] == sorted([s for _, s in mine],
                                                                     reverse=True)
        assert all(loaded.paragraphs[pid].lang == lang for pid, _ in mine)
        exact = fake_retriever.store.snapshot().nearest_ids(vector, c, where={"lang": lang})
        assert {pid for pid, _ in mine} == {pid for pid, _ in exact}
        assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(mine, exact))

    monkeypatch.setattr(retriever_module, "MAX_HELD_LANGUAGE", 0)
    fake_retriever.held = HeldVectors()  # what is held already is searched whatever its size
    snapshot.calls.clear()
    again = fake_retriever.nearest_by_language(loaded, snapshot, vector, None)
    sizes = {lang: len(ids) for lang, ids in loaded.by_lang.items()}
    assert snapshot.calls[0] == (unfiltered_depth(sizes, c), None)
    assert snapshot.calls[1:] and all(set(where) == {"lang"} for _, where in snapshot.calls[1:])
    assert {pid for pid, _, _ in again} == {pid for pid, _, _ in found}
    fake_retriever.held = HeldVectors()
    # Inside a scope: one filtered query per language, as before.
    scope = fake_retriever.catalogue.in_scope(Scope.of(["CCW/GGE.1/2023/2"]))
    snapshot.calls.clear()
    fake_retriever.nearest_by_language(loaded, snapshot, vector, scope)
    assert len(snapshot.calls) == len(loaded.langs) and all(w for _, w in snapshot.calls)
