"""What the last `assistant index` read and left in the store, so that the next one over the
same files and an untouched store can say "nothing changed" without parsing a document.

Why: every `make run` indexes the bundled library before serving the page. With nothing
changed, parsing the eleven documents and comparing their 3,775 paragraphs with the store's
took ~4 s of a ~21 s start (issue 20's bar: 20 s). The record holds each file's size and
SHA-256 (a fresh clone's mtimes say nothing), a digest of the code under ``index/`` (a changed
parser or store must index again), the embedder's name and the store's generation after the
last index: any write to the store since (the page's Add or Remove, another process's index)
changes the generation, and the next index runs in full.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

RECORD = "indexed_files.json"
FORMAT = 1
_CODE = Path(__file__).resolve().parents[1]  # the `index` package


@dataclass(frozen=True)
class LastIndex:
    """What an index over unchanged files would report."""

    documents: list[str]
    paragraphs: int


def fingerprint(files: list[Path], embedder: str) -> dict:
    """The files an index reads (their content, not their dates), the code that reads and
    stores them, and the embedder whose vectors it writes."""
    return {"format": FORMAT, "embedder": embedder, "code": _code_digest(),
            "files": {str(path.resolve()): _file_digest(path) for path in sorted(files)}}


def unchanged(record: Path, files: dict, generation: str) -> LastIndex | None:
    """The last index's outcome when ``files`` (a ``fingerprint``) and the store's generation
    are what it recorded; None when anything differs or there is no readable record."""
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
        if saved["fingerprint"] != files or saved["generation"] != generation:
            return None
        return LastIndex(list(saved["documents"]), int(saved["paragraphs"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(record: Path, files: dict, generation: str, outcome: LastIndex) -> None:
    """Write the record whole or not at all (a reader never sees half of it)."""
    record.parent.mkdir(parents=True, exist_ok=True)
    partial = record.with_name(record.name + ".partial")
    partial.write_text(json.dumps({"fingerprint": files, "generation": generation,
                                   "documents": outcome.documents,
                                   "paragraphs": outcome.paragraphs}), encoding="utf-8")
    os.replace(partial, record)


def forget(record: Path) -> None:
    record.unlink(missing_ok=True)


def _file_digest(path: Path) -> list:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while block := source.read(1 << 20):
            digest.update(block)
    return [path.stat().st_size, digest.hexdigest()]


def _code_digest() -> str:
    digest = hashlib.sha256()
    for source in sorted(_CODE.rglob("*.py")):
        digest.update(str(source.relative_to(_CODE)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()
