"""Every document input is bounded before the expensive work, and a path by being a regular
file (a named pipe is refused without being opened). A refused input is skipped with one line
naming the file and the limit, and leaves the rest of the batch and the index as they were: in
the corpus loader, `assistant index` and the page's upload."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from assistant.cli import main
from index.errors import DocumentError
from index.ingest.corpus import load_documents
from index.ingest.files import read_document
from index.ingest.limits import MAX_DOCX_PART_MB, MAX_PARAGRAPH_CHARS

from document_inputs import HANG, MB, long_text, repeated_paragraph, saved_docx, write_docx

pytest.importorskip("docx")


# ---- things that are not regular files ----------------------------------------------------------

def _finishes(work, seconds: float = HANG):
    """Run ``work`` in a thread: a read that blocks on a named pipe fails the test, not hangs it."""
    result: dict = {}

    def target():
        try:
            result["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked: the named pipe was opened"
    return result


@pytest.fixture
def fifo(tmp_path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


def test_a_named_pipe_is_refused_as_not_a_regular_file_without_opening_it(fifo):
    result = _finishes(lambda: read_document(fifo))
    assert isinstance(result.get("error"), DocumentError)
    assert str(result["error"]) == f"{fifo}: not a regular file (a named pipe)"


def test_a_named_pipe_given_or_in_a_folder_is_skipped_with_its_reason(fifo, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("1. A paragraph that ends.\n", encoding="utf-8")
    for paths in ([fifo, good], [tmp_path]):
        result = _finishes(lambda: load_documents(paths))["value"]
        assert result.skipped == [f"{fifo}: not a regular file (a named pipe)"]
        assert [d.document.source for d in result.documents] == [str(good)]


# ---- the command line and the page --------------------------------------------------------------

def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def bad_inputs(tmp_path) -> dict[Path, str]:
    """Each oversized input and the reason it is skipped with."""
    bomb = write_docx(tmp_path / "report.docx", repeated_paragraph(330))
    word = saved_docx(tmp_path / "long.docx", long_text(3 * MAX_PARAGRAPH_CHARS))
    text = tmp_path / "line.txt"
    text.write_text("1. " + long_text(2 * MB) + "\n", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<p>" + long_text(2 * MB) + "</p>", encoding="utf-8")
    limit = f"the limit is {MAX_PARAGRAPH_CHARS:,}"
    return {bomb: f"would inflate to 330 MB; the limit is {MAX_DOCX_PART_MB} MB",
            word: limit, text: limit, page: limit}


def index_one_document(capsys, store: Path, data_dir: Path) -> str:
    """Index one good document into ``store``; what `assistant docs` lists then."""
    status = run(capsys, "index", data_dir / "gge_excerpt.en.txt", "--store", store, "--quiet")[0]
    assert status == 0
    return run(capsys, "docs", "--store", store)[1]


def test_cli_index_skips_each_oversized_input_and_keeps_the_index(capsys, fake_services,
                                                                   tmp_path, data_dir,
                                                                   bad_inputs):
    store = tmp_path / "store"
    before = index_one_document(capsys, store, data_dir)

    start = time.perf_counter()
    status, _, err = run(capsys, "index", *bad_inputs, "--store", store, "--quiet")
    assert time.perf_counter() - start < HANG
    assert status != 0  # nothing could be indexed
    for path, reason in bad_inputs.items():
        line = next((line for line in err.splitlines() if f"{path}: " in line), err)
        assert reason in line and "Traceback" not in err
    assert run(capsys, "docs", "--store", store)[1] == before


def test_cli_index_indexes_the_good_file_beside_the_oversized_ones(capsys, fake_services,
                                                                    tmp_path, data_dir,
                                                                    bad_inputs):
    store = tmp_path / "store"
    status, out, err = run(capsys, "index", data_dir / "gge_excerpt.en.txt", *bad_inputs,
                           "--store", store, "--quiet")
    assert status == 0
    assert "indexed 1 documents" in out
    skipped = [line for line in err.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == len(bad_inputs)


def test_cli_index_refuses_a_named_pipe_without_blocking(capsys, fake_services, tmp_path,
                                                         data_dir, fifo):
    store = tmp_path / "store"
    before = index_one_document(capsys, store, data_dir)
    # Named on the command line (the CLI refuses the command), or found in a folder (skipped).
    status, _, err = _finishes(lambda: run(capsys, "index", fifo, "--store", store,
                                           "--quiet"))["value"]
    assert status != 0 and f"{fifo}: not a regular file" in err and "Traceback" not in err
    status, _, err = _finishes(lambda: run(capsys, "index", tmp_path, "--store", store,
                                           "--quiet"))["value"]
    assert f"skipped: {fifo}: not a regular file (a named pipe)" in err.splitlines()
    assert run(capsys, "docs", "--store", store)[1] == before


def test_the_page_refuses_an_upload_bomb_by_its_name(fake_store, tmp_path, data_dir):
    from assistant.settings import Settings
    from assistant.ui.library import Library
    from index.search.retriever import Retriever

    fake_store.sync(load_documents([data_dir / "gge_excerpt.en.txt"]).documents)
    settings = Settings(llm="none", store=tmp_path / "store", library=tmp_path / "library")
    library = Library(Retriever(fake_store), settings)
    bomb = write_docx(tmp_path / "report.docx", repeated_paragraph(330))
    [staged] = library.stage([str(bomb)])
    assert staged.parsed is None
    assert staged.reason == (f"report.docx: word/document.xml would inflate to 330 MB; "
                             f"the limit is {MAX_DOCX_PART_MB} MB")
