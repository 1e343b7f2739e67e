"""The questions a new user asked of a fresh `make run` (issue 19), and five more of the same
kinds, answered by the real local model over the eleven-document library with the default
embedder: a document or year the library lacks is refused saying so, a follow-up keeps its new
topic, no citation rests on a heading or a row of a list of documents, and an answer speaks
its question's language."""

import re

import pytest

from assistant.chain import answer_question
from assistant.citable import is_heading, is_listed_document
from assistant.settings import Settings
from index.ingest.corpus import BUNDLED, load_documents
from index.search.retriever import Retriever
from index.store.client import open_client
from index.store.embedders import GemmaEmbeddings
from index.store.paragraph_store import ParagraphStore
from index.store.shipped_vectors import ShippedVectors

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    store = ParagraphStore(open_client(tmp_path_factory.mktemp("library"), create=True),
                           ShippedVectors(GemmaEmbeddings()))
    store.sync(load_documents(list(BUNDLED)).documents)
    return Retriever(store)


@pytest.fixture(scope="module")
def ask(library):
    from assistant.llm.factory import make_chat_model

    settings = Settings(llm="local", translate=False)
    llm = make_chat_model(settings)
    return lambda question, history=(): answer_question(question, list(history), library, llm,
                                                        settings)


QUOTED_OR_CITED = re.compile(r"“[^”]*”|\"[^\"]*\"|\[[\d, ]+\]|\([^)]*\)|（[^）]*）")


def other_language_words(text: str, lang: str) -> list[str]:
    """Words of the other language outside quotations, markers and brackets (document symbols
    and paragraph labels are neither language's words)."""
    bare = QUOTED_OR_CITED.sub(" ", text)
    if lang == "zh":
        return [w for w in re.findall(r"[A-Za-z][A-Za-z-]{3,}", bare)
                if not re.search(r"[/.\d]", w) and w.upper() != w]
    return re.findall(r"[\u4e00-\u9fff]{2,}", bare)


def assert_cites_no_heading_or_list_row(answer):
    for c in answer.citations:
        assert not is_heading(c.paragraph) and not is_listed_document(c.paragraph), c.label


@pytest.mark.parametrize("question, missing", [
    ("How many States voted for resolution 79/62?", "A/RES/79/62"),
    ("第 80/1 号决议说了什么？", "A/RES/80/1"),
])
def test_a_resolution_the_library_lacks_is_refused_by_name(ask, question, missing):
    answer = ask(question)
    assert answer.refused and missing in answer.text, answer.text


def test_a_year_nothing_is_about_is_refused(ask):
    answer = ask("What did the 2031 GGE report conclude about human control?")
    assert answer.refused and "2031" in answer.text, answer.text


@pytest.mark.parametrize("earlier, follow_up, topic", [
    ("Does international humanitarian law apply to lethal autonomous weapons?",
     "And what about human control?", "human control"),
    ("专家组对国际人道法的适用有什么结论？", "那人类责任呢？", "人类责任"),
])
def test_a_follow_up_is_searched_on_its_new_topic(ask, earlier, follow_up, topic):
    answer = ask(follow_up, [earlier])
    assert topic in answer.standalone_question, answer.standalone_question
    assert_cites_no_heading_or_list_row(answer)


@pytest.mark.parametrize("question, lang", [
    ("联合国秘书长对致命性自主武器系统有什么建议？", "zh"),
    ("白俄罗斯常驻代表的信是写给谁的？", "zh"),
    ("Does international humanitarian law apply to lethal autonomous weapons?", "en"),
    ("What does the New Agenda for Peace say about autonomous weapons?", "en"),
    ("What did the Secretary-General recommend on lethal autonomous weapons systems?", "en"),
])
def test_an_answer_speaks_its_questions_language_and_cites_text(ask, question, lang):
    answer = ask(question)
    assert answer.lang == lang
    assert other_language_words(answer.text, lang) == [], answer.text
    assert_cites_no_heading_or_list_row(answer)
