"""A theme traced across the bundled core documents with an embedder whose vectors are the
topics a text mentions (so that similarities mean something without the real model), and over
a compiled report of States' replies."""

from __future__ import annotations

import csv
import io
import re

import pytest

from index.errors import ConfigError, NotFoundError, QueryError, QueryTooLong
from index.ingest.corpus import CORPUS_DIR, load_documents
from index.search.retriever import Retriever
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore
from index.trace.export import CSV_COLUMNS, to_csv, to_markdown
from index.trace.rank import MAX_THEME_CHARS, TraceSettings, closest_first, trace
from index.trace.scoring import Scored
from fakes import TopicEmbedder

@pytest.fixture(scope="module")
def core(tmp_path_factory):
    return topic_retriever(tmp_path_factory.mktemp("trace-store"))


def topic_retriever(path) -> Retriever:
    store = ParagraphStore(open_client(path, create=True), TopicEmbedder())
    store.sync(load_documents([CORPUS_DIR]).documents)
    return Retriever(store)


def row_of(traced, document):
    return next(row for row in traced.rows if row.document == document)


def test_each_document_has_one_row_in_date_order(core):
    traced = trace(core, "the study, acquisition or adoption of a new weapon or method of warfare")
    assert [row.document for row in traced.rows] == [
        "cd-letter-2017-09-08-belarus.zh", "CCW/MSP/2019/9", "CCW/GGE.1/2023/2", "A/RES/78/241"]
    # the Guiding Principles print no date: their symbol's year places them
    assert [row.date for row in traced.rows] == ["2017-09-08", "2019", "2023-05-24", "2023-12-22"]


def test_a_principle_restated_four_years_later_shows_what_was_added(core):
    traced = trace(core, "the study, acquisition or adoption of a new weapon or method of warfare")
    principle, report = row_of(traced, "CCW/MSP/2019/9"), row_of(traced, "CCW/GGE.1/2023/2")
    assert principle.paragraph.locator == "#1(e)" and principle.voice == "agreed"
    assert report.paragraph.label() == "CCW/GGE.1/2023/2, para. 23"
    assert report.other is not None and report.other.lang == "zh"
    assert report.change is not None and report.changed_since == principle.paragraph
    assert any("voluntary exchange" in words for words in report.change.words("added"))
    assert row_of(traced, "cd-letter-2017-09-08-belarus.zh").silent


def test_a_chinese_theme_shows_the_chinese_version_with_the_english_beside_it(core):
    traced = trace(core, "研究、取得或采用新的武器、作战手段")
    report = row_of(traced, "CCW/GGE.1/2023/2")
    assert traced.lang == "zh"
    assert report.paragraph.lang == "zh" and report.other.lang == "en"
    assert report.paragraph.key == report.other.key


def test_a_theme_no_document_addresses_leaves_every_row_silent(core):
    traced = trace(core, "deep-sea mining royalties")
    assert traced.rows and all(row.silent for row in traced.rows)
    assert not traced.addressed


def test_only_the_documents_named_are_traced(core):
    traced = trace(core, "new weapon", ["CCW/MSP/2019/9", "cd-letter-2017-09-08-belarus.zh"])
    assert [row.document for row in traced.rows] == ["cd-letter-2017-09-08-belarus.zh",
                                                     "CCW/MSP/2019/9"]
    with pytest.raises(NotFoundError, match="no document 'A/79/999' in the library"):
        trace(core, "new weapon", ["A/79/999"])


@pytest.mark.parametrize("theme, error, message", [
    ("", QueryError, "the theme is empty"),
    ("?!…", QueryError, "the theme has no words"),
    ("x" * (MAX_THEME_CHARS + 1), QueryTooLong, f"the theme is {MAX_THEME_CHARS + 1} characters"),
])
def test_a_bad_theme_is_refused_naming_what_is_wrong(core, theme, error, message):
    with pytest.raises(error, match=re.escape(message)):
        trace(core, theme)


def test_settings_are_checked_when_built():
    with pytest.raises(ConfigError, match="margin"):
        TraceSettings(margin=-0.1)
    with pytest.raises(ConfigError, match="keyword_share"):
        TraceSettings(keyword_share=2)


def test_markdown_and_csv_carry_every_row_with_its_citation(core):
    traced = trace(core, "the study, acquisition or adoption of a new weapon or method of warfare")
    markdown = to_markdown(traced)
    assert markdown.startswith("# Theme traced: the study")
    assert "## 2019 — CCW/MSP/2019/9, annex III" in markdown
    assert re.search(r"\*\*[^*]*the voluntary exchange[^*]*\*\*", markdown)  # added: bold
    assert "~~;~~" in markdown  # removed: struck through
    assert "silent on this theme" in markdown
    rows = list(csv.DictReader(io.StringIO(to_csv(traced))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == len(traced.rows)
    report = next(r for r in rows if r["document"] == "CCW/GGE.1/2023/2")
    assert report["citation"] == "CCW/GGE.1/2023/2, para. 23"
    assert "voluntary exchange" in report["added"]


def test_states_views_in_a_compiled_report_are_grouped_one_per_state(tmp_path):
    pytest.importorskip("fpdf")
    from eval.make_report import STATES, write_report

    report = tmp_path / "A_99_123.pdf"
    write_report(report, states=6, paragraphs=6)
    store = ParagraphStore(open_client(tmp_path / "store", create=True), TopicEmbedder())
    store.sync(load_documents([report]).documents)
    traced = trace(Retriever(store), "human control and responsibility")
    row = row_of(traced, "A/99/123")
    submitters = [view.submitter for view in row.views]
    assert submitters and len(submitters) == len(set(submitters))
    assert set(submitters) <= set(STATES[:6])
    assert all(view.paragraph.part.endswith(view.submitter) for view in row.views)
    if row.paragraph is not None:  # the report's own text, never a State's reply
        assert not row.paragraph.part.startswith("annex")


def test_document_text_in_the_markdown_is_text_in_any_viewer():
    from index.trace.export import plain

    assert plain("[a](javascript:x) <script>*b*</script>") == (
        "\\[a\\](javascript:x) \\<script\\>\\*b\\*\\</script\\>")


def test_a_document_row_is_the_closest_of_its_first_paragraphs_by_fused_score():
    # "d" is the closest of all but fourth by fused score: words and meaning do not both put it
    # among the candidates; "v" is a State's view, never the document's row.
    scored = Scored(own=frozenset("abcd"), same_language=True,
                    fused={"v": 0.99, "a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6},
                    similarity={"v": 0.9, "a": 0.41, "b": 0.52, "c": 0.47, "d": 0.8}, keyword={})
    ranked = sorted(scored.fused, key=lambda pid: -scored.fused[pid])
    assert closest_first(ranked, scored) == ["b", "c", "a"]


def test_the_library_closest_paragraph_is_shown_below_the_similarity_cut_off(core):
    theme = "the study, acquisition or adoption of a new weapon or method of warfare"
    strict = dict(min_similarity=0.99, min_keyword_score=1e9)  # no row passes these
    closest_only = trace(core, theme, settings=TraceSettings(**strict, min_closest_similarity=0))
    shown = [row for row in closest_only.rows if not row.silent]
    assert len(shown) == 1
    every_row = trace(core, theme, settings=TraceSettings(min_similarity=0, margin=1))
    assert shown[0].similarity >= max(row.similarity for row in every_row.rows
                                      if row.document != shown[0].document)
    none = trace(core, theme, settings=TraceSettings(**strict, min_closest_similarity=0.99))
    assert all(row.silent for row in none.rows)
