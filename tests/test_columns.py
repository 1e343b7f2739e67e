"""Two-column pages (index/ingest/columns.py): read column by column, in text laid out by a PDF
tool and in PDFs; one-column text, tables and tables of contents left as they are."""

from __future__ import annotations

from pathlib import Path

from index.ingest.columns import read_columns
from index.ingest.paragraphs import parse_file, parse_text
from test_metadata import write_pdf

LEFT = ["The first column opens the argument and", "runs over several lines of prose, each of",
        "them broken where the column ends, until", "the paragraph is over.", "",
        "A second paragraph in the first column", "also needs its lines joined in order to",
        "be read as one sentence at last.", "",
        "A third paragraph of the first column is", "there to make the page as long as the",
        "pages of a real policy brief usually are,", "with many lines in every column."]
RIGHT = ["The second column starts at the top of", "the page and carries its own sentences",
         "that must never be mixed with those of", "the first column on the same lines.", "",
         "Its second paragraph says that the two", "columns are read one after the other,",
         "left first and right after it.", "",
         "Its third paragraph is as long as the", "third paragraph of the first column, so",
         "that both columns fill the page to the", "bottom, as printed briefs do."]
GUTTER = 52


def two_columns(left=LEFT, right=RIGHT, gutter=GUTTER) -> str:
    return "\n".join(f"{a:<{gutter}}{b}".rstrip() for a, b in zip(left, right))


PAGE = ("POLICY BRIEF ON SOMETHING                                              PAGE 2\n\n"
        + two_columns() + "\n\n"
        "A HEADING THAT RUNS ACROSS THE WHOLE PAGE, FROM ONE MARGIN TO THE OTHER MARGIN\n\n"
        + two_columns())


def test_two_columns_are_read_one_after_the_other():
    text = read_columns(PAGE)
    first, second = text.index("The first column opens"), text.index("The second column starts")
    assert first < text.index("be read as one sentence at last.") < second
    # the full-width lines stay where they were, between the regions
    heading = text.index("A HEADING THAT RUNS")
    assert text.index("bottom, as printed briefs do.") < heading
    assert text.count("The first column opens") == 2


def test_paragraphs_of_a_two_column_page_are_whole_sentences():
    texts = [p.text for p in parse_text(PAGE, source="brief.txt").paragraphs]
    assert any("The first column opens the argument and runs over several lines of prose, each "
               "of them broken where the column ends, until the paragraph is over." in t
               for t in texts)
    assert any("Its second paragraph says that the two columns are read one after the other, "
               "left first and right after it." in t for t in texts)


def test_a_heading_beside_one_column_does_not_break_the_other():
    left = LEFT[:2] + ["broken on a hyphen, as in con-", "", "flict, which runs on."] + LEFT[4:]
    right = RIGHT[:3] + ["A SIDE HEADING", "the first column on the same lines."] + RIGHT[4:]
    text = read_columns(two_columns(left, right))
    assert "broken on a hyphen, as in con-\nflict, which runs on." in text


def test_one_column_a_table_and_contents_stay_as_they_are():
    single = "\n".join(LEFT + RIGHT)
    table = "\n".join(
        [f"{'Australia, 2022':<30}{'WP.2  The definition of an autonomous weapon reads':<60}"]
        + [f"{'':<30}{'as follows, over many lines of the right-hand cell':<60}"] * 12)
    contents = "\n".join(f"{'   ' + chapter + ' . . . . . . . . . . . . . . . . . . .':<70}{page}"
                         for chapter, page in [("I. Introduction", 3), ("II. Background", 4)] * 10)
    for text in (single, table, contents):
        assert read_columns(text) == text


def test_a_two_column_pdf_is_read_column_by_column(tmp_path):
    page = [[(72, "A brief in two columns")], None]
    page += [[(72, a), (320, b)] if a and b else [(72, a)] if a else [(320, b)] if b else None
             for a, b in zip(LEFT, RIGHT)]
    parsed = parse_file(write_pdf(tmp_path / "brief.pdf", [page]))
    text = " ".join(p.text for p in parsed.paragraphs)
    # Each column's sentences in one piece, the left column's before the right's.
    left = "them broken where the column ends, until the paragraph is over."
    right = "The second column starts at the top of the page and carries its own sentences"
    assert left in text and right in text
    assert text.index("with many lines in every column.") < text.index(right)


def test_the_new_agenda_for_peace_reads_in_sentences():
    library = Path(__file__).parents[1] / "index" / "library"
    texts = [p.text for p in parse_file(library / "new-agenda-for-peace-2023.en.txt").paragraphs]
    assert any("This new multilateralism must recognize that the world order is shifting. It "
               "must adjust to a more fragmented geopolitical landscape." in t for t in texts)
