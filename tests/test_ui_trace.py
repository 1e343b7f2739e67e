"""The Trace tab's handlers without Gradio (fake embedder, the bundled core documents): bad
input is one line, a trace gives its rows and files, its rows can be asked about, and an answer
citing two documents offers a trace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation
from assistant.settings import Settings
from assistant.ui.trace_tab import TraceTab
from test_trace import topic_retriever

THEME = "the study, acquisition or adoption of a new weapon or method of warfare"


@pytest.fixture(scope="module")
def topics(tmp_path_factory):
    return topic_retriever(tmp_path_factory.mktemp("ui-trace-store"))


@pytest.fixture
def tab(topics, tmp_path) -> TraceTab:
    return TraceTab(topics, None, Settings(llm="none", translate=False), tmp_path)


@pytest.mark.parametrize("theme, documents, words", [
    ("  ", [], "Type a theme first"),
    ("x" * 301, [], "The theme is 301 characters long; the limit is 300"),
    ("?!", [], "The theme has no words"),
    ("human control", ["X/1"], "There is no document “X/1” in the library"),
])
def test_bad_input_is_one_line_and_no_rows(tab, theme, documents, words):
    result = tab.run(theme, documents)
    # the status is Markdown: "X/1" is written "X\\/1"
    assert words in result.status.replace("\\", "") and "\n" not in result.status
    assert result.html == "" and result.trace is None and result.markdown_path is None


def test_a_trace_gives_one_row_per_document_and_its_files(tab):
    result = tab.run(THEME)
    assert result.trace is not None and result.html.startswith('<div class="trace"')
    assert len(re.findall(r'class="row( silent)?"', result.html)) == len(result.trace.rows) == 4
    assert "2 of 4 documents address" in result.status and "oldest first" in result.status
    assert 'data-open="CCW/GGE.1/2023/2|en|body|23"' in result.html  # a click opens it
    assert "<ins" in result.html  # what the 2023 report added to the 2019 principle
    markdown = Path(result.markdown_path).read_text(encoding="utf-8")
    assert markdown.startswith("# Theme traced: the study")
    assert Path(result.csv_path).read_text(encoding="utf-8").startswith("date,document")


def test_a_theme_no_document_addresses_says_so_in_one_line(tab):
    result = tab.run("deep-sea mining royalties and the seabed authority")
    assert "No document in the library addresses" in result.status
    assert result.markdown_path is None
    assert result.html.count('class="row silent"') == len(result.trace.rows)


def test_the_rows_can_be_asked_about_with_those_paragraphs_in_context(tab):
    traced = tab.run(THEME).trace
    reply = tab.ask("What must be determined when a State adopts a new weapon?", traced)
    assert "CCW/GGE.1/2023/2, para. 23" in reply or "CCW/MSP/2019/9, annex III" in reply
    assert "Trace a theme first" in tab.ask("why?", None)
    assert "Type a question first" in tab.ask(" ", traced)


def test_an_answer_citing_two_documents_offers_a_trace(topics):
    paragraphs = list(topics.catalogue.paragraphs.values())
    first = next(p for p in paragraphs if p.symbol == "CCW/MSP/2019/9")
    second = next(p for p in paragraphs if p.symbol == "CCW/GGE.1/2023/2")
    cite = lambda key, p: Citation(key, p, p.label())  # noqa: E731
    two = Answer("q", "en", "a [1] b [2]", [cite(1, first), cite(2, second)])
    one = Answer("q", "en", "a [1]", [cite(1, first), cite(2, first)])
    assert TraceTab.offers(two) and not TraceTab.offers(one)
    assert not TraceTab.offers(Answer("q", "en", "no", [cite(1, first), cite(2, second)],
                                      refused=True))
