"""Opening Chroma (index/store/client.py): the errors that say how to build a store, and a
real `chroma run` server (marked integration)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from eval.browser import free_port
from index.errors import ConfigError, StoreError
from index.search.retriever import Retriever
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore

from fakes import FakeEmbedder

SYMBOL = "CCW/GGE.1/2023/2"


def paragraph_count(documents) -> int:
    return sum(len(d.paragraphs) for d in documents)


# ---- errors ------------------------------------------------------------------------------------

def test_open_client_on_missing_dir_says_how_to_build(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(StoreError) as info:
        open_client(missing)
    assert "assistant index" in str(info.value) and str(missing) in str(info.value)
    assert not missing.exists()  # looking must not create it


def test_open_client_on_non_chroma_dir_says_how_to_build(tmp_path):
    folder = tmp_path / "not-a-store"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        open_client(folder)
    assert "not a Chroma store" in str(info.value) and "assistant index" in str(info.value)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_open_client_without_path_or_host_is_a_config_error():
    with pytest.raises(ConfigError):
        open_client()


def test_open_client_to_port_with_no_server_raises_store_error():
    port = free_port()
    started = time.perf_counter()
    with pytest.raises(StoreError, match=f"127.0.0.1:{port}"):
        open_client(host="127.0.0.1", port=port)
    assert time.perf_counter() - started < 30


def test_open_client_rejects_bad_port():
    with pytest.raises(ConfigError, match="port must be > 0"):
        open_client(host="127.0.0.1", port=0)


# ---- integration: a real Chroma server ---------------------------------------------------------

@pytest.fixture
def chroma_server(tmp_path):
    """`chroma run` on a free loopback port; always terminated."""
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.fail(f"chroma CLI not found beside {sys.executable}")
    port = free_port()
    data = tmp_path / "server-data"
    log = open(tmp_path / "chroma.log", "wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma exited with {proc.returncode}: "
                            f"{(tmp_path / 'chroma.log').read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat",
                                            timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma server did not answer its heartbeat within 30 s")
            time.sleep(0.2)
        yield "127.0.0.1", port, data
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.mark.integration
def test_index_and_search_through_a_chroma_server(chroma_server, data_dir, data_documents):
    host, port, data = chroma_server
    embedder = FakeEmbedder()
    store = ParagraphStore(open_client(host=host, port=port), embedder)
    documents = data_documents
    report = store.sync(documents, scope=[data_dir])
    assert report.embedded == paragraph_count(documents)
    assert store.count() == paragraph_count(documents)

    # A second client (another process would do the same) sees the index and re-syncs for free.
    again = ParagraphStore(open_client(host=host, port=port), FakeEmbedder())
    assert again.sync(data_documents, scope=[data_dir]).embedded == 0
    assert again.embedder.documents_embedded == 0

    hits = Retriever(again).search("CCW/GGE.1/2023/2 para. 21 (a)", k=5)
    first = hits[0].paragraph
    assert (first.symbol, first.part, first.locator) == (SYMBOL, "body", "21(a)")
    assert "locator" in hits[0].sources
    assert first.text.startswith("IHL continues to apply fully")
    assert (data / "chroma.sqlite3").exists()  # the server persisted to the folder it was given
