"""`assistant index` over the files it indexed last, into a store nobody has written to since,
parses nothing and reports what the last index found (every `make run` starts with one); any
change to a file, to the store or a bad file among them sends it down the full path again."""

from __future__ import annotations

import pytest

import assistant.services
from cli_support import run, store, summary  # noqa: F401  (store: a fixture)
from index.store import indexed_files

DOCUMENTS = ("gge_excerpt.en.txt", "letter_excerpt.zh.txt", "letter_excerpt.zh.meta.json")


@pytest.fixture
def docs(tmp_path, data_dir):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in DOCUMENTS:
        (folder / name).write_bytes((data_dir / name).read_bytes())
    return folder


@pytest.fixture
def parses(monkeypatch):
    """How many times documents were parsed."""
    calls = []
    real = assistant.services.load_documents

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(assistant.services, "load_documents", counted)
    return calls


def test_a_second_index_of_the_same_files_parses_nothing(capsys, fake_services, docs, store,
                                                         parses):
    status, first, _ = run(capsys, "index", docs, "--store", store, "--quiet")
    assert status == 0 and len(parses) == 1

    status, again, _ = run(capsys, "index", docs, "--store", store, "--quiet")

    assert status == 0 and len(parses) == 1
    counts = summary(first)
    assert summary(again) == {**counts, "embedded": 0, "unchanged": counts["paragraphs"]}
    assert "as the last index left them" in again


def test_an_edited_file_is_parsed_and_indexed_again(capsys, fake_services, docs, store, parses):
    run(capsys, "index", docs, "--store", store, "--quiet")
    english = docs / "gge_excerpt.en.txt"
    english.write_text(english.read_text(encoding="utf-8") + "\n\n99. A paragraph added later.\n",
                       encoding="utf-8")

    status, out, _ = run(capsys, "index", docs, "--store", store, "--quiet")

    assert status == 0 and len(parses) == 2
    assert summary(out)["embedded"] >= 1


def test_a_document_removed_from_the_store_meanwhile_is_indexed_again(capsys, fake_services,
                                                                      docs, store, parses):
    """The page's Remove (or any write) changes the store's generation: the record no longer
    holds, and the file still there brings its document back."""
    run(capsys, "index", docs, "--store", store, "--quiet")
    assert run(capsys, "remove", "CCW/GGE.1/2023/2", "--store", store)[0] == 0

    status, out, _ = run(capsys, "index", docs, "--store", store, "--quiet")

    assert status == 0 and len(parses) == 2
    assert summary(out)["embedded"] > 0


def test_a_bad_file_is_reported_at_every_index(capsys, fake_services, docs, store, parses):
    (docs / "empty.txt").write_text("")
    for _ in range(2):
        status, _, err = run(capsys, "index", docs, "--store", store, "--quiet")
        assert status == 0 and "empty.txt" in err
    assert len(parses) == 2
    assert not (store / indexed_files.RECORD).exists()


def test_the_record_names_content_not_dates(tmp_path):
    """A fresh clone gives every file a new mtime: that alone must not count as a change."""
    import os

    document = tmp_path / "a.txt"
    document.write_text("1. A paragraph.")
    before = indexed_files.fingerprint([document], "fake")
    os.utime(document, (1, 1))
    assert indexed_files.fingerprint([document], "fake") == before
    document.write_text("1. A changed paragraph.")
    assert indexed_files.fingerprint([document], "fake") != before
