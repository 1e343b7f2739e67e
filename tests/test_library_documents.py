"""The eleven bundled documents (index/corpus and index/library): their metadata as detected from
the text, what their metadata files still add, the States' replies of A/79/88 and the draft
resolutions of A/79/408 as parts of their own, cited and looked up exactly."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from fakes import FakeEmbedder
from index.ingest.corpus import BUNDLED, CORPUS_DIR, LIBRARY_DIR, load_documents
from index.ingest.metadata import load_sidecar
from index.ingest.paragraphs import parse_file
from index.models import ParsedDocument
from index.search.lookup import look_up
from index.search.retriever import Retriever
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore

GGE_TITLE = ("Report of the 2023 session of the Group of Governmental Experts on Emerging "
             "Technologies in the Area of Lethal Autonomous Weapons Systems")
PRINCIPLES = ("Guiding Principles affirmed by the Group of Governmental Experts on Emerging "
              "Technologies in the Area of Lethal Autonomous Weapons System")
AI_TITLE = ("Artificial intelligence in the military domain and its implications for "
            "international peace and security")
# file -> (symbol, title, date, kind), as detected from the text alone (no metadata file)
DETECTED = {
    "000_ced3f55f669d5ebf.txt": ("CCW/GGE.1/2023/2",
                                 "致命性自主武器系统领域新兴技术问题政府专家组 2023 年会议报告",
                                 None, "report"),  # its date is not printed: the metadata file
    "002_2e1ace435011158c.txt": (None, "2017年9月8日白俄罗斯共和国常驻代表尤里·安布拉莫维奇先生"
                                 "致裁军谈判会议秘书长的信", "2017-09-08", "letter"),
    "A_RES_78_241.en.txt": ("A/RES/78/241", "Lethal autonomous weapons systems", "2023-12-22",
                            "resolution"),
    "CCW_GGE.1_2023_2.en.txt": ("CCW/GGE.1/2023/2", GGE_TITLE, "2023-05-24", "report"),
    "CCW_MSP_2019_9_annexIII.en.txt": ("CCW/MSP/2019/9", PRINCIPLES, None, "document"),
    "A_79_240.en.txt": ("A/79/240", "Work of the Advisory Board on Disarmament Matters",
                        "2024-07-24", "report"),
    "A_79_408.en.txt": ("A/79/408", "General and complete disarmament: Report of the First Committee",
                        "2024-11-15", "report"),
    "A_79_88.en.txt": ("A/79/88", "Lethal autonomous weapons systems", "2024-07-01", "report"),
    "A_RES_79_239.en.txt": ("A/RES/79/239", AI_TITLE, "2024-12-24", "resolution"),
    "CCW_GGE.1_2023_CRP.1.en.txt": ("CCW/GGE.1/2023/CRP.1",
                                    "Non-exhaustive compilation of definitions and "
                                    "characterizations", "2023-03-10", "document"),
    "new-agenda-for-peace-2023.en.txt": (None, "A New Agenda for Peace", "2023-07", "document"),
}
# What a metadata file still says: only what the text does not print.
SIDECARS = {
    "000_ced3f55f669d5ebf.meta.json": {"date": "2023-05-24"},
    # no symbol is printed (none is detected): the letter's stable id names it instead
    "002_2e1ace435011158c.meta.json": {"doc_id": "cd-letter-2017-09-08-belarus.zh"},
    "CCW_MSP_2019_9_annexIII.en.meta.json": {"kind": "report"},  # an annex of the MSP report
}
JOINT_IBERO = ("Andorra, Argentina, Bolivia (Plurinational State of), Brazil, Colombia, "
               "Costa Rica, Cuba, Chile, Dominican Republic, Ecuador, El Salvador, Guatemala, "
               "Honduras, Mexico, Nicaragua, Panama, Paraguay, Peru, Portugal, Spain, Uruguay "
               "and Venezuela (Bolivarian Republic of)")
JOINT_WP6 = ("Chile, Colombia, Costa Rica, Dominican Republic, Ecuador, El Salvador, Guatemala, "
             "Kazakhstan, Nigeria, Panama, Peru, Philippines, Sierra Leone and State of Palestine")
ANNEX_I = [JOINT_IBERO, "Argentina", "Australia", "Austria", "Bulgaria", "Canada", JOINT_WP6,
           "China", "Costa Rica", "Cuba", "Egypt", "Fiji", "Finland", "France", "Germany",
           "Greece", "Guatemala", "Honduras", "India", "Ireland", "Israel", "Italy", "Japan",
           "Kiribati", "Luxembourg", "Malawi", "Mexico", "Netherlands (Kingdom of the)",
           "New Zealand", "Norway", "Pakistan", "Philippines", "Republic of Korea",
           "Republic of Moldova", "Russian Federation", "Serbia", "Sierra Leone", "Singapore",
           "Spain", "Sri Lanka", "Sweden", "Switzerland",
           "United Kingdom of Great Britain and Northern Ireland", "United States of America",
           "State of Palestine", "European Union"]
ANNEX_II = [
    "International Committee of the Red Cross", "Africa Teen Geeks", "Amnesty International",
    "Arms Control Association", "Article 36",
    "Asociación TEDIC, Amnistía Internacional Paraguay, Centro de Estudios Heñói, CODEHUPY, "
    "Fundación Vencer y Semillas para la Democracia",
    "Center for AI and Digital Policy", "Civil Affairs Institute",
    "ECPAT Guatemala, Perú por el Desarme, the Feminist AI Research Network - Latin America "
    "Chapter, Anderson Henao and Jesús Martínez",
    "Future of Life Institute", "Geneva Centre for Security Policy", "Human Rights Watch",
    "International Committee for Robot Arms Control", "InterAgency Institute",
    "International Physicians for the Prevention of Nuclear War",
    "Latin America and the Caribbean Human Security Network, Fundación para la Paz y la "
    "Democracia, Technology and Community, Centro de Estudios Politica Internacional, "
    "Universidad de Buenos Aires",
    "Norwegian People’s Aid and Mines Action Canada", "PAX",
    "Peace Movement Aotearoa and Stop Killer Robots Aotearoa New Zealand",
    "Peace Union of Finland, Finnish Peace Committee, Committee of 100, Technology for Life, "
    "Women for Peace, and the Union Of Conscientious Objectors",
    "PEAC Institute", "Project Ploughshares", "Protection", "SafeGround", "Stop Killer Robots",
    "Stop Killer Robots Youth Network", "Sustainable Peace and Development Organization",
    "Women’s International League for Peace and Freedom",
    "Virtual Planet Africa, Women’s International League for Peace and Freedom Zimbabwe and "
    "Cultural Youth Movement Education Foundation"]
ROMANS = ("I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX XXI XXII "
          "XXIII XXIV XXV XXVI XXVII XXVIII XXIX XXX XXXI XXXII XXXIII XXXIV XXXV XXXVI XXXVII "
          "XXXVIII XXXIX XL XLI XLII XLIII").split()


def bundled(name: str) -> Path:
    return next(folder / name for folder in BUNDLED if (folder / name).exists())


def parts_of(parsed: ParsedDocument) -> list[str]:
    return list(dict.fromkeys(p.part for p in parsed.paragraphs))


def top_level(parsed: ParsedDocument, part: str):
    return [p for p in parsed.paragraphs if p.part == part and p.kind == "paragraph"]


@pytest.fixture(scope="module")
def report_88() -> ParsedDocument:
    return parse_file(LIBRARY_DIR / "A_79_88.en.txt")


@pytest.fixture(scope="module")
def report_408() -> ParsedDocument:
    return parse_file(LIBRARY_DIR / "A_79_408.en.txt")


# ---- metadata, detected ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(DETECTED))
def test_each_bundled_document_prints_its_symbol_title_and_date(name):
    document = parse_file(bundled(name)).document  # no metadata file: detection alone
    assert (document.symbol, document.title, document.date, document.kind) == DETECTED[name]


def test_metadata_files_say_only_what_the_text_does_not_print():
    found = {p.name: json.loads(p.read_text(encoding="utf-8"))
             for folder in BUNDLED for p in sorted(folder.glob("*.meta.json"))}
    assert found == SIDECARS
    for name, meta in found.items():
        text_file = bundled(name.replace(".meta.json", ".txt"))
        detected = parse_file(text_file).document
        for key, value in meta.items():
            assert getattr(detected, key) != value, f"{name}: {key} is detected already"
        document = parse_file(text_file, load_sidecar(text_file)).document
        assert all(getattr(document, key) == value for key, value in meta.items())


def test_the_whole_bundled_corpus_parses_quickly_and_cleanly():
    started = time.perf_counter()
    loaded = load_documents(list(BUNDLED))
    elapsed = time.perf_counter() - started
    assert loaded.skipped == [] and len(loaded.documents) == 11
    assert elapsed < 20, f"{elapsed:.1f} s"  # about 1.5 s on 2 cores
    furniture = re.compile(r"\d{2}-\d{5}\*?\s*\([A-Z]\)|\*\d{6,}\*|^\* |Reissued for technical")
    for parsed in loaded.documents:
        for p in parsed.paragraphs:
            assert p.text.strip() and not furniture.search(p.text), (p.id, p.text[:80])
            assert "[Original" not in p.text and "[Original" not in p.part, p.id


# ---- A/79/88: every submission a part of its own ---------------------------------------------

def test_every_submission_to_the_report_is_a_part_named_by_its_heading(report_88):
    assert parts_of(report_88) == (["body"] + [f"annex I, {n}" for n in ANNEX_I]
                                   + [f"annex II, {n}" for n in ANNEX_II] + ["footnotes", "records"])
    body = [p.number for p in top_level(report_88, "body") if p.number]
    assert body == [str(n) for n in range(1, 94)]  # the report's own 93 paragraphs, in order


def test_a_submission_keeps_its_printed_numbers_or_counts_its_paragraphs(report_88):
    japan = [p.number for p in top_level(report_88, "annex I, Japan") if p.number]
    assert japan == ["1", "2", "3", "4", "5", "6"]
    china = top_level(report_88, "annex I, China")
    assert all(p.number is None and p.counted for p in china) and len(china) == 7
    assert china[2].text.startswith("China takes the view that all parties should seek")
    assert china[2].label("en") == "A/79/88, annex I, China, counted para. 3"
    assert china[2].label("zh") == "A/79/88 号文件附件一(China)第 3 段(按顺序计数)"
    icrc = top_level(report_88, "annex II, International Committee of the Red Cross")
    assert icrc[1].text.startswith("The International Committee of the Red Cross (ICRC) submits")
    assert icrc[-1].text.endswith("to address the risks posed by AWS.")  # not cut at the page


# ---- A/79/408: the draft resolutions it recommends -------------------------------------------

def test_each_recommended_draft_is_a_part_numbered_from_one(report_408):
    drafts = [f"draft resolution {n}" for n in ROMANS]
    decisions = ["draft decision I", "draft decision II", "draft decision III"]
    assert parts_of(report_408) == ["body", *drafts, *decisions, "footnotes", "records"]
    body = [p.number for p in top_level(report_408, "body")]
    assert body == [str(n) for n in range(1, 116)]  # 115 follows the last draft resolution
    for part in drafts:
        numbers = [p.number for p in top_level(report_408, part) if p.number]
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and numbers, part
    # the first preambular paragraph is a paragraph, not the draft's title
    first = top_level(report_408, "draft resolution XLIII")[0]
    assert first.text.startswith("Recalling its resolution 78/241") and first.counted
    assert first.section[-1] == "Lethal autonomous weapons systems"


def test_a_drafts_paragraph_is_cited_by_the_draft_in_both_languages(report_408):
    para = next(p for p in top_level(report_408, "draft resolution XXV") if p.number == "2")
    assert para.text.startswith("Also reaffirms multilateralism as the core principle")
    assert para.label("en") == "A/79/408, draft resolution XXV, para. 2"
    assert para.label("zh") == "A/79/408 号文件决议草案二十五第 2 段"
    preambular = top_level(report_408, "draft resolution XXV")[0]
    assert preambular.label("en") == "A/79/408, draft resolution XXV, counted para. 1"
    assert preambular.label("zh") == "A/79/408 号文件决议草案二十五第 1 段(按顺序计数)"
    other = next(p for p in top_level(report_408, "draft resolution I") if p.number == "2")
    assert other.id != para.id and other.key != para.key


# ---- looked up exactly -------------------------------------------------------------------------

LOOKED_UP = ("annex I, China", "annex I, Japan",
             "annex II, International Committee of the Red Cross",
             "draft resolution I", "draft resolution XXV")


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory, report_88, report_408):
    """The two reports in a store (fake embedder): every paragraph of the parts looked up here,
    the first of every other part (so the catalogue knows every part) and paragraph 114 of
    A/79/408's own: quicker than all 3,000 records."""
    documents = []
    for parsed in (report_88, report_408):
        firsts = {p.part: p for p in reversed(parsed.paragraphs)}
        kept = [p for p in parsed.paragraphs
                if p.part in LOOKED_UP or firsts[p.part] is p or p.locator == "114"]
        documents.append(ParsedDocument(parsed.document, kept))
    store = ParagraphStore(open_client(tmp_path_factory.mktemp("library"), create=True),
                           FakeEmbedder())
    store.sync(documents)
    return Retriever(store).catalogue


