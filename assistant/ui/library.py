"""Adding and removing documents from the page, without Gradio: check, preview, index, remove;
and the library's listing, by series.

Uploads are checked and parsed first (nothing is stored), so the user sees what was detected
(symbol, language, paragraph count) and confirms. Confirmed files are copied into the library
folder beside the store, so the index can always be rebuilt from files, then embedded in
batches with progress; a stop keeps what is embedded and the next add resumes. The shared
retriever is reloaded, so every open conversation can cite the new document at once.
"""

from __future__ import annotations

import dataclasses
import html
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from index.store.documents import list_documents
from index.errors import AssistantError
from index.ingest.corpus import SIDECAR, load_documents
from index.models import ParsedDocument
from index.search.retriever import Retriever
from index.un.series import SERIES_NAMES

from .. import texts
from ..named_document import count_documents
from ..services import index_documents, remove_from_index
from .scope_filter import series_order

BUSY = texts.both(texts.BUSY)  # app.py keeps the staged files when it sees this


@dataclass
class Staged:
    """One uploaded file after its checks: parsed, or refused with a one-line reason."""

    path: Path
    name: str
    parsed: ParsedDocument | None = None
    reason: str | None = None
    known: bool = False  # a document with this id is already indexed: adding updates it


class Library:
    def __init__(self, retriever: Retriever, settings):
        self.retriever, self.settings = retriever, settings
        self._indexing = threading.Lock()
        self._stop = threading.Event()  # the running add's; made anew for each add

    def stop(self) -> None:
        """Stop the add in progress (there is one at a time) after its current batch."""
        self._stop.set()

    def busy(self) -> bool:
        return self._indexing.locked()

    # ---- check and preview ------------------------------------------------------------------

    def stage(self, paths: list[str]) -> list[Staged]:
        """Check and parse uploaded files (as `assistant index` reads files: a metadata file
        uploaded with its document applies to it, a second file of one document is refused);
        a bad file is refused, the others still go."""
        paths = [Path(p) for p in paths or []]
        documents = [p for p in paths if not p.name.lower().endswith(SIDECAR)]
        limit = self.settings.upload_max_files
        overflow = [Staged(p, p.name, reason=texts.TOO_MANY_FILES.format(name=p.name, limit=limit))
                    for p in documents[limit:]]
        kept = set(documents[:limit])
        loaded = load_documents([p for p in paths if p in kept or p not in documents],
                                max_mb=self.settings.upload_max_mb)
        indexed = set(self.retriever.catalogue.current().by_document)
        checked: list[Staged] = []
        for path in documents[:limit]:
            item = Staged(path, path.name)
            outcome = loaded.by_file.get(path) or next(  # a path that is no regular file
                (reason for reason in loaded.skipped if reason.startswith(str(path))), None)
            if isinstance(outcome, ParsedDocument):
                item.parsed = outcome
                item.known = outcome.document.doc_id in indexed
            else:
                item.reason = _names_only(outcome or texts.NOTHING_TO_ADD, paths)
            checked.append(item)
        return checked + overflow

    # ---- add ---------------------------------------------------------------------------------

    def add(self, staged: list[Staged], on_progress: Callable[[int, int], None] | None = None,
            stop: threading.Event | None = None) -> str:
        """Index the parsed files; returns a one-paragraph summary for the page. ``stop``
        (default: the one ``stop()`` sets) ends it after the current batch."""
        ready = [item for item in staged if item.parsed is not None]
        if not ready:
            return texts.NOTHING_TO_ADD
        if not self._indexing.acquire(blocking=False):
            return BUSY
        try:
            self._stop = stop or threading.Event()
            documents = [self._keep(item) for item in ready]
            report = index_documents(self.retriever.store, documents, on_progress=on_progress,
                                     stop=self._stop, catalogue=self.retriever.catalogue)
        finally:
            self._indexing.release()
        names = ", ".join(d.document.symbol or d.document.doc_id for d in documents)
        if report.stopped:
            return texts.ADD_STOPPED.format(embedded=report.embedded, names=names)
        return texts.both(texts.ADDED).format(names=names, embedded=report.embedded,
                                              unchanged=report.unchanged)

    def _keep(self, item: Staged) -> ParsedDocument:
        """Copy the upload into the library folder and make that copy the document's source.
        Named by the document's id, so two uploads called "report.pdf" never share a file and
        a new version of a document replaces its old file."""
        folder = self.settings.library_dir
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{item.parsed.document.doc_id}{item.path.suffix.lower()}"
        if item.path.resolve() != target.resolve():
            shutil.copyfile(item.path, target)
        document = dataclasses.replace(item.parsed.document, source=str(target))
        return ParsedDocument(document, item.parsed.paragraphs)

    # ---- remove ------------------------------------------------------------------------------

    def remove(self, name: str) -> str:
        if not (name or "").strip():
            return texts.CHOOSE_TO_REMOVE
        if not self._indexing.acquire(blocking=False):
            return BUSY
        try:
            removed = remove_from_index(self.settings, self.retriever.store, name)
            self.retriever.catalogue.reload()
        except AssistantError as exc:
            return str(exc)
        finally:
            self._indexing.release()
        names = "; ".join(texts.REMOVED_DOCUMENT.format(name=d.name, lang=d.lang,
                                                        paragraphs=d.paragraphs)
                          for d in removed)
        return texts.both(texts.REMOVED).format(documents=names)

    def documents(self):
        return list_documents(self.retriever.store)


