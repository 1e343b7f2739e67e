"""The commands about documents: `assistant index | docs | remove | show`."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from index.errors import AssistantError, QueryError

from ..render import print_paragraphs
from ..settings import Settings
from .terminal import EXIT_ERROR, EXIT_INTERRUPTED


def cmd_index(args, settings: Settings) -> int:
    from ..services import index_paths

    for path in args.paths:
        if not path.exists():
            raise AssistantError(f"{path}: no such file or folder")
        if not (path.is_file() or path.is_dir()):  # a named pipe would block the read
            raise AssistantError(f"{path}: not a regular file or folder")
    bars = PageBars(enabled=not args.quiet)
    try:
        run = index_paths(settings, args.paths, rebuild=args.rebuild, on_page=bars.update,
                          on_progress=bars.embedding)
    except KeyboardInterrupt:
        bars.close()
        if args.rebuild:
            print("stopped: the rebuild was abandoned; the index in use is unchanged",
                  file=sys.stderr)
        else:
            print("stopped: the paragraphs embedded so far are kept; run the same command again "
                  "to finish (they are not embedded again)", file=sys.stderr)
        return EXIT_INTERRUPTED
    for reason in run.skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    report = run.report
    for parsed in run.documents:
        doc_id = parsed.document.doc_id
        if doc_id in report.new_documents or doc_id in report.changed_documents:
            state = "new" if doc_id in report.new_documents else "updated"
            print(f"{state}: {describe_detected(parsed)}")
    where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.store
    detail = f"; {report.shipped} of the vectors came with the corpus" if report.shipped else ""
    if run.last_index is not None:
        detail = "; the files and the store are as the last index left them"
    print(
        f"indexed {len(report.documents)} documents, {run.paragraphs} paragraphs into {where}: "
        f"{report.embedded} embedded, {report.unchanged} unchanged, {report.removed} removed "
        f"({report.seconds:.1f} s{detail})"
    )
    for doc_id in report.removed_documents:
        print(f"removed: {doc_id} (its file is gone)")
    # Nothing could be indexed: the input was bad (each file's reason is printed above).
    return EXIT_ERROR if run.skipped and not run.documents else 0


def describe_detected(parsed) -> str:
    """One line of what was detected in a document: symbol, language, date, slugs, title."""
    doc = parsed.document
    pieces = [doc.symbol or f"(no symbol: {doc.doc_id})", doc.lang]
    pieces += [p for p in (doc.date, doc.original and f"Original: {doc.original}",
                           doc.distribution and f"Distr.: {doc.distribution}") if p]
    pieces.append(f"{len(parsed.paragraphs)} paragraphs")
    return " · ".join(pieces) + f" — {doc.title} [{doc.source}]"


class PageBars:
    """A progress bar per PDF while its pages are read (a 180-page report takes seconds), and
    one while paragraphs are embedded."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bars: dict = {}

    def embedding(self, done: int, total: int) -> None:
        self.update(Path("paragraphs"), done, total, desc="embedding", unit="para")

    def update(self, path: Path, done: int, total: int, desc: str = "", unit: str = "page"
               ) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self.bars.get(path)
        if bar is None:
            bar = self.bars[path] = tqdm(total=total, desc=desc or f"reading {path.name}",
                                         unit=unit, file=sys.stderr, leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def cmd_docs(args, settings: Settings) -> int:
    from index.store.documents import list_documents

    from ..services import open_store

    documents = list_documents(open_store(settings))
    if args.json:
        print(json.dumps([{**vars(d), "card": d.card and asdict(d.card)} for d in documents],
                         ensure_ascii=False, indent=1))
        return 0
    if not documents:
        print("no documents in the index: add some with `assistant index FILE…`")
        return 0
    width = max(len(d.name) for d in documents)
    for d in documents:
        state = "" if d.complete else "  (incomplete: indexing was stopped; index it again)"
        print(f"{d.name:<{width}}  {d.lang}  {d.paragraphs:>5}  {_shorten(d.title, 60):<60}  "
              f"{d.source}{state}")
        for line in d.card.lines(d.lang) if d.card else ():
            print(f"{'':<{width}}  {_shorten(line, 110)}")  # its identity card, indented
    print(f"{len(documents)} documents, {sum(d.paragraphs for d in documents)} paragraphs")
    return 0


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_remove(args, settings: Settings) -> int:
    from index.search.catalogue import refresh_catalogue_files

    from ..services import open_store, remove_from_index

    store = open_store(settings)
    for d in remove_from_index(settings, store, args.document):
        print(f"removed: {d.name} ({d.lang}, {d.paragraphs} paragraphs) — {d.title}")
    refresh_catalogue_files(store)  # the page's next start then reads it as it is
    return 0


def cmd_show(args, settings: Settings) -> int:
    from index.search.lookup import look_up

    from ..services import build_retriever

    if not args.citation.strip():
        raise QueryError("give a citation such as \"CCW/GGE.1/2023/2 para. 21 (c)\" or a symbol")
    retriever = build_retriever(settings)
    paragraphs = look_up(retriever.catalogue, args.citation)
    if args.json:
        records = []
        for p in paragraphs:
            other = retriever.catalogue.counterpart(p)
            record = p.to_record()
            record["counterpart"] = other.to_record() if other else None
            records.append(record)
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        print_paragraphs(paragraphs, retriever.catalogue.counterpart)
    return 0
