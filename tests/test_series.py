"""Document series and kinds (index.un.series): the data file, its checks and `describe`."""

import pytest

from index.errors import ConfigError
from index.un.series import KINDS, SERIES, SERIES_CODES, describe, load_series


@pytest.mark.parametrize(
    "symbol, kind, words",
    [
        ("A/RES/78/241", "resolution", "General Assembly resolution 联合国大会决议 联大决议"),
        ("A/C.1/78/L.56", "", "General Assembly First Committee document 大会第一委员会文件"),
        ("CCW/GGE.1/2023/2", "report",
         "CCW Group of Governmental Experts 《特定常规武器公约》政府专家组 report 报告"),
        ("CD/2090", "letter", "Conference on Disarmament 裁军谈判会议 裁谈会 letter 信函"),
        # Known in questions, not described: only the kind is said.
        ("E/CN.4/2023/1", "report", "report 报告"),
        (None, "", ""),
    ],
)
def test_describe(symbol, kind, words):
    assert describe(symbol, kind) == words


def test_the_series_file_loads_in_order():
    assert SERIES[0][0] == "A/RES/" and SERIES[-1][0] == "NPT/"
    assert len(SERIES) == 13 and list(KINDS) == ["resolution", "report", "letter"]
    # Described or not, every series' code is known (index.un.symbols reads it in lower case).
    assert SERIES_CODES == {"A", "S", "E", "CD", "CCW", "APLC", "BWC", "NPT", "ST", "UNODA", "DC",
                            "TD"}


def _series(prefix, words=True):
    text = f'[[series]]\nprefix = "{prefix}"\n'
    return text + ('en = "x"\nzh = "x"\n' if words else "")


@pytest.mark.parametrize(
    "text, message",
    [
        (_series("A/") + _series("A/RES/"),
         "[[series]] 2 ('A/RES/'): never used, 'A/' comes first"),
        (_series("A/") + _series("A/"), "[[series]] 2 ('A/'): prefix 'A/' is listed twice"),
        (_series("ST/", False) + _series("ST/", False), "[[series]] 2 ('ST/'): prefix 'ST/' is"),
        (_series("A/") + '[[series]]\nprefix = "S/"\nen = "x"\n',
         "[[series]] 2 ('S/'): give both 'en' and 'zh', or neither"),
        ('[[series]]\nen = "x"\nzh = "x"\n', "[[series]] 1: missing field 'prefix'"),
        ('[[series]]\nprefix = 3\n', "[[series]] 1: field 'prefix' must be a non-empty string"),
        (_series("a/"), "[[series]] 1 ('a/'): a prefix starts with a series code in capitals"),
        (_series("A/") + '[[kind]]\nname = "report"\nen = "report"\n',
         "[[kind]] 1 ('report'): missing field 'zh'"),
        ('[[kind]]\nname = "r"\nen = "r"\nzh = "r"\n' * 2,
         "[[kind]] 2 ('r'): kind 'r' is listed twice"),
        ("[series]\nprefix = 1\n", "'series' must be an array of tables, written [[series]]"),
    ],
)
def test_broken_series_file_names_file_and_entry(tmp_path, text, message):
    path = tmp_path / "series.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_series(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_a_series_without_words_is_only_known(tmp_path):
    path = tmp_path / "series.toml"
    path.write_text(_series("CCW/GGE") + _series("CCW/") + _series("ST/", words=False),
                    encoding="utf-8")
    table = load_series(path)
    assert [s[0] for s in table.series] == ["CCW/GGE", "CCW/"]
    assert table.codes == {"CCW", "ST"} and table.kinds == {}
