"""One language per answer: the field's terms and States' names in the answer's language,
quotations left as the document wrote them."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.chain import answer_question
from assistant.one_language import one_language
from assistant.settings import Settings
from fakes import OPEN_GATE
from index.un.glossary import in_language
from index.un.states import names_in_language


@pytest.mark.parametrize("text, lang, expected", [
    ("Secretary-General建议各国 [1]。", "zh", "秘书长建议各国 [1]。"),
    ("专家组认为 IHL 继续适用 [1]。", "zh", "专家组认为 国际人道法 继续适用 [1]。"),
    ("The 秘书长 recommended it [1].", "en", "The Secretary-General recommended it [1]."),
    ("The Secretary-General recommended it [1].", "en", "The Secretary-General recommended it [1]."),
])
def test_glossary_terms_are_put_in_the_answers_language(text, lang, expected):
    assert in_language(text, lang) == expected


def test_state_names_are_put_in_the_answers_language_and_a_longer_name_wins():
    assert names_in_language("白俄罗斯和俄罗斯联邦都提交了意见", "en") == \
        "Belarus和Russian Federation都提交了意见"
    assert names_in_language("China and Belarus agreed", "zh") == "中国 and 白俄罗斯 agreed"
    assert names_in_language("China agreed", "en") == "China agreed"


def test_words_in_quotation_marks_stay_as_the_document_wrote_them():
    assert one_language("秘书长写道：“the Secretary-General notes” [1]。Secretary-General还说", "zh") \
        == "秘书长写道：“the Secretary-General notes” [1]。秘书长还说"


def test_a_chinese_question_gets_the_models_mixed_answer_in_chinese(fake_retriever):
    llm = FakeListChatModel(responses=[
        "Secretary-General建议：国际人道法继续充分适用于所有武器系统 [1]。"])
    answer = answer_question("国际人道法是否适用于致命性自主武器系统？", [], fake_retriever, llm,
                             Settings(llm="none", translate=False), gate=OPEN_GATE)
    assert answer.mode == "llm" and answer.citations, answer.text
    assert "Secretary-General" not in answer.text and "秘书长建议" in answer.text


def test_a_term_inside_a_proper_name_stays_as_written():
    # "killer robots" is a glossary form of LAWS; in "Stop Killer Robots" it names an NGO.
    assert in_language("Stop Killer Robots 认为 [1]", "zh") == "Stop Killer Robots 认为 [1]"
    assert in_language("killer robots 和 IHL [1]", "zh") == "致命性自主武器系统 和 国际人道法 [1]"
    assert in_language("International humanitarian law 适用 [1]", "zh") == "国际人道法 适用 [1]"
