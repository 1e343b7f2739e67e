"""Answers judged by their short-answer keys: a wrong date, name or "yes" is a wrong answer."""

import json

import pytest

from eval.judge import judge, summarize_judged
from eval.qaset import QAItem, load_qa
from index.errors import EvalError

DATE = QAItem(id="d", question="When did the Group meet?", lang="en",
              answer_keys=(("6 to 10 March", "6-10 March", "3月6日至10日"),),
              answer_not=("20 March",), gold=({"symbol": "X"},))
NO = QAItem(id="n", question="Is the mandate unlimited?", lang="en",
            answer_keys=(("not",),), answer_not_start=("yes", "是"), gold=({"symbol": "X"},))
UNANSWERABLE = QAItem(id="u", question="What was the budget?", lang="en", answerable=False)
CITATION = {"id": "X|en|body|3", "label": "CCW/GGE.1/2023/2, para. 3"}


def record(answer: str, refused: bool = False, citations=(CITATION,)) -> dict:
    return {"answer": answer, "refused": refused, "citations": list(citations)}


def test_an_answer_with_every_key_is_correct_whatever_the_spacing_and_case():
    assert judge(record("The Group met from 6 to 10  march 2023. [1]"), DATE)["correct"]
    assert judge(record("专家组于3月 6日至10日开会。[1]"), DATE)["correct"]


def test_a_wrong_date_with_a_citation_is_confidently_wrong():
    verdict = judge(record("The Group met on 20 March. [1]"), DATE)
    assert verdict == {"correct": False, "confidently_wrong": True,
                       "why": "missing '6 to 10 March'"}


def test_a_forbidden_string_makes_an_otherwise_keyed_answer_wrong():
    verdict = judge(record("It met from 6 to 10 March, and again on 20 March. [1]"), DATE)
    assert not verdict["correct"] and "20 March" in verdict["why"]


def test_a_wrong_yes_is_wrong_even_with_the_key_word():
    assert not judge(record("Yes, the mandate is not unlimited. [1]"), NO)["correct"]
    assert not judge(record("“是。”任务不是无限的 not [1]"), NO)["correct"]
    assert judge(record("No: the mandate is not unlimited. [1]"), NO)["correct"]


def test_keys_are_also_found_in_citation_labels():
    item = QAItem(id="l", question="Which paragraph?", lang="en",
                  answer_keys=(("para. 3",),), gold=({"symbol": "X"},))
    assert judge(record("See the report. [1]"), item)["correct"]


def test_refusals_are_right_for_unanswerable_and_wrong_but_not_confident_otherwise():
    assert judge(record("The corpus does not cover this.", refused=True), UNANSWERABLE) == {
        "correct": True, "confidently_wrong": False, "why": ""}
    assert judge(record("It was 3 million. [1]"), UNANSWERABLE)["confidently_wrong"]
    assert not judge(record("It was 3 million.", citations=()), UNANSWERABLE)["confidently_wrong"]
    assert judge(record("no", refused=True), DATE) == {
        "correct": False, "confidently_wrong": False, "why": "refused"}


def test_the_summary_shares_are_over_the_judged_and_over_all_items():
    rows = [{"judged": judge(record("6 to 10 March [1]"), DATE)},
            {"judged": judge(record("20 March [1]"), DATE)},
            {"judged": judge(record("x", refused=True), UNANSWERABLE)},
            {"judged": {"correct": None, "confidently_wrong": False, "why": "no answer keys"}}]
    summary = summarize_judged(rows)
    assert summary == {"n": 4, "judged": 3, "judged_correct": 2 / 3, "confidently_wrong": 0.25}


def test_the_loader_reads_and_checks_answer_keys(tmp_path):
    line = {"id": "q1", "question": "When?", "lang": "en", "answerable": True,
            "gold": [{"symbol": "X", "number": None}], "answer_keys": [["6 March", "3月6日"]],
            "answer_not": ["20 May"], "answer_not_start": ["yes"]}
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps(line), encoding="utf-8")
    item = load_qa(path)[0]
    assert item.answer_keys == (("6 March", "3月6日"),) and item.answer_not == ("20 May",)
    assert item.gold == ({"symbol": "X"},)
    path.write_text(json.dumps({**line, "answer_keys": [[]]}), encoding="utf-8")
    with pytest.raises(EvalError, match="answer_keys\\[0\\]"):
        load_qa(path)
