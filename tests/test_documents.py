"""Users' own documents: add from files of every format, list, remove, stop and resume, and
long reports whose annex compiles States' replies."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.cli import main
from index.store.documents import list_documents, remove_document
from index.ingest.corpus import load_documents
from index.errors import NotFoundError
from index.models import Paragraph
from index.ingest.paragraphs import parse_file
from index.search.catalogue import document_order
from index.search.lookup import named_paragraphs
from index.search.retriever import Retriever
from index.store.sync import EMBED_BATCH

PDF_DIR = Path(__file__).parent / "pdfs"


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def long_report(tmp_path_factory) -> Path:
    pytest.importorskip("fpdf")
    from eval.make_report import write_report

    path = tmp_path_factory.mktemp("long") / "A_99_123.pdf"
    write_report(path, states=4, paragraphs=6)
    return path


# ---- a report compiling States' replies ------------------------------------------------------

def test_each_states_reply_is_its_own_part_numbered_from_one(long_report):
    parsed = parse_file(long_report)
    parts = []
    for p in parsed.paragraphs:
        if p.part not in parts:
            parts.append(p.part)
    assert parts == ["body", "annex I, Albania", "annex I, Argentina", "annex I, Australia",
                     "annex I, Austria"]
    for part in parts[1:]:
        numbers = [p.number for p in parsed.paragraphs if p.part == part and p.kind == "paragraph"]
        assert numbers == [str(n) for n in range(1, 7)], part
    texts = " ".join(p.text for p in parsed.paragraphs)
    assert "[Original" not in texts and "May 2024]" not in texts  # the slugs are not text
    assert "Albania" not in texts  # the heading names the part; it is not a paragraph


def test_a_reply_is_cited_by_its_heading_in_both_languages(long_report):
    parsed = parse_file(long_report)
    item = next(p for p in parsed.paragraphs if p.part == "annex I, Argentina" and p.item == "b")
    assert item.label("en") == "A/99/123, annex I, Argentina, para. 5 (b)"
    assert item.label("zh") == "A/99/123 号文件附件一(Argentina)第 5 段(b)分段"


def test_replies_keep_reading_order_after_the_annex_text():
    def para(part, ordinal):
        return Paragraph("d.en", "A/1", "en", part, ordinal, "t", number=str(ordinal))
    records = [para("annex I, Brazil", 1), para("annex II", 1), para("annex I", 2),
               para("annex I, Argentina", 2), para("body", 3), para("annex I, Argentina", 1)]
    ordered = [(p.part, p.ordinal) for p in sorted(records, key=document_order)]
    assert ordered == [("body", 3), ("annex I", 2), ("annex I, Argentina", 1),
                       ("annex I, Argentina", 2), ("annex I, Brazil", 1), ("annex II", 1)]


def test_a_named_reply_paragraph_is_looked_up_exactly(long_report, fake_store):
    fake_store.sync(load_documents([long_report]).documents)
    retriever = Retriever(fake_store)
    query = retriever.analyse("What does A/99/123, annex I, Australia, para. 3 say?")
    found = named_paragraphs(query, retriever.catalogue)
    assert [p.part for p in found] == ["annex I, Australia"]
    assert found[0].number == "3"


# ---- stop and resume -------------------------------------------------------------------------

def test_a_stopped_indexing_resumes_without_embedding_again(long_report, fake_store,
                                                            fake_embedder):
    documents = load_documents([long_report]).documents
    total = sum(len(d.paragraphs) for d in documents)
    stop = threading.Event()

    def stop_after_two_batches(done, _total):
        if done >= 2 * EMBED_BATCH:
            stop.set()

    first = fake_store.sync(documents, on_progress=stop_after_two_batches,
                            stop=stop)
    assert first.stopped and first.embedded == 2 * EMBED_BATCH
    assert fake_store.count() == 2 * EMBED_BATCH  # what was embedded is kept
    [listed] = list_documents(fake_store)
    assert not listed.complete and listed.paragraphs == 2 * EMBED_BATCH

    fake_embedder.reset()
    second = fake_store.sync(documents)
    assert not second.stopped
    assert second.unchanged == 2 * EMBED_BATCH
    assert second.embedded == fake_embedder.documents_embedded == total - 2 * EMBED_BATCH
    assert fake_store.count() == total
    assert list_documents(fake_store)[0].complete


# ---- list and remove -------------------------------------------------------------------------

def test_list_and_remove_documents_leave_the_others_unchanged(fake_store, data_dir):
    documents = load_documents([data_dir, PDF_DIR / "A_RES_78_241.en.pdf"]).documents
    fake_store.sync(documents)
    listed = {d.name: d for d in list_documents(fake_store)}
    # 15 paragraphs and footnotes, and its adoption, plenary meeting and date lines
    assert listed["A/RES/78/241"].paragraphs == 18
    assert listed["A/RES/78/241"].source.endswith("A_RES_78_241.en.pdf")
    before = {pid for pid in fake_store.collection().get()["ids"] if "A/RES/78/241" not in pid}

    removed = remove_document(fake_store, "A/RES/78/241")

    assert [d.doc_id for d in removed] == ["a-res-78-241.en"]
    assert "A/RES/78/241" not in {d.name for d in list_documents(fake_store)}
    assert set(fake_store.collection().get()["ids"]) == before


def test_removing_an_unknown_document_names_the_ones_there_are(fake_store, data_dir):
    fake_store.sync(load_documents([data_dir]).documents)
    count = fake_store.count()
    with pytest.raises(NotFoundError) as info:
        remove_document(fake_store, "A/RES/1/1")
    assert "A/RES/1/1" in str(info.value)
    assert "CCW/GGE.1/2023/2" in info.value.nearest
    assert fake_store.count() == count


# ---- the CLI ---------------------------------------------------------------------------------

def test_cli_index_prints_detected_metadata_then_docs_and_remove(capsys, fake_services,
                                                                  tmp_path):
    store = tmp_path / "store"
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"")
    status, out, err = run(capsys, "index", PDF_DIR / "CCW_GGE.1_2023_2.en.pdf", bad,
                           "--store", store, "--quiet")
    assert status == 0
    assert ("new: CCW/GGE.1/2023/2 · en · 2023-05-24 · Original: English · 45 paragraphs — "
            "Report of the 2023 session") in out
    assert f"skipped: {bad}: file is empty (0 bytes)" in err

    status, out, _ = run(capsys, "index", PDF_DIR / "CCW_GGE.1_2023_2.en.pdf", "--store", store,
                         "--quiet")
    assert status == 0 and "new:" not in out and "0 embedded" in out

    status, out, _ = run(capsys, "docs", "--store", store)
    assert status == 0
    assert out.splitlines()[0].split()[:3] == ["CCW/GGE.1/2023/2", "en", "45"]

    status, out, _ = run(capsys, "remove", "ccw-gge-1-2023-2.en", "--store", store)
    assert status == 0 and out.startswith("removed: CCW/GGE.1/2023/2 (en, 45 paragraphs)")
    status, _, err = run(capsys, "remove", "ccw-gge-1-2023-2.en", "--store", store)
    assert status != 0 and err.startswith("error: no document 'ccw-gge-1-2023-2.en'")


def test_cli_index_of_only_bad_files_fails_and_changes_nothing(capsys, fake_services, tmp_path,
                                                               data_dir):
    store = tmp_path / "store"
    assert run(capsys, "index", data_dir / "gge_excerpt.en.txt", "--store", store, "--quiet")[0] == 0
    before = run(capsys, "docs", "--store", store)[1]
    wrong = tmp_path / "notes.pdf"
    wrong.write_text("1. Not a PDF at all.", encoding="utf-8")
    status, _, err = run(capsys, "index", wrong, "--store", store, "--quiet")
    assert status == 2
    assert f"skipped: {wrong}: not a PDF (its content is plain text)" in err
    assert run(capsys, "docs", "--store", store)[1] == before


BODY_REPLIES = """                                                                         A/79/555

          General Assembly                                               Distr.: General
                                                                         1 July 2024

                   Lethal autonomous weapons systems

          I.   Introduction

                   1.    The Secretary-General received the following replies.

          II.  Replies received from States

                   Peru
                   [Original: Spanish]
                   [20 May 2024]

                   1.    Peru supports a legally binding instrument.

                   2.    Peru calls for human control.

          III. Replies received from international organizations

                   2.    The International Committee of the Red Cross recommends rules.
