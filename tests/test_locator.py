"""Paragraph locators parsed out of questions (index.search.locators); symbols: test_symbols."""

import pytest

from index.search.locators import Locator, parse_locators

SYM = "CCW/GGE.1/2023/2"
GP = "CCW/MSP/2019/9"


# ---- locators -----------------------------------------------------------------------------


def L(symbol=None, part=None, number=None, item=None):
    return Locator(symbol, part, number, item)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("What does CCW/GGE.1/2023/2 para. 22 (c) say?", [L(SYM, number="22(c)")]),
        ("CCW/GGE.1/2023/2, paragraph 22(c)", [L(SYM, number="22(c)")]),
        ("what does para 21 say", [L(number="21")]),
        ("paras. 21–22", [L(number="21"), L(number="22")]),
        ("paragraphs 21-22", [L(number="21"), L(number="22")]),
        ("§ 23", [L(number="23")]),
        ("A/RES/78/241 para 2", [L("A/RES/78/241", number="2")]),
        ("operative paragraph 2", [L(part="body", number="2")]),
        ("preambular paragraph 3", [L(part="preamble", number="#3")]),
        ("footnote 1", [L(part="footnotes", number="fn1")]),
        ("paragraph 22 of CCW/GGE.1/2023/2", [L(SYM, number="22")]),
        ("paragraph 22, subparagraph (c)", [L(number="22(c)")]),
        ("annex III", [L(part="annex III")]),
        ("Annex II", [L(part="annex II")]),
        ("annex III (b)", [L(part="annex III", item="b")]),
        ("CCW/MSP/2019/9, annex III, principle (b)", [L(GP, "annex III", item="b")]),
        ("CCW/MSP/2019/9, annex III, guiding principle (b)", [L(GP, "annex III", item="b")]),
        ("guiding principle (b)", [L(item="b")]),
        ("annex III of CCW/MSP/2019/9", [L(GP, "annex III")]),
        ("Annex II of the report (CCW/GGE.1/2022/2)", [L("CCW/GGE.1/2022/2", "annex II")]),
        ("paragraph 3 of annex I of CCW/GGE.1/2023/2", [L(SYM, "annex I", "3")]),
        ("paragraph 3 of the preamble", [L(part="preamble", number="#3")]),
        ("In CCW/GGE.1/2023/2, what do paragraphs 21 and 22 say?",
         [L(SYM, number="21"), L(SYM, number="22")]),
        ("OP2 and PP3", [L(part="body", number="2"), L(part="preamble", number="#3")]),
        (SYM, [L(SYM)]),
        ("S/RES/2231 (2015), para 2.", [L("S/RES/2231", number="2")]),
    ],
)
def test_english_locators(text, expected):
    assert parse_locators(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("CCW/GGE.1/2023/2 号文件第 21 段(c)分段说了什么？", [L(SYM, number="21(c)")]),
        ("CCW/GGE.1/2023/2号文件第21段(c)分段", [L(SYM, number="21(c)")]),
        ("CCW/GGE.1/2023/2 附件一第 2 段", [L(SYM, "annex I", "2")]),
        ("第二十一段", [L(number="21")]),
        ("第 20 段", [L(number="20")]),
        ("第20段", [L(number="20")]),
        ("第21段（c）", [L(number="21(c)")]),
        ("第２１段", [L(number="21")]),
        ("第 21 至 22 段", [L(number="21"), L(number="22")]),
        ("第 21 段和第 22 段", [L(number="21"), L(number="22")]),
        ("附件一", [L(part="annex I")]),
        ("附件三", [L(part="annex III")]),
        ("附件十二", [L(part="annex XII")]),
        ("序言部分第 3 段", [L(part="preamble", number="#3")]),
        ("脚注 1", [L(part="footnotes", number="fn1")]),
        ("CCW/MSP/2019/9 号文件附件三指导原则(b)", [L(GP, "annex III", item="b")]),
    ],
)
def test_chinese_locators(text, expected):
    assert parse_locators(text) == expected


def test_each_symbol_keeps_its_own_locators():
    text = "Compare A/RES/78/241 para 2 with CCW/GGE.1/2023/2 para. 21 and CCW/MSP/2019/9."
    assert parse_locators(text) == [
        L("A/RES/78/241", number="2"),
        L(SYM, number="21"),
        L(GP),
    ]


def test_duplicates_are_dropped():
    assert parse_locators("para 21 ... again para 21") == [L(number="21")]


@pytest.mark.parametrize(
    "text",
    [
        # Real sentences with numbers that are not paragraph references.
        "我谨以工作组有关议程项目 5、6 和 7 会议共同主持人的身份",
        "the working group on the way ahead on agenda items 5, 6 and 7",
        "关于致命性自主武器系统领域新兴技术问题的缔约方政府专家组会议，为期 10 天",
        "2023 年 3 月 6 日星期一，第一次会议由主席主持开幕",
        "Decision 1 of the Fifth Review Conference",
        "Human Rights Council resolution 51/22 of 7 October 2022",
        "第六次审查会议的议事规则应比照适用于专家组",
        "附件中列出的文件",
        "no locator at all",
        "",
    ],
)
def test_no_false_positives(text):
    assert parse_locators(text) == []
