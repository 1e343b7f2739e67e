"""What changed between two close paragraphs, word by word; nothing forced on distant ones."""

from index.trace.diff import ADDED, REMOVED, SAME, word_diff

PRINCIPLE_E = ("In accordance with States’ obligations under international law, in the study, "
               "development, acquisition, or adoption of a new weapon, means or method of "
               "warfare, determination must be made whether its employment would, in some or all "
               "circumstances, be prohibited by international law;")
REPORT_23 = PRINCIPLE_E[:-1] + (". In this context, the voluntary exchange of relevant best "
                                "practices between States is encouraged.")


def rebuilt(change, ops):
    return "".join(piece.text for piece in change.pieces if piece.op in ops)


def test_the_pieces_rebuild_both_texts_and_name_what_was_added():
    change = word_diff(PRINCIPLE_E, REPORT_23)
    assert change is not None and change.ratio > 0.8
    assert rebuilt(change, (SAME, ADDED)) == REPORT_23
    assert rebuilt(change, (SAME, REMOVED)) == PRINCIPLE_E
    assert any("voluntary exchange" in words for words in change.words(ADDED))
    assert change.words(REMOVED) == [";"]


def test_paragraphs_merely_on_the_same_theme_are_not_compared():
    other = ("Human responsibility for decisions on the use of weapons systems must be retained "
             "since accountability cannot be transferred to machines.")
    assert word_diff(PRINCIPLE_E, other) is None


def test_chinese_is_compared_character_by_character():
    old = "国际人道法继续充分适用于所有武器系统。"
    new = "国际人道法继续充分适用于致命性自主武器系统。"
    change = word_diff(old, new)
    assert change is not None
    assert change.words(ADDED) == ["致命性自主"] and change.words(REMOVED) == ["所有"]


def test_case_and_spacing_are_not_changes():
    change = word_diff("The CCW offers  an appropriate framework", "the CCW offers an appropriate framework")
    assert change is not None and not change.words(ADDED) and not change.words(REMOVED)


def test_the_cut_off_is_the_callers():
    assert word_diff("a b c d", "a b x y", close=0.9) is None
    assert word_diff("a b c d", "a b x y", close=0.4) is not None
