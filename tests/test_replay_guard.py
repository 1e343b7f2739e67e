"""Replaying the answer checks on recorded drafts gives what the chain gave, follows the
current checks when the draft changes, and applies a refusal threshold to recorded choices."""

from assistant.chain import answer_question
from assistant.settings import Settings
from eval.qaset import QAItem
from eval.replay_guard import replay

from fakes import OPEN_GATE

QUESTION = "Should States provide training to human operators?"
ITEM = QAItem(id="q1", question=QUESTION, lang="en", answer_keys=(("training",),),
              gold=({"symbol": "CCW/GGE.1/2023/2", "number": "22(c)", "part": "body"},))


def recorded_row(retriever, scripted, draft, choice):
    # The open gate: the fake embedder's similarities mean nothing, and a refusal has no draft.
    record = answer_question(QUESTION, [], retriever, scripted([draft], choice),
                             Settings(llm="none", translate=False, quoted_answers=True),
                             gate=OPEN_GATE).to_record()
    return {"id": "q1", "question": QUESTION, **record}


def test_replay_reproduces_the_recorded_answer_and_applies_the_checks(fake_retriever, scripted):
    first = recorded_row(fake_retriever, scripted, "x", {1: 0.9, 0: 0.1})
    words = " ".join(fake_retriever.catalogue.paragraphs[first["given"]["1"]].text.split()[:8])
    row = recorded_row(fake_retriever, scripted,
                       f"QUOTE: {words}\nANSWER: Operators need training.", {1: 0.6, 0: 0.4})
    [same] = replay([row], fake_retriever, {"q1": ITEM})
    assert [c["id"] for c in same["citations"]] == [c["id"] for c in row["citations"]]
    assert same["answer"] == row["answer"]

    row["draft"] = "QUOTE: words in no passage\nANSWER: Invented 99 times."
    [changed] = replay([row], fake_retriever, {"q1": ITEM})
    assert "Invented" not in changed["answer"]  # the passage's own sentence stands instead

    [refused] = replay([row], fake_retriever, {"q1": ITEM}, min_prob=0.7)
    assert refused["refused"] and refused["citations"] == []
    assert refused["judged"]["correct"] is False and not refused["judged"]["confidently_wrong"]
