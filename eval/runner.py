"""Run a search function over a QA set, score it, and write results and reports.

The search function is injected, so the same runner scores the product's retriever, a naive
baseline, or a fake in tests: ``search(question, history, k) -> list[record dict]``.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from index.errors import AssistantError, ConfigError

from .metrics import item_metrics, summarize
from .qaset import QAItem
from .report import write_report

Search = Callable[[str, list, int], list]


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def latency_summary(ms: list[float]) -> dict:
    """p50/p95/mean/max in milliseconds, rounded for readable reports."""

    def r(v):
        return None if v is None else round(v, 3)

    return {
        "n": len(ms),
        "p50": r(percentile(ms, 50)),
        "p95": r(percentile(ms, 95)),
        "mean": r(sum(ms) / len(ms)) if ms else None,
        "max": r(max(ms)) if ms else None,
    }


def _retrieve(search: Search, item: QAItem, k: int) -> tuple[list[dict], float, str | None]:
    """Run one search, timed; a product error (e.g. QueryError) is recorded, not fatal."""
    start = time.perf_counter()
    try:
        records = list(search(item.question, list(item.history), k))[:k]
        error = None
    except AssistantError as exc:
        # Bugs (any other exception) still propagate: an eval must not hide them.
        records, error = [], f"{type(exc).__name__}: {exc}"
    elapsed = (time.perf_counter() - start) * 1000
    return records, elapsed, error


def _scored(rows: list[dict], latencies: list[float]) -> dict:
    summary = summarize(rows)
    summary["counts"]["errors"] = sum(1 for r in rows if r.get("error"))
    summary["latency_ms"] = latency_summary(latencies)
    # Answerable items with nothing relevant in the top 5: where to look first.
    summary["misses"] = [r["id"] for r in rows if r["answerable"] and r["metrics"]["hit@5"] == 0]
    return summary


def _ratio(system: float | None, baseline: float | None) -> float | None:
    if system is None or not baseline:
        return None
    return round(system / baseline, 6)


def run_retrieval_eval(
    items: list[QAItem],
    search: Search,
    out_dir: str | Path,
    k: int = 10,
    progress: bool = True,
    baseline_search: Search | None = None,
    qa_path: str | Path | None = None,
) -> dict:
    """Score ``search`` (and optionally ``baseline_search``) on ``items``.

    Writes ``out_dir/results.jsonl`` (one line per item, in input order), ``report.json`` and
    ``report.md``; creates ``out_dir`` if missing.

    Args:
        k: records kept per question (hit@5/recall@5 look at the first 5 of them).
        qa_path: QA file named in the report; defaults to the file the items were loaded from.
    Returns:
        The summary written to report.json.
    """
    if k <= 0:
        raise ConfigError(f"k must be > 0, got {k}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if qa_path is None:
        qa_path = next((item.source for item in items if item.source), None)

    rows, base_rows, latencies, base_latencies = [], [], [], []
    with open(out_dir / "results.jsonl", "w", encoding="utf-8") as out:
        for item in tqdm(items, desc="eval", unit="q", file=sys.stderr, disable=not progress):
            records, ms, error = _retrieve(search, item, k)
            latencies.append(ms)
            row = {
                "id": item.id,
                "question": item.question,
                "lang": item.lang,
                "kind": item.kind,
                "answerable": item.answerable,
                "retrieved": records,
                "metrics": item_metrics(records, item),
                "timings": {"retrieval_ms": round(ms, 3)},
            }
            if error:
                row["error"] = error
            rows.append(row)
            if baseline_search is not None:
                b_records, b_ms, b_error = _retrieve(baseline_search, item, k)
                base_latencies.append(b_ms)
                base_row = {**row, "retrieved": b_records, "metrics": item_metrics(b_records, item)}
                base_row.pop("error", None)
                if b_error:
                    base_row["error"] = b_error
                base_rows.append(base_row)
                row["baseline"] = {
                    "retrieved": b_records,
                    "metrics": base_row["metrics"],
                    "timings": {"retrieval_ms": round(b_ms, 3)},
                    **({"error": b_error} if b_error else {}),
                }
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")

    summary = {"qa_file": str(qa_path) if qa_path else None, "k": k, **_scored(rows, latencies)}
    if baseline_search is not None:
        baseline = _scored(base_rows, base_latencies)
        summary["baseline"] = baseline
        summary["ratio"] = {
            name: _ratio(summary["overall"][name], baseline["overall"][name])
            for name in ("hit@5", "mrr")
        }
    write_report(summary, out_dir)
    return summary
