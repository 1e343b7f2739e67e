"""Language models over HTTP: a real llama.cpp server (0.5B) on loopback, the local 1.5B model,
and servers that are down, slow or return garbage."""

import json
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fakes import OPEN_CUT_OFF
from assistant.chain import answer_question
from assistant.llm.factory import make_chat_model
from assistant.settings import Settings
from eval.browser import free_port
from index.errors import ConfigError
from index.search.retriever import Retriever

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Should States provide training and instructions to human operators of LAWS?"


class QuietServer(ThreadingHTTPServer):
    """A fake model server whose client gave up (the slow one, after its timeout) ends the
    request quietly: the default prints a traceback to stderr, from a thread, into whichever
    test's captured output happens to be running then."""

    def handle_error(self, request, client_address):
        pass


def serve(handler_class):
    server = QuietServer(("127.0.0.1", 0), handler_class)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Garbage(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{not json at all")

    def log_message(self, *args):
        pass


class Slow(Garbage):
    def do_POST(self):  # noqa: N802
        time.sleep(5)
        super().do_POST()


def openai_settings(url: str, timeout: int = 10) -> Settings:
    return Settings(llm="openai", llm_base_url=url, llm_model="x", llm_timeout=timeout,
                    translate=False, **OPEN_CUT_OFF)


# ---- faults (plain suite: loopback only, no model) -------------------------------------------

def test_server_that_is_down_falls_back_to_extractive(fake_retriever):
    settings = openai_settings(f"http://127.0.0.1:{free_port()}/v1")
    answer = answer_question(QUESTION, [], fake_retriever, make_chat_model(settings), settings)
    assert answer.mode == "extractive" and "did not answer" in answer.notice
    assert answer.citations


def test_server_returning_garbage_falls_back_to_extractive(fake_retriever):
    server = serve(Garbage)
    try:
        settings = openai_settings(f"http://127.0.0.1:{server.server_port}/v1")
        answer = answer_question(QUESTION, [], fake_retriever, make_chat_model(settings),
                                 settings)
    finally:
        server.shutdown()
    assert answer.mode == "extractive" and answer.citations


def test_slow_server_times_out_instead_of_hanging(fake_retriever):
    server = serve(Slow)
    try:
        settings = openai_settings(f"http://127.0.0.1:{server.server_port}/v1", timeout=1)
        started = time.perf_counter()
        answer = answer_question(QUESTION, [], fake_retriever, make_chat_model(settings),
                                 settings)
        waited = time.perf_counter() - started
    finally:
        server.shutdown()
    assert answer.mode == "extractive" and "timed out" in answer.notice
    assert waited < 4


def test_openai_without_base_url_is_a_config_error():
    with pytest.raises(ConfigError, match="base URL"):
        make_chat_model(Settings(llm="openai"))


# ---- real models -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def llama_server():
    """The llama.cpp server with the 0.5B model, in its own process, on a loopback port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.llm.serve", "--model", "qwen2.5-0.5b", "--port",
         str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                json.load(response)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"llama.cpp server exited: {process.stdout.read()[-2000:]}")
            time.sleep(1)
    else:
        process.kill()
        pytest.fail("llama.cpp server did not start in 120 s")
    yield url
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.integration
def test_remote_openai_compatible_server_answers_with_checked_citations(real_store, llama_server):
    retriever = Retriever(real_store)
    settings = Settings(llm="openai", llm_base_url=llama_server, llm_model="qwen2.5-0.5b",
                        llm_timeout=120, translate=True)
    llm = make_chat_model(settings)
    answer = answer_question(QUESTION, [], retriever, llm, settings)
    assert answer.mode in ("llm", "refusal")
    given = {h.paragraph.id for h in answer.passages}
    assert all(c.paragraph.id in given for c in answer.citations)
    assert all(c.paragraph.id in retriever.catalogue.paragraphs for c in answer.citations)
    assert "translate_ms" in answer.timings  # the model also translated the question


@pytest.mark.integration
def test_local_model_answers_in_process_with_citations(real_store):
    retriever = Retriever(real_store)
    settings = Settings(llm="local", translate=False)
    llm = make_chat_model(settings)
    answer = answer_question("Does international humanitarian law apply to LAWS?", [],
                             retriever, llm, settings)
    assert answer.mode == "llm", answer.text
    assert answer.citations
    assert "first_token_ms" in answer.timings
