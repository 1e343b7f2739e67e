"""`assistant eval`: score the product's retrieval or answers on a QA file; the lines it prints."""

from __future__ import annotations

from pathlib import Path

from .qaset import load_qa


def evaluate(qa_file: Path, settings, *, out_dir: Path, k: int = 10,
             retrieval_only: bool = False, baseline: bool = False,
             progress: bool = True) -> dict:
    """Score the index that ``settings`` name on ``qa_file`` and write results.jsonl,
    report.json and report.md under ``out_dir``.

    Retrieval only: the top ``k`` records per question, and with ``baseline`` the naive
    fixed-size-chunk baseline as well. Otherwise the whole chain answers with the model that
    ``settings.llm`` names (``k`` and ``baseline`` do not apply there).

    Returns:
        The summary written to report.json, plus ``report``: the path of report.md.
    Raises:
        EvalError: a malformed QA file, before anything is loaded or written.
    """
    # The heavy parts (Chroma, embedders, a model) load only here, so that `import eval` stays
    # cheap for the browser tests that share eval.browser.
    from assistant.services import build_retriever

    items = load_qa(qa_file)  # first: a bad file fails before a model loads or out_dir exists
    retriever = build_retriever(settings)
    if retrieval_only:
        summary = _score_retrieval(items, retriever, settings, qa_file, out_dir, k, baseline,
                                   progress)
    else:
        summary = _score_answers(items, retriever, settings, qa_file, out_dir, progress)
    summary["report"] = str(Path(out_dir) / "report.md")
    return summary


def _score_retrieval(items, retriever, settings, qa_file, out_dir, k, baseline, progress) -> dict:
    from .runner import run_retrieval_eval

    def search(question, history, k):
        return [h.to_record(i) for i, h in enumerate(retriever.search(question, k, history), 1)]

    baseline_search = None
    if baseline:
        from .baseline import NaiveBaseline

        baseline_search = NaiveBaseline.from_settings(settings).search
    return run_retrieval_eval(items, search, out_dir, k=k, progress=progress,
                              baseline_search=baseline_search, qa_path=qa_file)


def _score_answers(items, retriever, settings, qa_file, out_dir, progress) -> dict:
    from assistant.chain import answer_question
    from assistant.llm.factory import make_chat_model

    from .answers import run_answer_eval

    llm = make_chat_model(settings)

    def answer(question, history):
        return answer_question(question, history, retriever, llm, settings).to_record()

    name = settings.llm if settings.llm != "local" else f"local {settings.local_model}"
    return run_answer_eval(items, answer, out_dir, set(retriever.catalogue.paragraphs), name,
                           progress=progress, qa_path=qa_file)


def summary_lines(summary: dict) -> list[str]:
    """What `assistant eval` prints after a run: the headline figures, then the report's path."""
    items = summary["counts"]["items"]
    if "answers" not in summary:
        overall = summary["overall"]
        lines = [
            f"{items} items ({summary['counts'].get('answerable', '?')} answerable): "
            f"hit@1 {_fmt(overall['hit@1'])}  hit@5 {_fmt(overall['hit@5'])}  "
            f"MRR {_fmt(overall['mrr'])}  recall@5 {_fmt(overall['recall@5'])}",
        ]
    else:
        answers = summary["answers"]
        a, judged = answers["overall"], answers["judged"]["overall"]
        lines = [
            f"{items} items, answers by {answers['llm']}: citation precision "
            f"{_fmt(a['citation_precision'])}, answered with a correct citation "
            f"{_fmt(a['answered_with_correct_citation'])}, refusal on unanswerable "
            f"{_fmt(a['refusal_rate_unanswerable'])}, false refusals "
            f"{_fmt(a['false_refusal_rate'])}, citations not in the index "
            f"{answers['citations_not_in_index']}",
            f"judged by the answer keys: correct {_fmt(judged['judged_correct'])} "
            f"({judged['judged']} items judged), confidently wrong "
            f"{_fmt(judged['confidently_wrong'])}",
        ]
    return lines + [f"report: {summary['report']}"]


def _fmt(value) -> str:
    # None: no item to score (e.g. a QA file of unanswerable questions only).
    return "–" if value is None else f"{value:.3f}"
