"""Reliability benchmark: the page under concurrent users while the store changes, thread-safe
tokenization, oversized and bad input.

    python -m eval.reliability_benchmark [--users 20] [--requests 40] [--out eval/out/reliability]

1. The real page (`assistant ui --llm none`, its own process) on a fresh store of the bundled
   corpus; ``--users`` threads, each with its own `gradio_client`, send ``--requests`` `/chat`
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
asserted here (the tests assert behaviour; timings belong in the README).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from eval.browser import free_port
from eval.qaset import load_qa
from eval.report import write_benchmark
from index.ingest.corpus import DEFAULT_CORPUS

ROOT = Path(__file__).resolve().parent.parent
QA = ROOT / "eval" / "qa.jsonl"
NEW_SYMBOL = "A/CONF.999/1"
NEW_DOCUMENT = f"""United Nations                                            {NEW_SYMBOL}
General Assembly                                          Distr.: General
                                                          1 December 2026

Report on luminous zirconium lanterns in disarmament verification

1. The Conference considered the use of luminous zirconium lanterns to verify the destruction
of stockpiles.

2. The Conference recommended that luminous zirconium lanterns be tested in three pilot sites.
"""
NEW_QUESTION = "What did the Conference recommend about luminous zirconium lanterns?"


# ---- 1. the page under load while the store changes -----------------------------------------

def start_page(store: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    page = subprocess.Popen([sys.executable, "-m", "assistant", "ui", "--llm", "none",
                             "--store", str(store), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    import urllib.request

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=2)
            return page
        except OSError:
            time.sleep(0.5)
    page.kill()
    raise RuntimeError(f"the page did not start: {page.stderr.read()[-2000:]}")


def cli(*args, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def load_test(store: Path, users: int, requests: int, think: float) -> dict:
    from gradio_client import Client

    items = load_qa(QA)
    port = free_port()
    page = start_page(store, port)
    url = f"http://127.0.0.1:{port}/"
    lock = threading.Lock()
    failures: list[str] = []
    cited: set[str] = set()
    done_requests = [0]
    latencies: list[float] = []
    writes_started = threading.Event()
    add_finished = threading.Event()
    after_add = [0]  # requests answered after the add finished: the load spans both writes
    total = users * requests

    def user(number: int) -> None:
        client = Client(url, verbose=False)
        for i in range(requests):
            item = items[(number * requests + i) % len(items)]
            started = time.perf_counter()
            try:
                result = client.predict(item.question, list(item.history), api_name="/chat")
                problem = result.get("error")
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                result, problem = {}, f"{type(exc).__name__}: {exc}"
            with lock:
                latencies.append(time.perf_counter() - started)
                done_requests[0] += 1
                if problem:
                    failures.append(f"{item.id}: {str(problem)[:200]}")
                cited.update(c["id"] for c in result.get("citations", []))
                if done_requests[0] >= total // 20:
                    writes_started.set()
                if add_finished.is_set():
                    after_add[0] += 1
            time.sleep(think)  # a user reads the answer before asking again

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    writes: dict = {}
    writes_started.wait()
    new_dir = Path(tempfile.mkdtemp(prefix="reliability-new-"))
    (new_dir / "A_CONF_999_1.en.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    # First the add (seconds), then a rebuild of the corpus and the new document (a minute or
    # more under this load), so that both writes land while the users are still asking.
    step = time.perf_counter()
    add = cli("index", new_dir, "--quiet", "--store", store)
    added_at = time.perf_counter()
    add_finished.set()
    writes["add_s"] = round(added_at - step, 1)
    writes["add_status"] = add.returncode
    # From the add finishing until the page cites the new document.
    probe = Client(url, verbose=False)
    visible_after = None
    while time.perf_counter() - added_at < 60:
        result = probe.predict(NEW_QUESTION, [], api_name="/chat")
        if any(c.get("symbol") == NEW_SYMBOL for c in result.get("citations", [])):
            visible_after = round(time.perf_counter() - added_at, 2)
            break
        time.sleep(0.25)
    step = time.perf_counter()
    rebuild = cli("index", "--rebuild", "--quiet", "--store", store, DEFAULT_CORPUS, new_dir)
    writes["rebuild_s"] = round(time.perf_counter() - step, 1)
    writes["rebuild_status"] = rebuild.returncode
    writes["requests_after_rebuild"] = total - done_requests[0]
    result = probe.predict(NEW_QUESTION, [], api_name="/chat")
    writes["new_document_cited_after_rebuild"] = any(
        c.get("symbol") == NEW_SYMBOL for c in result.get("citations", []))
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    # Oversized input through the page: one line, at once.
    step = time.perf_counter()
    oversized = probe.predict("And training?", ["a" * 200_000], api_name="/chat")
    writes["oversized_history_s"] = round(time.perf_counter() - step, 2)
    writes["oversized_history_message"] = oversized.get("error")
    page.terminate()
    page.wait(timeout=30)
    shutil.rmtree(new_dir, ignore_errors=True)

    from assistant.services import open_store
    from assistant.settings import Settings

    final_ids = {pid for page_ in open_store(Settings(store=store)).metadata_pages()
                 for pid in _ids(page_)}
    missing = sorted(cited - final_ids)
    latencies.sort()
    return {"users": users, "requests": total, "think_s": think, "failed": len(failures),
            "failures": failures[:20], "citations_checked": len(cited),
            "citations_missing": len(missing), "missing": missing[:20],
            "new_document_cited_after_s": visible_after, "requests_after_add": after_add[0],
            **writes,
            "seconds": round(elapsed, 1),
            "latency_p50_ms": round(1000 * latencies[len(latencies) // 2]),
            "latency_p95_ms": round(1000 * latencies[int(len(latencies) * 0.95)])}


def _ids(metadatas: list[dict]) -> list[str]:
    from index.models import Paragraph

    return [Paragraph.from_metadata("", meta).id for meta in metadatas]


# ---- 2. tokenization from many threads --------------------------------------------------------

def tokenization(threads: int = 8, rounds: int = 300) -> dict:
    from index.search.keyword import tokenize

    texts = [item.question for item in load_qa(QA)][:40]
    texts += [path.read_text(encoding="utf-8")[:2000] for path in sorted(DEFAULT_CORPUS.glob("*.txt"))]
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


# ---- 3. oversized and bad input, each in a fresh process -------------------------------------

def docx_bomb(path: Path, inflated_mb: int) -> None:
    """A valid .docx whose document.xml is one paragraph inflating to ``inflated_mb`` MB."""
    chunk = "zirconium " * 10_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="'
                   'application/vnd.openxmlformats-package.relationships+xml"/><Override '
                   'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
                   'org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                   'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="word/document.xml"/></Relationships>')
        with z.open("word/document.xml", "w") as member:
            member.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
                         b'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
                         b'<w:t>')
            for _ in range(inflated_mb * 1024 * 1024 // len(chunk)):
                member.write(chunk.encode())
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")


LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen([os.fsencode(arg) for arg in sys.argv[1:]], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(json.dumps({"status": os.waitstatus_to_exitcode(status),
                  "seconds": round(time.perf_counter() - started, 2),
                  "peak_mb": round(usage.ru_maxrss / 1024)}))
"""


