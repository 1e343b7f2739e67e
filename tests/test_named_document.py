"""An answer to a question that names one document, resting on others, says so."""

import pytest

from assistant.answer import Answer, Citation
from assistant.named_document import named_documents, note_other_documents


@pytest.fixture
def retriever(fake_retriever):
    return fake_retriever


def paragraph_of(retriever, symbol, lang="en"):
    return next(p for p in retriever.catalogue.paragraphs.values()
                if p.symbol == symbol and p.lang == lang and p.number)


def answer_citing(paragraph, lang="en", text="They should train operators [1].", quotes=()):
    return Answer(question="q", lang=lang, text=text, quotes=list(quotes),
                  citations=[Citation(1, paragraph, paragraph.label(lang))])


def test_an_answer_from_another_document_opens_with_a_note(retriever):
    query = retriever.analyse("What does resolution 78/241 say about training operators?")
    assert named_documents(query, retriever.catalogue, 0.5, "en") == {
        "A/RES/78/241": "A/RES/78/241"}
    other = paragraph_of(retriever, "CCW/GGE.1/2023/2")
    answer = note_other_documents(answer_citing(other, quotes=[(5, 10)]), query,
                                  retriever.catalogue, 0.5)
    assert answer.text.startswith("Nothing found in A/RES/78/241 answers this; the passages "
                                  "below are from CCW/GGE.1/2023/2, not from A/RES/78/241.")
    assert answer.text.endswith("They should train operators [1].")
    shift = answer.text.index("They")
    assert answer.quotes == [(5 + shift, 10 + shift)]  # the quoted span moved with its text


def test_a_chinese_question_gets_the_note_in_chinese(retriever):
    query = retriever.analyse("第78/241号决议关于人员培训说了什么？")
    other = paragraph_of(retriever, "CCW/GGE.1/2023/2", "zh")
    answer = note_other_documents(answer_citing(other, "zh", "应当培训操作人员[1]。"), query,
                                  retriever.catalogue, 0.5)
    assert answer.text.startswith("A/RES/78/241 中没有找到回答这个问题的内容；以下段落出自 "
                                  "CCW/GGE.1/2023/2，而非 A/RES/78/241。")


def test_no_note_when_the_named_document_is_cited_or_none_is_named(retriever):
    named = retriever.analyse("What does resolution 78/241 say about training operators?")
    own = paragraph_of(retriever, "A/RES/78/241")
    assert note_other_documents(answer_citing(own), named, retriever.catalogue, 0.5).text \
        == "They should train operators [1]."
    unnamed = retriever.analyse("Should States train the operators of such weapons?")
    other = paragraph_of(retriever, "CCW/GGE.1/2023/2")
    assert note_other_documents(answer_citing(other), unnamed, retriever.catalogue, 0.5).text \
        == "They should train operators [1]."


def test_a_refusal_is_left_as_it_is(retriever):
    query = retriever.analyse("What does resolution 78/241 say about the weather?")
    refusal = Answer(question="q", lang="en", text="The corpus does not cover this question.",
                     refused=True)
    assert note_other_documents(refusal, query, retriever.catalogue, 0.5).text == refusal.text


def test_a_document_named_by_its_card_is_called_by_its_name(retriever):
    query = retriever.analyse("白俄罗斯常驻代表的信关于人员培训说了什么？")
    named = named_documents(query, retriever.catalogue, 0.5, "zh")
    assert list(named) == ["cd-letter-2017-09-08-belarus"]  # no symbol: both versions, one key
    other = paragraph_of(retriever, "CCW/GGE.1/2023/2", "zh")
    answer = note_other_documents(answer_citing(other, "zh", "应当培训操作人员[1]。"), query,
                                  retriever.catalogue, 0.5)
    assert answer.text.startswith(named["cd-letter-2017-09-08-belarus"] + " 中没有找到")
