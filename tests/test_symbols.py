"""The one UN-symbol grammar (index.un.symbols): typed in questions, printed in documents."""

import pytest

from index.un.series import SERIES, SERIES_CODES
from index.un.symbols import PRINTED_SYMBOL_RE, find_symbols, ga_resolution_symbols, normalize

SYM = "CCW/GGE.1/2023/2"


# ---- as typed in a question ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, symbols",
    [
        ("A/RES/78/241", ["A/RES/78/241"]),
        ("[on the report of the First Committee (A/78/409, para. 89)]", ["A/78/409"]),
        ("CCW/GGE.1/2023/WP.4/Rev.2 关于自主武器系统的条款草案", ["CCW/GGE.1/2023/WP.4/Rev.2"]),
        ("根据 CCW/CONF.V/10 号文件所载第五次审查会议决定 1", ["CCW/CONF.V/10"]),
        ("CD/2090 and A/C.1/78/L.56.", ["CD/2090", "A/C.1/78/L.56"]),
        ("Security Council resolution S/RES/2231 (2015)", ["S/RES/2231"]),
        ("最后报告(CCW/MSP/2022/7)所载如下决定", ["CCW/MSP/2022/7"]),
        ("CCW/GGE.1/2023/ CRP.2 号文件", ["CCW/GGE.1/2023/CRP.2"]),
        ("通过了会议议程(CCW/ \n\nGGE.1/2023/1)", ["CCW/GGE.1/2023/1"]),
        ("See CCW/GGE.1/2023/2, then CCW/GGE.1/2023/2 again.", [SYM]),
        ("ccw/gge.1/2023/wp.4/rev.2", ["CCW/GGE.1/2023/WP.4/Rev.2"]),
        ("https://undocs.org/A/RES/78/241", ["A/RES/78/241"]),
    ],
)
def test_find_symbols(text, symbols):
    assert find_symbols(text) == symbols


@pytest.mark.parametrize(
    "text",
    [
        "the 2023/2024 session",
        "resolution 51/22 of 7 October 2022",
        "a 2/2 split",
        "and/or TCP/IP km/h",
        "",
    ],
)
def test_find_symbols_ignores_dates_fractions_and_words(text):
    assert find_symbols(text) == []


# ---- General Assembly resolutions cited by number ------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("General Assembly resolution 78/241", ["A/RES/78/241"]),
    ("what does resolution 78/241 para 2 say?", ["A/RES/78/241"]),
    ("联大第 78/241 号决议", ["A/RES/78/241"]),
    ("大会第78/241号决议", ["A/RES/78/241"]),
    ("Human Rights Council resolution 51/22 of 7 October 2022", []),
    ("the Security Council in resolution 1540", []),
])
def test_general_assembly_resolutions_cited_by_number(text, expected):
    assert ga_resolution_symbols(text) == expected


@pytest.mark.parametrize(
    "text, symbols",
    [
        # Every series in series.toml may be typed in lower case, described or not.
        ("e/cn.4/2023/1", ["E/CN.4/2023/1"]),
        ("st/sgb/2019/8", ["ST/SGB/2019/8"]),
        ("cd/2090/add.1", ["CD/2090/Add.1"]),
        ("a/c.1/78/l.56/corr.1", ["A/C.1/78/L.56/Corr.1"]),
        # A series not listed must be typed in capitals.
        ("xyz/2023/1", []),
        ("XYZ/2023/1", ["XYZ/2023/1"]),
        # Glued to a word, copied with invisible marks or full-width letters.
        ("see/A/78/409", ["A/78/409"]),
        ("A/RES/\u200f78/241", ["A/RES/78/241"]),
        ("ＣＣＷ／ＧＧＥ.1／2023／2", [SYM]),
    ],
)
def test_typed_symbols_known_series_and_copied_text(text, symbols):
    assert find_symbols(text) == symbols


def test_every_described_series_is_known_in_lower_case():
    for prefix, _, _ in SERIES:
        assert prefix.split("/")[0].split(".")[0] in SERIES_CODES
    assert {"A", "S", "CCW", "CD", "E", "ST", "UNODA", "DC", "TD"} <= SERIES_CODES


def test_normalize_drops_invisible_marks_and_unifies_dashes():
    assert normalize("para.\u200f 21\u2013\u221222（c）") == "para. 21--22(c)"


# ---- as printed in document text -----------------------------------------------------------


@pytest.mark.parametrize(
    "line, symbol",
    [
        ("CCW/GGE.1/2023/WP.1   Working paper", "CCW/GGE.1/2023/WP.1"),
        ("A/C.1/78/L.56.", "A/C.1/78/L.56"),
        ("CD/2090", "CD/2090"),
        # Where a document prints a symbol, it is one: no number is needed.
        ("CCW/CONF.VI/WP.x", "CCW/CONF.VI/WP.x"),
    ],
)
def test_printed_symbol_is_the_printed_characters(line, symbol):
    assert PRINTED_SYMBOL_RE.match(line).group(0) == symbol


@pytest.mark.parametrize("line", ["ccw/gge.1/2023/2", "CCW/ GGE.1/2023/1", "Paragraph 1/2", "/A/1"])
def test_printed_symbol_is_capitals_without_spaces(line):
    # Documents print symbols in capitals and in one piece (the parser cuts the symbol off its
    # line by length); a table row starting otherwise is no symbol row.
    assert PRINTED_SYMBOL_RE.match(line) is None


def test_printed_symbol_in_a_page_header():
    line = "A/RES/78/241   Lethal autonomous weapons systems"
    assert [m.group(0) for m in PRINTED_SYMBOL_RE.finditer(line)] == ["A/RES/78/241"]
