"""Which document a question means (index/search/routing.py): the identity cards matched
against the question's words, soft scores relative to the best, and whose words a paragraph
holds."""

from __future__ import annotations

import pytest

from index.ingest.corpus import BUNDLED, load_documents
from index.models import Paragraph
from index.search.query import Wording, analyse
from index.search.routing import DocumentCards, asks_for_views, is_submission, voice_of
from index.un.states import named_submitters


@pytest.fixture(scope="module")
def cards() -> DocumentCards:
    return DocumentCards.of({d.document.doc_id: d.card
                             for d in load_documents(list(BUNDLED)).documents})


def best(cards: DocumentCards, question: str) -> list[str]:
    scores = cards.scores(Wording.of(question).keywords)
    return sorted(doc for doc, score in scores.items() if score == 1.0)


@pytest.mark.parametrize("question, meant", [
    ("What did the letter from Belarus say about agenda item 5?",
     ["cd-letter-2017-09-08-belarus.zh"]),
    ("白俄罗斯常驻代表的信提到了哪些议程项目？", ["cd-letter-2017-09-08-belarus.zh"]),
    ("What does the expert group's 2023 report conclude on legal reviews?",
     ["ccw-gge-1-2023-2.en", "ccw-gge-1-2023-2.zh"]),
    ("专家组 2023 年报告关于人类控制说了什么？", ["ccw-gge-1-2023-2.en", "ccw-gge-1-2023-2.zh"]),
    ("How did the First Committee vote on the draft resolutions?", ["a-79-408.en"]),
    ("What does the Chair's compilation of definitions say about autonomy?",
     ["ccw-gge-1-2023-crp-1.en"]),
    ("《新和平纲领》对人工智能有什么建议？", ["new-agenda-for-peace-2023-en.en"]),
    ("What did the Advisory Board on Disarmament Matters look at?", ["a-79-240.en"]),
    ("What does resolution 79/239 ask the Secretary-General?", ["a-res-79-239.en"]),
])
def test_a_question_naming_a_document_the_way_people_do_finds_its_card(cards, question, meant):
    assert best(cards, question) == meant


def test_a_question_naming_no_document_leans_on_none(cards):
    assert cards.scores(Wording.of("Does IHL apply to killer robots?").keywords) == {}


def test_scores_are_relative_to_the_best_and_only_past_the_cut_off(cards):
    scores = cards.scores(Wording.of("the Secretary-General's 2024 report on autonomous "
                                     "weapons").keywords)
    assert max(scores.values()) == 1.0 and all(0 < s <= 1.0 for s in scores.values())
    assert "a-79-88.en" in scores and "cd-letter-2017-09-08-belarus.zh" not in scores


def test_a_name_inside_a_longer_one_is_not_a_name_of_its_own():
    assert named_submitters("白俄罗斯常驻代表的信") == ["Belarus"]
    assert named_submitters("俄罗斯的立场是什么？") == ["Russian Federation"]


@pytest.mark.parametrize("question, views", [
    ("What is China's position on a ban?", True),
    ("各国对人类控制有哪些观点？", True),
    ("What did the Group agree on human control?", False),
    ("What does the resolution say about IHL?", False),
])
def test_asking_for_views(question, views):
    assert asks_for_views(question) is views


def test_a_question_naming_a_state_asks_for_views():
    class Documents:
        def named_symbols(self, text): return []
        def submissions_named(self, text): return [("A/79/88", "annex I, China")]
        def documents_meant(self, text): return {}
    assert analyse("Does China support a treaty?", documents=Documents()).asks_views


def test_whose_words_a_paragraph_holds(cards):
    report = cards.cards["a-79-88.en"]
    reply = Paragraph("a-79-88.en", "A/79/88", "en", "annex I, China", 1, "text")
    summary = Paragraph("a-79-88.en", "A/79/88", "en", "body", 1, "text", number="5")
    draft = Paragraph("a-79-408.en", "A/79/408", "en", "draft resolution XX", 1, "text")
    assert is_submission(reply) and voice_of(reply, report) == "view"
    assert voice_of(summary, report) == "secretariat"
    assert not is_submission(draft) and voice_of(draft, cards.cards["a-79-408.en"]) == "record"
    assert voice_of(summary, None) == ""
