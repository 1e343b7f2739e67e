"""What is detected on a document's first page: the symbol (a reissue's asterisk is not part of
it), the title block of a UN report (not its byline, rapporteur or summary), the date (a
resolution's adoption, a month alone), and the same for documents without a symbol; on text
and on PDFs written in the layouts users download. Also the labels of a draft's parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest.metadata import detect_date, detect_symbol, listed_symbol
from index.ingest.paragraphs import parse_file, parse_text
from index.models import Paragraph, part_label

PT = 12  # one line, in points


def write_pdf(path: Path, pages: list[list]) -> Path:
    """Each page a list of lines; a line is [(x, text), …] at one height (size 10), or
    (size, [(x, text), …]), or None for a blank line."""
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    for page in pages:
        pdf.add_page()
        y = 50.0
        for line in page:
            if line is None:
                y += 2 * PT  # a gap the reader keeps as a blank line
                continue
            size, pieces = line if isinstance(line, tuple) else (10, line)
            pdf.set_font("Times", size=size)
            for x, text in pieces:
                pdf.text(x, y, text)
            y += max(PT, size * 1.2)
    pdf.output(str(path))
    return path


def prose(x_first: float, x_rest: float, *lines: str) -> list:
    """A paragraph: its first line indented, the others at the margin."""
    return [[(x_first if i == 0 else x_rest, text)] for i, text in enumerate(lines)]


REPORT_PAGE_1 = [
    [(72, "United Nations"), (440, "A/99/555*")],
    (13, [(100, "General Assembly"), (440, "Distr.: General")]),
    [(440, "3 March 2025")],
    None,
    [(440, "Original: English")],
    None,
    [(72, "Ninety-ninth session")],
    [(72, "Item 12 of the provisional agenda*")],
    [(72, "General and complete disarmament")],
    None,
    (12, [(106, "Lethal autonomous weapons systems and")]),
    (12, [(106, "related technologies")]),
    (12, [(106, "Report of the Secretary-General")]),
    None,
    [(80, "Summary")],
    *prose(130, 106, "The present report summarizes the views received from States",
           "and from organizations on the matter."),
    *[None] * 30,
    [(72, "* A/99/50.")],
    [(72, "* Reissued for technical reasons on 5 March 2025.")],
    [(72, "25-01234* (E)    030325    050325")],
    [(72, "*2501234*")],
]
REPORT_PAGE_2 = [
    [(72, "A/99/555")],
    None,
    [(60, "I.   Introduction")],
    [(72, "1."), (106, "The Secretary-General sought the views of Member States on the")],
    [(72, "question of human control and received the replies in the annex.")],
    [(72, "2."), (106, "The replies are reproduced as received, in their original language.")],
    None,
    [(72, "Annex")],
    [(106, "Replies received")],
    [(72, "A.   Member and observer States")],
    None,
    [(106, "Andorra, Argentina and Venezuela")],
    [(106, "(Bolivarian Republic of)")],
    [(400, "[Original: Spanish]")],
    [(410, "[24 May 2024]")],
    *prose(130, 106, "The States call for a legally binding instrument on the matter",
           "and for negotiations to begin without delay."),
    None,
    [(106, "Peru")],
    [(400, "[Original: Spanish]")],
    [(410, "[20 May 2024]")],
    [(72, "1."), (106, "Peru calls for human control over the use of force.")],
    [(72, "2."), (106, "Peru supports a treaty with prohibitions and regulations.")],
    None,
    [(72, "B.   Civil society")],
    None,
    [(106, "Stop Killer Robots")],
    [(410, "[20 May 2024]")],
    *prose(130, 106, "The campaign calls on all States to negotiate a treaty now,",
           "in a forum that includes civil society."),
]


def test_a_reissued_report_pdf_gives_its_symbol_title_date_and_replies(tmp_path):
    parsed = parse_file(write_pdf(tmp_path / "report.pdf", [REPORT_PAGE_1, REPORT_PAGE_2]))
    doc = parsed.document
    assert (doc.symbol, doc.title, doc.date, doc.kind) == (
        "A/99/555", "Lethal autonomous weapons systems and related technologies", "2025-03-03",
        "report")
    assert (doc.original, doc.distribution, doc.doc_id) == ("English", "General", "a-99-555.en")
    parts = list(dict.fromkeys(p.part for p in parsed.paragraphs))
    assert parts == ["body", "annex I, Andorra, Argentina and Venezuela (Bolivarian Republic of)",
                     "annex I, Peru", "annex I, Stop Killer Robots", "records"]
    peru = [p for p in parsed.paragraphs if p.part == "annex I, Peru"]
    assert [p.label() for p in peru] == ["A/99/555, annex I, Peru, para. 1",
                                         "A/99/555, annex I, Peru, para. 2"]
    texts = " ".join(p.text for p in parsed.paragraphs)
    for furniture in ("A/99/50", "Reissued", "25-01234", "2501234", "[", "Summary"):
        assert furniture not in texts
    assert [p.number for p in parsed.paragraphs if p.part == "body" and p.number] == ["1", "2"]


def test_a_pdf_without_a_symbol_is_titled_by_its_first_heading_and_dated_by_month(tmp_path):
    page = [
        (20, [(72, "Our Common Agenda")]),
        (14, [(72, "Policy Brief 10")]),
        (24, [(72, "A Newer Agenda")]),
        (24, [(72, "for Testing")]),
        None,
        [(72, "MARCH 2025")],
        None,
        (12, [(72, "Introduction")]),
        None,
        *prose(100, 72, "The challenges that we face can be addressed only through stronger",
               "international cooperation. The Summit of the Future is an opportunity."),
        *prose(100, 72, "The choice before us is clear. Unless the benefits of cooperation",
               "become more tangible and equitable, human suffering will worsen."),
    ]
    parsed = parse_file(write_pdf(tmp_path / "brief.pdf", [page]))
    doc = parsed.document
    assert (doc.symbol, doc.title, doc.date, doc.kind) == (
        None, "A Newer Agenda for Testing", "2025-03", "document")
    assert doc.doc_id == "brief.en"
    assert parsed.paragraphs[0].label() == "“A Newer Agenda for Testing” (no symbol), counted para. 1"


# ---- on text -----------------------------------------------------------------------------------

def test_a_reissue_mark_is_not_part_of_the_symbol():
    assert detect_symbol("United Nations          A/79/408*\n  General Assembly\n") == "A/79/408"
    assert detect_symbol("A/C.1/79/L.5**\n") == "A/C.1/79/L.5"
    assert detect_symbol("Our Common Agenda\nPolicy Brief 9\n") is None


def test_a_report_lists_itself_when_its_header_has_no_symbol():
    text = ("报告\n\n附件一\n\n文号 标题\n\nCCW/GGE.1/2023/1 临时议程\n\n"
            "CCW/GGE.1/2023/2 专家组\n\n2023 年会议报告\n")
    assert listed_symbol(text, "专家组 2023 年会议报告") == "CCW/GGE.1/2023/2"
    assert listed_symbol(text, "另一份报告的标题") is None
    assert listed_symbol(text, "报告") is None  # too short to tell
    # a symbol cited in the text, outside a list of documents, is some other document's
    cited = "Notes\n\nA/RES/78/241 Lethal autonomous weapons systems\n"
    assert listed_symbol(cited, "Lethal autonomous weapons systems") is None


@pytest.mark.parametrize("head, expected", [
    ("Distr.: General\n31 December 2024\nResolution adopted by the General Assembly\n"
     "on 24 December 2024\n", "2024-12-24"),
    ("Distr.: General\n24 July 2024\nOriginal: English\n", "2024-07-24"),
    ("Our Common Agenda\nPolicy Brief 9\n\nJULY 2023\n", "2023-07"),
    ("Met in July 2023 and again later.\n", None),  # a month inside a sentence dates nothing
    ("2024 年 12 月 31 日\n大会 2024 年 12 月 24 日通过的决议\n", "2024-12-24"),
])
def test_the_date_is_the_adoption_the_first_page_date_or_a_month_alone(head, expected):
    assert detect_date(head, "") == expected


UN_HEAD = """United Nations                                            A/99/1
            General Assembly                              Distr.: General
                                                          1 July 2024
