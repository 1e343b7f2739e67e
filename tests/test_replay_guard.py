"""Replaying the citation guard on recorded drafts gives what the chain gave, and follows the
current guard when the draft changes."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.chain import answer_question
from assistant.settings import Settings
from eval.qaset import QAItem
from eval.replay_guard import replay

QUESTION = "Should States provide training to human operators?"


@pytest.fixture(autouse=True)
def always_relevant(monkeypatch):
    monkeypatch.setattr("assistant.chain._relevant", lambda retriever, question: True)


def recorded_row(retriever, draft):
    llm = FakeListChatModel(responses=[draft])
    record = answer_question(QUESTION, [], retriever, llm,
                             Settings(llm="none", translate=False)).to_record()
    return {"id": "q1", "question": QUESTION, **record}


def test_replay_reproduces_the_recorded_answer_and_applies_the_guard(fake_retriever):
    item = QAItem(id="q1", question=QUESTION, lang="en",
                  gold=({"symbol": "CCW/GGE.1/2023/2", "number": "22(c)", "part": "body"},))
    row = recorded_row(fake_retriever,
                       "States should provide appropriate training and instructions [1].")
    [same] = replay([row], fake_retriever, {"q1": item})
    assert [c["id"] for c in same["citations"]] == [c["id"] for c in row["citations"]]
    assert same["answer"] == row["answer"]

    row["draft"] = "See paragraph 99 [9]."  # a key never given: the guard must drop it
    [changed] = replay([row], fake_retriever, {"q1": item})
    assert changed["citations"] == [] and changed["refused"]
    assert changed["answer_metrics"]["answered_correctly"] is False
