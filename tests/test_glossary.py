"""The zh↔en glossary and query expansion (index.un.glossary)."""

import tomllib
from collections import Counter

import pytest

from index.errors import ConfigError
from index.un.glossary import (GLOSSARY_FILE, INFORMAL, TERMS, Term, expand_query, find_terms,
                               formalize, load_glossary)


def test_glossary_is_well_formed():
    assert len(TERMS) >= 30
    for term in TERMS:
        assert isinstance(term, Term)
        assert term.en and term.zh, term
        assert term.explain_en and term.explain_zh, term


def test_the_glossary_file_has_no_duplicate_form():
    # Read the file itself, not the loader's result: every form names exactly one term, or
    # expansion would be ambiguous. English forms are compared in any case.
    with open(GLOSSARY_FILE, "rb") as handle:
        terms = tomllib.load(handle)["term"]
    forms = Counter(f.lower() for t in terms for f in t["en"]) + Counter(
        f for t in terms for f in t["zh"])
    assert [form for form, count in forms.items() if count > 1] == []


# ---- a broken glossary file is refused, naming the file and the entry ----------------------

_TERM = 'en = ["{en}", "{abbr}"]\nzh = ["{zh}"]\nexplain_en = "x"\nexplain_zh = "x"\n'


def _write(tmp_path, text):
    path = tmp_path / "glossary.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _terms(*terms):
    return "".join("[[term]]\n" + _TERM.format(en=en, abbr=abbr, zh=zh) for en, abbr, zh in terms)


@pytest.mark.parametrize(
    "text, message",
    [
        (_terms(("weapon", "W", "武器"), ("arms", "w", "军备")),
         "[[term]] 2 ('arms'): duplicate form 'w', also in [[term]] 1 ('weapon')"),
        (_terms(("weapon", "Weapon", "武器")), "[[term]] 1 ('weapon'): duplicate form 'Weapon', "
         "twice in this term"),
        (_terms(("weapon", "W", "武器"), ("arms", "A", "武器")),
         "[[term]] 2 ('arms'): duplicate form '武器'"),
        ('[[term]]\nen = ["weapon"]\nzh = ["武器"]\nexplain_en = "x"\n',
         "[[term]] 1 ('weapon'): missing field 'explain_zh'"),
        ('[[term]]\nen = "weapon"\nzh = ["武器"]\nexplain_en = "x"\nexplain_zh = "x"\n',
         "[[term]] 1 ('weapon'): field 'en' must be a non-empty list of non-empty strings"),
        (_terms(("weapon", "W", "武器")) + 'explian_en = "x"\n', "unknown field 'explian_en'"),
        ('[[terms]]\nen = ["x"]\n', "unknown key 'terms'"),
        ('case_sensitive = ["ARMS"]\n' + _terms(("weapon", "W", "武器")),
         "case_sensitive: 'ARMS' is not an English form of a term"),
        (_terms(("weapon", "W", "武器")) + '[informal]\n"gun" = "firearm"\n',
         "[informal]: 'gun' = 'firearm': the formal name must be a form of a term"),
        ("[[term]\n", "not valid TOML"),
    ],
)
def test_broken_glossary_file_names_file_and_entry(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_glossary(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_a_good_glossary_file_loads(tmp_path):
    path = _write(tmp_path, 'case_sensitive = ["W"]\n[informal]\n"gun" = "weapon"\n'
                  + _terms(("weapon", "W", "武器")))
    glossary = load_glossary(path)
    assert glossary.terms == (Term(("weapon", "W"), ("武器",), "x", "x"),)
    assert glossary.case_sensitive == {"W"} and glossary.informal == {"gun": "weapon"}


def test_informal_names_are_searched_by_their_formal_name():
    assert INFORMAL["killer robots"] == "lethal autonomous weapons systems"
    assert formalize("do killer robots obey IHL?") == \
        "do lethal autonomous weapons systems obey IHL?"
    assert formalize("the Campaign to Stop Killer Robots") == "the Campaign to Stop Killer Robots"


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Does international law apply to killer robots?", ["致命性自主武器系统", "国际法"]),
        ("What did the GGE conclude about IHL?", ["政府专家组", "国际人道法"]),
        ("Human-machine interaction across the life cycle", ["人机交互", "生命周期"]),
        ("What is the CCW?", ["《特定常规武器公约》"]),
        ("the Conference on Disarmament working group on the way ahead",
         ["裁军谈判会议", "工作组", "前进道路"]),
    ],
)
def test_english_question_gets_chinese_terms(question, expected):
    extra = expand_query(question)
    for form in expected:
        assert form in extra


@pytest.mark.parametrize(
    "question, expected",
    [
        ("国际人道法继续充分适用于致命性自主武器系统", ["international humanitarian law", "LAWS"]),
        ("红十字国际委员会(红十字委员会)和联合国裁军研究所(裁研所)", ["ICRC", "UNIDIR"]),
        ("裁谈会“前进道路”问题工作组主席之友", ["Conference on Disarmament", "Friend of the Chair"]),
    ],
)
def test_chinese_question_gets_english_terms(question, expected):
    extra = expand_query(question)
    for form in expected:
        assert form in extra


def test_no_terms_gives_empty_string():
    assert expand_query("What happened on 19 May?") == ""
    assert expand_query("") == ""


def test_english_matching_is_case_insensitive_on_word_boundaries():
    assert "问责" in expand_query("ACCOUNTABILITY for weapons")
    # "cyber" must not fire inside another word, and lower-case "laws" is not LAWS.
    assert expand_query("cyberneticsx") == ""
    assert expand_query("the laws of war") == ""
    assert "致命性自主武器系统" in expand_query("What are LAWS?")


def test_longest_match_wins():
    terms = find_terms("化学和生物恐怖主义")
    assert [t.en[0] for t in terms] == ["chemical and biological terrorism"]


def test_find_terms_in_order_without_duplicates():
    terms = find_terms("IHL and proportionality; again IHL and 相称性")
    assert [t.en[0] for t in terms] == ["international humanitarian law", "proportionality"]


def test_expansion_does_not_repeat_what_the_question_says():
    extra = expand_query("IHL 国际人道法")
    assert "国际人道法" not in extra.split()
    assert "IHL" not in extra.split()