def test_a_reply_paragraph_is_looked_up_by_its_citation(catalogue):
    [found] = look_up(catalogue, "A/79/88, annex I, China, para. 3")
    assert (found.part, found.locator) == ("annex I, China", "#3")
    assert found.text.startswith("China takes the view that all parties should seek")
    [found_zh] = look_up(catalogue, "A/79/88 号文件附件一(China)第 3 段")
    assert found_zh.id == found.id
    [named_in_chinese] = look_up(catalogue, "A/79/88 号文件附件一(中国)第 3 段")
    assert named_in_chinese.id == found.id
    [japan] = look_up(catalogue, "A/79/88, annex I, Japan, para. 2")
    assert (japan.part, japan.number) == ("annex I, Japan", "2")
    [icrc] = look_up(catalogue, "A/79/88, annex II, International Committee of the Red Cross, "
                                "para. 2")
    assert icrc.text.startswith("The International Committee of the Red Cross (ICRC) submits")


def test_the_catalogue_lists_every_submitter_of_the_report(catalogue):
    replies = catalogue.reply_parts("A/79/88")
    assert replies == ({f"annex I, {n}" for n in ANNEX_I} | {f"annex II, {n}" for n in ANNEX_II})


def test_a_draft_resolution_paragraph_is_looked_up_by_its_citation(catalogue):
    [found] = look_up(catalogue, "A/79/408, draft resolution XXV, para. 2")
    assert (found.part, found.number) == ("draft resolution XXV", "2")
    assert found.text.startswith("Also reaffirms multilateralism")
    [found_zh] = look_up(catalogue, "A/79/408 号文件决议草案二十五第 2 段")
    assert found_zh.id == found.id
    [first] = look_up(catalogue, "A/79/408, draft resolution I, para. 2")
    assert first.part == "draft resolution I" and first.id != found.id
    [body] = look_up(catalogue, "A/79/408, para. 114")
    assert body.part == "body" and body.text.startswith("The First Committee recommends")
