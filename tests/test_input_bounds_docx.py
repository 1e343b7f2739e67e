"""A Word file's bounds (index/ingest/files.py, docx.py, limits.py): parts refused by their
inflated size, ratio and count, read from the zip's directory with nothing inflated, and a
paragraph or table row refused by its length before python-docx reads it. Each refusal is one
line naming the file and the limit, and comes fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from index.ingest.limits import (MAX_DOCX_PART_MB, MAX_DOCX_PARTS, MAX_DOCX_RATIO,
                                 MAX_PARAGRAPH_CHARS)

from document_inputs import (HANG, MB, SENTENCE, inflated_mb, long_text, one_letter_paragraph,
                             paragraphs_xml, refused, repeated_paragraph, saved_docx, write_docx)

pytest.importorskip("docx")


# ---- Word files whose parts would inflate past the limits ---------------------------------------

def test_a_docx_bomb_is_refused_from_the_zip_directory_before_inflating(tmp_path):
    # As in the issue: ~1.2 MB on disk, hundreds of MB of XML (it took minutes and 830 MB).
    bomb = write_docx(tmp_path / "report.docx", repeated_paragraph(330))
    assert bomb.stat().st_size < 2 * MB and inflated_mb(bomb) == 330
    message, seconds = refused(bomb)
    assert message == (f"{bomb}: word/document.xml would inflate to 330 MB; "
                       f"the limit is {MAX_DOCX_PART_MB} MB")
    assert seconds < HANG


def test_a_small_docx_of_one_repeated_letter_is_refused_too(tmp_path):
    # The other file: 154 KB whose XML inflates to hundreds of MB (~1,000:1).
    bomb = write_docx(tmp_path / "small.docx", one_letter_paragraph(150))
    assert bomb.stat().st_size < 200 * 1024
    message, _ = refused(bomb)
    assert f"word/document.xml would inflate to {inflated_mb(bomb)} MB; the limit" in message


def test_a_part_that_inflates_over_the_ratio_is_refused(tmp_path):
    bomb = write_docx(tmp_path / "dense.docx", repeated_paragraph(10))
    message, _ = refused(bomb)
    assert "word/document.xml would inflate" in message and "times (to 10.0 MB)" in message
    assert message.endswith(f"the limit is {MAX_DOCX_RATIO} times")


def test_a_zip_of_too_many_parts_is_refused_before_its_directory_is_read(tmp_path):
    crowded = write_docx(tmp_path / "crowded.docx", paragraphs_xml("1. One paragraph."),
                         extra_parts=MAX_DOCX_PARTS)
    message, _ = refused(crowded)
    assert message.endswith(f"parts; the limit for a Word document is {MAX_DOCX_PARTS:,}")


def test_the_docx_bomb_is_refused_fast_and_small_in_its_own_process(tmp_path):
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc")
    bomb = write_docx(tmp_path / "report.docx", repeated_paragraph(330))
    # VmHWM, not ru_maxrss: a child forked from pytest inherits pytest's ru_maxrss.
    script = (
        "import re, time\n"
        "from pathlib import Path\n"
        "from index.errors import DocumentError\n"
        "from index.ingest.paragraphs import parse_file\n"
        "start = time.perf_counter()\n"
        "try:\n"
        f"    parse_file(Path({str(bomb)!r}))\n"
        "except DocumentError:\n"
        "    pass\n"
        "peak = re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1)\n"
        "print(time.perf_counter() - start, peak)\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    seconds, peak_mb = float(out[0]), int(out[1]) / 1024  # VmHWM is in kB
    assert seconds < 2
    assert peak_mb < 300


# ---- Word paragraphs over the length limit ------------------------------------------------------

def test_a_docx_paragraph_over_the_limit_is_refused_before_python_docx_reads_it(tmp_path):
    path = saved_docx(tmp_path / "long.docx", "1. A first paragraph.",
                      long_text(MAX_PARAGRAPH_CHARS + 5000))
    message, _ = refused(path)
    assert message == (f"{path}: a paragraph of more than {MAX_PARAGRAPH_CHARS:,} characters; "
                       f"the limit is {MAX_PARAGRAPH_CHARS:,}")


def test_a_docx_of_one_enormous_paragraph_within_the_part_limit_is_refused_fast(tmp_path):
    # 15 MB of XML in one paragraph of words in random order, so it deflates like text and
    # passes the zip checks (python-docx alone took 2.8 s and 290 MB on 20 MB like it).
    import random

    vocabulary = [f"{word}{n}" for n in range(40) for word in SENTENCE.split()]
    words = random.Random(0).choices(vocabulary, k=15 * MB // 8)

    def pieces():
        yield b"<w:p>"
        for start in range(0, len(words), 2000):
            text = " ".join(words[start:start + 2000]).encode()
            yield b'<w:r><w:t xml:space="preserve">' + text + b" </w:t></w:r>"
        yield b"</w:p>"

    path = write_docx(tmp_path / "one.docx", pieces())
    assert 10 < inflated_mb(path) < MAX_DOCX_PART_MB
    message, seconds = refused(path)
    assert f"a paragraph of more than {MAX_PARAGRAPH_CHARS:,} characters" in message
    assert seconds < HANG


def test_a_docx_table_row_over_the_limit_is_refused(tmp_path):
    cell = long_text(MAX_PARAGRAPH_CHARS // 2)
    path = saved_docx(tmp_path / "table.docx", "1. A first paragraph.", row=[cell, cell, cell])
    message, _ = refused(path)
    assert "a paragraph of more than" in message
