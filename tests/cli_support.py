"""What the command-line tests share: running main() in process, reading its summary line,
and a store of tests/data indexed with the fake embedder (tests/conftest.py's fake_services)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.cli import main

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
