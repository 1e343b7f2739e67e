"""Find documents under the given paths, parse them, and collect one-line reasons for skips."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from index.errors import DocumentError
from index.ingest.limits import MAX_FILE_MB
from index.ingest.metadata import load_sidecar, read_metadata_file
from index.models import ParsedDocument
from index.ingest.files import check_regular_file, is_supported
from index.ingest.paragraphs import parse_file

# The bundled corpus: the first five documents, and the library of six more added with it.
CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
LIBRARY_DIR = Path(__file__).resolve().parent.parent / "library"
BUNDLED = (CORPUS_DIR, LIBRARY_DIR)  # what `assistant index` reads when given no paths
SKIP_NAMES = {"README.md"}
SIDECAR = ".meta.json"  # "report.meta.json": what is known of "report.pdf" (metadata.py)


@dataclass
class LoadResult:
    documents: list[ParsedDocument] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line each, naming the file
    # Each document file read: what it gave, or the one-line reason it was skipped.
    by_file: dict[Path, ParsedDocument | str] = field(default_factory=dict)


def discover(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Document files under ``paths`` (folders are walked), and reasons for bad paths: one
    that does not exist, and one that is not a regular file (a named pipe, a device), which
    is never opened, since reading one blocks until something writes to it."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if is_supported(found) and found.name not in SKIP_NAMES and not found.is_dir():
                    _add_regular(found, files, problems)
        elif path.exists():
            _add_regular(path, files, problems)
        else:
            problems.append(f"{path}: no such file or folder")
    return files, problems


def _add_regular(path: Path, files: list[Path], problems: list[str]) -> None:
    try:
        check_regular_file(path)
    except DocumentError as exc:
        problems.append(str(exc))
    else:
        files.append(path)


def load_documents(paths: list[Path],
                   on_page: Callable[[Path, int, int], None] | None = None,
                   max_mb: float = MAX_FILE_MB) -> LoadResult:
    """Parse every document; a bad file is skipped with its reason, the rest still load.
    A metadata file given among ``paths`` ("report.meta.json" beside "report.pdf", or
    uploaded with it from elsewhere) overrides what is detected in its document, as one next
    to the document does. A second file of a document already read is skipped.
    ``on_page(path, done, total)`` follows a PDF's pages as they are read; ``max_mb``: the
    largest file read."""
    sidecars = {p.name[: -len(SIDECAR)]: p for p in paths if p.name.lower().endswith(SIDECAR)}
    files, problems = discover([p for p in paths if p not in sidecars.values()])
    result = LoadResult(skipped=problems)
    owners: dict[str, Path] = {}
    for path in files:
        try:
            pages = (lambda done, total, path=path: on_page(path, done, total)) if on_page else None
            sidecar = sidecars.get(path.stem)
            overrides = read_metadata_file(sidecar) if sidecar else load_sidecar(path)
            parsed = parse_file(path, overrides, on_page=pages, max_mb=max_mb)
        except DocumentError as exc:
            result.skipped.append(str(exc))
            result.by_file[path] = str(exc)
            continue
        doc_id = parsed.document.doc_id
        if doc_id in owners:
            reason = f"{path}: same document as {owners[doc_id]} ({doc_id}); skipped"
            result.skipped.append(reason)
            result.by_file[path] = reason
            continue
        owners[doc_id] = path
        result.documents.append(parsed)
        result.by_file[path] = parsed
    return result
