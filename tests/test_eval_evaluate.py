"""eval.evaluate (what `assistant eval` runs) on tests/data with the fake embedder, and the lines
the command prints (eval.summary_lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import index.store.embedders
from assistant.services import index_paths
from assistant.settings import Settings
from eval import evaluate, summary_lines
from index.errors import EvalError

from fakes import TINY_QA, FakeEmbedder, write_qa

SYMBOL = "CCW/GGE.1/2023/2"
@pytest.fixture
def settings(fake_services, tmp_path, data_dir) -> Settings:
    """tests/data indexed with the fake embedder; extractive answers (no model)."""
    settings = Settings(store=tmp_path / "store", llm="none")
    index_paths(settings, [data_dir])
    return settings


def rows(out_dir: Path) -> list[dict]:
    return [json.loads(line) for line in
            (out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]


def test_retrieval_only_writes_reports_and_scores(settings, tmp_path):
    out_dir = tmp_path / "out" / "qa"
    summary = evaluate(write_qa(tmp_path / "qa.jsonl", TINY_QA), settings, out_dir=out_dir, k=3,
                       retrieval_only=True, progress=False)

    assert [row["id"] for row in rows(out_dir)] == ["t1", "t2", "t3"]
    assert all(len(row["retrieved"]) <= 3 for row in rows(out_dir))
    # The named paragraph is found by its locator, whatever the fake vectors say.
    assert rows(out_dir)[0]["metrics"]["hit@1"] == 1.0
    assert summary["k"] == 3 and summary["counts"]["items"] == 3
    assert summary["overall"]["n"] == 2  # the unanswerable item is not scored for retrieval
    assert summary["report"] == str(out_dir / "report.md")
    assert "baseline" not in summary and "answers" not in summary
    report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    assert report["overall"] == summary["overall"]
    assert report["qa_file"] == str(tmp_path / "qa.jsonl")
    assert (out_dir / "report.md").read_text(encoding="utf-8").startswith("# Retrieval evaluation")


def test_baseline_is_scored_beside_the_system(settings, tmp_path, monkeypatch):
    # The baseline embeds the bundled corpus itself, with the embedder the settings name.
    monkeypatch.setattr(index.store.embedders, "make_embedder", lambda *a, **kw: FakeEmbedder())
    out_dir = tmp_path / "out"
    summary = evaluate(write_qa(tmp_path / "qa.jsonl", TINY_QA), settings, out_dir=out_dir,
                       retrieval_only=True, baseline=True, progress=False)

    assert summary["baseline"]["overall"]["n"] == 2
    assert set(summary["ratio"]) == {"hit@5", "mrr"}
    assert all("baseline" in row for row in rows(out_dir))
    assert "## Baseline" in (out_dir / "report.md").read_text(encoding="utf-8")


def test_answers_are_scored_and_judged(settings, tmp_path):
    out_dir = tmp_path / "answers"
    summary = evaluate(write_qa(tmp_path / "qa.jsonl", TINY_QA), settings, out_dir=out_dir,
                       progress=False)

    answers = summary["answers"]
    assert answers["llm"] == "none"
    assert answers["citations_not_in_index"] == 0
    assert answers["overall"]["answerable"] == 2 and answers["overall"]["unanswerable"] == 1
    assert sum(answers["modes"].values()) == 3
    assert [row["id"] for row in rows(out_dir)] == ["t1", "t2", "t3"]
    assert all({"answer", "refused", "citations", "judged"} <= set(row) for row in rows(out_dir))
    assert (out_dir / "report.md").read_text(encoding="utf-8").startswith("# Evaluation")
    lines = summary_lines(summary)
    assert lines[0].startswith("3 items, answers by none: citation precision ")
    assert lines[1].startswith("judged by the answer keys: correct ")
    assert lines[-1] == f"report: {out_dir / 'report.md'}"


def test_a_malformed_qa_file_fails_before_anything_loads(fake_services, tmp_path):
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps(TINY_QA[0]) + "\n" + '{"id": "t2", "question": \n', encoding="utf-8")
    out_dir = tmp_path / "out"
    with pytest.raises(EvalError, match="line 2"):
        evaluate(qa, Settings(store=tmp_path / "store", llm="none"), out_dir=out_dir,
                 retrieval_only=True, progress=False)
    assert not out_dir.exists()
    assert fake_services == []  # no embedder was built


# ---- summary_lines ----------------------------------------------------------------------------

def test_summary_lines_for_retrieval():
    summary = {"counts": {"items": 126, "answerable": 102},
               "overall": {"hit@1": 0.5, "hit@5": 0.75, "mrr": 0.6125, "recall@5": 0.7},
               "report": "eval/out/qa/report.md"}
    assert summary_lines(summary) == [
        "126 items (102 answerable): hit@1 0.500  hit@5 0.750  MRR 0.613  recall@5 0.700",
        "report: eval/out/qa/report.md",
    ]


def test_summary_lines_for_answers_show_missing_figures_as_a_dash():
    block = {"citation_precision": 0.9, "answered_with_correct_citation": 0.8,
             "refusal_rate_unanswerable": None, "false_refusal_rate": 0.0}
    summary = {"counts": {"items": 2},
               "answers": {"llm": "local qwen2.5-1.5b", "overall": block,
                           "citations_not_in_index": 0,
                           "judged": {"overall": {"judged_correct": 0.5, "judged": 2,
                                                  "confidently_wrong": None}}},
               "report": "out/report.md"}
    assert summary_lines(summary) == [
        "2 items, answers by local qwen2.5-1.5b: citation precision 0.900, answered with a "
        "correct citation 0.800, refusal on unanswerable –, false refusals 0.000, citations "
        "not in the index 0",
        "judged by the answer keys: correct 0.500 (2 items judged), confidently wrong –",
        "report: out/report.md",
    ]
