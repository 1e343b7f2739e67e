"""The parser on raw input: files it refuses (naming them), plain prose, a metadata file, and a
numbering gap."""

import pytest

from index.errors import DocumentError
from index.ingest.corpus import CORPUS_DIR
from index.ingest.metadata import load_sidecar
from index.ingest.paragraphs import parse_file, parse_text


# ---- bad input -------------------------------------------------------------------------------

def test_empty_binary_and_non_utf8_files_are_refused_naming_the_file(tmp_path):
    cases = {"empty.txt": b"", "blank.txt": b"  \n\n ", "binary.txt": b"\x00\x01\x02abc",
             "latin1.txt": "Résolution adoptée".encode("latin-1")}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(DocumentError) as info:
            parse_file(path)
        assert name in str(info.value)


def test_unsupported_suffix_is_refused(tmp_path):
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    with pytest.raises(DocumentError, match=r"unsupported file type '\.doc'.*save it as \.docx"):
        parse_file(path)


def test_plain_prose_uses_blank_lines_as_paragraph_breaks():
    text = ("Letter dated 1 March 2024 from the Chair\n\nFirst paragraph of the letter, which is\n"
            "wrapped over two lines.\n\nSecond paragraph.\n")
    parsed = parse_text(text, source="memo.txt")
    assert [p.text for p in parsed.paragraphs] == [
        "First paragraph of the letter, which is wrapped over two lines.", "Second paragraph."]
    assert parsed.document.kind == "letter"
    assert parsed.document.symbol is None


def test_metadata_file_overrides_detection(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("CD/9999\n\nThe Conference met.\n", encoding="utf-8")
    (tmp_path / "note.meta.json").write_text('{"symbol": "CD/2090", "title": "Decision"}',
                                             encoding="utf-8")
    parsed = parse_file(path, load_sidecar(path))
    assert parsed.document.symbol == "CD/2090"
    assert parsed.document.title == "Decision"


def test_a_missing_paragraph_number_does_not_unnumber_the_rest():
    text = (CORPUS_DIR / "CCW_GGE.1_2023_2.en.txt").read_text(encoding="utf-8")
    start = text.index("       17.    The Group acknowledged")
    end = text.index("       18.    The Group recalled")
    parsed = parse_text(text[:start] + text[end:], source="excerpt.txt")
    numbers = [p.number for p in parsed.paragraphs if p.part == "body" and p.kind == "paragraph"]
    assert numbers == [str(n) for n in range(1, 26) if n != 17]
    assert any(p.locator == "21(a)" for p in parsed.paragraphs)
