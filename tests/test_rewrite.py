"""A follow-up's rewrite is used only when it keeps the follow-up's own topic."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.rewrite import keeps_topic, new_terms, standalone_question
from index.search.query import analyse

EARLIER_EN = "Does international humanitarian law apply to lethal autonomous weapons?"
EARLIER_ZH = "国际人道法是否适用于致命性自主武器系统？"


def test_the_new_terms_are_what_the_follow_up_adds():
    assert new_terms("And what about human control?", EARLIER_EN) == {"human", "control"}
    assert new_terms("那人类控制呢？", EARLIER_ZH) == {"人类", "控制"}
    assert new_terms("And what about it?", EARLIER_EN) == set()


@pytest.mark.parametrize("rewrite, question, earlier, kept", [
    ("What do the documents say about human control over lethal autonomous weapons?",
     "And what about human control?", EARLIER_EN, True),
    (EARLIER_EN, "And what about human control?", EARLIER_EN, False),  # the earlier question
    ("Does IHL apply to lethal autonomous weapons?", "And what about human control?",
     EARLIER_EN, False),  # the new topic dropped
    ("致命性自主武器系统的人类控制有什么要求？", "那人类控制呢？", EARLIER_ZH, True),
    (EARLIER_ZH, "那人类控制呢？", EARLIER_ZH, False),
    ("Does it apply to LAWS?", "And does it apply?", EARLIER_EN, True),  # nothing new to keep
    ("does international humanitarian law apply to lethal autonomous weapons",
     "And what about it?", EARLIER_EN, False),  # the earlier question, only recased
])
def test_a_rewrite_keeps_the_follow_ups_topic(rewrite, question, earlier, kept):
    assert keeps_topic(rewrite, question, earlier) is kept


def test_a_rewrite_that_returns_the_earlier_question_is_not_used():
    query = analyse("And what about human control?", [EARLIER_EN])
    timings: dict = {}
    used = standalone_question(query, FakeListChatModel(responses=[EARLIER_EN]), timings)
    assert used == query.text and "rewrite_ms" in timings
    # searched as if no model had rewritten it: the follow-up and the merge with the earlier turn
    fallback = query.reworded(used)
    assert not fallback.rewritten
    assert [w.text for w in fallback.wordings] == [query.text, f"{EARLIER_EN} {query.text}"]


def test_a_rewrite_that_keeps_the_topic_is_used():
    query = analyse("那人类控制呢？", [EARLIER_ZH])
    rewrite = "致命性自主武器系统需要怎样的人类控制？"
    assert standalone_question(query, FakeListChatModel(responses=[rewrite]), {}) == rewrite
