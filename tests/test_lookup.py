"""Looking up a cited paragraph (index.search.lookup): the exact paragraph, or the nearest
valid ones; and the paragraphs a question names."""

import pytest

from index.errors import NotFoundError
from index.search.lookup import look_up, named_paragraphs


def test_look_up_a_paragraph_and_a_whole_document(fake_retriever):
    [para] = look_up(fake_retriever.catalogue, "CCW/GGE.1/2023/2 para. 21 (c)")
    assert para.label() == "CCW/GGE.1/2023/2, para. 21 (c)"
    [zh] = look_up(fake_retriever.catalogue, "第 21 段(c)")
    assert zh.lang == "zh" and zh.locator == "21(c)"
    whole = look_up(fake_retriever.catalogue, "A/RES/78/241")
    assert [p.locator for p in whole if p.kind == "paragraph"][:2] == ["#1", "#2"]
    assert whole[-1].kind == "footnote"
    principle = look_up(fake_retriever.catalogue, "CCW/MSP/2019/9, annex III, principle (b)")
    assert [p.locator for p in principle] == ["#1(b)"]


def test_look_up_of_a_missing_paragraph_names_the_nearest_valid_ones(fake_retriever):
    with pytest.raises(NotFoundError) as info:
        look_up(fake_retriever.catalogue, "CCW/GGE.1/2023/2 para. 99")
    assert "no such paragraph" in str(info.value)
    assert [p.locator for p in info.value.nearest][:2] == ["25", "24"]
    with pytest.raises(NotFoundError):
        look_up(fake_retriever.catalogue, "A/RES/99/999")


def test_letter_paragraphs_are_found_by_counted_position(fake_retriever):
    [p] = look_up(fake_retriever.catalogue, "附件二第 1 段")
    assert p.part == "annex II" and p.symbol is None and p.counted


def test_a_question_names_paragraphs_in_the_document_the_conversation_named(fake_retriever):
    query = fake_retriever.analyse("And what does para. 22 (c) say?",
                                   ["What did CCW/GGE.1/2023/2 conclude?"])
    named = named_paragraphs(query, fake_retriever.catalogue)
    assert {p.label() for p in named} >= {"CCW/GGE.1/2023/2, para. 22 (c)"}
    assert named[0].lang == "en"  # the question's language first
