"""Replay the answer checks on a recorded answer run, without the language model.

    python -m eval.replay_guard eval/out/answers-local [--qa eval/qa.jsonl] [--store data/store]
                                [--min-prob 0.5] [--sweep]

Each row of results.jsonl keeps the model's draft (its quote and answer), the passages it was
given and its choice of passage with the probabilities, so a change to the checks
(assistant.quoted_answer.checked_answer, assistant.quote_checks) or to the refusal threshold
(``select_min_prob``) is scored in seconds: the model's words do not depend on them (and at
temperature 0 a rerun gives the same drafts). Record with ``select_min_prob`` 0, so that every
question has a draft. ``--sweep`` prints the judged figures for a range of thresholds: the
threshold is calibrated this way, on eval/qa.jsonl only. Writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.free_answer import NOT_IN_CORPUS
from assistant.quoted_answer import checked_answer
from assistant.replies import refusal
from assistant.texts import UNSUPPORTED
from eval.answers import answer_metrics, summarize_answers
from eval.judge import judge
from eval.qaset import QAItem, load_qa
from index.models import Hit
from index.search.query import Query
from index.search.retriever import Retriever

ROOT = Path(__file__).resolve().parent.parent
SWEEP = (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8)


def replay(rows: list[dict], retriever: Retriever, items: dict[str, QAItem],
           min_prob: float = 0.0) -> list[dict]:
    """The rows as the current checks and ``min_prob`` would have made them."""
    out = []
    for row in rows:
        row = dict(row)
        draft = row.get("draft", "")
        selection = row.get("selection")
        if row.get("given") and (draft or selection):
            paragraphs = retriever.catalogue.paragraphs
            given = {int(k): paragraphs[pid] for k, pid in row["given"].items()}
            hits = [Hit(paragraphs[r["id"]], r.get("score", 0.0), ())
                    for r in row.get("retrieved", []) if r["id"] in paragraphs]
            question = row["question"]
            if selection and (selection["key"] is None or selection["probability"] < min_prob):
                answer = refusal(question, row["lang"], hits, UNSUPPORTED)
            elif NOT_IN_CORPUS in draft or not draft:
                answer = None
            else:
                chosen = ({selection["key"]: given[selection["key"]]} if selection else given)
                answer = checked_answer(recorded_query(row, items[row["id"]], retriever), draft,
                                        chosen, hits, retriever)
            if answer is not None:
                row.update(answer=answer.text, refused=answer.refused,
                           citations=[c.to_record() for c in answer.citations])
        row["answer_metrics"] = answer_metrics(row, items[row["id"]])
        row["judged"] = judge(row, items[row["id"]])
        out.append(row)
    return out


def recorded_query(row: dict, item: QAItem, retriever: Retriever) -> Query:
    """The question as the chain read it when the row was recorded: analysed with the item's
    history, then reworded to the recorded standalone question (a model's rewrite)."""
    query = retriever.analyse(row["question"], list(item.history))
    standalone = row.get("standalone_question") or query.standalone
    return query if standalone == query.standalone else query.reworded(standalone,
                                                                        retriever.catalogue)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="an answer run's folder (with results.jsonl)")
    parser.add_argument("--qa", type=Path, default=ROOT / "eval" / "qa.jsonl")
    parser.add_argument("--store", default="data/store")
    parser.add_argument("--min-prob", type=float, default=0.0)
    parser.add_argument("--sweep", action="store_true", help="judged figures per threshold")
    args = parser.parse_args()
    from assistant.services import build_retriever
    from assistant.settings import Settings

    retriever = build_retriever(Settings.from_env(store=args.store))
    items = {item.id: item for item in load_qa(args.qa)}
    with open(args.run / "results.jsonl", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    for threshold in (SWEEP if args.sweep else (args.min_prob,)):
        summary = summarize_answers(replay(rows, retriever, items, threshold),
                                    set(retriever.catalogue.paragraphs))
        overall = summary["overall"]
        judged = summary["judged"]["overall"]
        print(json.dumps({"min_prob": threshold, "judged_correct": judged["judged_correct"],
                          "confidently_wrong": judged["confidently_wrong"],
                          "refusal_unanswerable": overall["refusal_rate_unanswerable"],
                          "false_refusals": overall["false_refusal_rate"],
                          "precision": overall["citation_precision"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
