"""The parser on every document shipped with the product, and on the raw-text quirks they hold
(raw input and bad files: test_parser_inputs.py)."""

import re

import pytest

from index.ingest.corpus import CORPUS_DIR, load_documents
from index.ingest.metadata import load_sidecar
from index.ingest.paragraphs import parse_file
from index.ingest.clean import join_zh

FURNITURE = [
    re.compile(r"\d{2}-\d{5}\s*\([A-Z]\)"),  # job line 23-26252 (E)
    re.compile(r"\*\d{6,}\*"),  # barcode
    re.compile(r"_{5,}"),  # footnote rule
    re.compile(r"\b\d+/\d+\s{2,}"),  # "2/2   "
]


def parse(name):
    path = CORPUS_DIR / name
    return parse_file(path, load_sidecar(path))


@pytest.fixture(scope="module")
def gge_en():
    return parse("CCW_GGE.1_2023_2.en.txt")


@pytest.fixture(scope="module")
def gge_zh():
    return parse("000_ced3f55f669d5ebf.txt")


@pytest.fixture(scope="module")
def letter():
    return parse("002_2e1ace435011158c.txt")


@pytest.fixture(scope="module")
def resolution():
    return parse("A_RES_78_241.en.txt")


@pytest.fixture(scope="module")
def principles():
    return parse("CCW_MSP_2019_9_annexIII.en.txt")


def top_level(parsed, part="body"):
    return [p for p in parsed.paragraphs if p.part == part and p.kind == "paragraph"]


# ---- every shipped document ---------------------------------------------------------------

def test_every_shipped_document_parses_without_page_furniture():
    loaded = load_documents([CORPUS_DIR])
    assert loaded.skipped == []
    assert len(loaded.documents) == 5
    for parsed in loaded.documents:
        assert parsed.paragraphs, parsed.document.source
        for p in parsed.paragraphs:
            assert p.text.strip(), p.id
            for pattern in FURNITURE:
                assert not pattern.search(p.text), (p.id, p.text)
            if parsed.document.symbol:
                # The running header never lands inside a paragraph as a stray line.
                assert f"\n{parsed.document.symbol}\n" not in f"\n{p.text}\n"


def test_ids_are_unique_and_stable():
    first = load_documents([CORPUS_DIR])
    second = load_documents([CORPUS_DIR])
    ids = [p.id for d in first.documents for p in d.paragraphs]
    assert len(ids) == len(set(ids))
    assert ids == [p.id for d in second.documents for p in d.paragraphs]


# ---- CCW/GGE.1/2023/2 ---------------------------------------------------------------------

@pytest.mark.parametrize("fixture", ["gge_en", "gge_zh"])
def test_report_paragraphs_1_to_25_come_out_exactly(fixture, request):
    parsed = request.getfixturevalue(fixture)
    assert [p.number for p in top_level(parsed)] == [str(n) for n in range(1, 26)]


def test_both_language_versions_share_symbol_numbers_and_keys(gge_en, gge_zh):
    assert gge_en.document.symbol == gge_zh.document.symbol == "CCW/GGE.1/2023/2"
    en_keys = {p.key for p in gge_en.paragraphs}
    zh_keys = {p.key for p in gge_zh.paragraphs}
    assert en_keys == zh_keys  # every paragraph is reachable from the other language
    assert {p.lang for p in gge_en.paragraphs} == {"en"}
    assert {p.lang for p in gge_zh.paragraphs} == {"zh"}


def test_subparagraphs_are_citable_alone_and_part_of_their_paragraph(gge_en):
    by_locator = {p.locator: p for p in gge_en.paragraphs}
    para = by_locator["21"]
    items = [by_locator[f"21({x})"] for x in "abc"]
    assert items[0].text == "IHL continues to apply fully to the potential development and use of LAWS;"
    assert items[2].text.endswith("proportionality and precautions in attack.")
    for item in items:
        assert item.text in para.text
        assert item.parent_id == para.id
    assert para.text.startswith("Without prejudice to the future work of the Group")
    assert by_locator["22(c)"].label() == "CCW/GGE.1/2023/2, para. 22 (c)"
    assert by_locator["22(c)"].label("zh") == "CCW/GGE.1/2023/2 号文件第 22 段(c)分段"


