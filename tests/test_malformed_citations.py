"""Citations whose paragraph does not exist, or is written oddly: huge, negative or zero numbers,
unknown subparagraphs, bidi and zero-width characters, full-width digits.

Each one either resolves to exactly the paragraph it names or is reported missing with the
nearest valid paragraphs of its document — everywhere: look_up, `assistant show`, the page's
Verify box and the chat. None of them may fall back to showing the whole document.
"""

from __future__ import annotations

import json
import time

import pytest

from fakes import OPEN_CUT_OFF
from assistant.chain import answer_question
from assistant.texts import NO_SUCH_PARAGRAPH
from assistant.cli import main
from assistant.settings import Settings
from assistant.ui.handlers import Conversation, Handlers
from index.ingest.corpus import load_documents
from index.errors import NotFoundError
from index.search.locators import names_a_paragraph, parse_locators
from index.search.lookup import look_up

GGE = "CCW/GGE.1/2023/2"
RES = "A/RES/78/241"
SETTINGS = Settings(llm="none", translate=False, **OPEN_CUT_OFF)
HUGE = "9" * 5000  # past Python's 4,300-digit limit for int()

# Citations that name a paragraph that does not exist: each must be reported missing.
MISSING = [
    f"{GGE} para. 99999999999",
    f"{GGE} para. -1",
    f"{GGE} para. 9999",
    f"{GGE} para. 0",
    f"{GGE} para. {HUGE}",
    f"{GGE} para. 21 (zz)",
    f"{GGE} para. 21 (q)",
    f"{GGE} paragraph 22, subparagraph (zz)",
    f"{GGE} para. 21.5",
    f"{GGE} para. －１",  # full-width minus and digit
    f"{GGE} ¶ 9999",
    f"{GGE} para.\u200f 99999",
    f"{GGE} 第 99999 段",
    f"{GGE} 号文件第 21 段(zz)分段",
    f"{GGE} 第一百零五段",
    f"{GGE} footnote 999",
    f"{RES} OP 99999",
    f"{RES} PP -3",
]

# Invisible characters a citation copied from a right-to-left page or a PDF may carry.
INVISIBLE = ["\u200f", "\u200e", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
             "\u2067", "\u2068", "\u2069", "\u200b", "\u200d", "\u2060", "\ufeff"]


def labels(paragraphs) -> list[str]:
    return [p.label("en") for p in paragraphs]


# ---- look_up ------------------------------------------------------------------------------------


@pytest.mark.parametrize("citation", MISSING)
def test_a_missing_paragraph_is_reported_with_the_nearest_valid_ones(fake_retriever, citation):
    with pytest.raises(NotFoundError) as caught:
        look_up(fake_retriever.catalogue, citation)
    message = str(caught.value)
    assert message.startswith("no such paragraph: ")
    assert "\n" not in message and len(message) < 200
    symbol = RES if citation.startswith(RES) else GGE
    assert caught.value.nearest, "the nearest valid paragraphs are listed"
    assert all(p.symbol == symbol for p in caught.value.nearest)


def test_a_huge_number_names_the_last_paragraphs_as_nearest(fake_retriever):
    with pytest.raises(NotFoundError) as caught:
        look_up(fake_retriever.catalogue, f"{GGE} para. 99999999999")
    assert labels(caught.value.nearest)[:2] == [f"{GGE}, para. 25", f"{GGE}, para. 24"]


def test_a_missing_subparagraph_offers_its_paragraph_and_real_subparagraphs(fake_retriever):
    with pytest.raises(NotFoundError) as caught:
        look_up(fake_retriever.catalogue, f"{GGE} para. 21 (zz)")
    assert labels(caught.value.nearest)[:3] == [
        f"{GGE}, para. 21", f"{GGE}, para. 21 (a)", f"{GGE}, para. 21 (b)"]


@pytest.mark.parametrize("mark", INVISIBLE)
def test_invisible_characters_are_ignored(fake_retriever, mark):
    for citation in (f"{GGE} para.{mark} 21", f"{mark}{GGE} para. 21{mark}",
                     f"{GGE} para. 2{mark}1", f"CCW/GGE{mark}.1/2023/2 para. 21"):
        found = look_up(fake_retriever.catalogue, citation)
        assert labels(found) == [f"{GGE}, para. 21"], repr(citation)


