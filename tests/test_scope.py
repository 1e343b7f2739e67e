"""Asking some documents only (index.search.scope): by symbol or doc id, by series."""

import pytest

from assistant.chain import answer_question
from assistant.settings import Settings
from fakes import OPEN_GATE
from index.errors import QueryError
from index.search.scope import Scope
from index.un.series import series_of

GGE, RES = "CCW/GGE.1/2023/2", "A/RES/78/241"
SETTINGS = Settings(llm="none", translate=False)


@pytest.mark.parametrize("symbol, series", [
    ("A/RES/79/239", "GA"), ("A/79/88", "GA"), ("CCW/GGE.1/2023/CRP.1", "CCW"),
    ("CD/2100", "CD"), ("S/RES/2222", "SC"), (None, "other")])
def test_a_symbol_names_its_series(symbol, series):
    assert series_of(symbol) == series


def test_a_scope_is_cleaned_and_checked():
    assert Scope.of([" A/RES/78/241 ", ""], ["ga", "CCW"]) == Scope(
        frozenset({RES}), frozenset({"GA", "CCW"}))
    assert Scope.of().everything
    with pytest.raises(QueryError, match="no series 'XYZ'"):
        Scope.of(series=["xyz"])


def test_a_search_within_one_document_finds_only_that_document(fake_retriever):
    query = fake_retriever.analyse("What should States do about human control?",
                                   scope=Scope.of([RES]))
    hits = fake_retriever.search(query, 10)
    assert hits and {h.paragraph.symbol for h in hits} == {RES}
    everywhere = fake_retriever.search("What should States do about human control?", 10)
    assert {h.paragraph.symbol for h in everywhere} != {RES}


def test_a_series_scope_keeps_its_series(fake_retriever):
    query = fake_retriever.analyse("Does international humanitarian law apply?",
                                   scope=Scope.of(series=["CCW"]))
    hits = fake_retriever.search(query, 10)
    assert hits and all(series_of(h.paragraph.symbol) == "CCW" for h in hits)


def test_a_document_the_index_does_not_hold_is_named(fake_retriever):
    query = fake_retriever.analyse("What about training?", scope=Scope.of(["A/RES/99/999"]))
    with pytest.raises(QueryError, match="no document 'A/RES/99/999' in the index"):
        fake_retriever.search(query, 5)


def test_the_answer_cites_only_the_scope(fake_retriever):
    answer = answer_question("Should States limit the types of targets?", [], fake_retriever,
                             None, SETTINGS, gate=OPEN_GATE, scope=Scope.of([GGE]))
    assert answer.citations and {c.paragraph.symbol for c in answer.citations} == {GGE}