def test_chapter_headings_become_the_section_path(gge_en, gge_zh):
    en = {p.locator: p for p in gge_en.paragraphs}
    zh = {p.locator: p for p in gge_zh.paragraphs}
    assert en["16"].section == ("III. Conclusions",)
    assert en["25"].section == ("V. Adoption of the report",)
    assert zh["16"].section == ("三. 结论",)


def test_paragraph_continues_across_a_page_break(gge_en):
    para2 = {p.locator: p for p in gge_en.paragraphs}["2"]
    # Page 1 ends "…in accordance with the regular"; page 2 goes on "practice under CCW".
    assert "in accordance with the regular practice under CCW" in para2.text
    para11 = {p.locator: p for p in gge_en.paragraphs}["11"]
    assert "Maat for Peace, Development and Human Rights" in para11.text


def test_quoted_numbered_text_is_not_a_new_paragraph(gge_en):
    para13 = {p.locator: p for p in gge_en.paragraphs}["13"]
    assert "“5. Intensify the consideration of proposals" in para13.text


def test_annex_table_gives_one_record_per_listed_document(gge_en, gge_zh):
    for parsed in (gge_en, gge_zh):
        rows = [p for p in parsed.paragraphs if p.kind == "row"]
        assert len(rows) == 9
        assert all(p.part == "annex I" for p in rows)
        assert rows[0].text.startswith("CCW/GGE.1/2023/1 — ")
        assert rows[1].text.startswith("CCW/GGE.1/2023/2 — ")  # the report lists itself
        assert rows[-1].text.startswith("CCW/GGE.1/2023/INF.1 — ")
    en_row = next(p for p in gge_en.paragraphs if p.kind == "row" and "WP.4/Rev.2" in p.text)
    assert "Submitted by Australia, Canada, Japan, Poland" in en_row.text
    assert en_row.label() == "CCW/GGE.1/2023/2, annex I, table row 6 (counted)"


def test_english_title_and_date_come_from_the_text(gge_en):
    doc = gge_en.document
    assert doc.title.startswith("Report of the 2023 session of the Group of Governmental Experts")
    assert doc.date == "2023-05-24"
    assert doc.kind == "report"


# ---- Chinese PDF-extracted text --------------------------------------------------------------

def test_chinese_hard_wraps_join_without_spaces(gge_zh):
    paras = {p.locator: p for p in gge_zh.paragraphs}
    assert "《禁止或限制使用某些可被认为具有过分伤害力或滥杀滥伤作用的常规武器公约》" in paras["1"].text
    assert "致命性自主武器系统的潜在开发和使用；" in paras["21(a)"].text
    # Spaces a reader expects around numbers stay: "2023 年".
    assert "2023 年 3 月 6 日星期一" in paras["4"].text


def test_chinese_symbol_broken_across_lines_is_rejoined(gge_zh):
    paras = {p.locator: p for p in gge_zh.paragraphs}
    assert "(CCW/GGE.1/2023/1)" in paras["4"].text
    assert "CCW/GGE.1/2023/CRP.2 号文件" in paras["25"].text


def test_pdf_bookmark_outline_is_dropped(gge_zh):
    last = gge_zh.paragraphs[-1]
    assert last.kind == "row" and "与会者名单" in last.text
    assert not any("\t" in p.text for p in gge_zh.paragraphs)


def test_join_zh_rules():
    assert join_zh("会议的主要结", "论。") == "会议的主要结论。"
    assert join_zh("议程项目", "5、6 和 7") == "议程项目 5、6 和 7"
    assert join_zh("于 2017", "年 6 月") == "于 2017 年 6 月"
    assert join_zh("(CCW/", "GGE.1/2023/1)") == "(CCW/GGE.1/2023/1)"


# ---- the Conference on Disarmament letter -----------------------------------------------------

