"""The scale benchmark's report (eval/bench/scale.py): what the table shows, how each figure
grows from the smallest size to the largest, and what went over its assumed budget."""

from __future__ import annotations

import math

ADDED_RECORDS = 150  # one more report, added to the full index as the page's "Add to index" does

# (label, path in a measure() result, unit, budget): what the table shows and the growth compares.
# Budgets are assumed, for a page serving one library; the verdict names those a run exceeds.
METRICS = [
    ("index: sync into an empty store", "index.index_s", "s", 3600),
    ("index: of which hashing embedder", "index.embed_s", "s", None),
    ("index: insert rate, first tenth", "index.first_tenth_per_s", "rec/s", None),
    ("index: insert rate, last tenth", "index.last_tenth_per_s", "rec/s", None),
    ("index: process peak RSS", "index.memory.peak_mb", "MB", None),
    ("store size on disk", "disk_mb", "MB", None),
    ("index: keyword file brought in line (assistant index)", "index.keyword_file_s", "s", None),
    ("startup: Catalogue load (held documents + keyword file checked)", "serve.catalogue_s",
     "s", 10),
    ("startup: then the first search (beside the warm-up)", "serve.first_search_s", "s", None),
    ("each language's vectors held in the background (Retriever.warm_up)", "serve.warm_up_s",
     "s", None),
    ("keyword file on disk", "serve.keyword_file_mb", "MB", None),
    ("Retriever.search p50", "serve.search_ms.p50", "ms", None),
    ("Retriever.search p95", "serve.search_ms.p95", "ms", 1000),
    ("  keyword signal (BM25) p50 / wording", "serve.keyword_ms.p50", "ms", None),
    ("  keyword signal (BM25) p95 / wording", "serve.keyword_ms.p95", "ms", None),
    ("  dense signal (zh + en queries) p50 / wording", "serve.dense_ms.p50", "ms", None),
    ("  dense signal (zh + en queries) p95 / wording", "serve.dense_ms.p95", "ms", None),
    ("  the same, one query without where filter, p50", "serve.unfiltered_ms.p50", "ms", None),
    ("serving process RSS, store opened", "serve.memory_opened.rss_mb", "MB", None),
    ("serving process RSS, Catalogue loaded", "serve.memory_catalogue.rss_mb", "MB", None),
    ("serving process peak RSS", "serve.memory.peak_mb", "MB", 4096),
    ("server process RSS after indexing", "server_after_index.rss_mb", "MB", None),
    ("server process peak RSS", "server_after_serve.peak_mb", "MB", 4096),
    (f"add a document ({ADDED_RECORDS} rec.) to the full index: sync", "serve.add_sync_s", "s",
     10),
    ("add a document: Catalogue reload (before it is answerable)", "serve.add_reload_s", "s", 10),
    ("add a document: then one search in each language", "serve.searches_after_add_s", "s",
     None),
]


def value(result: dict, path: str):
    for key in path.split("."):
        result = result.get(key) if isinstance(result, dict) else None
    return result


def growth(runs: list[dict]) -> list[dict]:
    """Per store kind, each metric from the smallest to the largest finished size: the factor
    and its exponent (1: linear in the records), fastest growing first."""
    rows = []
    for kind in dict.fromkeys(r["kind"] for r in runs):
        done = sorted((r for r in runs if r["kind"] == kind and "serve" in r),
                      key=lambda r: r["records"])
        if len(done) < 2:
            continue
        small, big = done[0], done[-1]
        for label, path, unit, _ in METRICS:
            a, b = value(small, path), value(big, path)
            if a and b and "rate" not in label:
                rows.append({"kind": kind, "metric": label.strip(), "unit": unit, "from": a,
                             "to": b, "factor": round(b / a, 2), "exponent": round(
                                 math.log(b / a) / math.log(big["records"] / small["records"]), 2)})
    return sorted(rows, key=lambda r: -r["exponent"])


def verdict(runs: list[dict], grown: list[dict]) -> list[str]:
    """What broke, what is over budget, what grows fastest: with the numbers."""
    lines = [f"- {r['kind']} {r['records']:,}: broke: {r['broke']}" for r in runs if r.get("broke")]
    for r in runs:
        over = [f"{label.strip()} {value(r, path):,.1f} {unit} (budget {budget:,} {unit})"
                for label, path, unit, budget in METRICS
                if budget and (value(r, path) or 0) > budget]
        if over:
            lines.append(f"- {r['kind']} {r['records']:,}: over budget: " + "; ".join(over))
    for kind in dict.fromkeys(g["kind"] for g in grown):
        lines.append(f"- {kind}: grows fastest: " + "; ".join(
            f"{g['metric']} {_cell(g['from'])} → {_cell(g['to'])} {g['unit']} (×{g['factor']},"
            f" exponent {g['exponent']})" for g in [g for g in grown if g["kind"] == kind][:3]))
    return lines or ["- nothing broke or went over budget"]


def _cell(v) -> str:
    return "–" if v is None else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}")


def render(results: dict) -> str:
    runs = results["runs"]
    lines = ["| measure | unit | " + " | ".join(f"{r['kind']} {r['records']:,}" for r in runs)
             + " |", "|---|---|" + "---:|" * len(runs)]
    for label, path, unit, _ in METRICS:
        cells = [value(r, path) for r in runs]
        if any(c is not None for c in cells):
            lines.append(f"| {label} | {unit} | " + " | ".join(map(_cell, cells)) + " |")
    lines += ["", "Slowest questions (submissions: the named State's parts, searched one by one):",
              *(f"- {r['kind']} {r['records']:,}: " + ", ".join(
                  f"{a['id']} {a['ms']:,} ms ({a['submissions']} submissions)" for a in
                  value(r, "serve.slowest")) for r in runs if value(r, "serve.slowest"))]
    budgets = ", ".join(f"{label.strip()} {budget:,} {unit}"
                        for label, _, unit, budget in METRICS if budget)
    lines += ["", f"Verdict (assumed budgets: {budgets}):", "", *verdict(runs, results["growth"])]
    if results["growth"]:
        lines += ["", "Growth, smallest to largest size (exponent 1 = linear in the records):", "",
                  "| store | measure | from | to | × | exponent |", "|---|---|---:|---:|---:|---:|"]
        lines += [f"| {g['kind']} | {g['metric']} ({g['unit']}) | {_cell(g['from'])} | "
                  f"{_cell(g['to'])} | {g['factor']} | {g['exponent']} |"
                  for g in results["growth"]]
    return "\n".join(lines)


