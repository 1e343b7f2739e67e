"""Benchmarks, each run as a module: python -m eval.bench.retrieval | ingest | ui | reliability."""
