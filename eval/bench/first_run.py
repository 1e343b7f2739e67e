"""Benchmark: a new user's first `make run` — clone, install, index the bundled library, prepare
the local model, serve the page — timed to the moment the page answers; then the second
`make run` in the same clone.

    python -m eval.bench.first_run [--out eval/out/first_run] [--timeout 900]

The clone is made from this checkout's last commit, in a temporary folder; the package
registries are reached as `make setup` reaches them. Nothing here is asserted: the figures go
in the README's results table.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from eval.browser import free_port
from eval.report import write_benchmark

ROOT = Path(__file__).resolve().parents[2]


def page_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def timed_run(clone: Path, timeout: float, log: Path) -> dict:
    """`make run` in ``clone`` until its page answers; the seconds it took, and the process
    stopped."""
    port = free_port()
    env = {**os.environ, "ASSISTANT_UI_PORT": str(port)}
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            while time.perf_counter() - started < timeout:
                if page_answers(port):
                    return {"seconds": round(time.perf_counter() - started, 1), "ok": True}
                if process.poll() is not None:
                    return {"seconds": round(time.perf_counter() - started, 1), "ok": False,
                            "exit": process.returncode}
                time.sleep(1)
            return {"seconds": timeout, "ok": False, "timed_out": True}
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


def render(results: dict) -> str:
    first, second = results["first"], results["second"]

    def shown(run: dict) -> str:
        state = "" if run["ok"] else " (did not answer: see the log)"
        return f"{run['seconds'] / 60:.1f} min ({run['seconds']} s){state}"

    return "\n".join([
        "| measure | bar | measured |", "|---|---|---|",
        f"| first `make run` on a fresh clone, to a page that answers | ≤ 6 min | {shown(first)} |",
        f"| second `make run` | ≤ 20 s | {second['seconds']} s"
        f"{'' if second['ok'] else ' (did not answer)'} |"])


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench.first_run",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "out" / "first_run")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        results = {"first": timed_run(clone, args.timeout, args.out / "first.log"),
                   "second": timed_run(clone, args.timeout, args.out / "second.log")}
    write_benchmark(args.out, "first_run", results, render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