Ninety-ninth session
Agenda item 98

            {title}
            {byline}

            {after}

        I. Introduction
            1.    The report begins.
"""


@pytest.mark.parametrize("byline, after", [
    ("Report of the First Committee", "Rapporteur: Mr. A. Person (Latvia)"),
    ("Report of the Secretary-General", "Summary"),
    ("Note by the Secretariat", "Submitted by the Chairperson"),
])
def test_a_reports_title_is_its_subject_not_its_byline_or_what_follows(byline, after):
    text = UN_HEAD.format(title="Lethal autonomous weapons systems", byline=byline, after=after)
    doc = parse_text(text, source="a991.txt").document
    # A committee's report is known by its byline ("… : Report of the First Committee");
    # other bylines are not part of the title.
    title = "Lethal autonomous weapons systems"
    if "Committee" in byline:
        title += ": " + byline
    assert (doc.symbol, doc.title) == ("A/99/1", title)
    assert doc.kind == ("document" if byline.startswith("Note") else "report")


# ---- labels of a draft's parts -------------------------------------------------------------------

def test_a_drafts_part_is_labelled_by_its_number_in_both_languages():
    assert part_label("draft resolution XXV", "zh") == "决议草案二十五"
    assert part_label("draft resolution X", "zh") == "决议草案十"
    assert part_label("draft resolution XLIII", "zh") == "决议草案四十三"
    assert part_label("draft decision III", "zh") == "决定草案三"
    assert part_label("draft resolution XXV", "en") == "draft resolution XXV"
    operative = Paragraph("a-79-408.en", "A/79/408", "en", "draft resolution XII", 30, "t",
                          number="4", item="b", item_ordinal=2)
    assert operative.label("en") == "A/79/408, draft resolution XII, para. 4 (b)"
    assert operative.label("zh") == "A/79/408 号文件决议草案十二第 4 段(b)分段"
    counted = Paragraph("a-79-408.en", "A/79/408", "en", "draft resolution XII", 3, "t")
    assert counted.label("en") == "A/79/408, draft resolution XII, counted para. 3"
    assert counted.counted and counted.locator == "#3"