def test_letter_has_no_invented_symbol_and_counted_parts(letter):
    assert letter.document.symbol is None
    parts = [p.part for p in letter.paragraphs]
    assert parts[0] == "covering letter"
    assert {"covering letter", "annex I", "annex II", "annex III"} == set(parts)
    assert all(p.number is None and p.counted for p in letter.paragraphs)
    first = letter.paragraphs[0]
    assert first.locator == "#1"
    assert "counted" in first.label("en") and "按顺序计数" in first.label("zh")
    assert "(无文号)" in first.label("zh")


def test_letter_lead_in_and_its_lost_bullets_are_one_unit(letter):
    annex1 = [p for p in letter.paragraphs if p.part == "annex I"]
    lead = next(p for p in annex1 if p.text.startswith("为了确定负有谈判授权的工作计划的共同立场"))
    items = [p for p in annex1 if p.parent_id == lead.id]
    assert [p.text[:8] for p in items] == ["保留裁谈会议程中", "继续(正式或非正", "更加关注查明特定", "鼓励各会员国扩大"]
    for item in items:
        assert item.text in lead.text
    following = annex1[annex1.index(items[-1]) + 1]
    assert following.text.startswith("我希望这一组措施") and following.kind == "paragraph"


def test_letter_numbered_items_follow_their_lead_in(letter):
    annex1 = [p for p in letter.paragraphs if p.part == "annex I"]
    lead = next(p for p in annex1 if p.text.startswith("讨论概述了代表团关心的以下几个主要问题"))
    items = [p for p in annex1 if p.parent_id == lead.id]
    assert [p.item for p in items] == ["1", "2", "3"]
    assert items[1].text == "致命性自主武器系统与人工智能武器化；"


def test_annex_dateline_becomes_the_section(letter):
    annex2 = [p for p in letter.paragraphs if p.part == "annex II"]
    assert annex2[0].section == ("2017 年 6 月 15 日，日内瓦",)


# ---- the GA resolution -----------------------------------------------------------------------

def test_resolution_preamble_is_counted_and_operative_paragraphs_numbered(resolution):
    preamble = top_level(resolution, "preamble")
    operative = top_level(resolution, "body")
    assert [p.text.split()[0] for p in preamble] == [
        "Affirming", "Recognizing", "Mindful", "Concerned", "Welcoming", "Noting",
        "Acknowledging", "Recognizing", "Recognizing",
    ]
    assert [p.number for p in operative] == ["1", "2", "3", "4"]
    assert preamble[3].label() == "A/RES/78/241, preambular para. 4 (counted)"
    assert operative[3].text.endswith("the item entitled “Lethal autonomous weapons systems”.")


def test_resolution_footnotes_are_records_not_inline(resolution):
    notes = [p for p in resolution.paragraphs if p.kind == "footnote"]
    assert [p.locator for p in notes] == ["fn1", "fn2"]
    assert notes[0].text == "United Nations, Treaty Series, vol. 1342, No. 22495."
    welcoming = next(p for p in resolution.paragraphs if p.text.startswith("Welcoming"))
    assert "Indiscriminate Effects, and in this regard" in welcoming.text  # marker "1" removed
    for p in resolution.paragraphs:
        assert "Treaty Series" not in p.text or p.kind == "footnote"
        assert "plenary meeting" not in p.text or p.part == "records"


def test_resolution_metadata(resolution):
    doc = resolution.document
    # dated by its adoption ("on 22 December 2023"), not its distribution (28 December)
    assert (doc.symbol, doc.title, doc.date, doc.kind) == (
        "A/RES/78/241", "Lethal autonomous weapons systems", "2023-12-22", "resolution")


# ---- the Guiding Principles ------------------------------------------------------------------

def test_guiding_principles_are_items_of_the_chapeau(principles):
    assert principles.document.symbol == "CCW/MSP/2019/9"
    chapeau = top_level(principles, "annex III")
    assert len(chapeau) == 1 and chapeau[0].text.startswith("It was affirmed that")
    items = [p for p in principles.paragraphs if p.kind == "item"]
    assert [p.item for p in items] == list("abcdefghijk")
    assert items[1].text.startswith("Human responsibility for decisions on the use of weapons")
    assert items[1].label() == "CCW/MSP/2019/9, annex III, counted para. 1 (b)"
    assert chapeau[0].section[0].startswith("Guiding Principles affirmed by the Group")
