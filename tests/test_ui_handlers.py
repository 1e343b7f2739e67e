"""The UI's handlers without a browser: streaming, history, sources, checks, export, escaping."""

from dataclasses import replace

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from fakes import OPEN_CUT_OFF
from assistant.answer import Answer, Citation
from assistant.settings import Settings
from assistant.ui import html as render
from assistant.ui.handlers import CONTEXT_PARAGRAPHS, Conversation, Handlers

SETTINGS = Settings(llm="none", translate=False, **OPEN_CUT_OFF)


def handlers(retriever, llm=None, **changes):
    return Handlers(retriever, llm, SETTINGS.with_(**changes) if changes else SETTINGS)


def run(h, message, chat=None, conversation=None):
    conversation = conversation if conversation is not None else Conversation()
    replies = list(h.respond(message, chat or [], conversation))
    return replies, conversation


def test_an_answer_streams_then_shows_checked_text_and_sources(fake_retriever, monkeypatch):
    monkeypatch.setattr("assistant.ui.handlers.DRAFT_REFRESH_S", 0)  # show every token
    llm = FakeListChatModel(responses=[
        "States should provide appropriate training and instructions for human operators [1]."])
    replies, conversation = run(handlers(fake_retriever, llm),
                                "Should States provide training to human operators?")
    streamed = [r for r in replies if not r.done]
    assert len(streamed) > 2  # the placeholder, then the model's words piece by piece
    assert streamed[-1].chat[-1]["content"].startswith("States should")
    assert "checking the citations" in streamed[-1].chat[-1]["content"]
    final = replies[-1]
    assert final.done and final.answer is conversation.turns[0]
    message = final.chat[-1]["content"]
    assert 'class="cite to-src-1-1"' in message
    assert 'id="src-1-1"' in final.sources
    cited = final.answer.citations[0].paragraph
    assert cited.label() in final.sources or cited.label("en") in final.sources


def test_follow_up_sends_the_earlier_questions_as_history(fake_retriever, monkeypatch):
    seen = []

    def fake_chain(query, *args, **kwargs):
        seen.append(list(query.history))
        return Answer(question=query.text, lang="en", text="An answer.", mode="extractive")

    monkeypatch.setattr("assistant.ui.handlers.answer_query", fake_chain)
    h = handlers(fake_retriever)
    replies, conversation = run(h, "What should States do to limit LAWS?")
    follow_up, _ = run(h, "And what about training?", replies[-1].chat, conversation)
    assert seen == [[], ["What should States do to limit LAWS?"]]
    assert len(follow_up[-1].chat) == 4  # both questions and both answers


def test_two_conversations_keep_separate_histories(fake_retriever):
    h = handlers(fake_retriever)
    first, second = Conversation(), Conversation()
    run(h, "Should States provide training to human operators?", conversation=first)
    run(h, "国际人道法适用于致命性自主武器系统吗？", conversation=second)
    assert first.history() == ["Should States provide training to human operators?"]
    assert second.history() == ["国际人道法适用于致命性自主武器系统吗？"]


def test_empty_message_sends_nothing_and_hints(fake_retriever):
    replies, conversation = run(handlers(fake_retriever), "   ", chat=[])
    assert len(replies) == 1 and replies[0].chat == [] and "Type a question" in replies[0].status
    assert conversation.turns == []


def test_overlong_message_is_refused_with_a_message(fake_retriever):
    replies, conversation = run(handlers(fake_retriever, max_question_chars=50), "why " * 40)
    assert replies[-1].chat == [] and "limit is 50" in replies[-1].status
    assert conversation.turns == []


def test_extractive_fallback_is_said_once_above_the_quotes_not_again_in_the_status(
        fake_retriever):
    replies, _ = run(handlers(fake_retriever), "Should States provide training to human operators?")
    answer = replies[-1].chat[-1]["content"]
    assert answer.count("No language model is configured") == 1
    assert "No language model is configured" not in replies[-1].status


def test_markup_in_documents_and_answers_is_shown_as_text(fake_retriever):
    evil = "<script>alert(1)</script> <img src=x onerror=alert(2)>"
    paragraph = next(iter(fake_retriever.catalogue.paragraphs.values()))
    answer = Answer(question=evil, lang="en", text=f"{evil} [1]",
                    citations=[Citation(1, paragraph, paragraph.label())])
    message = render.answer_message(answer, 1)
    assert "<script>" not in message and "<img" not in message and "&lt;script&gt;" in message
    tampered = replace(paragraph, text=evil)
    block = render.paragraph_block(tampered, "en", lambda p: None)
    assert "<script>" not in block and "&lt;script&gt;alert(1)&lt;/script&gt;" in block
    panel = render.sources_panel([(1, answer)], fake_retriever.catalogue.counterpart)
    assert "<script>" not in panel


def test_verify_gives_the_exact_text_or_the_nearest_valid_ones(fake_retriever):
    h = handlers(fake_retriever)
    found = h.verify("CCW/GGE.1/2023/2 para. 22 (c)")
    assert "Provide appropriate training and instructions for human operators." in found
    missing = h.verify("CCW/GGE.1/2023/2 para. 99")
    assert "no such paragraph" in missing and "CCW/GGE.1/2023/2, para. 25" in missing
    assert "Type a citation" in h.verify("  ")


