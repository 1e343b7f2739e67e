"""End-to-end runner: fake search functions over a tiny QA set, all three files written."""

import json

import pytest

from eval.qaset import QAItem
from eval.runner import percentile, run_retrieval_eval
from index.errors import ConfigError, QueryError
from index.models import Hit, Paragraph

SYM = "CCW/GGE.1/2023/2"


def para(number, text, lang="en", symbol=SYM, part="body"):
    return Paragraph(doc_id="gge-2023", symbol=symbol, lang=lang, part=part, ordinal=int(number),
                     text=text, number=number)


CORPUS = [
    para("20", "Background of the Group."),
    para("21", "International humanitarian law continues to apply fully to all weapons systems."),
    para("22", "Human responsibility must be retained."),
    para("21", "国际人道法继续完全适用于所有武器系统。", lang="zh"),
]

ITEMS = [
    QAItem(id="en-1", question="Does IHL apply?", lang="en", kind="newcomer",
           gold=({"symbol": SYM, "number": "21"},), source="eval/qa.jsonl"),
    QAItem(id="zh-1", question="国际人道法适用吗?", lang="zh", kind="newcomer",
           evidence=("国际人道法 继续完全适用",)),
    QAItem(id="en-2", question="Who is responsible?", lang="en", kind="researcher",
           gold=({"symbol": SYM, "number": "22"},)),
    QAItem(id="un-1", question="What is the weather?", lang="en", kind="unanswerable",
           answerable=False),
]

# The fake "system" ranks the right paragraph first for every answerable question except en-2
# (second); the baseline always returns paragraphs 20, 22, 21 in that order.
ORDER = {"Does IHL apply?": [1, 0], "国际人道法适用吗?": [3, 0],
         "Who is responsible?": [0, 2]}


def fake_search(question, history, k):
    assert isinstance(history, list)
    picks = ORDER.get(question, [0])
    hits = [Hit(CORPUS[i], 1.0 / (r + 1), ("fake",)) for r, i in enumerate(picks)]
    return [hit.to_record(r) for r, hit in enumerate(hits, 1)][:k]


def baseline_search(question, history, k):
    return [Hit(CORPUS[i], 0.5).to_record(r + 1) for r, i in enumerate([0, 2, 1])][:k]


def test_run_writes_results_and_reports(tmp_path):
    out = tmp_path / "run" / "nested"
    summary = run_retrieval_eval(ITEMS, fake_search, out, k=5, progress=False)

    results = [json.loads(line) for line in (out / "results.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in results] == ["en-1", "zh-1", "en-2", "un-1"]
    first = results[0]
    assert set(first) >= {"id", "question", "lang", "kind", "answerable", "retrieved", "metrics",
                          "timings"}
    assert first["retrieved"][0]["number"] == "21" and first["retrieved"][0]["rank"] == 1
    assert first["metrics"]["hit@1"] == 1.0
    assert first["timings"]["retrieval_ms"] >= 0
    assert results[2]["metrics"]["mrr"] == 0.5
    assert results[3]["metrics"]["mrr"] is None

    assert summary["overall"]["n"] == 3
    assert summary["overall"]["mrr"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert summary["overall"]["hit@1"] == pytest.approx(2 / 3)
    assert summary["by_lang"]["zh"]["hit@1"] == 1.0
    assert summary["by_kind"]["researcher"]["mrr"] == 0.5
    assert summary["latency_ms"]["n"] == 4 and summary["latency_ms"]["p95"] >= 0
    assert summary["qa_file"] == "eval/qa.jsonl"
    assert "baseline" not in summary

    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["items"] == 4 and report["qa_file"] == "eval/qa.jsonl"
    assert report["generated"] and report["overall"] == summary["overall"]

    md = (out / "report.md").read_text("utf-8")
    assert "| overall | 3 | 0.667 | 1.000 | 0.833 | 1.000 |" in md
    lines = md.splitlines()
    order = [next(i for i, l in enumerate(lines) if l.startswith(f"| {g} |"))
             for g in ("overall", "zh", "en", "kind: newcomer", "kind: researcher")]
    assert order == sorted(order)
    assert "p50" in md and "p95" in md
    assert "## Baseline" not in md


def test_run_with_baseline_reports_ratio(tmp_path):
    summary = run_retrieval_eval(ITEMS, fake_search, tmp_path, k=3, progress=False,
                                 baseline_search=baseline_search)
    base = summary["baseline"]["overall"]
    # Baseline: en-1 at rank 3, zh-1 missed (no zh paragraph returned), en-2 at rank 2.
    assert base["mrr"] == pytest.approx((1 / 3 + 0 + 1 / 2) / 3)
    expected = summary["overall"]["mrr"] / base["mrr"]
    assert summary["ratio"]["mrr"] == pytest.approx(expected, rel=1e-5)
    assert summary["ratio"]["hit@5"] == pytest.approx(1.5)
    assert summary["baseline"]["misses"] == ["zh-1"]

    lines = (tmp_path / "results.jsonl").read_text("utf-8").splitlines()
    results = [json.loads(line) for line in lines]
    assert results[0]["baseline"]["metrics"]["first_rank"] == 3
    assert "retrieval_ms" in results[0]["baseline"]["timings"]
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "## Baseline" in md and "System / baseline: hit@5 1.50×" in md


def test_run_records_query_errors_and_shows_progress(tmp_path, capsys):
    def failing(question, history, k):
        raise QueryError("empty question")

    summary = run_retrieval_eval(ITEMS[:1], failing, tmp_path, progress=True)
    assert summary["counts"]["errors"] == 1 and summary["misses"] == ["en-1"]
    row = json.loads((tmp_path / "results.jsonl").read_text("utf-8"))
    assert row["error"] == "QueryError: empty question" and row["retrieved"] == []
    assert "eval" in capsys.readouterr().err  # tqdm bar on stderr


def test_run_rejects_bad_k(tmp_path):
    with pytest.raises(ConfigError, match="k must be > 0, got 0"):
        run_retrieval_eval(ITEMS, fake_search, tmp_path, k=0, progress=False)


def test_report_is_deterministic_apart_from_timestamp(tmp_path):
    def stable(path):
        report = json.loads(path.read_text("utf-8"))
        for key in ("generated", "latency_ms"):
            report.pop(key)
        return report

    run_retrieval_eval(ITEMS, fake_search, tmp_path / "a", progress=False)
    run_retrieval_eval(ITEMS, fake_search, tmp_path / "b", progress=False)
    assert stable(tmp_path / "a" / "report.json") == stable(tmp_path / "b" / "report.json")


def test_percentile_interpolates():
    assert percentile([], 50) is None
    assert percentile([10.0], 95) == 10.0
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(101)), 95) == 95
