"""UI benchmark: time to a usable page and time to the first visible token, in a real browser.

    python -m eval.bench.ui [--store data/store] [--questions 8] [--llm none local]
                            [--startup] [--out eval/out/ui-benchmark]

For each model it starts `assistant ui` on a free loopback port, drives the page with Playwright
and Debian's chromium, presses Enter on each question and measures until the answer's first
characters are visible in the chat (the streamed draft with a model; the whole answer without
one). `--startup` also times `make run` (index, model check, page) until the page takes input:
run it after a first `make run`, as users restart. Nothing is asserted; results go to
ui-benchmark.json / .md under --out.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from eval.browser import CHROMIUM, CHROMIUM_ARGS, ask, free_port, new_conversation
from eval.qaset import load_qa
from eval.report import write_benchmark

ROOT = Path(__file__).resolve().parents[2]  # the repository: `make run`, QA set, outputs


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=20)
            return
        except ProcessLookupError:  # already gone
            process.wait()
            return
        except subprocess.TimeoutExpired:
            continue


def wait_usable(browser, url: str, process: subprocess.Popen, limit_s: float = 1800):
    """Open the page as soon as the server answers; usable = the message box takes input."""
    deadline = time.monotonic() + limit_s
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the UI process exited with {process.returncode}")
        try:
            page.goto(url, timeout=2000)
            page.wait_for_selector("#message textarea", timeout=10000)
            return page
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"no usable page at {url} after {limit_s} s")


WHOLE: list[float] = []  # Enter → the checked answer shown, for every timed question


def first_tokens(page, questions: list[str]) -> list[float]:
    """Enter → first visible characters for each question, each in a new conversation."""
    timings = []
    for question in questions:
        new_conversation(page)
        timings.append(timed_question(page, question, 0))
    return timings


def timed_question(page, question: str, answers_before: int) -> float:
    """Milliseconds from Enter to the answer's first visible characters (then waits for the
    checked answer, so the next question starts from a quiet page; that time goes to WHOLE)."""
    started = time.perf_counter()
    first = ask(page, question, answers_before, first_timeout_ms=120_000,
                answer_timeout_ms=180_000)
    WHOLE.append((time.perf_counter() - started) * 1000)
    return first


def follow_up_tokens(page, items) -> list[float]:
    """Enter → first visible characters for follow-ups: each item's earlier questions are asked
    first in a new conversation, then its follow-up is timed (a model rewrites it first)."""
    timings = []
    for item in items:
        new_conversation(page)
        for n, earlier in enumerate(item.history):
            timed_question(page, earlier, n)
        timings.append(timed_question(page, item.question, len(item.history)))
    return timings


def summary(ms: list[float]) -> dict:
    ordered = sorted(ms)
    return {"n": len(ms), "p50_ms": round(statistics.median(ms)),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]),
            "max_ms": round(max(ms))}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench.ui",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default="data/store")
    parser.add_argument("--questions", type=int, default=8, choices=range(1, 51),
                        metavar="N (1-50)")
    parser.add_argument("--llm", nargs="*", default=["none", "local"],
                        help="models to time the first token with; give none of them "
                             "(a bare --llm) to time only --startup")
    parser.add_argument("--startup", action="store_true", help="also time `make run`")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "out" / "ui-benchmark")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    items = [i for i in load_qa(ROOT / "eval" / "qa.jsonl")
             if i.answerable and not i.history and i.kind in ("newcomer", "researcher")]
    step = max(1, len(items) // args.questions)
    questions = [i.question for i in items[::step]][: args.questions]
    # follow-ups that are not paragraph look-ups (those need no model)
    follow_up_items = [i for i in load_qa(ROOT / "eval" / "qa.jsonl")
                       if i.history and i.answerable and i.kind == "multi-turn"
                       and "段" not in i.question and "para" not in i.question][:4]
    results: dict = {"machine": {"cores": os.cpu_count()}, "questions": len(questions)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if args.startup:
            port = free_port()
            env = dict(os.environ, ASSISTANT_UI_PORT=str(port))
            started = time.perf_counter()
            process = start(["make", "run", f"STORE={args.store}"], env)
            try:
                wait_usable(browser, f"http://127.0.0.1:{port}/", process).close()
                results["make_run_to_usable_page_s"] = round(time.perf_counter() - started, 1)
            finally:
                stop(process)
        for llm in args.llm:
            port = free_port()
            started = time.perf_counter()
            process = start([sys.executable, "-m", "assistant", "ui", "--store", args.store,
                             "--llm", llm, "--port", str(port)], dict(os.environ))
            try:
                page = wait_usable(browser, f"http://127.0.0.1:{port}/", process)
                ready = time.perf_counter() - started
                first_tokens(page, questions[:1])  # the first answer also loads lazy parts
                WHOLE.clear()
                fresh = summary(first_tokens(page, questions))
                whole = summary(WHOLE)
                follow_ups = (summary(follow_up_tokens(page, follow_up_items))
                              if follow_up_items else None)
                results[llm] = {"ui_start_to_usable_page_s": round(ready, 1),
                                "first_visible_token": fresh, "whole_answer": whole,
                                "first_visible_token_in_conversation": follow_ups}
            finally:
                stop(process)
        browser.close()
    write_benchmark(args.out, "ui-benchmark", results, render(results))
    return 0


def render(results: dict) -> str:
    rows = ["| measure | value |", "|---|---:|"]
    if "make_run_to_usable_page_s" in results:
        rows.append(f"| `make run` (already set up) to a usable page | "
                    f"{results['make_run_to_usable_page_s']} s |")
    for llm in ("none", "local", "openai"):
        if llm in results:
            r = results[llm]
            f = r["first_visible_token"]
            rows.append(f"| llm={llm}: `assistant ui` start to a usable page | "
                        f"{r['ui_start_to_usable_page_s']} s |")
            rows.append(f"| llm={llm}: Enter to first visible token, new question, p50 / p95 "
                        f"(n={f['n']}) | {f['p50_ms']} / {f['p95_ms']} ms |")
            w = r.get("whole_answer")
            if w:
                rows.append(f"| llm={llm}: Enter to the checked answer shown, new question, "
                            f"p50 / p95 (n={w['n']}) | {w['p50_ms']} / {w['p95_ms']} ms |")
            c = r["first_visible_token_in_conversation"]
            if c:
                rows.append(f"| llm={llm}: the same for a follow-up (rewritten with the history "
                            f"first), p50 / p95 (n={c['n']}) | "
                            f"{c['p50_ms']} / {c['p95_ms']} ms |")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
