"""Replay the citation guard on a recorded answer run, without the language model.

    python eval/replay_guard.py eval/out/answers-local [--qa eval/qa.jsonl] [--store data/store]

Each row of results.jsonl keeps the model's draft and the passages it was given, so a change to
assistant/guard.py can be scored in seconds: the model's words do not depend on the guard (and
at temperature 0 a rerun gives the same drafts). Prints the answer summary the report would
show; writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chain import NOT_IN_CORPUS, _similarity  # noqa: E402
from assistant.guard import guard  # noqa: E402
from eval.answers import answer_metrics, summarize_answers  # noqa: E402
from eval.qaset import QAItem, load_qa  # noqa: E402
from index.retriever import Retriever  # noqa: E402


def replay(rows: list[dict], retriever: Retriever, items: dict[str, QAItem]) -> list[dict]:
    """The rows as the current guard would have made them from the same drafts."""
    similarity = _similarity(retriever.store.embedder)
    out = []
    for row in rows:
        row = dict(row)
        draft = row.get("draft", "")
        if draft and NOT_IN_CORPUS not in draft and row.get("given"):
            given = {int(k): retriever.paragraphs[pid] for k, pid in row["given"].items()}
            text, citations, _ = guard(draft, given, row["lang"], similarity=similarity,
                                       question=row.get("standalone_question") or row["question"])
            row.update(answer=text, refused=not citations,
                       citations=[c.to_record() for c in citations])
        row["answer_metrics"] = answer_metrics(row, items[row["id"]])
        out.append(row)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="an answer run's folder (with results.jsonl)")
    parser.add_argument("--qa", type=Path, default=ROOT / "eval" / "qa.jsonl")
    parser.add_argument("--store", default="data/store")
    args = parser.parse_args()
    from assistant.services import build_retriever
    from assistant.settings import Settings

    retriever = build_retriever(Settings.from_env(store=args.store))
    items = {item.id: item for item in load_qa(args.qa)}
    with open(args.run / "results.jsonl", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    summary = summarize_answers(replay(rows, retriever, items), set(retriever.paragraphs))
    print(json.dumps({k: v for k, v in summary["overall"].items() if not k.endswith("_ms")},
                     indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
