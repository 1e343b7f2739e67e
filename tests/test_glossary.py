"""The zh↔en glossary and query expansion (index.un.glossary)."""

import pytest

from index.un.glossary import TERMS, Term, expand_query, find_terms


def test_glossary_is_well_formed():
    assert len(TERMS) >= 30
    for term in TERMS:
        assert isinstance(term, Term)
        assert term.en and term.zh, term
        assert term.explain_en and term.explain_zh, term
    # Every form names exactly one term, or expansion would be ambiguous.
    forms = [f.lower() for t in TERMS for f in t.en] + [f for t in TERMS for f in t.zh]
    assert len(forms) == len(set(forms))


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