def _names_only(reason: str, paths: list[Path]) -> str:
    """A reason with the uploads' server paths replaced by the names the user knows."""
    for path in sorted(paths, key=lambda p: -len(str(p))):
        reason = reason.replace(str(path), path.name)
    return reason


def preview_html(staged: list[Staged]) -> str:
    """A table of what was detected in each upload, refusals with their reason."""
    if not staged:
        return ""
    rows = []
    for item in staged:
        name = html.escape(item.name)
        if item.parsed is None:
            rows.append(f"<tr class='refused'><td>{name}</td><td colspan='5'>✗ "
                        f"{html.escape(item.reason or '')}</td></tr>")
            continue
        doc = item.parsed.document
        state = texts.PREVIEW_STATES["known" if item.known else "new"]
        rows.append(
            f"<tr><td>{name}</td><td>{html.escape(doc.symbol or texts.NO_SYMBOL)}</td>"
            f"<td>{doc.lang}</td><td>{len(item.parsed.paragraphs)}</td>"
            f"<td>{html.escape(doc.title)}</td><td>{state}</td></tr>")
    return ("<table class='upload-preview'>" + _header(texts.PREVIEW_COLUMNS) + "".join(rows)
            + "</table>")


def documents_html(documents) -> str:
    """The library by series, a heading per series in both languages; each document (one
    language version) with its paragraph count, date and title, and a ``data-document`` (its
    doc id) that opens it when clicked (app.py)."""
    if not documents:
        return f"<p class='empty-library'>{texts.both(texts.EMPTY_LIBRARY)}</p>"
    groups: dict[str, list] = {}
    for d in documents:
        groups.setdefault(d.series, []).append(d)
    sections = []
    for code in sorted(groups, key=series_order):
        names = SERIES_NAMES.get(code)  # a series it lacks goes by its code alone
        heading = texts.SERIES_HEADING.format(
            name=texts.both(names) if names else code, code=code, documents=len(groups[code]))
        rows = "".join(_listed(d) for d in groups[code])
        sections.append(f"<section class='series' data-series='{html.escape(code)}'>"
                        f"<h4>{html.escape(heading)}</h4><table class='indexed-documents'>"
                        f"{_header(texts.LISTING_COLUMNS)}{rows}</table></section>")
    count, versions = count_documents((d.doc_id, d.symbol) for d in documents)
    size = texts.both(texts.LIBRARY_SIZE).format(documents=count, versions=versions)
    return (f"<div class='library'><p class='library-size'>{html.escape(size)}</p>"
            + "".join(sections) + "</div>")


_INCOMPLETE = f"<span class='incomplete'>{html.escape(texts.INCOMPLETE)}</span>"


def _listed(d) -> str:
    tooltip = f"{texts.OPEN_DOCUMENT_TITLE} · {d.doc_id} · {Path(d.source).name}"
    return (f"<tr class='open-document' data-document='{html.escape(d.doc_id)}' tabindex='0' "
            f"title='{html.escape(tooltip)}'><td class='name'>"
            f"{html.escape(d.symbol or texts.NO_SYMBOL)} <span class='lang'>{html.escape(d.lang)}"
            f"</span></td><td>{d.paragraphs}{'' if d.complete else _INCOMPLETE}</td>"
            f"<td class='date'>{html.escape(d.date or texts.NO_DATE)}</td>"
            f"<td>{html.escape(d.title)}{_card(d.card)}</td></tr>")


def _card(card) -> str:
    """The identity card under a document's title: what it is, who issued it, its names,
    whose words it holds, in both languages."""
    if card is None:
        return ""
    lines = card.lines("en") + card.lines("zh")
    return ("<div class='identity-card'>" + "".join(f"<div>{html.escape(line)}</div>"
                                                  for line in lines) + "</div>")


def _header(columns: tuple[str, ...]) -> str:
    return "<tr>" + "".join(f"<th>{name}</th>" for name in columns) + "</tr>"
