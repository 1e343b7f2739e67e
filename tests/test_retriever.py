"""Retrieval and citation look-up: exact locators, both languages, follow-ups, bad queries."""

import pytest

from index.errors import ConfigError, NotFoundError, QueryError
from index.search.lookup import look_up
from index.search.retriever import Retriever, brevity_prior, validate_query

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
    en = next(p for p in fake_retriever.paragraphs.values()
              if p.symbol == GGE and p.lang == "en" and p.locator == "21(c)")
    zh = fake_retriever.counterpart(en)
    assert zh is not None and zh.lang == "zh" and zh.locator == "21(c)"
    assert "国际人道法" in zh.text
    assert fake_retriever.counterpart(zh) == en
    resolution = next(p for p in fake_retriever.paragraphs.values() if p.symbol == "A/RES/78/241")
    assert fake_retriever.counterpart(resolution) is None  # English only in this corpus


def test_look_up_a_paragraph_and_a_whole_document(fake_retriever):
    [para] = look_up(fake_retriever, "CCW/GGE.1/2023/2 para. 21 (c)")
    assert para.label() == "CCW/GGE.1/2023/2, para. 21 (c)"
    [zh] = look_up(fake_retriever, "第 21 段(c)")
    assert zh.lang == "zh" and zh.locator == "21(c)"
    whole = look_up(fake_retriever, "A/RES/78/241")
    assert [p.locator for p in whole if p.kind == "paragraph"][:2] == ["#1", "#2"]
    assert whole[-1].kind == "footnote"
    principle = look_up(fake_retriever, "CCW/MSP/2019/9, annex III, principle (b)")
    assert [p.locator for p in principle] == ["#1(b)"]


def test_look_up_of_a_missing_paragraph_names_the_nearest_valid_ones(fake_retriever):
    with pytest.raises(NotFoundError) as info:
        look_up(fake_retriever, "CCW/GGE.1/2023/2 para. 99")
    assert "no such paragraph" in str(info.value)
    assert [p.locator for p in info.value.nearest][:2] == ["25", "24"]
    with pytest.raises(NotFoundError):
        look_up(fake_retriever, "A/RES/99/999")


def test_letter_paragraphs_are_found_by_counted_position(fake_retriever):
    [p] = look_up(fake_retriever, "附件二第 1 段")
    assert p.part == "annex II" and p.symbol is None and p.counted


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
    short = next(p for p in fake_retriever.paragraphs.values() if p.text == "阁下，")
    long = next(p for p in fake_retriever.paragraphs.values() if len(p.text) > 100)
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
