"""Benchmark: the store and the retriever at scale, on synthetic UN-like paragraphs, in the
embedded store and in a `chroma run` server.

    python -m eval.bench.scale [--records 10000 100000] [--kinds embedded server]
                               [--questions N] [--out eval/out/scale]

Per size and store kind: generate the records (eval/bench/scale_data.py: corpus sentences in UN
document structure, hashed vectors of the model's dimension), sync them into a fresh store (or a
server started here on a free loopback port); then, in a fresh process as the page would, load
the Retriever (its Catalogue reads every paragraph and builds the keyword index), time
Retriever.search on eval/qa.jsonl's questions, add one more document. Each phase is a process of
its own (its peak memory, VmHWM, is its own); the server's is read from /proc. Writes scale.json
and scale.md under --out and prints the table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.bench.scale_data import (HashingEmbedder, disk_mb, generate, memory_mb,
                                   start_server, stop_server)
from eval.qaset import load_qa
from eval.report import write_benchmark
from eval.runner import latency_summary
from index.search.keyword import KeywordIndex
from index.search.retriever import Retriever
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore

ROOT = Path(__file__).resolve().parents[2]
QA = ROOT / "eval" / "qa.jsonl"
PHASE_TIMEOUT_S = 3 * 3600
ADDED_RECORDS = 150  # one more report, added to the full index as the page's "Add to index" does


# ---- the phases --------------------------------------------------------------------------

def _store(path: str | None, port: int | None, create: bool = False) -> ParagraphStore:
    client = (open_client(host="127.0.0.1", port=port) if port
              else open_client(path, create=create))
    return ParagraphStore(client, HashingEmbedder())


def _timed(call, digits: int = 3):
    started = time.perf_counter()
    return call(), round(time.perf_counter() - started, digits)


def _ms(call) -> float:
    return _timed(call, 6)[1] * 1000


def index_phase(records: int, path: str | None = None, port: int | None = None,
                seed: int = 0) -> dict:
    """Generate ``records`` paragraphs and sync them into an empty store, as `assistant index`
    does; the insert rate over the first and the last tenth shows whether inserts slow down."""
    documents, generate_s = _timed(lambda: generate(records, seed))
    store = _store(path, port, create=True)
    marks: list[tuple[int, float]] = [(0, time.perf_counter())]
    report, index_s = _timed(lambda: store.sync(documents, progress=False, on_progress=lambda d, _:
                                                marks.append((d, time.perf_counter()))))
    tenth = max(1, len(marks) // 10)

    def rate(a: tuple, b: tuple) -> float:  # records a second between two marks
        return round((b[0] - a[0]) / max(b[1] - a[1], 1e-9))

    return {"records": records, "documents": len(documents),
            "zh_records": sum(len(d.paragraphs) for d in documents if d.document.lang == "zh"),
            "generate_s": generate_s, "index_s": index_s, "embedded": report.embedded,
            "embed_s": round(store.embedder.seconds, 3), "count": store.count(),
            "records_per_s": round(records / index_s),
            "first_tenth_per_s": rate(marks[0], marks[tenth]),
            "last_tenth_per_s": rate(marks[-1 - tenth], marks[-1]), "memory": memory_mb()}


def serve_phase(questions: int, path: str | None = None, port: int | None = None,
                seed: int = 0) -> dict:
    """What the page does with the index: load the Retriever, answer searches, take one more
    document (sync, then the catalogue reloads)."""
    store = _store(path, port)
    opened = memory_mb()
    count, read_s = _timed(lambda: len(store.with_keyword_texts()))
    retriever, catalogue_s = _timed(lambda: Retriever(store))
    loaded = retriever.catalogue.current()
    after_catalogue = memory_mb()
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "keywords.json"
        _, save_s = _timed(lambda: loaded.keywords.save(saved))
        _, load_s = _timed(lambda: KeywordIndex.load(saved))
        keyword_file_mb = round(saved.stat().st_size / 2**20, 1)
    items, k = load_qa(QA)[:questions], retriever.candidates
    for item in items[:5]:
        retriever.search(item.question, 5, list(item.history))  # warm jieba and Chroma
    search_ms, keyword_ms, dense_ms, unfiltered_ms, asked = [], [], [], [], []
    for item in items:
        search_ms.append(_ms(lambda: retriever.search(item.question, 5, list(item.history))))
        query, snapshot = retriever.analyse(item.question, list(item.history)), store.snapshot()
        asked.append({"id": item.id, "ms": round(search_ms[-1]),
                      "submissions": len(query.submissions)})
        for wording in query.wordings:  # the signals every question has, one at a time
            vector = query.vector(wording, store.embedder.embed_query)
            keyword_ms.append(_ms(lambda: loaded.keywords.search(wording.keywords, k)))
            dense_ms.append(_ms(lambda: [snapshot.nearest_ids(vector, k, where={"lang": lang})
                                         for lang in loaded.langs]))
            # The same neighbours without a where filter, split by language afterwards.
            unfiltered_ms.append(_ms(lambda: snapshot.nearest_ids(vector, k * len(loaded.langs))))
    added = generate(ADDED_RECORDS, seed + 1, addendum=True)
    _, add_s = _timed(lambda: store.sync(added, progress=False))
    _, reload_s = _timed(retriever.catalogue.reload)
    return {"count": count, "read_s": read_s, "catalogue_s": catalogue_s,
            "keyword_save_s": save_s, "keyword_load_s": load_s, "keyword_file_mb": keyword_file_mb,
            "search_ms": latency_summary(search_ms), "keyword_ms": latency_summary(keyword_ms),
            "dense_ms": latency_summary(dense_ms), "unfiltered_ms": latency_summary(unfiltered_ms),
            "slowest": sorted(asked, key=lambda a: -a["ms"])[:3],
            "added_records": sum(len(d.paragraphs) for d in added), "add_sync_s": add_s,
            "add_reload_s": reload_s, "memory_opened": opened,
            "memory_catalogue": after_catalogue, "memory": memory_mb()}


def measure(kind: str, records: int, work: Path, questions: int, seed: int = 0,
            timeout: float = PHASE_TIMEOUT_S) -> dict:
    """Both phases for one store kind and size, each in a fresh process; what broke, if any."""
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"kind": kind, "records": records}
    server, data = None, work / ("server-data" if kind == "server" else "store")
    try:
        if kind == "server":
            server, port = start_server(data, work / "chroma.log")
        where = ["--port", str(port)] if server else ["--store", str(data)]
        for phase in ("index", "serve"):
            out = work / f"{phase}.json"
            command = [sys.executable, "-m", "eval.bench.scale", "--phase", phase, "--records",
                       str(records), "--questions", str(questions), "--seed", str(seed),
                       "--result", str(out), *where]
            try:
                done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                      timeout=timeout)
            except subprocess.TimeoutExpired:
                result["broke"] = f"{phase} phase ran past {timeout:.0f} s"
                break
            if done.returncode:
                result["broke"] = f"{phase} phase exited {done.returncode}: {done.stderr[-600:]}"
                break
            result[phase] = json.loads(out.read_text())
            if phase == "index":
                result["disk_mb"] = disk_mb(data)
            if server:
                result[f"server_after_{phase}"] = memory_mb(server.pid)
    finally:
        if server:
            stop_server(server)
    return result


# ---- reporting ------------------------------------------------------------------------------

# (label, path in a measure() result, unit, budget): what the table shows and the growth compares.
# Budgets are assumed, for a page serving one library; the verdict names those a run exceeds.
METRICS = [
    ("index: sync into an empty store", "index.index_s", "s", 3600),
    ("index: of which hashing embedder", "index.embed_s", "s", None),
    ("index: insert rate, first tenth", "index.first_tenth_per_s", "rec/s", None),
    ("index: insert rate, last tenth", "index.last_tenth_per_s", "rec/s", None),
    ("index: process peak RSS", "index.memory.peak_mb", "MB", None),
    ("store size on disk", "disk_mb", "MB", None),
    ("startup: read every paragraph from the store", "serve.read_s", "s", None),
    ("startup: Catalogue load (read + keyword index build)", "serve.catalogue_s", "s", 30),
    ("keyword index saved (KeywordIndex.save): file", "serve.keyword_file_mb", "MB", None),
    ("keyword index saved: KeywordIndex.load", "serve.keyword_load_s", "s", None),
    ("Retriever.search p50", "serve.search_ms.p50", "ms", None),
    ("Retriever.search p95", "serve.search_ms.p95", "ms", 1000),
    ("  keyword signal (BM25) p50 / wording", "serve.keyword_ms.p50", "ms", None),
    ("  keyword signal (BM25) p95 / wording", "serve.keyword_ms.p95", "ms", None),
    ("  dense signal (zh + en queries) p50 / wording", "serve.dense_ms.p50", "ms", None),
    ("  dense signal (zh + en queries) p95 / wording", "serve.dense_ms.p95", "ms", None),
    ("  the same, one query without where filter, p50", "serve.unfiltered_ms.p50", "ms", None),
    ("serving process RSS, store opened", "serve.memory_opened.rss_mb", "MB", None),
    ("serving process RSS, Catalogue loaded", "serve.memory_catalogue.rss_mb", "MB", None),
    ("serving process peak RSS", "serve.memory.peak_mb", "MB", 4096),
    ("server process RSS after indexing", "server_after_index.rss_mb", "MB", None),
    ("server process peak RSS", "server_after_serve.peak_mb", "MB", 4096),
    (f"add a document ({ADDED_RECORDS} rec.) to the full index: sync", "serve.add_sync_s", "s",
     10),
    ("add a document: Catalogue reload (before it is answerable)", "serve.add_reload_s", "s", 10),
]


def value(result: dict, path: str):
    for key in path.split("."):
        result = result.get(key) if isinstance(result, dict) else None
    return result


def growth(runs: list[dict]) -> list[dict]:
    """Per store kind, each metric from the smallest to the largest finished size: the factor
    and its exponent (1: linear in the records), fastest growing first."""
    rows = []
    for kind in dict.fromkeys(r["kind"] for r in runs):
        done = sorted((r for r in runs if r["kind"] == kind and "serve" in r),
                      key=lambda r: r["records"])
        if len(done) < 2:
            continue
        small, big = done[0], done[-1]
        for label, path, unit, _ in METRICS:
            a, b = value(small, path), value(big, path)
            if a and b and "rate" not in label:
                rows.append({"kind": kind, "metric": label.strip(), "unit": unit, "from": a,
                             "to": b, "factor": round(b / a, 2), "exponent": round(
                                 math.log(b / a) / math.log(big["records"] / small["records"]), 2)})
    return sorted(rows, key=lambda r: -r["exponent"])


def verdict(runs: list[dict], grown: list[dict]) -> list[str]:
    """What broke, what is over budget, what grows fastest: with the numbers."""
    lines = [f"- {r['kind']} {r['records']:,}: broke: {r['broke']}" for r in runs if r.get("broke")]
    for r in runs:
        over = [f"{label.strip()} {value(r, path):,.1f} {unit} (budget {budget:,} {unit})"
                for label, path, unit, budget in METRICS
                if budget and (value(r, path) or 0) > budget]
        if over:
            lines.append(f"- {r['kind']} {r['records']:,}: over budget: " + "; ".join(over))
    for kind in dict.fromkeys(g["kind"] for g in grown):
        lines.append(f"- {kind}: grows fastest: " + "; ".join(
            f"{g['metric']} {_cell(g['from'])} → {_cell(g['to'])} {g['unit']} (×{g['factor']},"
            f" exponent {g['exponent']})" for g in [g for g in grown if g["kind"] == kind][:3]))
    return lines or ["- nothing broke or went over budget"]


def _cell(v) -> str:
    return "–" if v is None else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}")


def render(results: dict) -> str:
    runs = results["runs"]
    lines = ["| measure | unit | " + " | ".join(f"{r['kind']} {r['records']:,}" for r in runs)
             + " |", "|---|---|" + "---:|" * len(runs)]
    for label, path, unit, _ in METRICS:
        cells = [value(r, path) for r in runs]
        if any(c is not None for c in cells):
            lines.append(f"| {label} | {unit} | " + " | ".join(map(_cell, cells)) + " |")
    lines += ["", "Slowest questions (submissions: the named State's parts, searched one by one):",
              *(f"- {r['kind']} {r['records']:,}: " + ", ".join(
                  f"{a['id']} {a['ms']:,} ms ({a['submissions']} submissions)" for a in
                  value(r, "serve.slowest")) for r in runs if value(r, "serve.slowest"))]
    budgets = ", ".join(f"{label.strip()} {budget:,} {unit}"
                        for label, _, unit, budget in METRICS if budget)
    lines += ["", f"Verdict (assumed budgets: {budgets}):", "", *verdict(runs, results["growth"])]
    if results["growth"]:
        lines += ["", "Growth, smallest to largest size (exponent 1 = linear in the records):", "",
                  "| store | measure | from | to | × | exponent |", "|---|---|---:|---:|---:|---:|"]
        lines += [f"| {g['kind']} | {g['metric']} ({g['unit']}) | {_cell(g['from'])} | "
                  f"{_cell(g['to'])} | {g['factor']} | {g['exponent']} |"
                  for g in results["growth"]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench.scale",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--kinds", nargs="+", choices=["embedded", "server"],
                        default=["embedded", "server"])
    parser.add_argument("--questions", type=int, default=1000,
                        help="time at most this many questions of eval/qa.jsonl (all: 126)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=PHASE_TIMEOUT_S,
                        help="seconds a phase may run before it counts as broken")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "out" / "scale")
    # One phase in this process (measure() runs them): not for people.
    for name, kind in (("--phase", str), ("--store", str), ("--port", int), ("--result", Path)):
        parser.add_argument(name, type=kind, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run = index_phase if args.phase == "index" else serve_phase
        size = args.records[0] if args.phase == "index" else args.questions
        args.result.write_text(json.dumps(run(size, args.store, args.port, args.seed)))
        return 0
    results: dict = {"machine": {"cores": os.cpu_count()}, "runs": []}
    for records in sorted(args.records):
        for kind in args.kinds:
            print(f"{kind}, {records:,} records …", file=sys.stderr, flush=True)
            with tempfile.TemporaryDirectory(prefix=f"scale-{kind}-{records}-") as tmp:
                results["runs"].append(measure(kind, records, Path(tmp), args.questions,
                                               args.seed, args.timeout))
    results["growth"] = growth(results["runs"])
    write_benchmark(args.out, "scale", results, render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
