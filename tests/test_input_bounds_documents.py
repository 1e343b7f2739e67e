"""Every document input is bounded before the expensive work: a Word file's parts by their
inflated size, ratio and count (read from the zip's directory, nothing inflated), a paragraph
by its length (in Word, HTML and text files alike), and a path by being a regular file (a
named pipe is refused without being opened). Each refusal is one line naming the file and the
limit, comes fast, and leaves the rest of the batch and the index as they were."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from assistant.cli import main
from index.ingest.corpus import load_documents
from index.errors import DocumentError
from index.ingest.files import (
    MAX_DOCX_PART_MB,
    MAX_DOCX_PARTS,
    MAX_DOCX_RATIO,
    MAX_PARAGRAPH_CHARS,
    read_document,
)
from index.ingest.paragraphs import parse_file
from index.ingest.clean import join_en, join_lines, join_zh, normalize_text

docx = pytest.importorskip("docx")

SENTENCE = ("The Group of Governmental Experts affirmed that international humanitarian law "
            "applies. ")
HANG = 10  # seconds: only to turn a hang into a failure; refusals take well under one second
MB = 1024 * 1024


# ---- writing the inputs -------------------------------------------------------------------------

def _template() -> zipfile.ZipFile:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return zipfile.ZipFile(buffer)


def write_docx(path: Path, body_pieces, extra_parts: int = 0) -> Path:
    """A valid Word file (python-docx's own template) whose word/document.xml body is written
    piece by piece, so a part of hundreds of MB never sits in the test's memory."""
    template = _template()
    xml = template.read("word/document.xml").decode()
    head = xml.split("<w:body>")[0] + "<w:body>"
    tail = "<w:sectPr" + xml.split("<w:sectPr", 1)[1]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in template.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info, template.read(info.filename))
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head.encode())
            for piece in body_pieces:
                part.write(piece)
            part.write(tail.encode())
        for number in range(extra_parts):
            archive.writestr(f"customXml/extra{number}.xml", b"")
    return path


