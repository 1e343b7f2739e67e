"""Evaluation: QA sets, retrieval and answer metrics, the runners and their reports."""

from .evaluation import evaluate, summary_lines

__all__ = ["evaluate", "summary_lines"]