def test_a_subparagraph_with_bidi_marks_and_full_width_digits_resolves(fake_retriever):
    found = look_up(fake_retriever.catalogue, f"\u202b{GGE} para. ２１ \u2067(c)\u2069\u202c")
    assert labels(found) == [f"{GGE}, para. 21 (c)"]


def test_a_bare_symbol_still_shows_the_whole_document(fake_retriever):
    found = look_up(fake_retriever.catalogue, GGE)
    assert len(found) > 40 and {p.symbol for p in found} == {GGE}
    assert labels(look_up(fake_retriever.catalogue, f"\u200f{GGE}\u200e")) == labels(found)


def test_a_huge_number_is_read_in_linear_time(fake_retriever):
    started = time.perf_counter()
    for citation in (f"{GGE} para. {'9' * 200_000}", f"{GGE} para. {'9' * 200_000}/",
                     f"{GGE} para. 1{'.1' * 50_000}x/", "第" + "一" * 100_000 + "段"):
        assert names_a_paragraph(citation)
        with pytest.raises(NotFoundError):
            look_up(fake_retriever.catalogue, citation)
    assert labels(look_up(fake_retriever.catalogue, f"{GGE} paras. " + "1, " * 50_000 + "/")) == [
        f"{GGE}, para. 1"]
    assert time.perf_counter() - started < 10


# ---- the locator grammar ------------------------------------------------------------------------


@pytest.mark.parametrize("text, number", [
    ("para. 99999999999", "99999999999"),
    ("para. -1", "-1"),
    ("para. 0", "0"),
    ("para. 007", "7"),
    ("para. 21 (zz)", "21(zz)"),
    ("paragraph 22, subparagraph (zz)", "22(zz)"),
    ("para. 22c", "22(c)"),
    ("para. ٢١", "21"),
    ("第 -1 段", "-1"),
    ("第一百零五段", "105"),
    ("第二二段", "二二"),  # not a numeral: kept as typed, so the look-up says it is missing
    ("OP 99999", "99999"),
])
def test_number_like_paragraphs_are_read_as_typed(text, number):
    assert [loc.number for loc in parse_locators(text)] == [number]


def test_a_list_ending_a_sentence_keeps_its_last_number():
    assert [loc.number for loc in parse_locators("paragraphs 21 and 22.")] == ["21", "22"]
    assert [loc.number for loc in parse_locators("paras. 21-22.")] == ["21", "22"]


@pytest.mark.parametrize("text", [
    "what happened in 2023?",
    "resolution 78/241",
    "What did General Assembly resolution 78/241 request?",
    "agenda items 5, 6 and 7",
    "第二阶段",
    "第六次审查会议的议事规则",
    "2023 年 3 月 6 日",
    "Which paragraph talks about training?",
    GGE,
])
def test_numbers_that_are_not_paragraphs_are_not_read_as_paragraphs(text):
    assert not names_a_paragraph(text)


# ---- the command line ---------------------------------------------------------------------------


@pytest.fixture
def indexed(capsys, fake_services, tmp_path, data_dir):
    store = tmp_path / "store"
    assert main(["index", str(data_dir), "--store", str(store), "--quiet"]) == 0
    capsys.readouterr()
    return store


@pytest.mark.parametrize("citation", [
    f"{GGE} para. 99999999999", f"{GGE} para. -1", f"{GGE} para. 9999", f"{GGE} para. 0",
    f"{GGE} para. 21 (zz)", f"{GGE}\u200f para. 9999", f"{GGE} para. {HUGE}",
])
def test_show_reports_a_missing_paragraph_and_exits_2(capsys, indexed, data_dir, citation):
    status = main(["show", citation, "--store", str(indexed)])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in err
    assert lines[0].startswith("error: no such paragraph: ")
    assert lines[1].startswith(f"nearest valid: {GGE}, para. ")


def test_show_reads_a_citation_with_a_right_to_left_mark(capsys, indexed):
    status = main(["show", f"{GGE} para.\u200f 22", "--store", str(indexed), "--json"])
    out, _ = capsys.readouterr()
    assert status == 0
    assert [(r["symbol"], r["number"]) for r in json.loads(out)] == [(GGE, "22")]


