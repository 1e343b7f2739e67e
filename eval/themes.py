"""Score `assistant trace` on themes with their expected rows (eval/themes.jsonl: per theme
and document, the paragraphs that address it, or "silent"), and time it.

    python -m eval.themes [eval/themes.jsonl] --store data/store [--out eval/out/themes]

Figures (README, "How the wording moved"):
- row precision: of the rows that show a paragraph, the share whose paragraph is one the gold
  lists for that document (the paragraph addresses the theme);
- silent rightly empty: of the documents the gold says are silent, the share left empty;
- rows found: of the documents the gold says address the theme, the share shown a paragraph
  (a correct one: rows right);
- views: of the submitters listed under a document, the share whose paragraph the gold lists;
- latency: each theme traced twice over the library, no language model (first and warm pass).
Writes themes.json (every row, shown against gold) and themes.md; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from eval.report import write_benchmark
from eval.runner import latency_summary

ROOT = Path(__file__).resolve().parents[1]
THEMES = ROOT / "eval" / "themes.jsonl"


def load_themes(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def score_trace(item: dict, traced) -> list[dict]:
    """One record per gold row: what the trace showed for that document against the gold."""
    shown = {row.document: row for row in traced.rows}
    records = []
    for gold_row in item["rows"]:
        row = shown.get(gold_row["doc"])
        gold = {(g["part"], g["locator"]) for g in gold_row.get("gold", ())}
        paragraph = row.paragraph if row is not None else None
        record = {"theme": item["id"], "doc": gold_row["doc"], "silent_gold": not gold,
                  "shown": paragraph.label() if paragraph else None,
                  "correct": bool(paragraph and (paragraph.part, paragraph.locator) in gold),
                  "views": len(row.views) if row else 0,
                  "views_correct": sum((v.paragraph.part, v.paragraph.locator) in gold
                                       for v in row.views) if row else 0}
        records.append(record)
    return records


def summarize(records: list[dict]) -> dict:
    shown = [r for r in records if r["shown"]]
    silent = [r for r in records if r["silent_gold"]]
    addressed = [r for r in records if not r["silent_gold"]]
    views = sum(r["views"] for r in records)

    def share(part, whole):
        return round(part / whole, 3) if whole else None

    return {"rows": len(records), "rows_shown": len(shown),
            "row_precision": share(sum(r["correct"] for r in shown), len(shown)),
            "silent_rows": len(silent),
            "silent_rightly_empty": share(sum(not r["shown"] for r in silent), len(silent)),
            "addressed_rows": len(addressed),
            "rows_found": share(sum(bool(r["shown"]) for r in addressed), len(addressed)),
            "rows_right": share(sum(r["correct"] for r in addressed), len(addressed)),
            "views_listed": views,
            "views_precision": share(sum(r["views_correct"] for r in records), views)}


def render(summary: dict, first: dict, warm: dict) -> str:
    lines = ["| measure | value |", "|---|---|"]
    for name in ("row_precision", "silent_rightly_empty", "rows_found", "rows_right",
                 "views_precision"):
        lines.append(f"| {name.replace('_', ' ')} | {summary[name]} |")
    lines.append(f"| rows shown / silent in gold / addressed in gold | {summary['rows_shown']} / "
                 f"{summary['silent_rows']} / {summary['addressed_rows']} |")
    lines.append(f"| trace latency p50 / p95, first pass | {first['p50']:.0f} / "
                 f"{first['p95']:.0f} ms |")
    lines.append(f"| trace latency p50 / p95, warm | {warm['p50']:.0f} / {warm['p95']:.0f} ms |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from assistant.services import build_retriever
    from assistant.settings import Settings
    from index.trace.rank import trace

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("themes", nargs="?", type=Path, default=THEMES)
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "store")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "out" / "themes")
    args = parser.parse_args(argv)
    retriever = build_retriever(Settings.from_env(store=args.store))
    retriever.store.embedder.embed_query("warm up")  # the model's load is not a trace's time
    items = load_themes(args.themes)
    records, first, warm = [], [], []
    for item in items:
        started = time.perf_counter()
        traced = trace(retriever, item["theme"])
        first.append((time.perf_counter() - started) * 1000)
        records += score_trace(item, traced)
    for item in items:
        started = time.perf_counter()
        trace(retriever, item["theme"])
        warm.append((time.perf_counter() - started) * 1000)
    summary = summarize(records)
    first_ms, warm_ms = latency_summary(first), latency_summary(warm)
    results = {"summary": summary, "latency_first_ms": first_ms, "latency_warm_ms": warm_ms,
               "themes": len(items), "rows": records}
    write_benchmark(args.out, "themes", results, render(summary, first_ms, warm_ms))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
