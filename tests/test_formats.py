"""Reading PDF, Word and HTML documents: the same paragraphs as the text version, clear refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.ingest.corpus import CORPUS_DIR, load_documents
from index.errors import DocumentError
from index.ingest.files import read_document
from index.ingest.metadata import load_sidecar
from index.ingest.paragraphs import parse_file

PDF_DIR = Path(__file__).parent / "pdfs"  # the shared corpus PDFs, as users download them
SHARED_PDFS = ["CCW_GGE.1_2023_2.en", "A_RES_78_241.en", "CCW_MSP_2019_9_annexIII.en"]


def _squeeze(text: str) -> str:
    # Whitespace normalisation: the text files (pdftotext) and our layout differ only in
    # where a space falls ("seventy -ninth" in the text file, "seventy-ninth" in the PDF).
    return re.sub(r"\s+", "", text)


def _records(parsed) -> dict[str, str]:
    return {p.id.split("|", 1)[1]: _squeeze(p.text) for p in parsed.paragraphs}


@pytest.mark.parametrize("stem", SHARED_PDFS)
def test_pdf_gives_the_same_paragraphs_as_the_text_version(stem):
    text_path = CORPUS_DIR / f"{stem}.txt"
    overrides = load_sidecar(text_path)
    from_text = _records(parse_file(text_path, overrides))
    from_pdf = _records(parse_file(PDF_DIR / f"{stem}.pdf", overrides))
    assert list(from_pdf) == list(from_text)  # same numbers, parts and items, in order
    assert from_pdf == from_text


def test_report_pdf_keeps_numbers_subparagraphs_and_annex():
    parsed = parse_file(PDF_DIR / "CCW_GGE.1_2023_2.en.pdf")
    numbers = [int(p.number) for p in parsed.paragraphs
               if p.part == "body" and p.kind == "paragraph" and p.number]
    assert numbers == list(range(1, 26))
    assert any(p.locator == "21(c)" for p in parsed.paragraphs)
    assert any(p.part == "annex I" for p in parsed.paragraphs)


def test_pdf_first_page_gives_the_metadata():
    parsed = parse_file(PDF_DIR / "CCW_GGE.1_2023_2.en.pdf")
    document = parsed.document
    assert document.symbol == "CCW/GGE.1/2023/2"
    assert document.date == "2023-05-24"
    assert document.lang == "en"
    assert document.original == "English"
    assert document.title.startswith("Report of the 2023 session")
    resolution = parse_file(PDF_DIR / "A_RES_78_241.en.pdf").document
    assert (resolution.symbol, resolution.distribution) == ("A/RES/78/241", "General")
    assert resolution.title == "Lethal autonomous weapons systems"


def test_no_page_furniture_or_page_numbers_in_pdf_paragraphs():
    for stem in SHARED_PDFS:
        for paragraph in parse_file(PDF_DIR / f"{stem}.pdf").paragraphs:
            assert not re.search(r"\b\d{2}-\d{5}\b|\*\d{6,}\*|\bGE\.\d{2}-", paragraph.text), paragraph.id


def test_metadata_file_overrides_what_the_pdf_says(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes((PDF_DIR / "A_RES_78_241.en.pdf").read_bytes())
    (tmp_path / "report.meta.json").write_text('{"title": "LAWS resolution"}', encoding="utf-8")
    loaded = load_documents([pdf])
    assert loaded.documents[0].document.title == "LAWS resolution"
    assert loaded.documents[0].document.symbol == "A/RES/78/241"


# ---- bad input -------------------------------------------------------------------------------

def _fpdf():
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    return pdf


def test_scanned_pdf_is_reported_as_having_no_text_layer(tmp_path):
    image = pytest.importorskip("PIL.Image")
    pdf = _fpdf()
    pdf.image(image.new("L", (400, 500), 200), x=10, y=10, w=180)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(DocumentError, match=r"scan\.pdf: .*no text layer"):
        read_document(path)


def test_password_protected_pdf_is_refused(tmp_path):
    pdf = _fpdf()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.multi_cell(0, 6, "1. A confidential paragraph.")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    with pytest.raises(DocumentError, match=r"locked\.pdf: .*password"):
        read_document(path)


@pytest.mark.parametrize("name,data,reason", [
    ("empty.pdf", b"", "empty"),
    ("truncated.pdf", (PDF_DIR / "A_RES_78_241.en.pdf").read_bytes()[:900], "not a readable PDF"),
    ("notes.pdf", b"1. Just some text saved with the wrong name.\n", "not a PDF"),
    ("report.docx", (PDF_DIR / "A_RES_78_241.en.pdf").read_bytes(), "not a Word .docx"),
    ("page.html", (PDF_DIR / "A_RES_78_241.en.pdf").read_bytes(), "not a .html text file"),
    ("table.xlsx", b"PK\x03\x04", "unsupported file type"),
])
def test_bad_files_are_refused_with_a_reason_naming_them(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    message = str(info.value)
    assert name in message and reason in message
    assert "\n" not in message


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "huge.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(DocumentError, match=r"huge\.pdf: 2\.0 MB is over the 1 MB limit"):
        read_document(path, max_mb=1)


def test_a_bad_file_in_a_batch_does_not_stop_the_others(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (tmp_path / "good.pdf").write_bytes((PDF_DIR / "A_RES_78_241.en.pdf").read_bytes())
    loaded = load_documents([tmp_path])
    assert [d.document.symbol for d in loaded.documents] == ["A/RES/78/241"]
    assert len(loaded.skipped) == 1 and "broken.pdf" in loaded.skipped[0]


# ---- Word and HTML ---------------------------------------------------------------------------

REPORT_PARAGRAPHS = [
    "The Group met in Geneva in March and May 2023.",
    "The Group considered the following measures:",
]


def test_docx_paragraphs_numbers_and_items(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("CCW/GGE.1/2099/1")
    document.add_paragraph("Report of the Group")
    document.add_heading("I. Introduction", level=1)
    document.add_paragraph("1.\t" + REPORT_PARAGRAPHS[0])
    document.add_paragraph("2.\t" + REPORT_PARAGRAPHS[1])
    document.add_paragraph("(a)\tA ban on systems that cannot be controlled;")
    document.add_paragraph("(b)\tLimits on the duration of operation.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Symbol", "Title"
    table.cell(1, 0).text, table.cell(1, 1).text = "CCW/GGE.1/2099/INF.1", "List of participants"
    path = tmp_path / "report.docx"
    document.save(str(path))

    parsed = parse_file(path)
    by_locator = {p.locator: p for p in parsed.paragraphs}
    assert parsed.document.symbol == "CCW/GGE.1/2099/1"
    assert by_locator["1"].text == REPORT_PARAGRAPHS[0]
    assert by_locator["1"].section == ("I. Introduction",)
    assert by_locator["2(b)"].text == "Limits on the duration of operation."
    assert "CCW/GGE.1/2099/INF.1 — List of participants" in [p.text for p in parsed.paragraphs]


def test_docx_automatic_numbering_is_printed(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("CD/9999")
    document.add_paragraph("Letter from the Chair")
    for text in REPORT_PARAGRAPHS:
        document.add_paragraph(text, style="List Number")
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    numbered = {p.number: p.text for p in parse_file(path).paragraphs if p.number}
    assert numbered == {"1": REPORT_PARAGRAPHS[0], "2": REPORT_PARAGRAPHS[1]}


def test_html_paragraphs_lists_and_dropped_furniture(tmp_path):
    page = """<!doctype html><html><head><title>t</title><style>p{}</style></head><body>
      <nav>Home | Documents</nav>
      <p>A/RES/99/1</p><h1>Lethal autonomous weapons systems</h1>
      <p>The General Assembly,</p>
      <p>Recalling its earlier resolutions,<sup><a href="#fn1">1</a></sup></p>
      <ol><li>Requests the Secretary-General to seek views;</li>
          <li>Decides to include the item:
            <ol type="a"><li>in the provisional agenda;</li><li>under disarmament.</li></ol></li></ol>
      <script>alert(1)</script><footer>Page 1 of 1</footer></body></html>"""
    path = tmp_path / "res.html"
    path.write_text(page, encoding="utf-8")
    parsed = parse_file(path)
    texts = {p.locator: p.text for p in parsed.paragraphs}
    assert parsed.document.symbol == "A/RES/99/1"
    assert texts["#1"] == "Recalling its earlier resolutions,"
    assert texts["1"] == "Requests the Secretary-General to seek views;"
    assert texts["2(b)"] == "under disarmament."
    everything = " ".join(texts.values())
    assert "alert" not in everything and "Home" not in everything and "Page 1" not in everything


CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # make browser installs it
ZH_PARAGRAPHS = [
    "致命性自主武器系统领域新兴技术问题政府专家组在日内瓦举行了两期会议，审议了关于人类控制、"
    "问责制和法律审查的提案，并就今后的工作交换了意见。",
    "专家组建议各国确保人类对武器系统使用的判断，并在武器系统的整个生命周期内保持问责。",
]


def test_chinese_pdf_loses_its_page_margin_furniture_and_inferred_spaces(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    if not CJK_FONT.exists():
        pytest.skip(f"{CJK_FONT} is missing: apt-get install fonts-wqy-zenhei (make browser)")
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("wqy", fname=str(CJK_FONT), collection_font_number=0)
    pdf.add_page()
    pdf.set_font("wqy", size=10.5)
    y = 90
    pdf.text(72, y, "CCW/GGE.1/2099/1")
    y += 30
    for number, paragraph in enumerate(ZH_PARAGRAPHS, 1):
        text, first = f"{number}. {paragraph}", True
        while text:  # hard-wrapped at 30 characters, the first line indented, as printed
            width = 28 if first else 30
            pdf.text(72 + (21 if first else 0), y, text[:width])
            text, first, y = text[width:], False, y + 15
    pdf.set_font("wqy", size=9)
    pdf.text(300, 805, "2")  # the page number
    path = tmp_path / "report.zh.pdf"
    pdf.output(str(path))

    parsed = parse_file(path)
    assert parsed.document.lang == "zh" and parsed.document.symbol == "CCW/GGE.1/2099/1"
    numbered = {p.number: p.text for p in parsed.paragraphs if p.number}
    assert numbered == {"1": ZH_PARAGRAPHS[0], "2": ZH_PARAGRAPHS[1]}


def test_a_damaged_word_or_html_file_is_refused_not_a_traceback(tmp_path):
    import zipfile

    docx = tmp_path / "damaged.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")  # cut short
        archive.writestr("word/document.xml", "<w:document")
    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<div>" * 5000 + "text" + "</div>" * 5000 + "</body></html>",
                    encoding="utf-8")
    for path, reason in [(docx, "damaged.docx: "), (deep, "deep.html: ")]:
        with pytest.raises(DocumentError) as info:
            read_document(path)
        assert str(info.value).startswith(str(tmp_path / reason.rstrip(": ")) + ": ")
        assert "\n" not in str(info.value)


def test_text_that_mentions_a_pdf_header_is_still_text(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("A note on PDF files: they start with %PDF-1.7.\n\n1. First.\n",
                    encoding="utf-8")
    assert "First" in read_document(path)
