"""A small zh↔en glossary of disarmament terms.

Two uses: the keyword index cannot match "IHL" against "国际人道法", so `expand_query` adds the
other language's forms of every term a question names; and newcomers need words explained
(LAWS, CCW, GGE, IHL), which `find_terms` and the ``explain_*`` texts provide.

The terms themselves are data, in glossary.toml beside this module, for a terminologist to
edit; this module loads and checks them, and matches them in text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.errors import ConfigError
from index.un.data_file import TEXT, TEXTS, check_fields, entries, entry_name, read_toml

__all__ = ["Term", "TERMS", "INFORMAL", "GLOSSARY_FILE", "Glossary", "load_glossary", "find_terms",
           "expand_query", "formalize"]


@dataclass(frozen=True)
class Term:
    en: tuple[str, ...]
    zh: tuple[str, ...]
    explain_en: str
    explain_zh: str

    @property
    def preferred_en(self) -> str:
        return self.en[0]

    @property
    def preferred_zh(self) -> str:
        return self.zh[0]


GLOSSARY_FILE = Path(__file__).with_name("glossary.toml")


@dataclass(frozen=True)
class Glossary:
    """What glossary.toml holds, checked."""

    terms: tuple[Term, ...]
    case_sensitive: frozenset[str]  # English forms that only match in capitals
    informal: dict[str, str]  # informal name -> the formal name searched in its place


def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    """The glossary in ``path``; ConfigError naming the file and the entry when a field is
    missing or of the wrong type, or a form names two terms (or one term twice)."""
    data = read_toml(path, {"term", "case_sensitive", "informal"})
    terms = []
    for number, entry in enumerate(entries(data, "term", path), 1):
        check_fields(entry, entry_name(path, "term", number, entry, "en"),
                     {"en": TEXTS, "zh": TEXTS, "explain_en": TEXT, "explain_zh": TEXT})
        terms.append(Term(tuple(entry["en"]), tuple(entry["zh"]), entry["explain_en"],
                          entry["explain_zh"]))
    _check_forms_unique(terms, path)
    english = {form for term in terms for form in term.en}
    case_sensitive = _strings(data.get("case_sensitive", []), f"{path}: case_sensitive")
    for form in case_sensitive:
        if form not in english:
            raise ConfigError(f"{path}: case_sensitive: {form!r} is not an English form of a term")
    return Glossary(tuple(terms), frozenset(case_sensitive), _informal(data, terms, path))


def _check_forms_unique(terms: list[Term], path: Path) -> None:
    # A form naming two terms makes expansion ambiguous. English forms match in any case, so
    # "Laws" and "LAWS" are the same form.
    owner: dict[str, int] = {}
    for number, term in enumerate(terms, 1):
        keys = [form.lower() for form in term.en] + list(term.zh)
        for form, key in zip(term.en + term.zh, keys):
            if key in owner:
                first = owner[key]
                where = entry_name(path, "term", number, {"en": term.en}, "en")
                other = ("twice in this term" if first == number
                         else f"also in [[term]] {first} ({terms[first - 1].en[0]!r})")
                raise ConfigError(f"{where}: duplicate form {form!r}, {other}")
            owner[key] = number


def _informal(data: dict, terms: list[Term], path: Path) -> dict[str, str]:
    informal = data.get("informal", {})
    where = f"{path}: [informal]"
    if not isinstance(informal, dict):
        raise ConfigError(f"{where} must be a table of informal name = formal name")
    forms = {form for term in terms for form in term.en + term.zh}
    for name, formal in informal.items():
        if not isinstance(formal, str) or formal not in forms:
            raise ConfigError(f"{where}: {name!r} = {formal!r}: the formal name must be a form "
                              "of a term")
    return dict(informal)


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where} must be a list of non-empty strings")
    return value


_GLOSSARY = load_glossary()
TERMS: tuple[Term, ...] = _GLOSSARY.terms
INFORMAL: dict[str, str] = _GLOSSARY.informal
# All-capital forms that spell an ordinary word in lower case ("laws", "un", "ai") only match in
# capitals; other English forms match in any case.
_CASE_SENSITIVE = _GLOSSARY.case_sensitive


def _en_pattern(form: str) -> str:
    body = re.escape(form).replace(r"\ ", r"\s+")
    # A plural "s"/"es" still names the term ("resolutions", "working groups").
    return r"(?<![A-Za-z0-9])" + body + r"(?:s|es)?(?![A-Za-z0-9])"


@lru_cache(maxsize=1)
def _matchers() -> list[tuple[re.Pattern, Term, str]]:
    """One compiled pattern per form, longest first so "化学和生物恐怖主义" beats "恐怖主义"."""
    forms = [(form, term, "en") for term in TERMS for form in term.en]
    forms += [(form, term, "zh") for term in TERMS for form in term.zh]
    forms.sort(key=lambda f: -len(f[0]))
    out = []
    for form, term, lang in forms:
        if lang == "zh":
            pattern = re.compile(re.escape(form))
        elif form in _CASE_SENSITIVE:
            pattern = re.compile(_en_pattern(form))
        else:
            pattern = re.compile(_en_pattern(form), re.IGNORECASE)
        out.append((pattern, term, lang))
    return out


def _matches(text: str) -> list[tuple[int, Term, str]]:
    """(position, term, language of the matched form), a longer match hiding shorter ones."""
    return [(start, term, lang) for start, _, _, term, lang in _spans(text)]


def _spans(text: str) -> list[tuple[int, int, str, Term, str]]:
    """(start, end, matched text, term, language of the form) of each term in ``text``, in
    order; a longer match hides shorter ones inside it."""
    taken = [False] * (len(text) + 1)
    found: list[tuple[int, int, str, Term, str]] = []
    for pattern, term, lang in _matchers():
        for m in pattern.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            found.append((m.start(), m.end(), m.group(0), term, lang))
    return sorted(found, key=lambda f: f[0])


def find_terms(text: str) -> list[Term]:
    """Glossary terms named in ``text`` (either language), in order of appearance."""
    seen: dict[Term, None] = {}
    for _, term, _ in _matches(text or ""):
        seen.setdefault(term, None)
    return list(seen)


def expand_query(text: str) -> str:
    """The other language's forms of every glossary term in ``text``; "" when none.

    "Does IHL apply?" -> "国际人道法 国际人道主义法 武装冲突法". Forms already in ``text`` are
    not repeated. Meant to be appended to a keyword query, not shown to users.
    """
    extra: dict[str, None] = {}
    lowered = (text or "").lower()
    for _, term, lang in _matches(text or ""):
        for form in term.zh if lang == "en" else term.en:
            if form.lower() not in lowered:
                extra.setdefault(form, None)
    return " ".join(extra)


def formalize(text: str) -> str:
    """Replace informal names ("killer robots") with the term's formal name."""
    for informal, formal in INFORMAL.items():
        if informal.isascii():
            pattern = re.compile(rf"\b{re.escape(informal)}\b")  # lower case only: not a name
        else:
            pattern = re.compile(re.escape(informal))
        text = pattern.sub(formal, text)
    return text


def in_language(text: str, lang: str) -> str:
    """``text`` with every term written in the other language put in ``lang``'s preferred form
    ("Secretary-General建议" → "秘书长建议" for "zh"); a longer term wins over one inside it.
    A lower-case form written with every word capitalised is part of a proper name and stays
    ("Stop Killer Robots" is an organization, not "停止致命性自主武器系统")."""
    spans = [(start, end, term.preferred_zh if lang == "zh" else term.preferred_en)
             for start, end, matched, term, form_lang in _spans(text)
             if form_lang != lang and not _in_a_name(matched, term)]
    for start, end, form in sorted(spans, reverse=True):
        text = text[:start] + form + text[end:]
    return text


def _in_a_name(matched: str, term: Term) -> bool:
    words = matched.split()
    return (matched.isascii() and any(form.islower() for form in term.en)
            and not any(form == matched for form in term.en)
            and all(word[:1].isupper() for word in words) and len(words) > 1)
