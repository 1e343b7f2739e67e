"""The Trace tab in a real browser over the eleven-document library (EmbeddingGemma with the
shipped vectors, no language model): a theme in English and one in Chinese, a row clicked into
its document, "trace this theme" from an answer, and the screenshots the README shows."""

import pytest

from assistant.settings import Settings
from assistant.ui.app import launch
from assistant.ui.handlers import Handlers
from eval.browser import ask, free_port
from index.ingest.corpus import BUNDLED, load_documents
from index.search.retriever import Retriever
from index.store.client import open_client
from index.store.embedders import GemmaEmbeddings
from index.store.paragraph_store import ParagraphStore
from index.store.shipped_vectors import ShippedVectors
from test_ui_browser import SHOTS, browser, open_page  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.integration
TRACE_TAB = "Trace a theme 主题追踪"


@pytest.fixture(scope="module")
def library_page(tmp_path_factory):
    store = ParagraphStore(open_client(tmp_path_factory.mktemp("trace-page"), create=True),
                           ShippedVectors(GemmaEmbeddings()))
    store.sync(load_documents(list(BUNDLED)).documents)
    port = free_port()
    app = launch(Handlers(Retriever(store), None, Settings(llm="none", translate=False)),
                 port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


def trace(page, theme: str) -> str:
    page.fill("#trace-theme textarea", theme)
    page.click("#trace-button")
    page.wait_for_function("(theme) => document.querySelector('#trace-status')?.innerText"
                           "  ?.includes(theme)", arg=theme)
    return page.inner_text("#trace-status")


def test_a_theme_traced_in_english_and_chinese_and_a_row_opened(library_page, browser):
    page = open_page(browser, library_page)
    page.get_by_role("tab", name=TRACE_TAB).click()
    status = trace(page, "legal reviews of new weapons")
    assert "documents address" in status
    text = page.inner_text("#trace-result")
    assert "A/79/88, para. 37" in text and "CCW/GGE.1/2023/2, para. 23" in text
    assert "silent on this theme" in text  # the documents that say nothing, said so
    assert page.locator("#trace-markdown").is_visible()
    page.screenshot(path=SHOTS / "trace-1-english.png", full_page=True)

    status = trace(page, "人的控制与人机互动")
    assert "份文件中有" in status
    assert page.locator("#trace-result .trace[lang=zh] .row-head.open-row").count() >= 1
    page.screenshot(path=SHOTS / "trace-2-chinese.png", full_page=True)

    row = page.locator("#trace-result .row-head.open-row").first
    paragraph_id = row.get_attribute("data-open")
    row.click()
    page.wait_for_selector("#document-view #focus")
    assert page.locator("#document-view #focus").get_attribute("data-paragraph") == paragraph_id
    page.screenshot(path=SHOTS / "trace-3-row-opened.png")


def test_an_answer_citing_two_documents_offers_its_theme_traced(library_page, browser):
    page = open_page(browser, library_page)
    assert not page.locator("#trace-this").is_visible()
    ask(page, "What did States say about legal reviews of new weapons?", 0)
    page.wait_for_selector("#sources .para")
    page.screenshot(path=SHOTS / "trace-0-answer-over-the-library.png")
    page.wait_for_selector("#trace-this", state="visible")
    page.click("#trace-this")
    page.wait_for_function("() => document.querySelector('#trace-status')?.innerText"
                           "  ?.includes('documents address')")
    assert "legal reviews" in page.input_value("#trace-theme textarea")
    # The tab was switched to by the server's reply; once in ~14 clean-clone runs the follow-up
    # typed at once after it was lost ("Type a question first"), as if the tab's content was
    # laid out again after the fill. A person types later than that: let the page settle, and
    # check that the box holds the question before sending it.
    question = "Why are legal reviews said to be insufficient?"
    page.wait_for_timeout(500)
    page.fill("#trace-question textarea", question)
    page.wait_for_function("(q) => document.querySelector('#trace-question textarea')?.value === q",
                           arg=question)
    page.click("#trace-ask")
    page.wait_for_function("() => (document.querySelector('#trace-answer')?.innerText || '').length > 20")
    assert "A/79/88" in page.inner_text("#trace-answer")
