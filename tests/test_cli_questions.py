"""`assistant search`, `ask` and `eval` in process, with the fake embedder and no language
model; every store lives in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from cli_support import (RECORD_FIELDS, SYMBOL, assert_one_line_error, indexed, run,  # noqa: F401
                         store)
from fakes import TINY_QA, write_qa


# ---- search --------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "   "])
def test_search_with_empty_query_is_a_clean_error(capsys, indexed, query):
    status, out, err = run(capsys, "search", query, "--store", indexed)
    assert status == 2 and out == ""
    assert "empty" in assert_one_line_error(err)


def test_empty_query_fails_before_opening_anything(capsys, fake_services, tmp_path):
    missing = tmp_path / "never-built"
    status, _, err = run(capsys, "search", " ", "--store", missing)
    assert status == 2
    assert "empty" in assert_one_line_error(err)  # not "no index at …"
    assert fake_services == []  # no embedder was built


def test_search_against_missing_store_says_how_to_build_one(capsys, fake_services, tmp_path):
    missing = tmp_path / "never-built"
    status, out, err = run(capsys, "search", "Does IHL apply?", "--store", missing)
    assert status == 2 and out == ""
    line = assert_one_line_error(err)
    assert "assistant index" in line and str(missing) in line
    assert not missing.exists()


def test_search_json_records_are_ranked(capsys, indexed):
    status, out, _ = run(capsys, "search", "training of human operators", "--store", indexed,
                         "--json", "-k", "4")
    assert status == 0
    records = json.loads(out)
    assert len(records) == 4
    assert [r["rank"] for r in records] == [1, 2, 3, 4]
    scores = [r["score"] for r in records]
    assert all(isinstance(s, float) for s in scores) and scores == sorted(scores, reverse=True)
    for record in records:
        assert RECORD_FIELDS <= set(record)
    assert len({r["id"] for r in records}) == 4


def test_search_json_puts_a_named_paragraph_first(capsys, indexed):
    status, out, _ = run(capsys, "search", f"What does {SYMBOL} para. 22 (c) say?", "--store",
                         indexed, "--json")
    assert status == 0
    first = json.loads(out)[0]
    assert (first["symbol"], first["number"]) == (SYMBOL, "22(c)")
    assert "locator" in first["sources"]


def test_search_text_output_shows_labels(capsys, indexed):
    status, out, _ = run(capsys, "search", f"{SYMBOL} para. 21 (a)", "--store", indexed)
    assert status == 0
    assert out.startswith(f"[1] {SYMBOL}, para. 21 (a)")
    assert "IHL continues to apply fully" in out


def test_search_with_zero_k_is_a_clean_error(capsys, indexed):
    status, _, err = run(capsys, "search", "IHL", "--store", indexed, "-k", "0")
    assert status == 2
    assert "k must be > 0, got 0" in assert_one_line_error(err)


def test_search_with_bad_history_file_is_a_clean_error(capsys, indexed, tmp_path):
    history = tmp_path / "history.json"
    history.write_text('{"not": "a list"}', encoding="utf-8")
    status, _, err = run(capsys, "search", "and training?", "--store", indexed,
                         "--history-file", history)
    assert status == 2
    assert "history" in assert_one_line_error(err)


# ---- eval ----------------------------------------------------------------------------------------

def test_eval_writes_results_and_reports(capsys, indexed, tmp_path):
    qa = write_qa(tmp_path / "qa.jsonl", TINY_QA)
    out_dir = tmp_path / "report"
    status, out, err = run(capsys, "eval", qa, "--retrieval-only", "--out", out_dir, "--quiet",
                           "--store", indexed)
    assert status == 0, err
    rows = [json.loads(line) for line in
            (out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["t1", "t2", "t3"]
    # The named paragraph is found by the locator, so the first item scores a hit at rank 1.
    assert rows[0]["metrics"]["hit@1"] == 1.0
    assert rows[0]["retrieved"][0]["number"] == "21(a)"
    assert all(len(row["retrieved"]) <= 10 for row in rows)
    report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    assert report["overall"]["n"] == 2  # the unanswerable item is not scored for retrieval
    assert 0.5 <= report["overall"]["hit@1"] <= 1.0
    assert (out_dir / "report.md").read_text(encoding="utf-8").strip()
    assert str(out_dir / "report.md") in out


def test_eval_malformed_line_names_it(capsys, indexed, tmp_path):
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps(TINY_QA[0]) + "\n" + '{"id": "t2", "question": \n', encoding="utf-8")
    out_dir = tmp_path / "report"
    status, _, err = run(capsys, "eval", qa, "--out", out_dir, "--store", indexed)
    assert status == 2
    line = assert_one_line_error(err)
    assert "line 2" in line and "qa.jsonl" in line
    assert not out_dir.exists()


def test_eval_missing_field_names_line_and_field(capsys, indexed, tmp_path):
    qa = write_qa(tmp_path / "qa.jsonl", [TINY_QA[0], TINY_QA[2], {"id": "t9", "lang": "en",
                                                         "answerable": False}])
    status, _, err = run(capsys, "eval", qa, "--out", tmp_path / "r", "--store", indexed)
    assert status == 2
    line = assert_one_line_error(err)
    assert "line 3" in line and "question" in line


# ---- ask -------------------------------------------------------------------------------------

def test_ask_json_without_a_model_returns_checked_citations(capsys, indexed, monkeypatch):
    # The fake embedder's similarities mean nothing: let every question past the relevance gate.
    monkeypatch.setenv("ASSISTANT_MIN_DENSE_SIMILARITY", "-1")
    code = main(["ask", "What does CCW/GGE.1/2023/2 para. 21 (a) say?", "--llm", "none",
                 "--json", "--store", str(indexed)])
    record = json.loads(capsys.readouterr().out)
    assert code == 0
    assert record["refused"] is False and record["mode"] == "lookup"
    assert {"answer", "refused", "citations", "retrieved", "timings"} <= set(record)
    citation = record["citations"][0]
    assert citation["key"] == 1 and citation["number"] == "21(a)"
    assert {"id", "doc_id", "symbol", "lang", "part", "number", "label", "text"} <= set(citation)


def test_ask_prints_an_extractive_answer_with_sources(capsys, indexed, monkeypatch):
    # The fake embedder's similarities mean nothing: let every question past the relevance gate.
    monkeypatch.setenv("ASSISTANT_MIN_DENSE_SIMILARITY", "-1")
    code = main(["ask", "Should States limit the types of targets?", "--llm", "none",
                 "--store", str(indexed)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("No language model is configured")
    assert "\nSources:\n[1] CCW/GGE.1/2023/2" in out


def test_ask_rejects_empty_and_overlong_questions(capsys, indexed):
    assert main(["ask", "  ", "--llm", "none", "--store", str(indexed)]) == 2
    assert "error: the question is empty" in capsys.readouterr().err
    assert main(["ask", "why " * 400, "--llm", "none", "--store", str(indexed)]) == 2
    assert "limit" in capsys.readouterr().err


def test_ask_openai_without_url_is_a_one_line_error(capsys, indexed):
    assert main(["ask", "Does IHL apply?", "--llm", "openai", "--store", str(indexed)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: llm 'openai' needs a base URL") and "Traceback" not in err
