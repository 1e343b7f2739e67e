"""What a UN document is, in both languages, from its symbol's series and its kind.

"A/RES/78/241" is a General Assembly resolution whatever its title says. Putting that in both
languages beside each paragraph lets "联大决议要求秘书长做什么？" reach the English text of a
resolution through the keyword index as well as the embedder. The table is data, in
series.toml beside this module; this module loads and checks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from index.errors import ConfigError
from index.un.data_file import TEXT, check_fields, entries, entry_name, read_toml

__all__ = ["SERIES", "KINDS", "SERIES_CODES", "SERIES_FILE", "SERIES_NAMES", "SeriesTable",
           "load_series", "describe", "series_of"]

SERIES_FILE = Path(__file__).with_name("series.toml")


@dataclass(frozen=True)
class SeriesTable:
    """What series.toml holds, checked."""

    series: tuple[tuple[str, str, str], ...]  # (prefix, en, zh), longest prefix first
    kinds: dict[str, tuple[str, str]]  # document kind -> (en, zh)
    codes: frozenset[str]  # every series code listed: "A", "CCW", "E", …


def load_series(path: Path = SERIES_FILE) -> SeriesTable:
    """The series and kinds in ``path``; ConfigError naming the file and the entry when a field
    is missing or of the wrong type, a prefix is listed twice, or a prefix comes after a shorter
    one that already matches every symbol it would describe."""
    data = read_toml(path, {"series", "kind"})
    series, codes, listed = [], set(), set()
    for number, entry in enumerate(entries(data, "series", path), 1):
        where = entry_name(path, "series", number, entry, "prefix")
        check_fields(entry, where, {"prefix": TEXT}, {"en": TEXT, "zh": TEXT})
        prefix = entry["prefix"]
        if ("en" in entry) != ("zh" in entry):
            raise ConfigError(f"{where}: give both 'en' and 'zh', or neither")
        if prefix in listed:
            raise ConfigError(f"{where}: prefix {prefix!r} is listed twice")
        for earlier in (s[0] for s in series):  # only a described series hides a later one
            if prefix.startswith(earlier):
                raise ConfigError(f"{where}: never used, {earlier!r} comes first and matches "
                                  "the same symbols (list the longer prefix first)")
        listed.add(prefix)
        codes.add(_code(prefix, where))
        if "en" in entry:
            series.append((prefix, entry["en"], entry["zh"]))
    kinds: dict[str, tuple[str, str]] = {}
    for number, entry in enumerate(entries(data, "kind", path), 1):
        where = entry_name(path, "kind", number, entry, "name")
        check_fields(entry, where, {"name": TEXT, "en": TEXT, "zh": TEXT})
        if entry["name"] in kinds:
            raise ConfigError(f"{where}: kind {entry['name']!r} is listed twice")
        kinds[entry["name"]] = (entry["en"], entry["zh"])
    return SeriesTable(tuple(series), kinds, frozenset(codes))


def _code(prefix: str, where: str) -> str:
    # The series code is the symbol's first piece: "A" of "A/C.1/", "CCW" of "CCW/GGE".
    code = re.split(r"[/.]", prefix)[0]
    if not re.fullmatch(r"[A-Z]+", code):
        raise ConfigError(f"{where}: a prefix starts with a series code in capitals ('CCW/')")
    return code


_TABLE = load_series()
# Longest prefix first: the first match wins.
SERIES: tuple[tuple[str, str, str], ...] = _TABLE.series
KINDS: dict[str, tuple[str, str]] = _TABLE.kinds
# Series codes recognised in a question even when typed in lower case (index.un.symbols).
SERIES_CODES: frozenset[str] = _TABLE.codes


def describe(symbol: str | None, kind: str = "") -> str:
    """A short bilingual description: "General Assembly resolution 联合国大会决议 联大决议"."""
    words: list[str] = []
    if symbol:
        for prefix, en, zh in SERIES:
            if symbol.startswith(prefix):
                words += [en, zh]
                break
    if kind in KINDS:
        words += [w for w in KINDS[kind] if not any(w in x for x in words)]
    return " ".join(words)


# What a filter by series offers: the first segment of a symbol names the body that issued it
# ("A/…" the General Assembly); documents that print no symbol are "other".
SERIES_NAMES: dict[str, dict[str, str]] = {
    "GA": {"en": "General Assembly", "zh": "联合国大会"},
    "SC": {"en": "Security Council", "zh": "安全理事会"},
    "CCW": {"en": "Convention on Certain Conventional Weapons", "zh": "《特定常规武器公约》"},
    "CD": {"en": "Conference on Disarmament", "zh": "裁军谈判会议"},
    "DC": {"en": "Disarmament Commission", "zh": "裁军审议委员会"},
    "E": {"en": "Economic and Social Council", "zh": "经济及社会理事会"},
    "other": {"en": "Documents without a symbol", "zh": "无文号文件"},
}
_BODIES = {"A": "GA", "S": "SC"}


def series_of(symbol: str | None) -> str:
    """The series a document belongs to, for filtering: "GA" for "A/RES/79/239", "CCW" for
    "CCW/GGE.1/2023/2", "other" without a symbol."""
    if not symbol:
        return "other"
    code = symbol.split("/", 1)[0].split(".", 1)[0].upper()
    return _BODIES.get(code, code)
