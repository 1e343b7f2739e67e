"""The answering chain with fake chat models: grounding, refusals, look-ups, fallbacks."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.chain import answer_question, fuse
from assistant.settings import Settings
from index.errors import QueryError

SETTINGS = Settings(llm="none", translate=False)


class FailingChatModel(FakeListChatModel):
    """A model server that is down: every call raises."""

    def _call(self, *args, **kwargs):
        raise ConnectionError("connection refused")

    def _stream(self, *args, **kwargs):
        raise ConnectionError("connection refused")


@pytest.fixture
def retriever(fake_retriever):
    return fake_retriever


@pytest.fixture(autouse=True)
def always_relevant(monkeypatch):
    # The fake embedder's similarities mean nothing; the relevance gate is tested separately.
    monkeypatch.setattr("assistant.chain._relevant", lambda retriever, question: True)


def ask(retriever, question, llm=None, history=(), settings=SETTINGS):
    return answer_question(question, list(history), retriever, llm, settings)


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


def test_fuse_keeps_locator_hits_first(retriever):
    hits = retriever.search("What does CCW/GGE.1/2023/2 para. 22 (c) say?", k=3)
    other = retriever.search("training of operators", k=3)
    fused = fuse([other, hits], 3)
    assert fused[0].paragraph.locator == "22(c)"


def test_relevance_gate_refuses_when_retrieval_found_nothing_close():
    from assistant.chain import covered

    assert not covered(0.70, 2.0)  # off-topic: neither signal finds anything close
    assert covered(0.70, 30.0)  # strong keyword match
    assert covered(0.86, 0.0)  # strong dense match (e.g. across languages)


def test_rule_rewrite_reads_an_elliptical_follow_up_with_the_previous_question():
    from assistant.chain import rule_rewrite

    history = ["What should States do to limit LAWS?"]
    assert rule_rewrite("And what about training?", history) == (
        "What should States do to limit LAWS? And what about training?")
    assert rule_rewrite("这些结论出现在哪一段？", ["专家组得出了哪些结论？"]).startswith("专家组得出了哪些结论？")
    standalone = "Which countries participated as observers in the 2023 session?"
    assert rule_rewrite(standalone, history) == standalone


def test_a_year_nothing_found_mentions_means_not_covered(retriever):
    from assistant.chain import years_found

    hits = retriever.search("What did the GGE conclude?", k=5)
    assert years_found("What did the 2023 session conclude?", hits)
    assert not years_found("What did the 2031 session conclude?", hits)
    assert years_found("What did the GGE conclude?", hits)


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


@pytest.mark.parametrize("question, follow_up", [
    ("And what about training?", True), ("Who else served in the Secretariat?", True),
    ("Will the report also include views from civil society?", True),
    ("这些结论出现在哪一段？", True), ("那(d)项呢？", True),
    ("What did the 2023 expert group conclude about human control?", False),
    ("联大第 78/241 号决议要求秘书长做什么？", False),
    ("尤其是哪些条款涉及人类控制？", False), ("国际人道法是否适用于其他武器？", False),
    ("Did the Group conclude that IHL applies to autonomous weapons systems?", False),
])
def test_follow_ups_are_told_from_standalone_questions(question, follow_up):
    from assistant.chain import is_follow_up

    assert is_follow_up(question) is follow_up
