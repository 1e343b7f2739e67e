"""The answering chain with fake chat models: grounding, refusals, look-ups, fallbacks."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.chain import answer_question
from assistant.settings import Settings
from fakes import OPEN_GATE, FailingChatModel
from index.errors import QueryError

SETTINGS = Settings(llm="none", translate=False)


@pytest.fixture
def retriever(fake_retriever):
    return fake_retriever


def ask(retriever, question, llm=None, history=(), settings=SETTINGS):
    return answer_question(question, list(history), retriever, llm, settings, gate=OPEN_GATE)


def test_named_paragraph_is_returned_verbatim_whatever_the_model(retriever):
    liar = FakeListChatModel(responses=["Paragraph 22 (c) is about nuclear weapons [1]."])
    answer = ask(retriever, "What does CCW/GGE.1/2023/2 para. 22 (c) say?", llm=liar)
    assert answer.mode == "lookup" and not answer.refused
    assert "Provide appropriate training and instructions for human operators." in answer.text
    assert [c.label for c in answer.citations] == ["CCW/GGE.1/2023/2, para. 22 (c)"]


def test_missing_paragraph_is_refused_with_nearest_valid_ones(retriever):
    answer = ask(retriever, "What does CCW/GGE.1/2023/2 para. 99 say?")
    assert answer.refused and answer.mode == "refusal"
    assert "CCW/GGE.1/2023/2, para. 25" in answer.text
    assert answer.citations == []


def test_model_answer_keeps_only_given_and_supported_citations(retriever):
    llm = FakeListChatModel(responses=[
        "IHL continues to apply fully to the potential development and use of LAWS [1] [9]."])
    answer = ask(retriever, "Does IHL apply to the development and use of LAWS?", llm=llm)
    assert answer.mode == "llm"
    assert "[9]" not in answer.text
    assert answer.citations and all(c.key in (1, 2, 3) for c in answer.citations)
    given = {h.paragraph.id for h in answer.passages}
    assert all(c.paragraph.id in given for c in answer.citations)


def test_model_saying_not_in_corpus_becomes_a_refusal_listing_nearest(retriever):
    llm = FakeListChatModel(responses=["NOT_IN_CORPUS"])
    answer = ask(retriever, "What is the weather in Geneva?", llm=llm)
    assert answer.refused
    assert answer.text.startswith("The corpus does not cover this question.")
    assert answer.text.count("\n- ") == 3


def test_unsupported_answer_is_refused_not_shown(retriever):
    llm = FakeListChatModel(responses=["The resolution was adopted by 152 votes to 4 [1]."])
    answer = ask(retriever, "How many votes did resolution 78/241 receive?", llm=llm)
    assert answer.refused and "152" not in answer.text


def test_chinese_question_gets_chinese_refusal_and_labels(retriever):
    answer = ask(retriever, "CCW/GGE.1/2023/2 号文件第 99 段说了什么？")
    assert answer.refused and answer.text.startswith("语料库中没有这个段落")
    verbatim = ask(retriever, "CCW/GGE.1/2023/2 号文件第 21 段(c)分段说了什么？")
    assert verbatim.citations[0].label == "CCW/GGE.1/2023/2 号文件第 21 段(c)分段"
    assert verbatim.citations[0].paragraph.lang == "zh"


def test_no_model_gives_the_extractive_answer_with_a_notice(retriever):
    answer = ask(retriever, "Should States provide training to human operators?")
    assert answer.mode == "extractive" and not answer.refused
    assert answer.text.startswith("No language model is configured")
    assert answer.citations and "“" in answer.text


def test_failing_model_falls_back_to_extractive_with_a_notice(retriever):
    answer = ask(retriever, "Should States provide training to human operators?",
                 llm=FailingChatModel(responses=[""]))
    assert answer.mode == "extractive"
    assert "did not answer (could not connect)" in answer.notice
    assert answer.citations


def test_empty_reply_falls_back_to_extractive(retriever):
    answer = ask(retriever, "Should States provide training to human operators?",
                 llm=FakeListChatModel(responses=["   "]))
    assert answer.mode == "extractive" and "empty reply" in answer.notice


def test_follow_up_is_rewritten_by_the_model_before_retrieval(retriever):
    llm = FakeListChatModel(responses=[
        "Should States provide training and instructions for human operators of LAWS?",
        "Yes: States should provide appropriate training and instructions for human operators [1].",
    ])
    answer = ask(retriever, "And what about training?", llm=llm,
                 history=["What should States do to limit LAWS?"])
    assert answer.standalone_question.startswith("Should States provide training")
    assert "rewrite_ms" in answer.timings


def test_empty_and_overlong_questions_are_refused(retriever):
    with pytest.raises(QueryError):
        ask(retriever, "   ")
    with pytest.raises(QueryError, match="limit"):
        ask(retriever, "why " * 400)


def test_streamed_tokens_reach_the_callback(retriever):
    tokens = []
    llm = FakeListChatModel(responses=["Operators need appropriate training and instructions [1]."])
    answer_question("Should States provide training to human operators?", [], retriever, llm,
                    SETTINGS, on_token=tokens.append)
    assert "".join(tokens).startswith("Operators need")


class RecordingChatModel(FakeListChatModel):
    """Remembers the prompts it was sent."""

    prompts: list = []

    def _call(self, messages, *args, **kwargs):
        self.prompts.append(messages)
        return super()._call(messages, *args, **kwargs)

    def _stream(self, messages, *args, **kwargs):
        self.prompts.append(messages)
        yield from super()._stream(messages, *args, **kwargs)


def test_the_model_sees_the_passages_and_the_draft_is_kept(retriever):
    llm = RecordingChatModel(responses=["Operators need appropriate training [1]."], prompts=[])
    answer = ask(retriever, "Should States provide training to human operators?", llm=llm)
    system = llm.prompts[-1][0].content
    assert answer.given
    for key in answer.given:
        assert f"\n[{key}] " in system
    assert answer.draft == "Operators need appropriate training [1]."


def test_a_standalone_question_in_a_conversation_is_not_rewritten(retriever):
    llm = RecordingChatModel(responses=["Operators need appropriate training [1]."], prompts=[])
    answer = ask(retriever, "Should States provide appropriate training to human operators?",
                 llm=llm, history=["Who chaired the group in 2023?"])
    assert "rewrite_ms" not in answer.timings and len(llm.prompts) == 1
    assert answer.standalone_question.startswith("Should States provide")
