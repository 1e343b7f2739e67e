"""Evaluation: QA sets, retrieval metrics, the runner and its reports."""
