"""Reading the terminology data files (TOML) with errors that name the file and the entry."""

from __future__ import annotations

import tomllib
from pathlib import Path

from index.errors import ConfigError

# What a field must hold; the names are how the error message says it.
TEXT = "a non-empty string"
TEXTS = "a non-empty list of non-empty strings"


def read_toml(path: Path, keys: set[str]) -> dict:
    """The file's tables; ConfigError when it is unreadable, not TOML, or has a key not in
    ``keys`` (a misspelt "[[terms]]" would otherwise load as an empty glossary)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the data file ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    unknown = sorted(set(data) - keys)
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (expected one of {sorted(keys)})")
    return data


def entries(data: dict, key: str, path: Path) -> list[dict]:
    """The ``[[key]]`` tables of a file, in order; [] when it has none."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ConfigError(f"{path}: {key!r} must be an array of tables, written [[{key}]]")
    return value


def entry_name(path: Path, key: str, number: int, entry: dict, label_field: str) -> str:
    """How an error points at an entry: 'glossary.toml: [[term]] 3 ("CCW")' — the ordinal
    finds it, the label says which one it is when the ordinal is off by an edit."""
    label = entry.get(label_field)
    if isinstance(label, (list, tuple)):
        label = label[0] if label else None
    shown = f" ({label!r})" if isinstance(label, str) and label else ""
    return f"{path}: [[{key}]] {number}{shown}"


def check_fields(entry: dict, where: str, required: dict[str, str],
                 optional: dict[str, str] | None = None) -> None:
    """ConfigError naming ``where`` for an unknown, missing or mistyped field."""
    fields = required | (optional or {})
    for name in entry:
        if name not in fields:
            raise ConfigError(f"{where}: unknown field {name!r} (expected {sorted(fields)})")
    for name in required:
        if name not in entry:
            raise ConfigError(f"{where}: missing field {name!r}")
    for name, kind in fields.items():
        if name in entry and not _holds(entry[name], kind):
            raise ConfigError(f"{where}: field {name!r} must be {kind}, not {entry[name]!r}")


def _holds(value: object, kind: str) -> bool:
    if kind == TEXT:
        return isinstance(value, str) and bool(value.strip())
    return (isinstance(value, list) and bool(value)
            and all(isinstance(item, str) and item.strip() for item in value))
