"""Benchmark: retrieval and judged answers on both QA sets, vs the naive baseline; query
latency, indexing time, test time, answer latency and memory.

    python -m eval.bench.retrieval [--qa eval/qa.jsonl eval/qa_fresh.jsonl]
                                   [--out eval/out/benchmark] [--with-tests] [--answers N]
                                   [--local N]

Every QA set gets retrieval figures and the extractive answers judged by their keys; --local N
also judges the local model's answers on each set's first N items (the per-item answers are kept
in results.jsonl under --out/SET-local, so two runs can be compared answer by answer).

Writes benchmark.json and benchmark.md under --out and prints the Markdown table. Timings are
measured on this machine in this run; nothing here is asserted (timed assertions flake).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.services import index_paths, open_store
from assistant.settings import Settings
from eval.baseline import NaiveBaseline
from eval.qaset import load_qa
from eval.report import write_benchmark
from eval.runner import latency_summary, run_retrieval_eval
from index.search.retriever import Retriever

ROOT = Path(__file__).resolve().parents[2]  # the repository: QA sets, outputs, the test suite

LATENCY_ROUNDS = 3


def measure_indexing(store_dir: Path) -> dict:
    settings = Settings.from_env(store=store_dir)
    started = time.perf_counter()
    store = open_store(settings, create=True)
    run = index_paths(settings, store=store)
    scratch = time.perf_counter() - started
    started = time.perf_counter()
    again = index_paths(settings)
    unchanged = time.perf_counter() - started
    return {"paragraphs": run.paragraphs, "documents": len(run.report.documents),
            "from_scratch_s": round(scratch, 2), "no_change_s": round(unchanged, 2),
            "shipped_vectors_used": getattr(store.embedder, "reused", 0),
            "embedded_on_rerun": again.report.embedded, "skipped": run.skipped}


def measure_latency(retriever: Retriever, questions: list[str]) -> dict:
    """Warm searches, LATENCY_ROUNDS over the questions; with the question's embedding alone
    timed once per question (``embedding``): most of a search over the library, and the part
    that follows the machine's speed (int8 Gemma p50 45 ms on one machine, 108 ms on another)."""
    for question in questions[:5]:
        retriever.search(question, 5)  # warm caches (jieba, Chroma)
    timings = []
    for _ in range(LATENCY_ROUNDS):
        for question in questions:
            started = time.perf_counter()
            retriever.search(question, 5)
            timings.append((time.perf_counter() - started) * 1000)
    embedding = []
    for question in questions:
        started = time.perf_counter()
        retriever.store.embedder.embed_query(question)
        embedding.append((time.perf_counter() - started) * 1000)
    return {**latency_summary(timings), "embedding": latency_summary(embedding)}


def measure_tests() -> dict:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "not integration"],
                            cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    last = (result.stdout.strip().splitlines() or [""])[-1]
    return {"offline_suite_s": round(seconds, 1), "result": last, "exit": result.returncode}


