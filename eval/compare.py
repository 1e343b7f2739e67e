"""Answer runs side by side: the judged figures of several `assistant eval` reports in one table.

    python -m eval.compare eval/out/before/qa-local eval/out/after/qa-local …

Each argument is a run's folder (its report.json); the table has one column per run, named by
the folder, and the rows the issue's bars are about: judged correct, confidently wrong, refusal
on unanswerable items, false refusals, citation precision, citations not in the index, first
token and whole answer p50. Prints Markdown; writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROWS = (
    ("judged correct", lambda a: a["judged"]["overall"]["judged_correct"], "{:.3f}"),
    ("confidently wrong", lambda a: a["judged"]["overall"]["confidently_wrong"], "{:.3f}"),
    ("refusal (unanswerable)", lambda a: a["overall"]["refusal_rate_unanswerable"], "{:.3f}"),
    ("false refusals", lambda a: a["overall"]["false_refusal_rate"], "{:.3f}"),
    ("citation precision", lambda a: a["overall"]["citation_precision"], "{:.3f}"),
    ("citations not in the index", lambda a: a["citations_not_in_index"], "{}"),
    ("first token p50 (ms)", lambda a: a["overall"]["first_token_ms"].get("p50"), "{:.0f}"),
    ("whole answer p50 (ms)", lambda a: a["overall"]["latency_ms"].get("p50"), "{:.0f}"),
)


def cell(answers: dict, read, fmt: str) -> str:
    try:
        value = read(answers)
    except (KeyError, TypeError):
        return "–"
    return "–" if value is None else fmt.format(value)


def table(runs: list[Path]) -> str:
    reports = [json.loads((run / "report.json").read_text(encoding="utf-8"))["answers"]
               for run in runs]
    lines = ["| measure | " + " | ".join(f"`{run.parent.name}/{run.name}`" for run in runs)
             + " |", "|---|" + "---:|" * len(runs)]
    for name, read, fmt in ROWS:
        lines.append(f"| {name} | " + " | ".join(cell(a, read, fmt) for a in reports) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="answer runs' folders")
    args = parser.parse_args()
    print(table(args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
