"""Answer runs side by side (eval.compare)."""

import json

from eval.compare import table


def report(path, correct, wrong):
    path.mkdir(parents=True)
    answers = {"judged": {"overall": {"judged_correct": correct, "confidently_wrong": wrong}},
               "overall": {"refusal_rate_unanswerable": 0.5, "false_refusal_rate": None,
                           "citation_precision": 0.8, "first_token_ms": {},
                           "latency_ms": {"p50": 1234.4}},
               "citations_not_in_index": 0}
    (path / "report.json").write_text(json.dumps({"answers": answers}), encoding="utf-8")
    return path


def test_runs_are_columns_and_missing_figures_are_dashes(tmp_path):
    out = table([report(tmp_path / "before" / "qa", 0.5, 0.25),
                 report(tmp_path / "after" / "qa", 0.75, 0.0)])
    lines = out.splitlines()
    assert lines[0] == "| measure | `before/qa` | `after/qa` |"
    assert "| judged correct | 0.500 | 0.750 |" in lines
    assert "| confidently wrong | 0.250 | 0.000 |" in lines
    assert "| false refusals | – | – |" in lines and "| first token p50 (ms) | – | – |" in lines
    assert "| whole answer p50 (ms) | 1234 | 1234 |" in lines
