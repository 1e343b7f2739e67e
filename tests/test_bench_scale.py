"""The scale benchmark (eval/bench/scale.py) at a tiny size: the synthetic documents, the hashing
embedder, and the embedded store's run end to end (its report's fields and sane values; timings
are never asserted)."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from eval.bench.scale import measure
from eval.bench.scale_report import ADDED_RECORDS, METRICS, growth, render, value, verdict
from eval.bench.scale_data import DIM, HashingEmbedder, generate

SYMBOL = re.compile(r"^(A/RES/8\d/\d+|CCW/GGE\.[12]/20\d\d/\d+|A/8\d/\d+|A/79/\d+|CD/\d{4})"
                    r"(/Add\.1)?$")
RECORDS = 300


@pytest.fixture(scope="module")
def documents():
    return generate(RECORDS)


def test_generator_makes_exactly_the_records_asked_for_with_unique_ids(documents):
    records = [p for d in documents for p in d.paragraphs]
    assert len(records) == RECORDS
    assert len({p.id for p in records}) == RECORDS
    assert len({d.document.doc_id for d in documents}) == len(documents)
    assert [p.text for p in records] == [p.text for d in generate(RECORDS) for p in d.paragraphs]


def test_generated_documents_look_like_un_documents(documents):
    records = [p for d in documents for p in d.paragraphs]
    assert all(SYMBOL.match(d.document.symbol) for d in documents if d.document.symbol)
    assert {p.lang for p in records} == {"en", "zh"}
    kinds = Counter(p.kind for p in records)
    assert kinds["paragraph"] > kinds["item"] > 0
    assert any(p.number for p in records) and any(p.section for p in records)
    assert all(p.text.strip() for p in records)
    ids = {p.id for p in records}
    # An item's lead paragraph is there, and carries the item's text.
    by_id = {p.id: p for p in records}
    for item in (p for p in records if p.kind == "item"):
        assert item.parent_id in ids and item.text in by_id[item.parent_id].text
    # A Chinese version shares its paragraphs' keys with the English one.
    by_key = Counter(p.key for p in records)
    assert any(count == 2 for count in by_key.values())
    assert any(re.search(r"[\u4e00-\u9fff]", p.text) for p in records if p.lang == "zh")


def test_addendum_documents_are_new_to_the_index(documents):
    added = generate(50, seed=1, addendum=True)
    assert all(d.document.symbol is None or d.document.symbol.endswith("/Add.1") for d in added)
    assert not {p.id for d in added for p in d.paragraphs} & {p.id for d in documents
                                                                for p in d.paragraphs}


def test_hashing_embedder_is_deterministic_normalised_and_of_the_real_dimension():
    embedder = HashingEmbedder()
    text = "lethal autonomous weapons systems and human control"
    laws = embedder.embed_query(text)
    again = HashingEmbedder().embed_documents([text])
    assert len(laws) == DIM and laws == again[0]
    assert math.isclose(sum(x * x for x in laws), 1.0, rel_tol=1e-4)

    def cosine(a, b):
        return sum(x * y for x, y in zip(a, b))

    near = embedder.embed_query("human control over autonomous weapons systems")
    far = embedder.embed_query("the budget of the secretariat for 2025")
    assert cosine(laws, near) > cosine(laws, far) + 0.2
    zh = embedder.embed_query("致命性自主武器系统")
    assert cosine(zh, embedder.embed_query("自主武器系统")) > cosine(zh, far) + 0.2


def test_embedded_store_run_reports_every_figure(tmp_path):
    run = measure("embedded", RECORDS, tmp_path / "run", questions=5)
    assert "broke" not in run, run.get("broke")
    index, serve = run["index"], run["serve"]
    assert index["count"] == index["embedded"] == RECORDS
    assert 0 < index["zh_records"] < RECORDS
    assert serve["count"] == RECORDS and serve["added_records"] == ADDED_RECORDS
    assert run["disk_mb"] > 0 and serve["keyword_file_mb"] > 0
    assert serve["search_ms"]["n"] == 5 and serve["keyword_ms"]["n"] >= 5
    for memory in (index["memory"], serve["memory"], serve["memory_catalogue"]):
        assert 0 < memory["rss_mb"] <= memory["peak_mb"]
    for label, path, unit, _ in METRICS:
        if not path.startswith("server"):
            assert value(run, path) is not None, label
    results = {"runs": [run], "growth": growth([run])}
    assert results["growth"] == []  # one size: nothing to compare
    table = render(results)
    assert f"embedded {RECORDS}" in table and "Retriever.search p95" in table


def test_growth_and_verdict_name_what_grows_fastest_and_what_is_over_budget():
    small = {"kind": "embedded", "records": 1000,
             "serve": {"catalogue_s": 2.0, "search_ms": {"p95": 10.0}}}
    big = {"kind": "embedded", "records": 100_000,
           "serve": {"catalogue_s": 200.0, "search_ms": {"p95": 100.0}}}
    grown = growth([small, big])
    assert [(g["metric"], g["exponent"]) for g in grown] == [
        ("startup: Catalogue load (held documents + keyword file checked)", 1.0),
        ("Retriever.search p95", 0.5)]
    lines = verdict([small, big, {"kind": "server", "records": 5, "broke": "index phase exited 1"}],
                    grown)
    assert any("over budget" in line and "200.0 s" in line for line in lines)
    assert any("server 5: broke: index phase exited 1" in line for line in lines)
    assert any("grows fastest: startup: Catalogue load" in line for line in lines)