"""


def test_replies_compiled_in_the_body_end_at_the_next_chapter():
    from index.ingest.paragraphs import parse_text

    parsed = parse_text(BODY_REPLIES, source="a79555.txt")
    labels = {p.label(): p.text for p in sorted(parsed.paragraphs, key=document_order)}
    assert list(labels) == ["A/79/555, para. 1", "A/79/555, para. 2", "A/79/555, Peru, para. 1",
                            "A/79/555, Peru, para. 2", "A/79/555, date line"]
    assert labels["A/79/555, para. 2"].startswith("The International Committee")


def test_a_reply_citation_is_verified_exactly(long_report, fake_store):
    from index.search.lookup import look_up

    fake_store.sync(load_documents([long_report]).documents)
    retriever = Retriever(fake_store)
    [found] = look_up(retriever.catalogue, "A/99/123, annex I, Argentina, para. 2")
    assert (found.part, found.number) == ("annex I, Argentina", "2")
    [found_zh] = look_up(retriever.catalogue, "A/99/123 号文件附件一(Argentina)第 2 段")
    assert found_zh.id == found.id
    with pytest.raises(NotFoundError) as info:
        look_up(retriever.catalogue, "A/99/123, annex I, para. 99")
    assert info.value.nearest  # the replies filed in annex I are offered


def test_a_metadata_file_named_among_the_paths_applies_to_its_document(tmp_path):
    """`assistant index report.txt elsewhere/report.meta.json` (and the page's upload, whose
    files sit in separate folders) reads the metadata file for the document of that name."""
    from index.ingest.corpus import load_documents

    (tmp_path / "docs").mkdir()
    (tmp_path / "meta").mkdir()
    document = tmp_path / "docs" / "report.txt"
    document.write_text("1. A paragraph of the report.\n", encoding="utf-8")
    sidecar = tmp_path / "meta" / "report.meta.json"
    sidecar.write_text('{"title": "The report, titled by hand"}', encoding="utf-8")
    loaded = load_documents([document, sidecar])
    assert loaded.skipped == []
    assert [d.document.title for d in loaded.documents] == ["The report, titled by hand"]
    assert loaded.by_file[document] is loaded.documents[0]
