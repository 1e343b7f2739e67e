"""Passages that support nothing, whatever words they share: headings, another document's row
in a list of documents, another State's view when the question names its submitters."""

from assistant.citable import (can_support, is_heading, is_listed_document,
                               submitters_asked_about)
from assistant.citation_guard import guard
from index.models import Paragraph
from index.search.query import analyse

IHL = analyse("Does international humanitarian law apply to lethal autonomous weapons?")


def paragraph(text, kind="paragraph", part="body", number=None, item=None):
    return Paragraph(doc_id="d", symbol="A/79/88", lang="en", part=part, ordinal=1,
                     number=number, item=item, text=text, kind=kind)


ROW = paragraph("CCW/GGE.1/2023/WP.4/Rev.2 — Draft articles on autonomous weapon systems – "
                "prohibitions and other regulatory measures on the basis of international "
                "humanitarian law. Submitted by Australia, Canada, Japan, Poland, the Republic "
                "of Korea, the United Kingdom and the United States", kind="row", part="annex I")


def test_headings_and_running_titles_are_told_from_paragraphs():
    assert is_heading(paragraph("ACTION 8: STRENGTHEN PEACE OPERATIONS AND PARTNERSHIPS"))
    assert is_heading(paragraph("OUR COMMON AGENDA POLICY BRIEF 9: A NEW AGENDA FOR PEACE 23"))
    assert not is_heading(paragraph("Recalling its resolution 78/241 of 22 December 2023,"))
    assert not is_heading(paragraph("IHL applies.", number="3"))
    assert not is_heading(paragraph("Limits on the types of target", kind="item", item="a"))


def test_a_heading_supports_nothing():
    heading = paragraph("International humanitarian law and autonomous weapons")
    assert not can_support("International humanitarian law applies to autonomous weapons.",
                           heading, submitters_asked_about(IHL))
    _, citations, _ = guard("International humanitarian law applies to autonomous weapons [1].",
                            {1: heading}, IHL)
    assert citations == []


def test_a_listed_document_supports_only_sentences_about_it():
    assert is_listed_document(ROW)
    claim = "International humanitarian law applies to autonomous weapon systems [1]."
    _, citations, _ = guard(claim, {1: ROW}, IHL)
    assert citations == []  # the title of a working paper is not a statement of the law
    japan = submitters_asked_about(analyse("What did Japan submit to the Group in 2023?"))
    assert can_support("Japan co-submitted draft articles on autonomous weapon systems.", ROW,
                       japan)
    assert can_support("CCW/GGE.1/2023/WP.4/Rev.2 sets out draft articles.", ROW, japan)


def test_another_states_view_does_not_answer_for_the_state_asked_about():
    austria = paragraph("Austria supports a legally binding instrument on autonomous weapons.",
                        part="annex I, Austria")
    china = analyse("What did China propose on autonomous weapons?")
    assert not can_support("A legally binding instrument is supported.", austria,
                           submitters_asked_about(china))
    assert can_support("A legally binding instrument is supported.", austria,
                       submitters_asked_about(IHL))
    austria_asked = analyse("What did Austria propose on autonomous weapons?")
    assert can_support("Austria supports a legally binding instrument.", austria,
                       submitters_asked_about(austria_asked))
