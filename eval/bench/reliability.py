"""Reliability benchmark: the page under concurrent users while the store changes, thread-safe
tokenization, oversized and bad input.

    python -m eval.bench.reliability [--users 20] [--requests 40] [--records N]
                                     [--out eval/out/reliability]

1. The real page (`assistant ui --llm none`, its own process) on a fresh store of the bundled
   corpus (with ``--records``, filled up to that many records with synthetic UN-like
   paragraphs, eval/bench/scale_data.py, so the load meets a large library); ``--users`` threads, each with its own `gradio_client`, send ``--requests`` `/chat`
   calls (questions of eval/qa.jsonl, follow-ups with their history; ``--think`` seconds
   between a user's requests). A twentieth of the way in,
   another process runs `assistant index` of a new document, then `assistant index --rebuild`
   of the corpus and that document (the report says how many requests were still to come when
   the rebuild finished: both writes landed under load).
   Counted: failed requests (an exception or an `error` field), citations that do not exist in
   the final index, and the seconds from the add finishing until `/chat` cites the new document.
2. 8 threads × 300 tokenizations, compared with the single-threaded tokens.
3. Every oversized or bad input of the reliability issue, each in a fresh process: exit status,
   lines on stderr, seconds and peak memory.

Writes reliability.json and reliability.md under --out and prints the Markdown. Nothing is
asserted here (the tests assert behaviour; timings belong in the README). Parts 1 and 3 live
in eval/bench/reliability_load.py and eval/bench/reliability_inputs.py.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from eval.bench.reliability_inputs import bad_inputs
from eval.bench.reliability_load import QA, ROOT, cli, load_test
from eval.qaset import load_qa
from eval.report import write_benchmark
from index.ingest.corpus import CORPUS_DIR


# ---- 2. tokenization from many threads --------------------------------------------------------

def tokenization(threads: int = 8, rounds: int = 300) -> dict:
    from index.search.keyword import tokenize

    texts = [item.question for item in load_qa(QA)][:40]
    texts += [path.read_text(encoding="utf-8")[:2000] for path in sorted(CORPUS_DIR.glob("*.txt"))]
    expected = [tokenize(text) for text in texts]
    errors, differing = [0], [0]
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work(offset: int) -> None:
        barrier.wait()
        for i in range(rounds):
            n = (i * 7 + offset) % len(texts)
            try:
                same = tokenize(texts[n]) == expected[n]
            except Exception:  # noqa: BLE001 - counted
                with lock:
                    errors[0] += 1
                continue
            if not same:
                with lock:
                    differing[0] += 1

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"threads": threads, "calls": threads * rounds, "errors": errors[0],
            "differing": differing[0]}


# ---- a larger store ------------------------------------------------------------------------

def fill_store(store: Path, records: int) -> int:
    """Add synthetic records to the store until it holds ``records``, under the store's own
    embedder name and vector size (hashed vectors: embedding 20,000 paragraphs with the real
    model would take most of an hour on 2 cores; questions about them are not asked), then
    bring the files beside the store up to date, as `assistant index` does. Returns how many
    were added."""
    from eval.bench.scale_data import HashingEmbedder, generate
    from index.search.catalogue import refresh_catalogue_files
    from index.search.keyword_file import KEYWORD_FILE
    from index.store.client import open_client
    from index.store.paragraph_store import ParagraphStore

    client = open_client(store)
    probe = ParagraphStore(client, HashingEmbedder())
    collection = client.get_collection(probe.live_collection_name())
    missing = records - collection.count()
    if missing <= 0:
        return 0
    sample = collection.get(limit=1, include=["embeddings"])["embeddings"][0]
    embedder = HashingEmbedder(dim=len(sample))
    embedder.name = probe.built_with()  # the page opens the store with its real embedder
    filled = ParagraphStore(client, embedder, store / KEYWORD_FILE)
    filled.sync(generate(missing, seed=7))
    refresh_catalogue_files(filled)
    return missing


# ---- report -----------------------------------------------------------------------------------

def render(results: dict) -> str:
    load = results["load"]
    tok = results["tokenization"]
    synthetic = results.get("records", {}).get("synthetic", 0)
    out = ["| measure | bar | measured |", "|---|---|---|",
           f"| the store when the load starts | | the bundled library"
           f"{f' and {synthetic:,} synthetic records' if synthetic else ''} |",
           f"| `/chat` requests failed ({load['users']} users × {load['requests'] // load['users']}"
           f" with {load['think_s']} s between requests, "
           f"an add ({load['add_s']} s) then a `--rebuild` ({load['rebuild_s']} s) from another "
           f"process meanwhile; {load['requests_after_rebuild']} requests still to come when "
           f"the rebuild finished) | 0 | "
           f"**{load['failed']}** of {load['requests']} |",
           f"| citations shown that are not in the index | 0 | **{load['citations_missing']}** "
           f"(of {load['citations_checked']} distinct) |",
           f"| new document cited by `/chat` after its add finished | ≤ 10 s | "
           f"**{load['new_document_cited_after_s']} s**; still cited after the rebuild: "
           f"{'yes' if load['new_document_cited_after_rebuild'] else 'no'} |",
           f"| `/chat` latency under this load, p50 / p95 | | {load['latency_p50_ms']} ms / "
           f"{load['latency_p95_ms']} ms |",
           f"| `/chat` with a 200,000-character earlier question | < 2 s, one line | "
           f"{load['oversized_history_s']} s: {load['oversized_history_message']} |",
           f"| tokenization, {tok['threads']} threads × {tok['calls'] // tok['threads']} | 0 errors, "
           f"0 differing | **{tok['errors']} errors, {tok['differing']} differing** |", "",
           "| bad input | exit status | seconds | peak memory | what the user reads |",
           "|---|---|---|---|---|"]
    for case in results["bad_inputs"]:
        message = case["message"].replace("|", "\\|")
        flag = " (traceback!)" if case["traceback"] else ""
        out.append(f"| {case['input']} | {case['status']} | {case['seconds']} | "
                   f"{case['peak_mb']} MB | {message}{flag} |")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench.reliability",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--think", type=float, default=2.0,
                        help="seconds each user waits between requests (default 2)")
    parser.add_argument("--records", type=int, default=0,
                        help="fill the store with synthetic paragraphs up to this many records")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "out" / "reliability")
    args = parser.parse_args()
    store = Path(tempfile.mkdtemp(prefix="reliability-store-")) / "store"
    built = cli("index", "--quiet", "--store", store)
    if built.returncode != 0:
        print(built.stderr, file=sys.stderr)
        return 1
    filled = fill_store(store, args.records) if args.records else 0
    results = {"records": {"synthetic": filled}, "tokenization": tokenization(),
               "load": load_test(store, args.users, args.requests, args.think),
               "bad_inputs": bad_inputs(store)}
    write_benchmark(args.out, "reliability", results, render(results))
    shutil.rmtree(store.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
