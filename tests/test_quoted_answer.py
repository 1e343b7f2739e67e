"""Answers rest on quoted words: the model chooses a passage (or none), quotes it, and code
checks the quote and the sentence (assistant.quote_protocol, assistant.quote_checks, the chain)."""

import pytest

from fakes import OPEN_CUT_OFF
from assistant.chain import answer_question
from assistant.quote_checks import (find_quote, locate_quote, settle_yes_no, unsupported_names,
                                unsupported_numbers)
from assistant.quote_protocol import parse_quoted_answer
from assistant.settings import Settings
from index.models import Paragraph

SETTINGS = Settings(llm="none", translate=False, quoted_answers=True, **OPEN_CUT_OFF)
QUESTION = "Should States provide training to human operators?"


def ask(retriever, llm, question=QUESTION, settings=SETTINGS):
    return answer_question(question, [], retriever, llm, settings)


def given_passages(retriever, scripted, question=QUESTION):
    return ask(retriever, scripted(["x"], {1: 0.9, 0: 0.1}), question).given


# ---- the chain ------------------------------------------------------------------------------

def test_none_winning_is_a_refusal_without_a_second_call(fake_retriever, scripted):
    llm = scripted(["QUOTE: x\nANSWER: an invented answer"], {0: 0.6, 1: 0.3, 2: 0.1})
    answer = ask(fake_retriever, llm)
    assert answer.refused and answer.citations == []
    assert answer.selection["key"] is None and answer.selection["probability"] == 0.6
    assert len(llm.prompts) == 1  # the answer was never asked for


def test_an_unsure_choice_below_the_setting_is_a_refusal(fake_retriever, scripted):
    llm = scripted(["QUOTE: x\nANSWER: y"], {1: 0.4, 2: 0.35, 0: 0.25})
    answer = ask(fake_retriever, llm, settings=Settings(llm="none", select_min_prob=0.5, quoted_answers=True,
                                               **OPEN_CUT_OFF))
    assert answer.refused and answer.selection["key"] == 1
    assert ask(fake_retriever, scripted(["QUOTE: x\nANSWER: y"], {1: 0.4, 2: 0.35, 0: 0.25})
               ).selection["probability"] == pytest.approx(0.4)


def test_the_answer_cites_the_chosen_passage_with_the_quote_as_written(fake_retriever, scripted):
    given = given_passages(fake_retriever, scripted)
    words = given[2].text.split()[:9]
    # copied with other spacing and punctuation: still found, reported as the text writes it
    quote = " ".join(words).replace(",", "").upper()
    llm = scripted([f"QUOTE: “{quote}”\nANSWER: It says so."], {2: 0.8, 1: 0.1, 0: 0.1})
    answer = ask(fake_retriever, llm)
    # the only citation is numbered [1] for the reader, whatever key the model saw
    assert answer.mode == "llm" and [c.key for c in answer.citations] == [1]
    citation = answer.citations[0]
    assert citation.paragraph.id == given[2].id
    assert citation.quote in given[2].text and citation.quote.split()[0] == words[0]
    assert answer.text.startswith("It says so. [1]\n“") and answer.quotes
    assert citation.to_record()["quote"] == citation.quote


def test_a_quote_not_in_the_chosen_passage_gives_its_best_sentence(fake_retriever, scripted):
    given = given_passages(fake_retriever, scripted)
    llm = scripted(["QUOTE: words that are in no passage at all\nANSWER: Invented."],
                   {1: 0.9, 0: 0.1})
    answer = ask(fake_retriever, llm)
    assert answer.mode == "llm" and "Invented" not in answer.text
    assert answer.text.startswith("The passage says: “")
    assert answer.citations[0].quote in given[1].text
    assert answer.quotes  # the quoted words are marked as quoted text


def test_a_number_the_quote_lacks_replaces_the_sentence_by_the_quote(fake_retriever, scripted):
    given = given_passages(fake_retriever, scripted)
    words = " ".join(given[1].text.split()[:8])
    llm = scripted([f"QUOTE: {words}\nANSWER: This was decided on 20 May 2031."],
                   {1: 0.9, 0: 0.1})
    answer = ask(fake_retriever, llm)
    assert "2031" not in answer.text and "20 May" not in answer.text
    assert answer.text.startswith("The passage says: “") and answer.citations[0].quote == words


def test_the_two_calls_share_their_beginning(fake_retriever, scripted):
    llm = scripted(["QUOTE: x\nANSWER: y"], {1: 0.9, 0: 0.1})
    ask(fake_retriever, llm)
    first, second = llm.prompts
    assert [m.content for m in second[:len(first)]] == [m.content for m in first]
    assert second[len(first)].content == "1"  # the model's own choice, then "quote and answer"