def repeated_paragraph(megabytes: int, text: bytes = SENTENCE.encode()):
    """One Word paragraph of ``megabytes`` MB of runs of repeated text (deflates ~300:1)."""
    run = b'<w:r><w:t xml:space="preserve">' + text + b"</w:t></w:r>"
    block = run * (MB // len(run))
    yield b"<w:p>"
    for _ in range(megabytes):
        yield block
    yield b"</w:p>"


def one_letter_paragraph(megabytes: int):
    """One paragraph of a single letter repeated: deflates ~1,000:1, the most deflate can."""
    yield b'<w:p><w:r><w:t>'
    for _ in range(megabytes):
        yield b"a" * MB
    yield b"</w:t></w:r></w:p>"


def paragraphs_xml(*texts: str) -> list[bytes]:
    return [f'<w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>'.encode() for t in texts]


def saved_docx(path: Path, *paragraphs: str, row: list[str] | None = None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if row:
        cells = document.add_table(rows=1, cols=len(row)).rows[0].cells
        for cell, text in zip(cells, row):
            cell.text = text
    document.save(str(path))
    return path


def long_text(chars: int) -> str:
    return (SENTENCE * (chars // len(SENTENCE) + 1))[:chars]


def refused(path: Path) -> tuple[str, float]:
    """The one-line reason parsing ``path`` is refused with, and how long refusing took."""
    start = time.perf_counter()
    with pytest.raises(DocumentError) as info:
        parse_file(path)
    seconds = time.perf_counter() - start
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message, seconds


# ---- Word files whose parts would inflate past the limits ---------------------------------------

def inflated_mb(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return round(archive.getinfo("word/document.xml").file_size / MB)


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


# ---- paragraphs over the length limit -----------------------------------------------------------

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


def test_a_paragraph_just_under_the_limit_is_read(tmp_path):
    text = long_text(MAX_PARAGRAPH_CHARS - 100).rstrip() + "."
    word = saved_docx(tmp_path / "fine.docx", "1. " + text)
    plain = tmp_path / "fine.txt"
    plain.write_text("1. " + text + "\n", encoding="utf-8")
    page = tmp_path / "fine.html"
    page.write_text(f"<html><body><p>1. {text}</p></body></html>", encoding="utf-8")
    for path in (word, plain, page):
        paragraphs = parse_file(path).paragraphs
        assert max(len(p.text) for p in paragraphs) > MAX_PARAGRAPH_CHARS - 200, path


def test_a_text_file_of_one_2_mb_line_is_refused(tmp_path):
    path = tmp_path / "line.txt"
    path.write_text("1. " + long_text(2 * MB) + "\n", encoding="utf-8")
    message, seconds = refused(path)
    assert message == (f"{path}: a paragraph of {2 * MB + 3:,} characters; "
                       f"the limit is {MAX_PARAGRAPH_CHARS:,}")
    assert seconds < HANG


def test_a_hard_wrapped_2_mb_paragraph_is_refused(tmp_path):
    # Lines of 78 characters, no blank line: one paragraph of ~27,000 lines. Joining them one
    # by one used to copy the text so far for every line.
    line = SENTENCE[:78]
    path = tmp_path / "wrapped.txt"
    path.write_text("1. First.\n\n2. " + "\n".join([line] * (2 * MB // 79)) + "\n",
                    encoding="utf-8")
    message, seconds = refused(path)
    assert "a paragraph of 2,0" in message and f"the limit is {MAX_PARAGRAPH_CHARS:,}" in message
    assert seconds < HANG


def test_a_20_mb_html_page_of_one_paragraph_is_refused_before_its_tree_is_built(tmp_path):
    # Inline tags in every sentence: BeautifulSoup took 9.8 s and 623 MB on this.
    piece = f"<b>word</b> {SENTENCE}"
    path = tmp_path / "page.html"
    path.write_text("<html><body><p>" + piece * (20 * MB // len(piece)) + "</p></body></html>",
                    encoding="utf-8")
    message, seconds = refused(path)
    assert message == (f"{path}: a paragraph of more than {MAX_PARAGRAPH_CHARS:,} characters; "
                       f"the limit is {MAX_PARAGRAPH_CHARS:,}")
    assert seconds < HANG


def test_html_scripts_and_navigation_do_not_count_as_a_paragraph(tmp_path):
    script = "var x = 1;" * (MAX_PARAGRAPH_CHARS // 5)  # minified code: one long "line"
    menu = "<a href='#'>link</a> " * (MAX_PARAGRAPH_CHARS // 4)
    path = tmp_path / "page.html"
    path.write_text(f"<html><head><script>{script}</script></head><body><nav>{menu}</nav>"
                    f"<p>1. {SENTENCE}</p><p>2. {SENTENCE}</p></body></html>", encoding="utf-8")
    assert [p.number for p in parse_file(path).paragraphs] == ["1", "2"]


def test_joining_many_lines_gives_what_joining_them_one_by_one_gave():
    cases = {
        "en": ["The weapon-", "systems of", "CCW/", "GGE.1/2023/2 and", "", "self-", "defence",
               "a", "-", "b"],
        "zh": ["会议的主要结", "论。议程项目", "5、6 和 7", "于 2017", "年 6 月", "(CCW/",
               "GGE.1/2023/1)", "", "x"],
    }
    for lang, lines in cases.items():
        joiner = join_zh if lang == "zh" else join_en
        for end in range(len(lines) + 1):
            expected = ""
            for line in lines[:end]:
                expected = joiner(expected, line)
            assert join_lines(lines[:end], lang) == normalize_text(expected), (lang, end)


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

    fake_store.sync(load_documents([data_dir / "gge_excerpt.en.txt"]).documents, progress=False)
    settings = Settings(llm="none", store=tmp_path / "store", library=tmp_path / "library")
    library = Library(Retriever(fake_store), settings)
    bomb = write_docx(tmp_path / "report.docx", repeated_paragraph(330))
    [staged] = library.stage([str(bomb)])
    assert staged.parsed is None
    assert staged.reason == (f"report.docx: word/document.xml would inflate to 330 MB; "
                             f"the limit is {MAX_DOCX_PART_MB} MB")
