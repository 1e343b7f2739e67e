"""Answer scoring: run the whole chain on a QA file and score answers and citations.

Per item (results.jsonl): the answer, refused flag, mode, citations (search-record fields plus
``key``), the retrieved records, timings. Report: citation precision and recall (the retrieval
matching rule), answerable items answered with at least one correct citation, refusal rate on
unanswerable items, false-refusal rate on answerable ones, latency p50/p95, by language — and
the number of citations that do not resolve to an indexed paragraph (must be 0).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Callable

from .judge import judge, summarize_judged
from .metrics import covers, item_metrics, item_targets, matches, summarize
from .qaset import QAItem
from .report import write_report
from .runner import latency_summary

AnswerFn = Callable[[str, list[str]], dict]  # (question, history) -> Answer.to_record()


def answer_metrics(record: dict, item: QAItem) -> dict:
    citations = record["citations"]
    correct = [c for c in citations if matches(c, item)]
    targets = item_targets(item)
    covered = [t for t in targets if any(covers(c, t) for c in citations)]
    return {
        "citations": len(citations),
        "correct_citations": len(correct),
        "citation_recall": len(covered) / len(targets) if targets else None,
        "answered_correctly": bool(item.answerable and not record["refused"] and correct),
    }


def summarize_answers(rows: list[dict], known_ids: set[str]) -> dict:
    def block(selected: list[dict]) -> dict:
        answerable = [r for r in selected if r["answerable"]]
        unanswerable = [r for r in selected if not r["answerable"]]
        shown = sum(r["answer_metrics"]["citations"] for r in answerable)
        correct = sum(r["answer_metrics"]["correct_citations"] for r in answerable)
        recalls = [r["answer_metrics"]["citation_recall"] for r in answerable
                   if r["answer_metrics"]["citation_recall"] is not None]
        return {
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "citation_precision": correct / shown if shown else None,
            "citation_recall": sum(recalls) / len(recalls) if recalls else None,
            "answered_with_correct_citation":
                sum(r["answer_metrics"]["answered_correctly"] for r in answerable) / len(answerable)
                if answerable else None,
            "refusal_rate_unanswerable":
                sum(r["refused"] for r in unanswerable) / len(unanswerable) if unanswerable else None,
            "false_refusal_rate":
                sum(r["refused"] for r in answerable) / len(answerable) if answerable else None,
            "latency_ms": latency_summary([r["timings"].get("total_ms", 0) for r in selected]),
            "first_token_ms": latency_summary([r["timings"]["first_token_ms"] for r in selected
                                               if "first_token_ms" in r["timings"]]),
        }

    unknown = [c["id"] for r in rows for c in r["citations"] if c["id"] not in known_ids]
    kinds = sorted({r["kind"] for r in rows})
    return {
        "overall": block(rows),
        "by_lang": {lang: block([r for r in rows if r["lang"] == lang]) for lang in ("zh", "en")},
        "judged": {
            "overall": summarize_judged(rows),
            "by_lang": {lang: summarize_judged([r for r in rows if r["lang"] == lang])
                        for lang in ("zh", "en")},
            "by_kind": {kind: summarize_judged([r for r in rows if r["kind"] == kind])
                        for kind in kinds},
            "confidently_wrong_items": sorted(r["id"] for r in rows
                                              if r["judged"]["confidently_wrong"]),
            "wrong_items": sorted(r["id"] for r in rows if r["judged"]["correct"] is False),
        },
        "modes": {m: sum(1 for r in rows if r["mode"] == m) for m in sorted({r["mode"] for r in rows})},
        "citations_not_in_index": len(unknown),
    }


def run_answer_eval(items: list[QAItem], answer: AnswerFn, out_dir: str | Path, known_ids: set[str],
                    llm_name: str, progress: bool = True, qa_path=None) -> dict:
    from tqdm import tqdm

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for item in tqdm(items, desc="answering", unit="q", disable=not progress, file=sys.stderr):
        started = time.perf_counter()
        record = answer(item.question, list(item.history))
        record["timings"].setdefault("total_ms", (time.perf_counter() - started) * 1000)
        rows.append({
            "id": item.id, "question": item.question, "lang": item.lang, "kind": item.kind,
            "answerable": item.answerable, "answer": record["answer"], "refused": record["refused"],
            "mode": record["mode"], "notice": record["notice"], "citations": record["citations"],
            "retrieved": record["retrieved"], "timings": record["timings"],
            "draft": record.get("draft", ""), "given": record.get("given", {}),
            "standalone_question": record.get("standalone_question", ""),
            "selection": record.get("selection"),
            "metrics": item_metrics(record["retrieved"], item),
            "answer_metrics": answer_metrics(record, item),
            "judged": judge(record, item),
        })
    with open(out_dir / "results.jsonl", "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    summary = summarize(rows)
    summary["k"] = len(rows[0]["retrieved"]) if rows else 0
    summary["counts"]["errors"] = 0
    summary["latency_ms"] = latency_summary([r["timings"].get("retrieval_ms", 0) for r in rows
                                            if "retrieval_ms" in r["timings"]])
    summary["answers"] = summarize_answers(rows, known_ids)
    summary["answers"]["llm"] = llm_name
    summary["qa_file"] = str(qa_path or (items[0].source if items else ""))
    write_report(summary, out_dir)
    return summary
