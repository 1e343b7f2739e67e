"""Tokenization and the BM25 keyword index (index.search.keyword)."""

import time

import pytest

from index.errors import ConfigError
from index.un.glossary import expand_query
from index.search.keyword import KeywordIndex, tokenize

# Short real paragraphs from the corpus: CCW/GGE.1/2023/2 (zh, en), CCW/MSP/2019/9, a CD letter.
PARAS = {
    "zh21a": "(a) 国际人道法继续充分适用于致命性自主武器系统的潜在开发和使用；",
    "zh22": "22. 各国必须确保在基于致命性自主武器系统领域新兴技术的武器系统的整个生命周期内，"
    "遵守其根据国际法，特别是根据国际人道法承担的义务。",
    "zh10": "10. 欧洲联盟、红十字国际委员会(红十字委员会)和联合国裁军研究所(裁研所)"
    "的代表按照议事规则参加了专家组的工作。",
    "zhcd": "我谨以裁军谈判会议“前进道路”问题工作组主席之友并以工作组有关议程项目 5、6 和 7 "
    "会议共同主持人的身份，荣幸地转交概述这些议程项目讨论情况的报告。",
    "enb": "(b) Human responsibility for decisions on the use of weapons systems must be retained "
    "since accountability cannot be transferred to machines.",
    "en25": "25. On Friday, 19 May 2023, the Group adopted its final report, as contained in "
    "document CCW/GGE.1/2023/CRP.2, as orally amended.",
}


@pytest.fixture
def index():
    idx = KeywordIndex()
    idx.add(list(PARAS), list(PARAS.values()))
    return idx


# ---- tokenize -----------------------------------------------------------------------------


def test_tokenize_drops_whitespace_and_punctuation():
    tokens = tokenize("国际人道法 继续，充分适用。 (a) “Human-machine”  interaction!\n\t—")
    assert tokens
    for token in tokens:
        assert token.strip() == token and token
        assert any(ch.isalnum() for ch in token), token


def test_tokenize_chinese_words_and_function_words():
    tokens = tokenize("国际人道法继续充分适用于致命性自主武器系统的潜在开发和使用")
    assert "国际人道法" in tokens or "人道法" in tokens
    assert "武器" in tokens
    for stop in ("的", "和"):
        assert stop not in tokens


def test_tokenize_english_lowercase_stopwords_and_plurals():
    tokens = tokenize("The Weapons Systems of the LAWS")
    assert tokens == ["weapon", "system", "laws"]


def test_tokenize_keeps_symbols_whole():
    assert "ccw/gge.1/2023/crp.2" in tokenize("as contained in document CCW/GGE.1/2023/CRP.2.")


def test_tokenize_only_punctuation_gives_nothing():
    assert tokenize(" ，。！？  \n") == []
    assert tokenize("") == []


# ---- search -------------------------------------------------------------------------------


