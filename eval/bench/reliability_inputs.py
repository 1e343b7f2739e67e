"""Reliability, part 3: every oversized or bad input of the reliability issue, each in a fresh
process; exit status, what the user reads, seconds and peak memory (eval.bench.reliability)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: where `python -m assistant` runs


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