def bad_inputs(store: Path) -> list[dict]:
    work = Path(tempfile.mkdtemp(prefix="reliability-bad-"))
    history = work / "history.json"
    history.write_text(json.dumps(["a" * 300_000]), encoding="utf-8")
    long_turn = work / "long-turn.json"
    long_turn.write_text(json.dumps(["Who chaired it?", "a" * 200_000]), encoding="utf-8")
    docx_bomb(work / "bomb-small.docx", 150)
    docx_bomb(work / "bomb-large.docx", 1200)
    (work / "one-paragraph.txt").write_text("weapons " * 400_000, encoding="utf-8")
    fifo = work / "pipe.pdf"
    os.mkfifo(fifo)
    store_arg = ["--store", str(store)]
    py = [sys.executable, "-m", "assistant"]
    cases = [
        ("search with a 300,000-character history file", py + ["search", "training",
                                                               "--history-file", str(history)]
         + store_arg),
        ("ask with a 200,000-character earlier question", py + [
            "ask", "And training?", "--llm", "none", "--history-file", str(long_turn)]
         + store_arg),
        # one argument can hold at most 128 KB on Linux
        ("ask with a 100,000-character question", py + ["ask", "a" * 100_000, "--llm", "none"]
         + store_arg),
        (".docx inflating to 150 MB", py + ["index", str(work / "bomb-small.docx")] + store_arg),
        (".docx inflating to 1.2 GB", py + ["index", str(work / "bomb-large.docx")] + store_arg),
        ("a 3.2 MB text of one paragraph", py + ["index", str(work / "one-paragraph.txt")]
         + store_arg),
        ("a named pipe", py + ["index", str(fifo)] + store_arg),
        ("show para. 99999999999", py + ["show", "CCW/GGE.1/2023/2 para. 99999999999"]
         + store_arg),
        ("show para. -1", py + ["show", "CCW/GGE.1/2023/2 para. -1"] + store_arg),
        ("show para. 21 (zz)", py + ["show", "CCW/GGE.1/2023/2 para. 21 (zz)"] + store_arg),
        ("show with a right-to-left mark", py + ["show", "CCW/GGE.1/2023/2 para.\u200f 9999"]
         + store_arg),
        ("a question of punctuation only", py + ["ask", "?!…", "--llm", "none"] + store_arg),
        ("invalid UTF-8 in an argument", [os.fsencode(sys.executable), b"-m", b"assistant",
                                          b"search", b"\xff\xfe", b"--store",
                                          os.fsencode(store)]),
    ]
    results = []
    for name, args in cases:
        # A small launcher starts each command: a child forked from this (large) process
        # would report this process's memory as its own peak.
        launched = subprocess.run([sys.executable, "-c", LAUNCHER, *map(os.fsdecode, args)],
                                  cwd=ROOT, capture_output=True, timeout=600)
        measured = json.loads(launched.stdout.decode().strip().splitlines()[-1])
        stderr = launched.stderr.decode("utf-8", "replace")
        lines = [line for line in stderr.splitlines()
                 if line.startswith(("error:", "skipped:"))] or stderr.splitlines() or [""]
        results.append({"input": name, **measured, "message": lines[0][:160],
                        "stderr_lines": len(stderr.strip().splitlines()),
                        "traceback": "Traceback" in stderr})
    shutil.rmtree(work, ignore_errors=True)
    return results


# ---- report -----------------------------------------------------------------------------------

def render(results: dict) -> str:
    load = results["load"]
    tok = results["tokenization"]
    out = ["| measure | bar | measured |", "|---|---|---|",
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--think", type=float, default=2.0,
                        help="seconds each user waits between requests (default 2)")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "out" / "reliability")
    args = parser.parse_args()
    store = Path(tempfile.mkdtemp(prefix="reliability-store-")) / "store"
    built = cli("index", "--quiet", "--store", store)
    if built.returncode != 0:
        print(built.stderr, file=sys.stderr)
        return 1
    results = {"tokenization": tokenization(),
               "load": load_test(store, args.users, args.requests, args.think),
               "bad_inputs": bad_inputs(store)}
    write_benchmark(args.out, "reliability", results, render(results))
    shutil.rmtree(store.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
