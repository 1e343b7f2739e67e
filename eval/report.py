"""Evaluation reports: report.json for machines, report.md for people.

Both are written in a fixed order (overall, zh, en, then kinds alphabetically; sorted JSON
keys) so two versions' reports can be diffed line by line.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from index.models import LANGS

COLUMNS = (("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr", "MRR"), ("recall@5", "recall@5"),
           ("doc@1", "document hit@1"))


def _num(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(summary: dict) -> list[str]:
    rows = [("overall", summary["overall"])]
    by_lang = summary.get("by_lang", {})
    # zh, en first (the product's order), then any other language the summary holds.
    rows += [(lang, by_lang[lang]) for lang in LANGS if lang in by_lang]
    rows += [(lang, by_lang[lang]) for lang in sorted(by_lang) if lang not in LANGS]
    by_kind = summary.get("by_kind", {})
    rows += [(f"kind: {kind}", by_kind[kind]) for kind in sorted(by_kind)]
    lines = [
        "| group | n | " + " | ".join(title for _, title in COLUMNS) + " |",
        "|---|---:|" + "---:|" * len(COLUMNS),
    ]
    for name, scores in rows:
        cells = [name, str(scores.get("n", 0))] + [_num(scores.get(key)) for key, _ in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _latency(summary: dict, what: str) -> str:
    lat = summary.get("latency_ms") or {}
    return (
        f"{what} latency (ms, n = {lat.get('n', 0)}): p50 {_num(lat.get('p50'), 1)}"
        f" · p95 {_num(lat.get('p95'), 1)} · max {_num(lat.get('max'), 1)}"
    )


def _answer_section(answers: dict) -> list[str]:
    def row(name: str, block: dict) -> str:
        lat, first = block["latency_ms"], block["first_token_ms"]
        return (f"| {name} | {block['answerable']}/{block['unanswerable']} | "
                f"{_num(block['citation_precision'])} | {_num(block['citation_recall'])} | "
                f"{_num(block['answered_with_correct_citation'])} | "
                f"{_num(block['refusal_rate_unanswerable'])} | {_num(block['false_refusal_rate'])} | "
                f"{_num(lat.get('p50'), 0)} / {_num(lat.get('p95'), 0)} | "
                f"{_num(first.get('p50'), 0)} / {_num(first.get('p95'), 0)} |")

    return [
        f"## Answers (language model: {answers.get('llm')})",
        "",
        "| group | answerable/unanswerable | citation precision | citation recall |"
        " answered with a correct citation | refusal (unanswerable) | false refusal |"
        " latency p50/p95 ms | first token p50/p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        row("overall", answers["overall"]),
        *(row(lang, block) for lang, block in answers["by_lang"].items()),
        "",
        f"Answer modes: {', '.join(f'{m} {n}' for m, n in answers['modes'].items())}. "
        f"Citations that are not in the index: {answers['citations_not_in_index']}.",
        *_judged_section(answers.get("judged")),
    ]


def _judged_section(judged: dict | None) -> list[str]:
    """Answers judged by their short-answer keys (eval/judge.py)."""
    if not judged:
        return []

    def row(name: str, block: dict) -> str:
        return (f"| {name} | {block['n']} | {block['judged']} | {_num(block['judged_correct'])} | "
                f"{_num(block['confidently_wrong'])} |")

    wrong = judged["confidently_wrong_items"]
    return [
        "",
        "### Answers judged by their keys",
        "",
        "judged correct: answered with every key matched (or rightly refused), among the items"
        " that have keys; confidently wrong: a wrong answer shown with a citation, or a cited"
        " answer to an unanswerable question, among all items.",
        "",
        "| group | items | judged | judged correct | confidently wrong |",
        "|---|---:|---:|---:|---:|",
        row("overall", judged["overall"]),
        *(row(lang, block) for lang, block in judged["by_lang"].items()),
        *(row(f"kind: {kind}", block) for kind, block in judged["by_kind"].items()),
        "",
        f"Confidently wrong ({len(wrong)}): " + (", ".join(wrong) if wrong else "none"),
        "",
        f"Wrong or wrongly refused ({len(judged['wrong_items'])}): "
        + (", ".join(judged["wrong_items"]) or "none"),
    ]


def render_markdown(summary: dict) -> str:
    """The Markdown report for a summary from ``run_retrieval_eval``."""
    counts = summary.get("counts", {})
    lines = [
        "# Evaluation" if summary.get("answers") else "# Retrieval evaluation",
        "",
        f"- QA file: `{summary.get('qa_file')}`",
        f"- Items: {counts.get('items', 0)} (answerable {counts.get('answerable', 0)},"
        f" unanswerable {counts.get('unanswerable', 0)}, search errors {counts.get('errors', 0)});"
        f" k = {summary.get('k')}",
        f"- Generated: {summary.get('generated', '–')}",
        "",
        "Means over answerable items. A record matches when its symbol and paragraph number"
        " (or parent/child) match a gold entry, or its text contains an evidence fragment.",
        "",
        *_table(summary),
        "",
        _latency(summary, "Retrieval"),
    ]
    if summary.get("misses"):
        misses = summary["misses"]
        lines += ["", f"Missed in top 5 ({len(misses)}): " + ", ".join(misses)]
    answers = summary.get("answers")
    if answers:
        lines += ["", *_answer_section(answers)]
    baseline = summary.get("baseline")
    if baseline:
        ratio = summary.get("ratio", {})
        lines += [
            "",
            "## Baseline",
            "",
            *_table(baseline),
            "",
            _latency(baseline, "Baseline retrieval"),
            "",
            f"System / baseline: hit@5 {_num(ratio.get('hit@5'), 2)}×"
            f" · MRR {_num(ratio.get('mrr'), 2)}×",
        ]
    return "\n".join(lines) + "\n"


def write_report(summary: dict, out_dir: str | Path) -> None:
    """Write ``report.json`` (summary + timestamp, QA file, item count) and ``report.md``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = dict(summary)
    report["generated"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    report.setdefault("qa_file", None)
    report["items"] = report.get("counts", {}).get("items", 0)
    (out_dir / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (out_dir / "report.md").write_text(render_markdown(report), encoding="utf-8")


def write_benchmark(out_dir: str | Path, name: str, results: dict, table: str) -> None:
    """A benchmark's figures as ``NAME.json`` and its Markdown table as ``NAME.md``, then the
    table on standard output (every benchmark script ends this way)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False),
                                          encoding="utf-8")
    (out_dir / f"{name}.md").write_text(table + "\n", encoding="utf-8")
    print(table)
