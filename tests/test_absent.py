"""A question naming a document the library does not hold, or a year nothing found is about,
is refused saying so, whatever the passages found."""

from dataclasses import replace

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.absent import absent_documents
from assistant.chain import answer_question
from assistant.settings import Settings
from fakes import OPEN_GATE
from index.models import Hit
from index.search.relevance import missing_years

SETTINGS = Settings(llm="none", translate=False)


@pytest.fixture
def retriever(fake_retriever):
    return fake_retriever


def hits_of(retriever, symbol, lang="en"):
    return [Hit(p, 1.0, ("dense",)) for p in retriever.catalogue.paragraphs.values()
            if p.symbol == symbol and p.lang == lang]


def test_a_resolution_the_library_does_not_hold_is_absent(retriever):
    hits = hits_of(retriever, "A/RES/78/241")
    question = "How many States voted for resolution 79/62?"
    assert absent_documents(question, hits, retriever.catalogue) == ["A/RES/79/62"]
    assert absent_documents("第79/62号决议有多少票赞成？", hits, retriever.catalogue) == [
        "A/RES/79/62"]
    assert absent_documents("What does resolution 78/241 request?", hits,
                            retriever.catalogue) == []


def test_a_document_a_passage_mentions_is_not_absent(retriever):
    """The 2023 report cites its 2022 predecessor: a question about it can be answered."""
    hits = hits_of(retriever, "CCW/GGE.1/2023/2")
    assert any("CCW/GGE.1/2022/2" in h.paragraph.text for h in hits)
    assert absent_documents("What is in annex II of CCW/GGE.1/2022/2?", hits,
                            retriever.catalogue) == []
    assert absent_documents("What is in CCW/GGE.1/2031/2?", hits, retriever.catalogue) == [
        "CCW/GGE.1/2031/2"]


def test_a_year_nothing_found_is_about_is_absent(retriever):
    hits = hits_of(retriever, "CCW/GGE.1/2023/2")
    assert missing_years("What did the Group conclude in 2031?", hits) == ["2031"]
    assert missing_years("What did the Group conclude in 2023?", hits) == []


def test_a_named_documents_date_holds_its_year(retriever):
    """"Its 2024 submission for the Secretary-General's report" is answered by a reply in the
    2024 report though the reply never prints the year; a 2024 document the question does not
    name does not answer "the 2024 session"."""
    hits = [h for h in hits_of(retriever, "A/RES/78/241") if "2023" not in h.paragraph.text
            and "2023" not in h.paragraph.doc_title]
    assert hits
    doc_id = hits[0].paragraph.doc_id
    question = "What does the 2023 resolution on autonomous weapons request?"
    assert missing_years(question, hits) == ["2023"]
    assert missing_years(question, hits, {doc_id: "2023"}) == []
    assert missing_years(question, hits, {"another-document": "2023"}) == ["2023"]
    found = retriever.retrieve("What does General Assembly resolution 78/241 request?")
    assert (doc_id, "2023") in found.named_years


@pytest.mark.parametrize("llm", [None, FakeListChatModel(responses=[
    "The sixteenth preambular paragraph was retained by a recorded vote of 156 to none [1]."])])
def test_the_answer_says_what_is_missing_and_never_answers(retriever, llm):
    answer = answer_question("How many States voted for resolution 79/62?", [], retriever, llm,
                             SETTINGS, gate=OPEN_GATE)
    assert answer.refused and answer.citations == []
    assert answer.text.startswith("The library does not hold A/RES/79/62, and no passage found "
                                  "mentions it")
    assert "156" not in answer.text
    assert answer.text.count("\n- ") == min(3, len(answer.passages))  # the nearest, listed


def test_the_chinese_refusal_names_the_year(retriever):
    answer = answer_question("专家组2031年会议得出了什么结论？", [], retriever, None, SETTINGS,
                             gate=OPEN_GATE)
    assert answer.refused
    assert answer.text.startswith("检索到的内容中没有 2031 年的文件或相关段落")


def test_a_submitter_with_nothing_in_the_library_is_absent_unless_a_passage_names_it(retriever):
    from assistant.absent import absent_submitters

    hits = hits_of(retriever, "A/RES/78/241")
    catalogue = retriever.catalogue
    assert absent_submitters("What views did Türkiye submit on LAWS?", hits, catalogue) == [
        "Türkiye"]
    assert absent_submitters("土耳其提交了什么意见？", hits, catalogue) == ["Türkiye"]
    # Not asking for views: not this rule's question.
    assert absent_submitters("Did Türkiye attend the 2023 session?", hits, catalogue) == []
    # Belarus wrote a document the library holds (the 2017 letter): not absent.
    assert absent_submitters("What did Belarus propose?", hits, catalogue) == []
    # A passage found names Egypt (the report's list of participants): not absent.
    listing = [h for h in hits_of(retriever, "CCW/GGE.1/2023/2") if "Egypt" in h.paragraph.text]
    assert listing
    assert absent_submitters("What did Egypt propose?", listing, catalogue) == []


def test_a_question_on_an_absent_submitters_views_is_refused_naming_it(retriever):
    llm = FakeListChatModel(responses=["Türkiye proposed a ban [1]."])
    answer = answer_question("What views did Türkiye submit on LAWS?", [], retriever, llm,
                             SETTINGS, gate=OPEN_GATE)
    assert answer.refused and "holds nothing submitted by Türkiye" in answer.text
    # In Chinese, named in Chinese (the refusal's opening, before the nearest paragraphs).
    from assistant.absent import absent_intro

    found = replace(retriever.retrieve("土耳其提交了什么意见？"),
                    hits=hits_of(retriever, "A/RES/78/241"))
    intro = absent_intro(found, retriever.catalogue)
    assert intro["zh"].startswith("文库中没有 土耳其 提交的内容")
    # Found among the passages (the report lists it as a participant), it is not refused.
    zh = answer_question("土耳其提交了什么意见？", [], retriever, None, SETTINGS, gate=OPEN_GATE)
    assert "文库中没有 土耳其" not in zh.text
