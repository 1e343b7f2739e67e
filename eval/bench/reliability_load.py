"""Reliability, part 1: the real page under concurrent users while another process adds a
document and rebuilds the store (eval.bench.reliability runs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from eval.browser import free_port
from eval.qaset import load_qa
from index.ingest.corpus import BUNDLED

ROOT = Path(__file__).resolve().parents[2]  # the repository: where `python -m assistant` runs
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
    """`python -m assistant ARGS…` in its own process (a second writer, as a user's would be)."""
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
    rebuild = cli("index", "--rebuild", "--quiet", "--store", store, *BUNDLED, new_dir)
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