def measure_answers(store_dir: Path, items, local_questions: int) -> dict:
    """Extractive answer latency over every question; the local model's first-token and
    whole-answer latency and the process's peak memory over the first ``local_questions``."""
    import resource

    from assistant.chain import answer_question
    from assistant.llm.factory import make_chat_model

    retriever = Retriever(open_store(Settings.from_env(store=store_dir)))
    extractive = Settings.from_env(store=store_dir, llm="none")
    for item in items[:3]:
        answer_question(item.question, list(item.history), retriever, None, extractive)
    ex_ms = []
    for item in items:
        started = time.perf_counter()
        answer_question(item.question, list(item.history), retriever, None, extractive)
        ex_ms.append((time.perf_counter() - started) * 1000)
    result = {"extractive_ms": latency_summary(ex_ms)}
    if local_questions:
        local = Settings.from_env(store=store_dir, llm="local")
        llm = make_chat_model(local)
        first, total = [], []
        for item in items[:local_questions]:
            answer = answer_question(item.question, list(item.history), retriever, llm, local)
            total.append(answer.timings["total_ms"])
            if "first_token_ms" in answer.timings:
                first.append(answer.timings["first_token_ms"])
        result.update(local_first_token_ms=latency_summary(first),
                      local_total_ms=latency_summary(total),
                      peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    return result


def judged_answers(store_dir: Path, items, out_dir: Path, llm: str, limit: int | None) -> dict:
    """The chain's answers on ``items`` (all, or the first ``limit``), judged by their keys."""
    from assistant.chain import answer_question
    from assistant.llm.factory import make_chat_model
    from eval.answers import run_answer_eval

    settings = Settings.from_env(store=store_dir, llm=llm)
    retriever = Retriever(open_store(settings))
    model = make_chat_model(settings)

    def answer(question, history):
        return answer_question(question, history, retriever, model, settings).to_record()

    summary = run_answer_eval(items[:limit], answer, out_dir, set(retriever.catalogue.paragraphs),
                              llm, progress=False)
    judged, overall = summary["answers"]["judged"]["overall"], summary["answers"]["overall"]
    return {"n": judged["n"], "judged_correct": judged["judged_correct"],
            "confidently_wrong": judged["confidently_wrong"],
            "answered_with_correct_citation": overall["answered_with_correct_citation"],
            "refusal_rate_unanswerable": overall["refusal_rate_unanswerable"]}


def quality(store_dir: Path, search, items, qa: Path, out: Path, local: int) -> dict:
    """Retrieval, extractive answers and (on the first ``local`` items) the local model's."""
    retrieval = run_retrieval_eval(items, search, out.with_name(out.name + "-retrieval"), k=10,
                                   progress=False, qa_path=qa)
    row = {"retrieval": retrieval["overall"],
           "extractive": judged_answers(store_dir, items, out.with_name(out.name + "-extractive"),
                                        "none", None)}
    if local:
        row["local"] = judged_answers(store_dir, items, out.with_name(out.name + "-local"),
                                      "local", local)
    return row


def quality_table(results: dict) -> str:
    """Retrieval and judged answers, one row per QA set."""
    lines = ["| QA set | n | hit@1 | hit@5 | MRR | recall@5 | document hit@1 | extractive judged "
             "correct / conf. wrong | local 1.5B judged correct / conf. wrong (n) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, row in results["sets"].items():
        o, ex, lo = row["retrieval"], row["extractive"], row.get("local")
        local = (f"{lo['judged_correct']:.3f} / {lo['confidently_wrong']:.3f} ({lo['n']})"
                 if lo else "–")
        lines.append(f"| {name} | {o['n']} | {o['hit@1']:.3f} | {o['hit@5']:.3f} | {o['mrr']:.3f}"
                     f" | {o['recall@5']:.3f} | {o['doc@1']:.3f} | {ex['judged_correct']:.3f} / "
                     f"{ex['confidently_wrong']:.3f} | {local} |")
    return "\n".join(lines)


def render(results: dict) -> str:
    r, b = results["retrieval"], results["retrieval"].get("baseline", {})
    o, bo = r["overall"], b.get("overall", {})
    lines = [
        "| measure | this system | naive baseline | ratio |",
        "|---|---|---|---|",
    ]
    for key in ("hit@1", "hit@5", "mrr", "recall@5"):
        ratio = o[key] / bo[key] if bo.get(key) else None
        lines.append(f"| {key} (answerable, n={o['n']}) | {o[key]:.3f} | {bo.get(key, 0):.3f} | "
                     f"{ratio:.2f}× |" if ratio else f"| {key} | {o[key]:.3f} | – | – |")
    for lang in ("zh", "en"):
        row = r["by_lang"][lang]
        brow = b.get("by_lang", {}).get(lang, {})
        lines.append(f"| hit@5 / MRR, {lang} questions (n={row['n']}) | {row['hit@5']:.3f} / "
                     f"{row['mrr']:.3f} | {brow.get('hit@5', 0):.3f} / {brow.get('mrr', 0):.3f} | |")
    lat, idx = results["latency_ms"], results["indexing"]
    lines += [
        f"| embedder | {results.get('embedder', '')} | | |",
        f"| query latency, warm (n={lat['n']}) | p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms | | |",
        *([f"| the question's embedding alone (n={lat['embedding']['n']}) | p50 "
           f"{lat['embedding']['p50']:.0f} ms, p95 {lat['embedding']['p95']:.0f} ms | | |"]
          if "embedding" in lat else []),
        f"| index default corpus from scratch ({idx['paragraphs']} records) | {idx['from_scratch_s']} s | | |",
        f"| re-index, no change | {idx['no_change_s']} s ({idx['embedded_on_rerun']} embedded) | | |",
    ]
    if "answers" in results:
        a = results["answers"]
        lines.append(f"| extractive answer, whole (n={a['extractive_ms']['n']}) | p50 "
                     f"{a['extractive_ms']['p50']:.0f} ms, p95 {a['extractive_ms']['p95']:.0f} ms | | |")
        if "local_total_ms" in a:
            f, t = a["local_first_token_ms"], a["local_total_ms"]
            lines += [f"| local 1.5B: first token (n={f['n']}) | p50 {f['p50'] / 1000:.1f} s, "
                      f"p95 {f['p95'] / 1000:.1f} s | | |",
                      f"| local 1.5B: whole answer (n={t['n']}) | p50 {t['p50'] / 1000:.1f} s, "
                      f"p95 {t['p95'] / 1000:.1f} s | | |",
                      f"| peak memory, 1.5B model loaded | {a['peak_rss_mb']} MB | | |"]
    if "tests" in results:
        t = results["tests"]
        lines.append(f"| offline test suite | {t['offline_suite_s']} s ({t['result']}) | | |")
    return "\n".join(lines) + "\n\n" + quality_table(results)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench.retrieval",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--qa", type=Path, nargs="+",
                        default=[ROOT / "eval" / "qa.jsonl", ROOT / "eval" / "qa_fresh.jsonl"],
                        help="QA sets; the first one also times queries and answers")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "out" / "benchmark")
    parser.add_argument("--with-tests", action="store_true", help="also time the offline suite")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the naive baseline (it embeds the whole corpus again)")
    parser.add_argument("--answers", type=int, default=0, metavar="N",
                        help="also time extractive answers, and the local model on N questions")
    parser.add_argument("--local", type=int, default=0, metavar="N",
                        help="also judge the local model's answers on the first N items")
    parser.add_argument("--local-on", nargs="+", default=["library"],
                        choices=["all", "core", "library"],
                        help="which questions --local answers: each set's whole, or its "
                             "questions on the first five documents or on the library")
    args = parser.parse_args()

    items = load_qa(args.qa[0])
    results: dict = {"machine": {"cores": os.cpu_count()}}
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        results["indexing"] = measure_indexing(store_dir)
        retriever = Retriever(open_store(Settings.from_env(store=store_dir)))
        results["embedder"] = retriever.store.embedder.name  # ASSISTANT_EMBEDDER picks it
        # The baseline embeds its own chunks of the corpus (no shipped vectors): minutes.
        baseline = (None if args.no_baseline
                    else NaiveBaseline.from_settings(Settings.from_env(store=store_dir)))

        def search(question, history, k):
            return [h.to_record(i) for i, h in enumerate(retriever.search(question, k, history), 1)]

        results["retrieval"] = run_retrieval_eval(items, search, args.out, k=10, progress=False,
                                                  baseline_search=baseline and baseline.search,
                                                  qa_path=args.qa[0])
        results["sets"] = {}
        for qa in args.qa:
            # Each set whole, then its questions on the first five documents and on the
            # library apart: the library must not cost the earlier questions anything.
            every = load_qa(qa)
            for corpus in ("all", "core", "library"):
                set_items = [i for i in every if corpus in ("all", i.corpus)]
                name = qa.stem if corpus == "all" else f"{qa.stem}-{corpus}"
                if not set_items or (corpus != "all" and len(set_items) == len(every)):
                    continue
                local = args.local if corpus in args.local_on else 0
                results["sets"][name] = quality(store_dir, search, set_items, qa,
                                                args.out / name, local)
        results["latency_ms"] = measure_latency(retriever, [i.question for i in items])
        if args.answers:
            results["answers"] = measure_answers(store_dir, items, args.answers)
    if args.with_tests:
        results["tests"] = measure_tests()
    write_benchmark(args.out, "benchmark", results, render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
