"""Citation markers in the order a reader meets them."""

from assistant.answer import Answer, Citation
from assistant.renumber import renumber
from index.models import Paragraph


def cite(key, number):
    p = Paragraph(doc_id="d", symbol="CCW/GGE.1/2023/2", lang="en", part="body", ordinal=1,
                  number=number, text=f"Paragraph {number}.")
    return Citation(key, p, p.label("en"))


def test_markers_are_numbered_in_order_of_appearance():
    answer = Answer(question="q", lang="en", text="First [3]. Second [1]. Again [3].",
                    citations=[cite(1, "21"), cite(3, "22")])
    renumber(answer)
    assert answer.text == "First [1]. Second [2]. Again [1]."
    assert [(c.key, c.paragraph.number) for c in answer.citations] == [(1, "22"), (2, "21")]


def test_a_marker_inside_quoted_document_text_is_left_alone():
    text = "It says “see [3] below” [3]. Also [12]."
    quoted = (text.index("see"), text.index("” [3]"))
    answer = Answer(question="q", lang="en", text=text, quotes=[quoted],
                    citations=[cite(3, "21"), cite(12, "22")])
    renumber(answer)
    assert answer.text == "It says “see [3] below” [1]. Also [2]."
    start, end = answer.quotes[0]
    assert answer.text[start:end] == "see [3] below"


def test_spans_after_a_shorter_marker_move_with_their_text():
    text = "A [12]. The passage says “quoted words” [3]."
    span = (text.index("quoted"), text.index("” [3]"))
    answer = Answer(question="q", lang="en", text=text, quotes=[span],
                    citations=[cite(12, "21"), cite(3, "22")])
    renumber(answer)
    start, end = answer.quotes[0]
    assert answer.text == "A [1]. The passage says “quoted words” [2]."
    assert answer.text[start:end] == "quoted words"
