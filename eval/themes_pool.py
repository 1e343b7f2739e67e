"""The paragraphs a trace might show for each theme and document, for people writing gold rows
(eval/themes_dev.jsonl was labelled from these, then completed by searching the documents).

    python -m eval.themes_pool THEMES.txt CANDIDATES.jsonl [--store data/store]

THEMES.txt: one theme a line. For each theme and document, the document's own paragraphs (not
the States' views filed in it) that rank first by the trace's fused score (5), by similarity
(3) and by keyword score (3), each with its part, locator, citation label and text.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BY_FUSED, BY_SIMILARITY, BY_KEYWORDS = 5, 3, 3


def candidates(scored, paragraphs) -> list[dict]:
    """One document's pooled paragraphs, best fused first, each once."""
    fused = [pid for pid in sorted(scored.fused, key=lambda pid: (-scored.fused[pid], pid))
             if pid in scored.own]
    closest = sorted(scored.own, key=lambda pid: (-scored.similarity.get(pid, 0.0), pid))
    worded = [pid for pid in sorted(scored.own, key=lambda pid: (-scored.keyword.get(pid, 0.0),
                                                                pid))
              if scored.keyword.get(pid, 0.0) > 0]
    picked = list(dict.fromkeys(fused[:BY_FUSED] + closest[:BY_SIMILARITY]
                                + worded[:BY_KEYWORDS]))
    return [{"part": paragraphs[pid].part, "locator": paragraphs[pid].locator,
             "lang": paragraphs[pid].lang, "label": paragraphs[pid].label(),
             "text": paragraphs[pid].text} for pid in picked]


def main(argv: list[str] | None = None) -> int:
    from assistant.services import build_retriever
    from assistant.settings import Settings
    from index.trace.rank import score_theme

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("themes", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "store")
    args = parser.parse_args(argv)
    retriever = build_retriever(Settings.from_env(store=args.store))
    themes = [line.strip() for line in args.themes.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    with args.out.open("w", encoding="utf-8") as out:
        for number, theme in enumerate(themes, 1):
            traced = score_theme(retriever, theme)
            docs = [{"doc": owner, "candidates": candidates(scored, traced.loaded.paragraphs)}
                    for owner, scored in traced.scored.items()]
            out.write(json.dumps({"id": f"p{number:02d}", "theme": traced.theme,
                                  "lang": traced.query.lang, "docs": docs},
                                 ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
