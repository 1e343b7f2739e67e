"""Prompt templates as files (Chinese and English), with named {placeholders}."""

from importlib import resources


def load(name: str) -> str:
    """The text of ``prompts/<name>.txt`` (works from a checkout and from an installed wheel)."""
    return resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")


def fill(name: str, lang: str, **values) -> str:
    """The ``name`` prompt in ``lang`` with its placeholders filled."""
    return load(f"{name}_{lang}").format(**values)
