"""A paragraph's length bound (index/ingest/limits.py, applied by every reader) in Word, text
and HTML files alike: refused fast with one line naming the file and the limit, read just under
it."""

from __future__ import annotations

import pytest

from index.ingest.clean import join_en, join_lines, join_zh, normalize_text
from index.ingest.limits import MAX_PARAGRAPH_CHARS
from index.ingest.paragraphs import parse_file

from document_inputs import HANG, MB, SENTENCE, long_text, refused, saved_docx

pytest.importorskip("docx")


# ---- paragraphs over the length limit -----------------------------------------------------------

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
