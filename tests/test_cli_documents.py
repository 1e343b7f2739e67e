"""`assistant index` and `assistant show` in process, with the fake embedder; every store lives
in tmp_path."""

from __future__ import annotations

import json

from cli_support import (RECORD_FIELDS, SYMBOL, assert_one_line_error, indexed, run,  # noqa: F401
                         store, summary)
from index.ingest.corpus import CORPUS_DIR, load_documents


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
    status, _, _ = run(capsys, "index", CORPUS_DIR, "--store", store, "--quiet")
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
