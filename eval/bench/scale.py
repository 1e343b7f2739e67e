"""Benchmark: the store and the retriever at scale, on synthetic UN-like paragraphs, in the
embedded store and in a `chroma run` server.

    python -m eval.bench.scale [--records 10000 100000] [--kinds embedded server]
                               [--questions N] [--out eval/out/scale]

Per size and store kind: generate the records (eval/bench/scale_data.py: corpus sentences in UN
document structure, hashed vectors of the model's dimension), sync them into a fresh store (or a
server started here on a free loopback port) and bring the keyword file in line, as `assistant
index` does; then, in a fresh process as the page would, load the Retriever (its Catalogue reads the
held-documents file and the documents changed since, and checks the keyword file), time
Retriever.search on eval/qa.jsonl's questions, add one more document. Each phase is a process of
its own (its peak memory, VmHWM, is its own); the server's is read from /proc. Writes scale.json
and scale.md under --out and prints the table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from eval.bench.scale_report import ADDED_RECORDS, growth, render
from eval.bench.scale_data import (HashingEmbedder, disk_mb, generate, memory_mb,
                                   start_server, stop_server)
from eval.qaset import load_qa
from eval.report import write_benchmark
from eval.runner import latency_summary
from index.search.catalogue import refresh_catalogue_files
from index.search.keyword_file import KEYWORD_FILE
from index.search.retriever import Retriever
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore

ROOT = Path(__file__).resolve().parents[2]
QA = ROOT / "eval" / "qa.jsonl"
PHASE_TIMEOUT_S = 3 * 3600


# ---- the phases --------------------------------------------------------------------------

def _store(path: str | None, port: int | None, keywords: str, create: bool = False
           ) -> ParagraphStore:
    client = (open_client(host="127.0.0.1", port=port) if port
              else open_client(path, create=create))
    return ParagraphStore(client, HashingEmbedder(), Path(keywords))


def _timed(call, digits: int = 3):
    started = time.perf_counter()
    return call(), round(time.perf_counter() - started, digits)


def _ms(call) -> float:
    return _timed(call, 6)[1] * 1000


def index_phase(records: int, path: str | None, port: int | None, keywords: str,
                seed: int = 0) -> dict:
    """Generate ``records`` paragraphs and sync them into an empty store, then build the
    keyword file, as `assistant index` does; the insert rate over the first and the last
    tenth shows whether inserts slow down."""
    documents, generate_s = _timed(lambda: generate(records, seed))
    store = _store(path, port, keywords, create=True)
    marks: list[tuple[int, float]] = [(0, time.perf_counter())]
    report, index_s = _timed(lambda: store.sync(documents, on_progress=lambda d, _:
                                                marks.append((d, time.perf_counter()))))
    _, keyword_file_s = _timed(lambda: refresh_catalogue_files(store))
    tenth = max(1, len(marks) // 10)

    def rate(a: tuple, b: tuple) -> float:  # records a second between two marks
        return round((b[0] - a[0]) / max(b[1] - a[1], 1e-9))

    return {"records": records, "documents": len(documents),
            "zh_records": sum(len(d.paragraphs) for d in documents if d.document.lang == "zh"),
            "generate_s": generate_s, "index_s": index_s, "embedded": report.embedded,
            "keyword_file_s": keyword_file_s,
            "embed_s": round(store.embedder.seconds, 3), "count": store.count(),
            "records_per_s": round(records / index_s),
            "first_tenth_per_s": rate(marks[0], marks[tenth]),
            "last_tenth_per_s": rate(marks[-1 - tenth], marks[-1]), "memory": memory_mb()}


def serve_phase(questions: int, path: str | None, port: int | None, keywords: str,
                seed: int = 0) -> dict:
    """What the page does with the index: load the Retriever (the keyword file is current:
    `assistant index` left it so), answer searches, take one more document (sync, then the
    catalogue reloads, tokenizing only the new paragraphs)."""
    store = _store(path, port, keywords)
    opened = memory_mb()
    retriever, catalogue_s = _timed(lambda: Retriever(store))
    loaded = retriever.catalogue.current()
    after_catalogue = memory_mb()
    items, k = load_qa(QA)[:questions], retriever.candidates
    # As the page does: the languages' vectors read beside the first search; the timed pass
    # starts once they are held (warm_up_s: from the start of the read to the end).
    started = time.perf_counter()
    warming = threading.Thread(target=retriever.warm_up)
    warming.start()
    first_search_s = _timed(lambda: retriever.search(items[0].question, 5))[1]
    warming.join()
    warm_up_s = round(time.perf_counter() - started, 3)
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
    _, add_s = _timed(lambda: store.sync(added))
    _, reload_s = _timed(retriever.catalogue.reload)  # as services.index_documents does
    # Then a question in each language, as the first after the change: a language searched
    # from held vectors reads them again for the new generation.
    _, after_add_s = _timed(lambda: [retriever.search(item.question, 5, list(item.history))
                                     for item in (items[0], items[-1])])
    return {"count": len(loaded.paragraphs), "catalogue_s": catalogue_s,
            "warm_up_s": warm_up_s, "first_search_s": first_search_s,
            "keyword_file_mb": round(Path(keywords).stat().st_size / 2**20, 1),
            "search_ms": latency_summary(search_ms), "keyword_ms": latency_summary(keyword_ms),
            "dense_ms": latency_summary(dense_ms), "unfiltered_ms": latency_summary(unfiltered_ms),
            "slowest": sorted(asked, key=lambda a: -a["ms"])[:3],
            "added_records": sum(len(d.paragraphs) for d in added), "add_sync_s": add_s,
            "add_reload_s": reload_s, "searches_after_add_s": after_add_s,
            "memory_opened": opened,
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
        # Where services.keyword_path puts it: inside an embedded store, beside a server's.
        keywords = work / "keywords.sqlite3" if server else data / KEYWORD_FILE
        where += ["--keywords", str(keywords)]
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
    for name, kind in (("--phase", str), ("--store", str), ("--port", int), ("--result", Path),
                       ("--keywords", str)):
        parser.add_argument(name, type=kind, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run = index_phase if args.phase == "index" else serve_phase
        size = args.records[0] if args.phase == "index" else args.questions
        args.result.write_text(json.dumps(run(size, args.store, args.port, args.keywords,
                                              args.seed)))
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
