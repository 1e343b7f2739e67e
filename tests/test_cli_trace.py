"""`assistant trace`: one row per document in date order, JSON / Markdown / CSV, and one clear
line for a bad theme or an unknown document (fake embedder, tests/data indexed)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cli_support import assert_one_line_error, indexed, run, store  # noqa: F401


def test_trace_prints_one_entry_per_document_with_its_date(capsys, indexed):
    status, out, err = run(capsys, "trace", "human control", "--store", indexed)
    assert status == 0, err
    assert out.startswith("Theme: human control  (2 documents:")
    assert "2023-05-24" in out and "2017-09-08" in out
    assert out.index("2017-09-08") < out.index("2023-05-24")


def test_trace_json_has_a_record_per_document(capsys, indexed):
    status, out, _ = run(capsys, "trace", "human control", "--store", indexed, "--json")
    assert status == 0
    record = json.loads(out)
    assert record["theme"] == "human control" and record["lang"] == "en"
    assert {row["document"] for row in record["rows"]} == {
        "CCW/GGE.1/2023/2", "letter-excerpt-zh.zh"}
    for row in record["rows"]:
        assert row["silent"] == ("label" not in row)


@pytest.mark.parametrize("fmt, first", [("markdown", "# Theme traced: human control"),
                                        ("csv", "date,document,title")])
def test_trace_exports(capsys, indexed, fmt, first):
    status, out, _ = run(capsys, "trace", "human control", "--store", indexed, "--format", fmt)
    assert status == 0 and out.startswith(first)
    if fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(out)))) == 2


@pytest.mark.parametrize("argv, words", [
    (["trace", "  "], "the theme is empty"),
    (["trace", "x" * 301], "the theme is 301 characters long; the limit is 300"),
    (["trace", "human control", "--doc", "A/79/999"], "no document 'A/79/999' in the library"),
])
def test_bad_input_is_one_line(capsys, indexed, argv, words):
    status, out, err = run(capsys, *argv, "--store", indexed)
    assert status == 2 and out == ""
    assert words in assert_one_line_error(err)
