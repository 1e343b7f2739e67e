"""States and organizations that submit views to UN reports, and the names a question may
call them by, in English and Chinese. The table is data, in states.toml beside this module."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.errors import ConfigError
from index.un.data_file import TEXT, TEXTS, check_fields, entries, entry_name, read_toml

STATES_FILE = Path(__file__).with_name("states.toml")


@dataclass(frozen=True)
class Submitter:
    en: str  # as UN documents print it
    names: tuple[str, ...]  # every name a question may use: en, also, zh


def load_states(path: Path = STATES_FILE) -> tuple[Submitter, ...]:
    """The submitters in ``path``; ConfigError naming the file and the entry for a missing or
    mistyped field, or a name given to two submitters."""
    data = read_toml(path, {"state"})
    out, owner = [], {}
    for number, entry in enumerate(entries(data, "state", path), 1):
        where = entry_name(path, "state", number, entry, "en")
        check_fields(entry, where, {"en": TEXT, "zh": TEXTS}, {"also": TEXTS})
        names = (entry["en"], *entry.get("also", []), *entry["zh"])
        for name in names:
            key = name.casefold()
            if key in owner:
                raise ConfigError(f"{where}: name {name!r} is also {owner[key]!r}'s")
            owner[key] = entry["en"]
        out.append(Submitter(entry["en"], names))
    return tuple(out)


@lru_cache(maxsize=None)  # a question naming a State matches it against every reply part
def _pattern(name: str) -> re.Pattern:
    if not name.isascii():  # Chinese: no word boundaries to look for
        return re.compile(re.escape(name))
    # "US", "UK", "EU" only in capitals: "us" is a pronoun.
    flags = 0 if name.isupper() else re.IGNORECASE
    return re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", flags)


SUBMITTERS = load_states()
_MATCHERS = [(s, [_pattern(n) for n in s.names]) for s in SUBMITTERS]


def named_submitters(text: str) -> list[str]:
    """The submitters a text names, as documents print them: "What did the US say?" →
    ["United States of America"]; "中国的立场" → ["China"]. A name inside a longer one that
    the text names is not a name of its own: "白俄罗斯" (Belarus) holds "俄罗斯" (Russia)."""
    spans = [(match.start(), match.end(), s.en) for s, patterns in _MATCHERS
             for p in patterns for match in p.finditer(text)]
    kept = [en for start, end, en in spans
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)]
    return [s.en for s in SUBMITTERS if s.en in kept]


def names_in(submitter: str, named: list[str]) -> bool:
    """Whether a part's submitter ("Chile, Colombia, … and State of Palestine", "China") is
    or includes one of ``named``."""
    return any(_pattern(name).search(submitter) for name in named)


def names_in_language(text: str, lang: str) -> str:
    """``text`` with the States and organizations it names in the other language named in
    ``lang`` ("俄罗斯联邦" → "Russian Federation" for "en"; "China" → "中国" for "zh"); a name
    with no form in ``lang`` stays as written."""
    spans = []
    for submitter, patterns in _MATCHERS:
        wanted = submitter.en if lang == "en" else next(
            (n for n in submitter.names if _is_chinese(n)), None)
        if wanted is None:
            continue
        for name, pattern in zip(submitter.names, patterns):
            if _is_chinese(name) == (lang == "en"):
                spans += [(m.start(), m.end(), wanted) for m in pattern.finditer(text)]
    out, last = [], 0
    # Longest first at each place: "白俄罗斯" is not "白" + "俄罗斯".
    for start, end, wanted in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if start >= last:
            out += [text[last:start], wanted]
            last = end
    return "".join(out) + text[last:]


def _is_chinese(name: str) -> bool:
    """Written in Chinese ("土耳其"), not in Latin letters with accents ("Türkiye")."""
    return bool(re.search(r"[\u3400-\u9fff]", name))