def test_chinese_query_finds_chinese_paragraph(index):
    hits = index.search("红十字委员会参加了专家组的工作吗？", k=3)
    assert hits[0][0] == "zh10"
    assert all(score > 0 for _, score in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_english_query_alone_misses_chinese_paragraph(index):
    # Without the glossary, an English question shares no token with the Chinese text.
    hits = index.search("Does IHL apply to LAWS?", k=5)
    assert "zh21a" not in [doc_id for doc_id, _ in hits]


def test_english_query_expanded_by_glossary_finds_chinese_paragraph(index):
    question = "Does international humanitarian law apply to lethal autonomous weapons systems?"
    hits = index.search(question + " " + expand_query(question), k=3)
    assert hits[0][0] in ("zh21a", "zh22")
    assert {"zh21a", "zh22"} <= {doc_id for doc_id, _ in hits}


def test_english_query_does_not_match_spaces_in_chinese_text(index):
    hits = index.search("accountability of machines", k=10)
    assert [doc_id for doc_id, _ in hits] == ["enb"]


def test_symbol_query(index):
    assert index.search("CCW/GGE.1/2023/CRP.2", k=1)[0][0] == "en25"


def test_no_matching_term_gives_empty_list(index):
    assert index.search("zebra giraffe", k=5) == []
    assert index.search("，。", k=5) == []
    assert KeywordIndex().search("国际人道法") == []


def test_k_limits_results(index):
    assert len(index.search("武器 系统 weapons", k=1)) == 1


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_k_is_validated(index, k):
    with pytest.raises(ConfigError, match="k must be"):
        index.search("武器", k=k)


@pytest.mark.parametrize("kwargs, message", [
    ({"k1": -0.1}, "k1 must be >= 0"),
    ({"b": 1.5}, "b must be between 0 and 1"),
    ({"k1": "x"}, "k1 must be a number"),
])
def test_constructor_is_validated(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        KeywordIndex(**kwargs)


def test_add_validates_lengths():
    with pytest.raises(ConfigError, match="same length, got 2 and 1"):
        KeywordIndex().add(["a", "b"], ["text"])


# ---- maintenance --------------------------------------------------------------------------


def test_remove(index):
    assert len(index) == len(PARAS)
    assert index.remove(["zh10", "missing"]) == 1
    assert len(index) == len(PARAS) - 1
    assert "zh10" not in index
    assert "zh10" not in [doc_id for doc_id, _ in index.search("红十字委员会 裁研所", k=10)]
    # Terms only that paragraph had are gone from the postings too.
    assert index.search("裁研所", k=10) == []


def test_re_adding_an_id_replaces_it(index):
    index.add(["zh10"], ["完全不同的内容：生命周期"])
    assert len(index) == len(PARAS)
    assert index.search("裁研所", k=10) == []
    assert "zh10" in [doc_id for doc_id, _ in index.search("生命周期", k=10)]


def test_search_is_fast_on_2000_paragraphs():
    texts = list(PARAS.values())
    idx = KeywordIndex()
    idx.add([f"p{i}" for i in range(2000)], [texts[i % len(texts)] + f" {i}" for i in range(2000)])
    question = "Does IHL apply to LAWS across the life cycle?"
    query = question + " " + expand_query(question)
    idx.search(query)  # warm-up: jieba's dictionary, the length cache
    # Best of five batches, so a busy machine does not fail the test; every query term here
    # hits hundreds of paragraphs, a harder case than real text.
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(10):
            idx.search(query, k=10)
        timings.append((time.perf_counter() - start) / 10)
    assert min(timings) < 0.005


def test_english_inflections_meet_in_the_keyword_index():
    index = KeywordIndex()
    index.add(["a", "b"], ["The Chair encourages the voluntary exchange of best practices.",
                           "The Group adopted its agenda."])
    assert index.search("Who chaired it and what was encouraged?", k=2)[0][0] == "a"
    assert tokenize("LAWS") == ["laws"]  # an abbreviation is not stemmed to "law"


# ---- concurrency --------------------------------------------------------------------------


def test_tokenize_gives_the_same_tokens_from_many_threads_at_once():
    """The page answers several users at once: 8 threads × 300 tokenizations must give exactly
    the single-threaded tokens (a shared stemmer raised IndexError and silently changed them)."""
    import sys
    import threading

    texts = [
        "Delegations considered the characterization of emerging technologies, reviewing "
        "accountability, responsibilities and the applicability of international humanitarian law",
        "The Group adopted its final report, as contained in document CCW/GGE.1/2023/CRP.2, "
        "encouraging States to strengthen human–machine interaction in targeting operations",
        PARAS["zh22"] + " " + PARAS["enb"],
        "Requests the Secretary-General to seek the views of Member States and observer States "
        "on lethal autonomous weapons systems, inter alia on ways to address the challenges",
    ]
    expected = [tokenize(text) for text in texts]
    errors: list[BaseException] = []
    differing: list[int] = []
    start = threading.Barrier(8)

    def work(offset: int) -> None:
        start.wait()
        for i in range(300):
            n = (i + offset) % len(texts)
            try:
                if tokenize(texts[n]) != expected[n]:
                    differing.append(n)
            except BaseException as exc:  # noqa: BLE001 - counted, then reported
                errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show at once
    try:
        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == [] and differing == [], (len(errors), len(differing), errors[:1])