def test_document_view_highlights_the_cited_paragraph_among_its_neighbours(fake_retriever):
    h = handlers(fake_retriever)
    target = next(p for p in fake_retriever.catalogue.paragraphs.values()
                  if p.symbol == "CCW/GGE.1/2023/2" and p.lang == "en" and p.number == "21")
    view = h.open_paragraph(target.id)
    assert 'class="para highlight" id="focus"' in view
    assert view.count('class="para') == 2 * CONTEXT_PARAGRAPHS + 1  # a window, not the report
    assert h.open_document("CCW/GGE.1/2023/2", "21") == view
    assert "no such paragraph" in h.open_document("CCW/GGE.1/2023/2", "99")
    whole = h.open_document("CCW/GGE.1/2023/2")
    assert whole.count('class="para') > view.count('class="para')


def test_every_document_can_be_browsed(fake_retriever):
    h = handlers(fake_retriever)
    for name, key in h.documents():
        assert name and 'class="para' in h.open_document(key)


def test_export_writes_the_answer_with_cited_texts(fake_retriever, tmp_path):
    h = handlers(fake_retriever)
    _, conversation = run(h, "Should States provide training to human operators?")
    text, path = h.export(conversation)
    answer = conversation.turns[-1]
    assert text.startswith("## Should States provide training")
    assert all(c.label in text and c.paragraph.text.splitlines()[0] in text
               for c in answer.citations)
    assert open(path, encoding="utf-8").read() == text
    assert h.export(Conversation()) == ("", None)


def test_chat_api_returns_citations_with_both_languages(fake_retriever):
    result = handlers(fake_retriever).chat_api("国际人道法适用于致命性自主武器系统吗？")
    assert result["citations"] and not result["refused"]
    assert any(c["other_language"] for c in result["citations"])
    assert set(result) >= {"answer", "refused", "mode", "notice", "citations", "markdown"}
    assert result["error"] is None


def test_chat_api_says_why_it_refuses_bad_input(fake_retriever):
    result = handlers(fake_retriever).chat_api("   ")
    assert result["error"] and "empty" in result["error"] and result["refused"]


def test_settings_and_corpus_are_described(fake_retriever):
    h = handlers(fake_retriever)
    assert "passages per answer: 3" in h.settings_line() and "extractive" in h.settings_line()
    assert f"{len(fake_retriever.catalogue.paragraphs)} citable paragraphs" in h.corpus_line()


def test_a_chinese_citation_that_does_not_exist_is_answered_in_chinese(fake_retriever):
    missing = handlers(fake_retriever).verify("CCW/GGE.1/2023/2 第 99 段")
    assert "没有这个段落" in missing and "最接近的有效段落" in missing


def test_the_header_and_the_documents_tab_count_documents_alike(fake_retriever):
    from assistant.ui.library import documents_html
    from index.store.documents import list_documents

    h = handlers(fake_retriever)
    listed = list_documents(fake_retriever.store)
    documents = {d.symbol or d.doc_id.rsplit(".", 1)[0] for d in listed}
    # The 2023 report is listed in two language versions but is one document.
    assert len(listed) > len(documents)
    line = f"{len(documents)} UN disarmament documents ({len(listed)} language versions)"
    assert line in h.corpus_line()
    assert f"{len(documents)} documents, {len(listed)} language versions" in documents_html(listed)


def test_a_counted_number_is_explained_where_it_is_shown(fake_retriever):
    paragraphs = fake_retriever.catalogue.paragraphs.values()
    counted = next(p for p in paragraphs if p.counted and p.lang == "en")
    printed = next(p for p in paragraphs if not p.counted and p.lang == "en")
    counterpart = fake_retriever.catalogue.counterpart

    def panel(p):
        answer = Answer(question="q", lang="en", text="It says so [1].",
                        citations=[Citation(1, p, p.label())])
        return render.sources_panel([(1, answer)], counterpart)

    assert "not an official paragraph number" in panel(counted)
    assert 'title="“counted”' in panel(counted)
    assert "not an official paragraph number" not in panel(printed)


def test_while_waiting_the_page_says_which_step_is_under_way(fake_retriever):
    llm = FakeListChatModel(responses=[
        "States should provide appropriate training and instructions for human operators [1]."])
    replies, _ = run(handlers(fake_retriever, llm), "Should States provide training to human operators?")
    waiting = [r.chat[-1]["content"] for r in replies if not r.done]
    assert waiting[0] == "…"
    assert "*searching the library…*" in waiting
    assert "*reading 3 passages…*" in waiting
    assert waiting.index("*searching the library…*") < waiting.index("*reading 3 passages…*")
    zh, _ = run(handlers(fake_retriever, llm), "各国应该为操作人员提供培训吗？")
    assert "*正在检索文库……*" in [r.chat[-1]["content"] for r in zh if not r.done]


def test_a_question_the_library_cannot_answer_is_not_said_to_be_read(fake_retriever):
    replies, _ = run(handlers(fake_retriever, FakeListChatModel(responses=["x"])),
                     "How many States voted for resolution 79/62?")
    waiting = [r.chat[-1]["content"] for r in replies if not r.done]
    assert "*searching the library…*" in waiting
    assert not any("reading" in text for text in waiting)