def test_show_prints_the_whole_document_only_for_a_bare_symbol(capsys, indexed, data_dir):
    # The whole document is not what "para. 9999" asks for, however short the document.
    gge = next(d for d in load_documents([data_dir]).documents if d.document.symbol == GGE)
    assert main(["show", GGE, "--store", str(indexed), "--json"]) == 0
    assert capsys.readouterr().out.count('"doc_id"') >= len(gge.paragraphs)
    assert main(["show", f"{GGE} para. 9999", "--store", str(indexed), "--json"]) == 2


# ---- the page -----------------------------------------------------------------------------------


@pytest.fixture
def page(fake_retriever, monkeypatch):
    return Handlers(fake_retriever, None, SETTINGS)


@pytest.mark.parametrize("citation", MISSING)
def test_verify_says_no_such_paragraph(page, citation):
    shown = page.verify(citation)
    assert "no such paragraph" in shown or "没有这个段落" in shown
    assert "Traceback" not in shown
    # the report's first paragraph is not shown as if it were the one asked for
    assert "The 2022 Meeting of the High Contracting Parties" not in shown


def test_verify_finds_a_paragraph_behind_a_right_to_left_mark(page):
    shown = page.verify(f"{GGE} para.\u200f 22 (c)")
    assert "Provide appropriate training and instructions for human operators." in shown


def test_documents_tab_says_no_such_paragraph(page):
    for locator in ("99999", "21 (zz)", f"{HUGE}"):
        shown = page.open_document(GGE, locator)
        assert "no such paragraph" in shown, locator


def test_chat_on_the_page_says_no_such_paragraph(page):
    replies = list(page.respond(f"What does {GGE} para. 99999 say?", [], Conversation()))
    assert replies[-1].chat[-1]["content"].count(NO_SUCH_PARAGRAPH["en"][:30]) == 1


# ---- the chain (/chat and `assistant ask`) ------------------------------------------------------


def ask(retriever, question, history=()):
    return answer_question(question, list(history), retriever, None, SETTINGS)


@pytest.mark.parametrize("question", [
    f"What does {GGE} para. 99999 say?",
    f"What does {GGE} para. -1 say?",
    f"What does {GGE} para. 21 (zz) say?",
    f"What does {GGE} para.\u200f 9999 say?",
])
def test_a_question_naming_a_missing_paragraph_gets_no_such_paragraph(fake_retriever, question):
    answer = ask(fake_retriever, question)
    assert answer.refused and answer.mode == "refusal" and answer.citations == []
    assert answer.text.startswith(NO_SUCH_PARAGRAPH["en"])
    nearest = [h.paragraph for h in answer.passages]
    assert nearest and all(p.symbol == GGE for p in nearest)


def test_a_missing_paragraph_takes_its_document_from_the_conversation(fake_retriever):
    answer = ask(fake_retriever, "And para. 99999?", history=[f"What does {RES} say?"])
    assert answer.text.startswith(NO_SUCH_PARAGRAPH["en"])
    assert {h.paragraph.symbol for h in answer.passages} == {RES}


def test_a_chinese_question_naming_a_missing_paragraph_is_answered_in_chinese(fake_retriever):
    answer = ask(fake_retriever, f"{GGE} 号文件第 99999 段说了什么？")
    assert answer.text.startswith(NO_SUCH_PARAGRAPH["zh"])


def test_a_paragraph_behind_a_right_to_left_mark_is_quoted(fake_retriever):
    answer = ask(fake_retriever, f"What does {GGE} para.\u200f 22 (c) say?")
    assert answer.mode == "lookup"
    assert [c.label for c in answer.citations] == [f"{GGE}, para. 22 (c)"]


@pytest.mark.parametrize("question", ["What happened in 2023?",
                                      "What did resolution 78/241 request?"])
def test_questions_with_numbers_are_not_treated_as_naming_a_paragraph(fake_retriever, question):
    answer = ask(fake_retriever, question)
    assert not answer.text.startswith(NO_SUCH_PARAGRAPH["en"])
