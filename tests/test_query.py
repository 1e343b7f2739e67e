"""The analysed query (index.search.query): read once per answer, then shared by every step."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

import assistant.chain
import index.search.locators as locators_module
import index.search.query as query_module
from assistant.chain import answer_question
from assistant.settings import Settings
from fakes import OPEN_GATE
from index.errors import QueryError
from index.search.query import MAX_QUESTION_CHARS, analyse

SETTINGS = Settings(llm="none", translate=False)


class Counting:
    """Wraps a public function and counts its calls (and on which texts)."""

    def __init__(self, function):
        self.function, self.texts = function, []

    def __call__(self, text, *args, **kwargs):
        self.texts.append(text)
        return self.function(text, *args, **kwargs)


@pytest.fixture
def counted(monkeypatch):
    parse = Counting(locators_module.parse_locators)
    calls = {"analyse": Counting(assistant.chain.analyse),
             "detect_lang": Counting(query_module.detect_lang), "parse_locators": parse}
    monkeypatch.setattr(assistant.chain, "analyse", calls["analyse"])
    monkeypatch.setattr(query_module, "detect_lang", calls["detect_lang"])
    # every caller of the locator grammar in the answer's path: analysis, and the check for
    # paragraph numbers the grammar cannot place
    monkeypatch.setattr(query_module, "parse_locators", parse)
    monkeypatch.setattr(locators_module, "parse_locators", parse)
    return calls


@pytest.mark.parametrize("llm", [None, "model"])
@pytest.mark.parametrize("question, history", [
    ("Should States provide training to human operators?", []),
    ("And what about training?", ["What should States do to limit LAWS?"]),
    ("What does CCW/GGE.1/2023/2 para. 22 (c) say?", []),
    ("What does CCW/GGE.1/2023/2 para. 99 say?", []),
])
def test_the_question_is_read_once_per_answer(fake_retriever, counted, llm, question, history):
    model = FakeListChatModel(responses=["Operators need appropriate training [1]."] * 3) \
        if llm else None
    settings = SETTINGS.with_(llm="local" if llm else "none")
    answer_question(question, history, fake_retriever, model, settings, gate=OPEN_GATE)
    assert len(counted["analyse"].texts) == 1
    # The language and the locators of the question are read once; a model's rewrite of a
    # follow-up is a new text, read once too.
    for name in ("detect_lang", "parse_locators"):
        assert counted[name].texts.count(question) == 1, name
        assert len(counted[name].texts) == len(set(counted[name].texts)), name


def test_analysis_reads_language_locators_documents_and_follow_ups(fake_retriever):
    catalogue = fake_retriever.catalogue
    query = analyse("那第 22 段(c)呢？", ["CCW/GGE.1/2023/2 说了什么？"], catalogue)
    assert query.lang == "zh" and query.follow_up
    assert [(loc.symbol, loc.number) for loc in query.locators] == [("CCW/GGE.1/2023/2", "22(c)")]
    assert query.context_symbol == "CCW/GGE.1/2023/2" and query.names_paragraph
    assert query.standalone == "CCW/GGE.1/2023/2 说了什么？ 那第 22 段(c)呢？"
    plain = analyse("Does IHL apply to the use of LAWS?", [], catalogue)
    assert plain.lang == "en" and not plain.follow_up and not plain.locators
    assert plain.standalone == plain.text and not plain.names_paragraph


def test_one_limit_for_the_question_and_each_turn():
    assert len(analyse("why " * 249).text) < MAX_QUESTION_CHARS
    with pytest.raises(QueryError, match=f"limit is {MAX_QUESTION_CHARS}"):
        analyse("why " * 300)
    with pytest.raises(QueryError, match="earlier question 1"):
        analyse("And training?", ["why " * 300])
    with pytest.raises(QueryError, match="limit is 20"):
        analyse("why " * 10, limit=20)


def test_without_a_model_an_elliptical_follow_up_is_read_with_the_previous_question():
    history = ["What should States do to limit LAWS?"]
    assert analyse("And what about training?", history).standalone == (
        "What should States do to limit LAWS? And what about training?")
    assert analyse("这些结论出现在哪一段？", ["专家组得出了哪些结论？"]).standalone.startswith(
        "专家组得出了哪些结论？")
    standalone = "Which countries participated as observers in the 2023 session?"
    assert analyse(standalone, history).standalone == standalone


def test_search_wordings_follow_the_rewrite(fake_retriever):
    query = analyse("And what about training?", ["What should States do to limit LAWS?"],
                    fake_retriever.catalogue)
    assert [w.text for w in query.wordings] == [
        "And what about training?",
        "What should States do to limit LAWS? And what about training?"]
    rewritten = query.reworded("Should States train the operators of LAWS?")
    assert rewritten.rewritten and [w.text for w in rewritten.wordings] == [
        "Should States train the operators of LAWS?"]
    same = query.reworded(query.text)  # a failed rewrite: the question with the conversation
    assert not same.rewritten and same.standalone == query.text and len(same.wordings) == 2


def test_the_embedding_is_computed_once_per_wording(fake_retriever):
    embedder = fake_retriever.store.embedder
    query = fake_retriever.analyse("Should States provide training to human operators?")
    before = embedder.queries_embedded
    found = fake_retriever.retrieve(query, 5)  # the search and the gate's closeness
    assert found.relevance[0] > 0 and embedder.queries_embedded - before == 1


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
    assert analyse(question).follow_up is follow_up
