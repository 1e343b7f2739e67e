"""The documents filter on the page (handlers only, fake embedder, no browser): what it offers,
the scope the chosen values make, and questions and /chat calls asked of some documents."""

import pytest

from fakes import OPEN_CUT_OFF
from assistant.settings import Settings
from assistant.ui.handlers import Conversation, Handlers
from assistant.ui.scope_filter import filter_choices, scope_of
from index.errors import QueryError
from index.search.scope import Scope

SETTINGS = Settings(llm="none", translate=False, **OPEN_CUT_OFF)
QUESTION = "Does international humanitarian law apply to autonomous weapons systems?"


@pytest.fixture
def page(fake_retriever):
    return Handlers(fake_retriever, None, SETTINGS)


def answer(page, question, documents=None, conversation=None):
    conversation = conversation if conversation is not None else Conversation()
    return list(page.respond(question, [], conversation, documents))[-1], conversation


# ---- what the filter offers, and what a choice means ---------------------------------------

def test_the_filter_offers_each_series_then_its_documents(page):
    choices = page.filter_choices()
    values = [value for _, value in choices]
    # the bundled corpus: a GA resolution, two CCW documents, a letter without a symbol
    assert values[:2] == ["GA", "A/RES/78/241"]
    assert values.index("CCW") < values.index("CCW/GGE.1/2023/2") < values.index("other")
    assert values[-2] == "other" and values[-1].endswith(".zh")  # the letter, by its doc id
    labels = dict((value, label) for label, value in choices)
    assert labels["GA"] == "Series 系列 GA: General Assembly 联合国大会"
    assert labels["A/RES/78/241"] == "A/RES/78/241 — Lethal autonomous weapons systems (GA)"
    assert labels["CCW/GGE.1/2023/2"].startswith("CCW/GGE.1/2023/2 — Report of the 2023")
    assert labels[values[-1]].startswith("2017年9月8日") and labels[values[-1]].endswith("(other)")
    assert values.count("CCW/GGE.1/2023/2") == 1  # one choice for both language versions
    assert all(len(label) < 100 for label, _ in choices)  # long titles are shortened


def test_filter_choices_follow_the_index(fake_retriever):
    paragraphs = [p for p in fake_retriever.catalogue.paragraphs.values()
                  if p.symbol == "A/RES/78/241"]
    assert [value for _, value in filter_choices(paragraphs)] == ["GA", "A/RES/78/241"]
    assert filter_choices([]) == []


def test_chosen_values_make_a_scope_of_series_and_documents():
    assert scope_of(None) == scope_of([]) == Scope()
    assert scope_of(["ccw", " A/RES/78/241 ", "", "Other"]) == Scope(
        documents=frozenset({"A/RES/78/241"}), series=frozenset({"CCW", "other"}))
    assert scope_of("GA") == Scope(series=frozenset({"GA"}))  # one value as a string
    with pytest.raises(QueryError, match="series codes"):
        scope_of([3])


# ---- questions asked of some documents -----------------------------------------------------

def test_a_question_asked_of_one_document_cites_only_that_document(page):
    everywhere, _ = answer(page, QUESTION)
    assert {c.paragraph.symbol for c in everywhere.answer.citations} - {"CCW/MSP/2019/9"}
    scoped, _ = answer(page, QUESTION, ["CCW/MSP/2019/9"])
    assert scoped.answer.citations
    assert {c.paragraph.symbol for c in scoped.answer.citations} == {"CCW/MSP/2019/9"}
    assert all(h.paragraph.symbol == "CCW/MSP/2019/9" for h in scoped.answer.passages)


def test_a_question_asked_of_a_series_cites_only_its_documents(page):
    reply, _ = answer(page, QUESTION, ["GA"])
    assert reply.answer.citations
    assert all(c.paragraph.symbol.startswith("A/") for c in reply.answer.citations)
    other, _ = answer(page, "什么是前进道路工作组？", ["other"])
    assert other.answer.citations and all(c.paragraph.symbol is None
                                          for c in other.answer.citations)


def test_a_document_chosen_by_its_doc_id_is_one_language_version(page):
    reply, _ = answer(page, "国际人道法适用于致命性自主武器系统吗？", ["ccw-gge-1-2023-2.zh"])
    assert reply.answer.citations
    assert {c.paragraph.doc_id for c in reply.answer.citations} == {"ccw-gge-1-2023-2.zh"}


def test_an_unknown_document_is_said_in_one_line_and_changes_nothing(page):
    reply, conversation = answer(page, QUESTION, ["CCW/GGE.1/2023/99"])
    assert reply.done and reply.answer is None and reply.chat == []
    shown = reply.status.replace("\\", "")  # Markdown escapes in the status line
    assert shown == ("There is no document “CCW/GGE.1/2023/99” in the library: choose documents "
                     "from the list. 文件库中没有“CCW/GGE.1/2023/99”，请从列表中选择文件。")
    assert conversation.turns == []
    bad_series, _ = answer(page, QUESTION, ["A/RES/78/241", "XX"])
    assert bad_series.answer is None  # "XX" is no series: a document the index lacks
    assert "“XX”" in bad_series.status


def test_the_filter_applies_to_each_question_of_a_conversation(page):
    first, conversation = answer(page, QUESTION, ["A/RES/78/241"])
    later, _ = answer(page, "And what about human control?", ["CCW/MSP/2019/9"], conversation)
    assert {c.paragraph.symbol for c in first.answer.citations} == {"A/RES/78/241"}
    assert {c.paragraph.symbol for c in later.answer.citations} == {"CCW/MSP/2019/9"}
    assert len(conversation.turns) == 2


# ---- /chat ---------------------------------------------------------------------------------

def test_chat_api_takes_the_documents_to_search(page):
    result = page.chat_api(QUESTION, [], ["CCW/MSP/2019/9"])
    assert result["error"] is None and result["citations"]
    assert {c["symbol"] for c in result["citations"]} == {"CCW/MSP/2019/9"}
    series = page.chat_api(QUESTION, None, ["ga"])
    assert {c["symbol"] for c in series["citations"]} == {"A/RES/78/241"}


def test_chat_api_without_documents_still_answers_from_everything(page):
    assert page.chat_api(QUESTION)["citations"]
    assert page.chat_api(QUESTION, [])["citations"]


def test_chat_api_names_an_unknown_document(page):
    result = page.chat_api(QUESTION, [], ["A/RES/99/1"])
    assert result["refused"] and result["mode"] == "error" and result["citations"] == []
    assert "A/RES/99/1" in result["error"] and "\n" not in result["error"]
    assert "series codes" in page.chat_api(QUESTION, [], [{"symbol": "x"}])["error"]