def test_without_logprobs_the_quote_says_which_passage_was_used(fake_retriever, scripted):
    given = given_passages(fake_retriever, scripted)
    words = " ".join(given[3].text.split()[:8])
    llm = scripted([f"QUOTE: {words}\nANSWER: It says so."], choice=None)
    answer = ask(fake_retriever, llm)
    assert answer.selection is None and [c.paragraph.id for c in answer.citations] == [given[3].id]


# ---- the checks -------------------------------------------------------------------------------

PARAGRAPH = Paragraph(doc_id="d", symbol="X/1", lang="en", part="body", ordinal=3,
                      number="3", text="The Group met from 6 to 10 March, and from 15 to 19 May "
                                       "2023, in Geneva; it was chaired by Ambassador Damico.")


def test_a_quote_is_found_whatever_its_spacing_case_and_punctuation():
    start, end = locate_quote("the group met from 6 to 10 MARCH and", PARAGRAPH)
    assert PARAGRAPH.text[start:end] == "The Group met from 6 to 10 March, and"
    start, end = locate_quote("met from 6 … in Geneva", PARAGRAPH)
    assert PARAGRAPH.text[start:end] == "met from 6 to 10 March, and from 15 to 19 May 2023, in Geneva"
    assert locate_quote("met in Paris", PARAGRAPH) is None
    assert locate_quote("the", PARAGRAPH) is None  # too short to prove anything
    assert find_quote("chaired by Ambassador Damico", [PARAGRAPH])[1] == "chaired by Ambassador Damico"


def test_numbers_and_names_must_come_from_the_quote():
    quote = "met from 2 May 2023 in Geneva"
    assert unsupported_numbers("It met on 20 May 2023.", quote) == ["20"]
    assert unsupported_numbers("It met on 2 May 2023.", quote) == []
    assert unsupported_names("It met in Geneva under Ambassador Smith.", quote,
                             "Where did it meet?") == ["Ambassador", "Smith"]
    assert unsupported_names("Lethal Autonomous Weapons Systems were discussed in Geneva.",
                             quote, "", frozenset({"lethal", "autonomous", "weapons",
                                                   "systems"})) == []


@pytest.mark.parametrize("answer, quote, question, expected", [
    ("Yes, X is not unlimited.", "X should not be unlimited", "Is X unlimited?",
     "X is not unlimited."),
    ("Yes, IHL applies fully.", "IHL continues to apply fully", "Does IHL apply?",
     "Yes, IHL applies fully."),
    ("No, the mandate ends in 2025.", "the mandate shall not extend beyond 2025",
     "Is the mandate open-ended?", "No, the mandate ends in 2025."),
    ("No, it applies.", "it applies fully", "Does it apply?", "It applies."),
    ("是。各国不应使用此类武器。", "各国不应使用", "各国可以使用此类武器吗？", "各国不应使用此类武器。"),
    ("No State may do X.", "no State may", "May a State do X?", "No State may do X."),
])
def test_a_yes_or_no_stays_only_when_the_quote_agrees(answer, quote, question, expected):
    assert settle_yes_no(answer, quote, question) == expected


@pytest.mark.parametrize("raw, expected", [
    ("QUOTE: “met in Geneva”\nANSWER: It met in Geneva.", ("met in Geneva", "It met in Geneva.")),
    ("原文：在日内瓦举行\n回答：会议在日内瓦举行。", ("在日内瓦举行", "会议在日内瓦举行。")),
    ("**QUOTE:** a b c\n**ANSWER:** d\nLAWS: an invented expansion", ("a b c", "d")),
    ("no format at all", ("", "")),
])
def test_the_quoted_answer_is_read_in_either_language(raw, expected):
    assert parse_quoted_answer(raw) == expected


# ---- the quote shown -------------------------------------------------------------------------

def test_the_page_shows_the_quote_under_the_answer_and_marks_it_in_the_sources(
        fake_retriever, scripted):
    from assistant.ui import html as render
    from assistant.ui.handlers import Conversation, Handlers

    given = given_passages(fake_retriever, scripted)
    words = " ".join(given[1].text.split()[:8])
    llm = scripted([f"QUOTE: {words}\nANSWER: Operators need training."], {1: 0.9, 0: 0.1})
    handlers = Handlers(fake_retriever, llm, SETTINGS)
    conversation = Conversation()
    final = list(handlers.respond(QUESTION, [], conversation))[-1]
    assert final.answer.citations[0].quote == words
    assert "“Requests" in final.chat[-1]["content"] or "“" in final.chat[-1]["content"]
    assert final.chat[-1]["content"].index("[1]") < final.chat[-1]["content"].index("“")
    assert f'<mark class="quote">{render.html.escape(words)}</mark>' in final.sources
    document = handlers.open_paragraph(given[1].id, conversation)
    assert f'<mark class="quote">{render.html.escape(words)}</mark>' in document
    assert handlers.chat_api(QUESTION)["citations"][0]["quote"]
    assert "Quoted: “" in render.answer_markdown(final.answer)
