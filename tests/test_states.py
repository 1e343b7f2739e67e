"""States named in a question (index.un.states) and searched within their own submission
first (Catalogue.submissions_named, the retriever's "submission" signal)."""

import pytest

from index.errors import ConfigError
from index.ingest.corpus import load_documents
from index.search.retriever import Retriever
from index.un.states import load_states, named_submitters, names_in


@pytest.mark.parametrize("question, named", [
    ("What did China say about autonomous weapons?", ["China"]),
    ("中国对致命性自主武器系统的立场是什么？", ["China"]),
    ("What did the US and the UK propose?", ["United Kingdom of Great Britain and Northern Ireland",
                                             "United States of America"]),
    ("let us see what the group concluded", []),  # "us" is a pronoun, "US" a State
    ("俄罗斯联邦怎么看？", ["Russian Federation"]),
])
def test_a_question_names_submitters_in_either_language(question, named):
    assert named_submitters(question) == named


def test_a_joint_submission_includes_each_of_its_states():
    joint = "Chile, Colombia, Costa Rica, Philippines, Sierra Leone and State of Palestine"
    assert names_in(joint, ["Chile"]) and names_in(joint, ["State of Palestine"])
    assert not names_in(joint, ["China"])


def test_the_table_has_no_name_twice(tmp_path):
    assert len(load_states()) > 60
    bad = tmp_path / "states.toml"
    bad.write_text('[[state]]\nen = "China"\nzh = ["中国"]\n\n[[state]]\nen = "Taiwan"\n'
                   'zh = ["中国"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"states.toml: \[\[state\]\] 2 \('Taiwan'\): name '中国'"):
        load_states(bad)


@pytest.fixture(scope="module")
def replies(tmp_path_factory):
    """A report of four States' replies (Albania, Argentina, Australia, Austria), indexed
    with the fake embedder."""
    pytest.importorskip("fpdf")
    from eval.make_report import write_report
    from fakes import FakeEmbedder
    from index.store.client import open_client
    from index.store.paragraph_store import ParagraphStore

    path = tmp_path_factory.mktemp("replies") / "A_99_123.pdf"
    write_report(path, states=4, paragraphs=6)
    store = ParagraphStore(open_client(tmp_path_factory.mktemp("store"), create=True),
                           FakeEmbedder())
    store.sync(load_documents([path]).documents)
    return Retriever(store)


@pytest.mark.parametrize("question", ["What did Argentina say about the report?",
                                      "阿根廷对这份报告有什么看法？"])
def test_a_question_naming_a_state_is_answered_from_its_submission_first(replies, question):
    query = replies.analyse(question)
    assert query.submissions == (("A/99/123", "annex I, Argentina"),)
    hits = replies.search(query, 8)
    assert [h.paragraph.part for h in hits[:6]] == ["annex I, Argentina"] * 6
    assert "submission" in hits[0].sources
