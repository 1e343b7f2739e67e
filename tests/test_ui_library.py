"""Adding and removing documents from the page (handlers only, fake embedder, no browser)."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from fakes import OPEN_CUT_OFF
from assistant.settings import Settings
from assistant.ui.handlers import Conversation, Handlers
from assistant.ui.library import documents_html, preview_html
from index.ingest.corpus import CORPUS_DIR, load_documents
from index.search.retriever import Retriever
from index.store.documents import list_documents

PDF_DIR = Path(__file__).parent / "pdfs"
RESOLUTION = PDF_DIR / "A_RES_78_241.en.pdf"


@pytest.fixture
def page(fake_store, tmp_path):
    """Handlers over a store holding the bundled corpus minus the resolution."""
    documents = [d for d in load_documents([CORPUS_DIR]).documents
                 if d.document.symbol != "A/RES/78/241"]
    fake_store.sync(documents)
    settings = Settings(llm="none", translate=False, store=tmp_path / "store",
                        library=tmp_path / "library", upload_max_mb=1, upload_max_files=3,
                        **OPEN_CUT_OFF)
    return Handlers(Retriever(fake_store), None, settings)


def upload(tmp_path, name: str, data: bytes) -> str:
    folder = tmp_path / "uploads"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return str(path)


def test_preview_shows_what_was_detected_and_refuses_bad_files(page, tmp_path):
    files = [upload(tmp_path, "res.pdf", RESOLUTION.read_bytes()),
             upload(tmp_path, "empty.docx", b""),
             upload(tmp_path, "huge.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))]
    staged = page.library.stage(files)
    assert [item.parsed is not None for item in staged] == [True, False, False]
    assert staged[1].reason == "empty.docx: file is empty (0 bytes)"
    assert staged[2].reason == "huge.pdf: 2.0 MB is over the 1 MB limit"
    table = preview_html(staged)
    assert "<td>A/RES/78/241</td><td>en</td><td>18</td>" in table
    assert "over the 1 MB limit" in table
    assert str(tmp_path) not in table  # the user's file name, not the server's temp path


def test_too_many_files_in_one_upload_are_refused_by_name(page, tmp_path):
    files = [upload(tmp_path, f"n{i}.txt", b"1. A paragraph.\n") for i in range(5)]
    staged = page.library.stage(files)
    assert [item.reason for item in staged[3:]] == [
        "n3.txt: more than 3 files in one upload; add the rest in another",
        "n4.txt: more than 3 files in one upload; add the rest in another"]


def test_an_added_document_is_answerable_at_once_in_the_open_conversation(page, tmp_path):
    conversation = Conversation()
    before = list(page.respond("What does A/RES/78/241 request the Secretary-General to do?",
                               [], conversation))[-1]
    assert not any(c.paragraph.symbol == "A/RES/78/241" for c in before.answer.citations)

    staged = page.library.stage([upload(tmp_path, "res.pdf", RESOLUTION.read_bytes())])
    progress = []
    message = page.library.add(staged, on_progress=lambda done, total: progress.append(done))
    assert message.startswith("Added A/RES/78/241: 18 paragraphs embedded")
    assert progress[-1] == 18
    assert (tmp_path / "library" / "a-res-78-241.en.pdf").exists()  # kept beside the store

    after = list(page.respond("What does A/RES/78/241 request the Secretary-General to do?",
                              before.chat, conversation))[-1]
    assert any(c.paragraph.symbol == "A/RES/78/241" for c in after.answer.citations)
    assert "A/RES/78/241" in documents_html(page.library.documents())
    assert "A/RES/78/241" in dict((key, name) for name, key in page.documents())


def test_stop_then_add_again_finishes(page, tmp_path):
    staged = page.library.stage([upload(tmp_path, "res.pdf", RESOLUTION.read_bytes())])
    stop = threading.Event()
    stop.set()  # Stop pressed before the first batch (a stop mid-way: test_documents)
    assert page.library.add(staged, stop=stop).startswith("Stopped: 0 paragraphs embedded")
    assert page.library.add(staged).startswith("Added A/RES/78/241: 18 paragraphs embedded")


def test_remove_drops_the_document_and_its_uploaded_file(page, tmp_path):
    page.library.add(page.library.stage([upload(tmp_path, "res.pdf", RESOLUTION.read_bytes())]))
    message = page.library.remove("A/RES/78/241")
    assert message.startswith("Removed A/RES/78/241 (en, 18 paragraphs)")
    assert not (tmp_path / "library" / "a-res-78-241.en.pdf").exists()
    assert not any(p.symbol == "A/RES/78/241" for p in page.retriever.catalogue.paragraphs.values())
    assert page.library.remove("A/RES/78/241") == "no document 'A/RES/78/241' in the index"
    assert page.library.remove("") == "Choose a document to remove first."


def test_nothing_to_add_says_so(page):
    assert page.library.add([]).startswith("Nothing to add")


def test_two_uploads_with_one_file_name_keep_their_own_files(page, tmp_path):
    first = upload(tmp_path, "report.pdf", RESOLUTION.read_bytes())
    page.library.add(page.library.stage([first]))
    second_dir = tmp_path / "later"
    second_dir.mkdir()
    second = second_dir / "report.pdf"
    second.write_bytes((PDF_DIR / "CCW_MSP_2019_9_annexIII.en.pdf").read_bytes())
    staged = page.library.stage([str(second)])
    staged[0].parsed = staged[0].parsed.__class__(  # another symbol: a document not yet indexed
        staged[0].parsed.document.__class__(**{**vars(staged[0].parsed.document),
                                               "doc_id": "x-2.en", "symbol": "X/2"}),
        [p.__class__(**{**vars(p), "doc_id": "x-2.en", "symbol": "X/2"})
         for p in staged[0].parsed.paragraphs])
    page.library.add(staged)
    assert sorted(f.name for f in (tmp_path / "library").iterdir()) == [
        "a-res-78-241.en.pdf", "x-2.en.pdf"]
    page.library.remove("A/RES/78/241")
    assert (tmp_path / "library" / "x-2.en.pdf").exists()
    assert any(p.symbol == "X/2" for p in page.retriever.catalogue.paragraphs.values())


def test_the_stop_button_reaches_the_add_in_progress(page, tmp_path):
    staged = page.library.stage([upload(tmp_path, "res.pdf", RESOLUTION.read_bytes())])
    stopped_at = []

    def press_stop_during_the_first_batch(done, total):
        stopped_at.append(done)
        page.library.stop()

    message = page.library.add(staged, on_progress=press_stop_during_the_first_batch)
    # 18 records (15 paragraphs, 3 printed records) take two batches of 16: the stop comes
    # after the first, which is kept
    assert stopped_at == [16] and message.startswith("Stopped: 16 paragraphs embedded")
    assert not page.library.busy()


def test_a_metadata_file_uploaded_with_a_document_overrides_detection(page, tmp_path):
    document = upload(tmp_path, "res.pdf", RESOLUTION.read_bytes())
    sidecar = upload(tmp_path, "res.meta.json", b'{"title": "LAWS resolution (2023)"}')
    broken = upload(tmp_path, "other.meta.json", b"{not json")
    other = upload(tmp_path, "other.txt", b"1. A paragraph of another document.\n")
    staged = page.library.stage([document, sidecar, broken, other])
    assert [item.name for item in staged] == ["res.pdf", "other.txt"]
    assert staged[0].parsed.document.title == "LAWS resolution (2023)"
    assert staged[1].parsed is None
    assert staged[1].reason.startswith("other.meta.json: unreadable metadata file")


# ---- the library's listing, by series ------------------------------------------------------

def test_the_library_is_listed_by_series_with_counts_dates_and_titles(fake_retriever):
    documents = list_documents(fake_retriever.store)
    # each document's date as indexing read it: printed at the head of its text, or its
    # metadata file's (CCW/GGE.1/2023/2 in Chinese)
    parsed = {(d.document.symbol or d.document.doc_id, d.document.lang): d.document.date
              for d in load_documents([CORPUS_DIR]).documents}
    dated = {(d.name, d.lang): d.date for d in documents}
    assert dated == parsed and dated["CCW/GGE.1/2023/2", "zh"] == "2023-05-24"
    assert [d.series for d in documents] == ["GA", "CCW", "CCW", "CCW", "other"]

    listing = documents_html(documents)
    assert re.findall(r"<h4>(.*?)</h4>", listing) == [
        "General Assembly 联合国大会 (GA) · 1",
        "Convention on Certain Conventional Weapons 《特定常规武器公约》 (CCW) · 3",
        "Documents without a symbol 无文号文件 (other) · 1"]
    sections = dict(re.findall(r"<section class='series' data-series='(\w+)'>(.*?)</section>",
                               listing))
    resolution = dated["A/RES/78/241", "en"]
    assert "<td class='name'>A/RES/78/241 <span class='lang'>en</span></td><td>18</td>" \
           f"<td class='date'>{resolution}</td><td>Lethal autonomous weapons systems" \
           "<div class='identity-card'>" in sections["GA"]
    # Under the title, its identity card in both languages.
    assert "<div>Kind: General Assembly resolution</div>" in sections["GA"]
    assert "<div>类型: 联合国大会决议</div>" in sections["GA"]
    assert "the letter from Belarus" in sections["other"]
    assert sections["CCW"].count("data-document=") == 3
    assert "data-document='ccw-gge-1-2023-2.zh'" in sections["CCW"]
    assert "2017-09-08" in sections["other"]


def test_every_listed_document_opens_at_its_first_paragraph(fake_retriever):
    h = Handlers(fake_retriever, None, Settings(llm="none", translate=False))
    listing = documents_html(list_documents(fake_retriever.store))
    for doc_id in re.findall(r"data-document='([^']+)'", listing):
        view = h.open_document(doc_id)
        first = fake_retriever.catalogue.document(doc_id)[0]
        assert view.index(f'data-paragraph="{first.id}"') == view.index('data-paragraph="')


def test_the_listing_shows_a_stored_date_and_escapes_what_documents_say(tmp_path):
    class Store:  # what list_documents reads: metadata pages and the unfinished documents
        def metadata_pages(self):
            yield [{"doc_id": "x'1.en", "symbol": "X/1", "lang": "en", "source": "gone.pdf",
                    "doc_title": "<script>alert(1)</script>", "date": "2020-01-02"}] * 2

        def pending_documents(self):
            return {"x'1.en"}

    [document] = list_documents(Store())
    assert (document.date, document.paragraphs, document.series) == ("2020-01-02", 2, "X")
    assert "<td class='date'>—</td>" in documents_html([replace(document, date=None)])
    listing = documents_html([document])
    assert "<script>" not in listing and "&lt;script&gt;" in listing
    assert "data-document='x&#x27;1.en'" in listing and "X/1 <span class='lang'>en" in listing
    assert "<h4>X (X) · 1</h4>" in listing and "incomplete" in listing
    assert "No documents are indexed yet." in documents_html([])


def test_the_page_adds_through_the_one_path_reading_only_the_new_document(tmp_path,
                                                                          fake_embedder):
    """The page's Add goes the way `assistant index` goes (services.index_documents) but reads
    neither the whole store for vanished files nor every paragraph again: its catalogue
    reloads the new document alone, and the files beside the store follow (a page started
    later reads them as they are)."""
    from index.search.catalogue import Catalogue
    from index.store.client import open_client
    from index.store.paragraph_store import ParagraphStore

    def open_store():
        path = tmp_path / "store"
        return ParagraphStore(open_client(path, create=True), fake_embedder,
                              keyword_path=path / "keywords.sqlite3")

    store = open_store()
    store.sync([d for d in load_documents([CORPUS_DIR]).documents
                if d.document.symbol != "A/RES/78/241"])
    settings = Settings(llm="none", translate=False, store=tmp_path / "store",
                        library=tmp_path / "library", **OPEN_CUT_OFF)
    page = Handlers(Retriever(store), None, settings)
    asked, scans = [], []
    read = store.with_keyword_texts
    store.with_keyword_texts = lambda doc_ids=None: asked.append(doc_ids) or read(doc_ids)
    store.metadata_pages = lambda: scans.append(1) or iter(())

    staged = page.library.stage([upload(tmp_path, "res.pdf", RESOLUTION.read_bytes())])
    assert page.library.add(staged).startswith("Added A/RES/78/241")
    new_doc = staged[0].parsed.document.doc_id
    assert [set(a) for a in asked] == [{new_doc}] and scans == []
    started_later = Catalogue(open_store())
    assert started_later.paragraphs == page.retriever.catalogue.paragraphs
    assert started_later.keywords.search("Secretary-General to seek the views", 3)[0][0] \
        .startswith("A/RES/78/241|en|")


def test_indexing_draws_no_progress_bar_only_reports_progress(fake_store, capfd):
    """The progress bar is the CLI's: the library reports batches through its callback."""
    documents = load_documents([CORPUS_DIR / "A_RES_78_241.en.txt"]).documents
    seen = []
    fake_store.sync(documents, on_progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert capfd.readouterr().err == ""
