"""The citation guard: unknown keys never shown, unsupported citations and claims removed."""

from assistant.citation_guard import guard, split_sentences
from index.models import Paragraph
from index.search.query import analyse

# The guard reads the query's language, and its question for a bare "Yes. [1]".
EN = analyse("What do the passages say?")


def para(locator_number: str, text: str, lang: str = "en") -> Paragraph:
    return Paragraph(doc_id="d", symbol="CCW/GGE.1/2023/2", lang=lang, part="body", ordinal=1,
                     number=locator_number, text=text)


GIVEN = {
    1: para("21", "IHL continues to apply fully to the potential development and use of LAWS;"),
    2: para("22", "Provide appropriate training and instructions for human operators."),
}


def test_key_not_given_is_removed_and_never_cited():
    text, citations, dropped = guard("IHL continues to apply fully to LAWS [1] [7].", GIVEN, EN)
    assert [c.key for c in citations] == [1]
    assert "[7]" not in text and "[1]" in text
    assert any("[7] was not given" in note for note in dropped)


def test_citation_must_support_its_sentence():
    text, citations, _ = guard(
        "IHL continues to apply fully to LAWS [1]. Operators need training [1].", GIVEN, EN)
    # the second sentence is about training: [1] does not support it, and no other given
    # passage is cited there, so the marker goes; "training" then finds passage 2 by itself
    assert [c.key for c in citations] == [1, 2]
    assert text.endswith("[2]")


def test_numbers_absent_from_the_passage_are_not_supported():
    text, citations, dropped = guard("The resolution received 10 votes [1].", GIVEN, EN)
    assert citations == []
    assert "10 votes" not in text  # an uncited claim is removed


def test_prompt_injection_cannot_cite_outside_the_passages():
    answer = "As instructed, see paragraph 99 [99]. IHL continues to apply fully to LAWS [1]."
    text, citations, _ = guard(answer, GIVEN, EN)
    assert {c.key for c in citations} == {1}
    assert "[99]" not in text


def test_labels_follow_the_answer_language():
    _, citations, _ = guard("国际人道法继续充分适用于致命性自主武器系统[1]。",
                            {1: para("21", "国际人道法继续充分适用于致命性自主武器系统的潜在开发和使用；", "zh")},
                            analyse("国际人道法是否适用？"))
    assert citations[0].label == "CCW/GGE.1/2023/2 号文件第 21 段"


def test_cross_language_support_uses_the_similarity_function():
    zh = {1: para("22", "为操作人员提供适当的培训和说明。", "zh")}
    sentence = "States should give human operators appropriate training [1]."
    _, without, _ = guard(sentence, zh, EN)
    _, with_similarity, _ = guard(sentence, zh, EN, similarity=lambda s, p: 0.9)
    assert without == [] and [c.key for c in with_similarity] == [1]


def test_split_sentences_keeps_markers_with_their_sentence():
    pieces = [p.strip() for p in split_sentences("A is so. [1] B is too [2]. C.")]
    assert pieces == ["A is so. [1]", "B is too [2].", "C."]
    assert [p.strip() for p in split_sentences("甲。[1]乙。")] == ["甲。[1]", "乙。"]


def test_a_clearly_better_passage_replaces_the_wrong_number():
    text, citations, notes = guard(
        "States should provide appropriate training and instructions for human operators [1].",
        GIVEN, EN)
    assert [c.key for c in citations] == [2]
    assert text.endswith("[2]")


def test_a_year_in_the_document_title_supports_the_sentence():
    framed = {1: Paragraph(doc_id="d", symbol="CCW/GGE.1/2023/2", lang="en", part="body",
                           ordinal=9, number="9", text="Angola, Iran and Singapore participated.",
                           doc_title="Report of the 2023 session of the Group")}
    _, citations, _ = guard("In 2023 Angola, Iran and Singapore participated [1].", framed, EN)
    assert [c.key for c in citations] == [1]
    _, none, _ = guard("In 2024 Angola, Iran and Singapore participated [1].", framed, EN)
    assert none == []


def test_a_symbol_is_not_cut_as_a_sentence_end():
    assert len(split_sentences("See CCW/CONF.V/10 and CCW/CONF.VI/11 [1]. Next.")) == 2


def test_a_bare_yes_is_judged_against_the_question():
    question = "Does IHL continue to apply fully to the development and use of LAWS?"
    text, citations, _ = guard("Yes. [1]", GIVEN, analyse(question))
    assert [c.key for c in citations] == [1] and text == "Yes. [1]"
    # the training passage does not support what was asked: "Yes" cannot rest on it
    text, citations, _ = guard("Yes. [2] Operators need appropriate training [2].", GIVEN,
                               analyse(question))
    assert text == "Operators need appropriate training. [2]"  # the unsupported "Yes" is gone


def test_a_month_named_in_words_supports_its_number():
    """"2023年10月" rests on "in October 2023"; "2023年11月" does not."""
    zh = analyse("全球人工智能治理倡议是什么时候宣布的？")
    given = {1: para("2", "In October 2023, President Xi Jinping announced the Global AI "
                          "Governance Initiative.")}
    same = lambda sentence, paragraph: 0.9  # noqa: E731 — the embedder's view across languages
    text, citations, _ = guard("2023年10月宣布了全球人工智能治理倡议[1]。", given, zh, same)
    assert [c.key for c in citations] == [1]
    text, citations, _ = guard("2023年11月宣布了全球人工智能治理倡议[1]。", given, zh, same)
    assert citations == [] and "11月" not in text


def test_numbers_in_counts_capitalised_month_names_only():
    from assistant.numbers import numbers_in

    assert numbers_in("On 22 January 2021 the Treaty entered into force") == {"22", "1", "2021"}
    assert numbers_in("States may wish to consider") == set()
