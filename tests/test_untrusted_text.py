"""Text from questions, documents and the model is material, never markup or markers.

A document planted in the index with HTML, links, a "[7]" and a symbol ("A/RES/99/999") is
quoted as the document it is: the exported Markdown shows its words and opens nothing, and
its markers and symbols never become citations or clickable markers.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from fakes import OPEN_CUT_OFF
from assistant.answer import Answer, Citation
from assistant.chain import answer_question
from assistant.render import print_answer
from assistant.settings import Settings
from assistant.ui import html as render
from assistant.ui.handlers import Conversation, Handlers
from index.ingest.corpus import load_documents
from index.search.retriever import Retriever

SETTINGS = Settings(llm="none", translate=False, **OPEN_CUT_OFF)
PLANTED_SYMBOL = "A/RES/99/999"
MARKUP = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(1))"
EN_CLAIM = ("States should keep human control over autonomous weapons systems, as set out in [7] "
            f"and [2] and in resolution {PLANTED_SYMBOL}")
ZH_CLAIM = f"各国应对自主武器系统保持人的控制，如【7】、[2]和 {PLANTED_SYMBOL} 号决议所述"
PLANTED = {
    "planted.en.txt": f"Planted note on autonomous weapons\n\n1. {EN_CLAIM} {MARKUP}.\n\n"
                      "2. Training for human operators of autonomous weapons systems is "
                      "recommended.\n",
    "planted.zh.txt": f"关于自主武器的说明\n\n1. {ZH_CLAIM} {MARKUP}。\n\n"
                      "2. 建议对自主武器系统的操作人员进行培训。\n",
}
EN_QUESTION = "Should States keep human control over autonomous weapons systems?"
ZH_QUESTION = "各国应对自主武器系统保持人的控制吗？"
# Every way Markdown turns text into HTML, a link or an image.
BAD_INPUTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "[x](vbscript:msgbox(1))",
    "[x](https://evil.example/)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[1]: javascript:alert(1)",
    "<https://evil.example>",
    "https://evil.example/a",
    "www.evil.example",
    "evil@example.com",
    "\\[x](javascript:alert(1))",
    "`<b>code</b>`",
    "<a href='javascript:alert(1)'>x</a>",
]


@pytest.fixture
def planted(tmp_path, fake_store) -> Retriever:
    """An index holding only the planted documents, in English and Chinese."""
    folder = tmp_path / "planted"
    folder.mkdir()
    for name, text in PLANTED.items():
        (folder / name).write_text(text, encoding="utf-8")
    loaded = load_documents([folder])
    assert not loaded.skipped
    fake_store.sync(loaded.documents)
    return Retriever(fake_store)


def rendered_html(markdown: str) -> str:
    """What a CommonMark viewer (raw HTML allowed, as most are) makes of the export."""
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def assert_inert(markdown: str) -> None:
    """No raw HTML, link, image or autolink survives in the Markdown."""
    assert "<script" not in markdown.lower() and "<img" not in markdown.lower()
    assert not re.search(r"(?<!\\)\]\(", markdown), "a live [text](url) link"
    assert not re.search(r"(?i)(?<!\\)(javascript|vbscript|data|https?):", markdown)
    assert not re.search(r"(?i)www\.", markdown), "a GFM www. autolink"
    assert not re.search(r"(?<!\\)@", markdown), "a GFM e-mail autolink"
    page = rendered_html(markdown)
    for tag in ("<a ", "<img", "<script", "<iframe"):
        assert tag not in page, f"{tag} in {page}"


def clickable_keys(message: str) -> list[int]:
    return [int(k) for k in re.findall(r'class="cite to-src-\d+-(\d+)"', message)]


# ---- the exported Markdown --------------------------------------------------------------------

@pytest.mark.parametrize("question", [f"{EN_QUESTION} {MARKUP}", f"{ZH_QUESTION} {MARKUP}"])
def test_chat_api_markdown_neutralises_markup_from_the_question_and_documents(planted, question):
    result = Handlers(planted, None, SETTINGS).chat_api(question)
    assert result["error"] is None and result["citations"]
    markdown = result["markdown"]
    assert_inert(markdown)
    # still readable: the question, labels and cited texts are there, shown as written
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "\\[x\\](javascript\\:alert(1))" in markdown
    assert markdown.startswith(f"## {question.split(' <')[0]}")
    for c in result["citations"]:
        assert f"[{c['key']}] **{c['label']}**" in markdown
    page = rendered_html(markdown)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "[x](javascript:alert(1))" in page


def test_the_downloaded_export_is_the_same_inert_markdown(planted):
    h = Handlers(planted, None, SETTINGS)
    conversation = Conversation()
    list(h.respond(f"{EN_QUESTION} {MARKUP}", [], conversation))
    text, path = h.export(conversation)
    assert_inert(text)
    assert open(path, encoding="utf-8").read() == text


@pytest.mark.parametrize("bad", BAD_INPUTS)
def test_no_bad_input_opens_anything_in_the_export(planted, bad):
    paragraph = next(iter(planted.catalogue.paragraphs.values()))
    tampered = replace(paragraph, text=f"Text {bad} end\n{bad}")
    answer = Answer(question=f"Q {bad}\n{bad}", lang="en", text=f"{bad} A claim [1]{bad}\n{bad}",
                    citations=[Citation(1, tampered, f"Label {bad}")], notice=f"Note {bad}")
    markdown = render.answer_markdown(answer)
    assert_inert(markdown)
    assert "[1]" in markdown  # the answer's own marker stays readable


@pytest.mark.parametrize("text", ["各国应保持控制。[1](javascript:alert(1))",
                                  "States should keep control [1]: javascript:alert(1)",
                                  "[1]\n[1]: https://evil.example"])
def test_a_marker_next_to_a_model_written_link_does_not_become_one(planted, text):
    paragraph = next(iter(planted.catalogue.paragraphs.values()))
    answer = Answer(question="Q", lang="en", text=text,
                    citations=[Citation(1, paragraph, paragraph.label())])
    assert_inert(render.answer_markdown(answer))


# ---- planted markers and symbols ---------------------------------------------------------------

def cites_only_given_passages(answer: Answer) -> None:
    given = {p.id for p in answer.given.values()} or {h.paragraph.id for h in answer.passages}
    assert answer.citations
    assert all(c.paragraph.id in given for c in answer.citations)
    assert all(c.paragraph.symbol != PLANTED_SYMBOL for c in answer.citations)
    assert sorted(c.key for c in answer.citations) == list(range(1, len(answer.citations) + 1))


@pytest.mark.parametrize("question, planted_marker",
                         [(EN_QUESTION, "[7]"), (ZH_QUESTION, "【7】")])
def test_a_planted_marker_quoted_by_the_extractive_answer_stays_text(planted, question,
                                                                     planted_marker):
    answer = answer_question(question, [], planted, None, SETTINGS)
    assert answer.mode == "extractive"
    cites_only_given_passages(answer)
    # the document is quoted as written …
    assert planted_marker in answer.text and PLANTED_SYMBOL in answer.text
    # … and only the markers the code wrote after each quote are markers
    message = render.answer_message(answer, 1)
    assert clickable_keys(message) == [c.key for c in answer.citations]
    assert "to-src-1-7" not in message
    markdown = render.answer_markdown(answer)
    assert_inert(markdown)
    assert "\\[2\\]" in markdown  # the planted "[2]" is escaped text, the real [2] is not


def test_a_planted_marker_in_the_page_answer_is_not_clickable(planted):
    replies = list(Handlers(planted, None, SETTINGS).respond(EN_QUESTION, [], Conversation()))
    final = replies[-1]
    message = final.chat[-1]["content"]
    assert "to-src-1-7" not in message
    assert clickable_keys(message) == [c.key for c in final.answer.citations]
    assert "\\[7\\]" in message


def test_a_model_quoting_a_planted_marker_cites_only_passages_it_was_given(planted):
    draft = (f"The note says: “{EN_CLAIM}” [7] [1] [2]. It also quotes {MARKUP} [9].")
    llm = FakeListChatModel(responses=[draft])
    h = Handlers(planted, llm, SETTINGS)
    replies = list(h.respond(EN_QUESTION, [], Conversation()))
    answer = replies[-1].answer
    assert answer.mode == "llm"
    cites_only_given_passages(answer)
    assert all(key in answer.given for key in clickable_keys(replies[-1].chat[-1]["content"]))
    assert "to-src-1-7" not in replies[-1].chat[-1]["content"]
    assert "to-src-1-9" not in replies[-1].chat[-1]["content"]
    result = h.chat_api(EN_QUESTION)
    assert {c["id"] for c in result["citations"]} <= {p.id for p in planted.catalogue.paragraphs.values()}
    assert_inert(result["markdown"])


def test_a_marker_no_citation_stands_behind_is_not_clickable(planted):
    paragraph = next(iter(planted.catalogue.paragraphs.values()))
    answer = Answer(question="Q", lang="en", text="A claim [1]. Another [3]. Both [1, 3].",
                    citations=[Citation(1, paragraph, paragraph.label())])
    assert clickable_keys(render.answer_message(answer, 1)) == [1]


def test_the_terminal_shows_control_characters_as_codes(planted, capsys):
    paragraph = next(iter(planted.catalogue.paragraphs.values()))
    tampered = replace(paragraph, text="red \x1b[31mtext\x1b[0m\x07")
    answer = Answer(question="Q", lang="en", text="A claim\x1b]8;;https://evil\x07 [1]",
                    citations=[Citation(1, tampered, "Label\x1b[2J")])
    print_answer(answer)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mtext" in out and "A claim" in out


def test_a_planted_marker_in_a_looked_up_paragraph_is_not_clickable(planted):
    """A verbatim look-up quotes the paragraph too: its "[2]" is text even when the answer
    has a citation 2 (the other language version's paragraph 1)."""
    replies = list(Handlers(planted, None, SETTINGS).respond("What does paragraph 1 say?", [],
                                                             Conversation()))
    answer = replies[-1].answer
    assert answer.mode == "lookup" and len(answer.citations) == 2
    message = replies[-1].chat[-1]["content"]
    assert sorted(clickable_keys(message)) == [1, 2]  # the two markers code wrote, once each
