"""`assistant search | ask | chat --doc … --series …`: questions asked of some documents, in
process, with the fake embedder (tests/data: CCW/GGE.1/2023/2 in English and a Chinese letter
that prints no symbol)."""

from __future__ import annotations

import json

import pytest

from assistant.cli import build_parser
from cli_support import SYMBOL, assert_one_line_error, indexed, run, store  # noqa: F401
from index.un.series import SERIES_NAMES

LETTER = "letter-excerpt-zh.zh"


def symbols(out: str) -> set:
    return {record["symbol"] for record in json.loads(out)}


@pytest.fixture
def open_gate(monkeypatch):
    # The fake embedder's similarities mean nothing: let every question past the relevance gate.
    monkeypatch.setenv("ASSISTANT_MIN_DENSE_SIMILARITY", "-1")


def test_search_everywhere_finds_both_documents(capsys, indexed):
    status, out, _ = run(capsys, "search", "裁军谈判会议 IHL", "--store", indexed, "--json",
                         "-k", "10")
    assert status == 0 and symbols(out) == {SYMBOL, None}


@pytest.mark.parametrize("flags, expected", [
    (["--doc", SYMBOL], {SYMBOL}),
    (["--doc", LETTER], {None}),  # a doc id, for a document without a symbol
    (["--series", "CCW"], {SYMBOL}),
    (["--series", "other"], {None}),
    (["--series", "ccw"], {SYMBOL}),  # a series code in any case
    (["--doc", LETTER, "--series", "CCW"], {SYMBOL, None}),  # they add up
    (["--series", "GA", "--series", "other"], {None}),
])
def test_search_only_in_the_documents_named(capsys, indexed, flags, expected):
    status, out, err = run(capsys, "search", "裁军谈判会议 IHL", "--store", indexed, "--json",
                           "-k", "10", *flags)
    assert status == 0, err
    assert symbols(out) == expected


def test_search_in_a_series_the_index_lacks_finds_nothing(capsys, indexed):
    status, out, _ = run(capsys, "search", "IHL", "--store", indexed, "--series", "GA")
    assert status == 0 and out.strip() == "no paragraphs found"


def test_an_unknown_series_is_a_one_line_error_before_anything_loads(capsys, fake_services,
                                                                    tmp_path):
    status, out, err = run(capsys, "search", "IHL", "--series", "XYZ", "--store",
                           tmp_path / "never-built")
    assert status == 2 and out == ""
    line = assert_one_line_error(err)
    assert "'XYZ'" in line and "CCW" in line and "GA" in line
    assert fake_services == []  # no embedder was built


def test_an_unknown_document_is_a_one_line_error_naming_it(capsys, indexed):
    status, out, err = run(capsys, "search", "IHL", "--store", indexed, "--doc", "A/RES/99/1")
    assert status == 2 and out == ""
    assert "A/RES/99/1" in assert_one_line_error(err)


def test_ask_answers_from_the_documents_named(capsys, indexed, open_gate):
    status, out, err = run(capsys, "ask", "What did the Group conclude?", "--llm", "none",
                           "--json", "--store", indexed, "--doc", SYMBOL)
    assert status == 0, err
    record = json.loads(out)
    assert record["citations"] and {c["symbol"] for c in record["citations"]} == {SYMBOL}
    assert {r["symbol"] for r in record["retrieved"]} == {SYMBOL}

    status, out, _ = run(capsys, "ask", "What did the Group conclude?", "--llm", "none",
                         "--json", "--store", indexed, "--series", "other")
    assert status == 0
    assert {r["symbol"] for r in json.loads(out)["retrieved"]} == {None}


def test_ask_with_a_bad_series_exits_2(capsys, indexed):
    status, _, err = run(capsys, "ask", "Does IHL apply?", "--llm", "none", "--store", indexed,
                         "--series", "UN")
    assert status == 2 and "'UN'" in assert_one_line_error(err)


def test_chat_names_an_unknown_document_before_the_first_question(capsys, indexed,
                                                                  monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked for a question"))
    status, out, err = run(capsys, "chat", "--llm", "none", "--store", indexed, "--doc", "X/1")
    assert status == 2 and out == ""
    assert "X/1" in assert_one_line_error(err)


def test_chat_asks_every_question_of_the_documents_named(capsys, indexed, open_gate,
                                                         monkeypatch):
    typed = iter(["What did the Group conclude?", ":q"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(typed))
    status, out, _ = run(capsys, "chat", "--llm", "none", "--store", indexed, "--series", "other")
    assert status == 0
    sources = out.split("Sources:")[1]
    assert SYMBOL not in out and sources.count("(no symbol)") == sources.count("\n[")


@pytest.mark.parametrize("command", ["search", "ask", "chat"])
def test_the_help_lists_every_series(capsys, command):
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "--doc SYMBOL" in shown and "--series CODE" in shown
    for code, names in SERIES_NAMES.items():
        assert f"{code} ({names['en']})" in shown
