"""QA test sets: one JSON object a line, validated on load so a bad line fails loudly.

Each line: {"id", "question", "lang": "zh"|"en", "kind"?, "history"?, "answerable",
"gold"?: [{"symbol", "number"?, "part"?}], "evidence"?: ["verbatim fragment", ...],
"answer_keys"?: [[alternative, ...], ...], "answer_not"?: [...], "answer_not_start"?: [...],
"corpus"?: "core"|"library"}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import EvalError
from index.models import LANGS


@dataclass(frozen=True)
class QAItem:
    """One question with what a correct retrieval must find.

    ``gold`` entries are dicts with "symbol" (None for a document that prints none) and
    optional "number" / "part"; ``evidence`` holds verbatim fragments of the answer text.
    """

    id: str
    question: str
    lang: str
    answerable: bool = True
    kind: str = "general"
    history: tuple[str, ...] = ()
    gold: tuple[dict, ...] = ()
    evidence: tuple[str, ...] = ()
    # Short-answer keys (eval/judge.py): every group must be matched by one of its alternatives;
    # none of answer_not may appear; the answer must not start with any of answer_not_start.
    answer_keys: tuple[tuple[str, ...], ...] = ()
    answer_not: tuple[str, ...] = ()
    answer_not_start: tuple[str, ...] = ()
    # Which part of the bundled corpus the question is about: "core" (the first five documents)
    # or "library" (the six added with the library), so figures can be read for each.
    corpus: str = "core"
    # Where the item came from, so reports can name the file; not part of its identity.
    source: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)


CORPORA = ("core", "library")


def load_qa(path: str | Path) -> list[QAItem]:
    """Read and validate a QA JSONL file.

    Raises:
        EvalError: the file is missing or unreadable, or a line is malformed; the message
            names the file and line ("qa.jsonl line 7: missing field 'question'").
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalError(f"QA file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"Could not read QA file {path}: {exc}") from None
    items: list[QAItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        item = _parse_line(line, where, str(path), number)
        if item.id in seen:
            raise EvalError(f"{where}: duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = number
        items.append(item)
    return items


def _parse_line(line: str, where: str, source: str, number: int) -> QAItem:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EvalError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise EvalError(f"{where}: expected a JSON object, got {type(obj).__name__}")

    def need(name: str, kind: type, default=...):
        if name not in obj:
            if default is ...:
                raise EvalError(f"{where}: missing field {name!r}")
            return default
        value = obj[name]
        # bool is an int subclass; check exactly so "answerable": 1 is rejected.
        if type(value) is not kind:
            raise EvalError(
                f"{where}: field {name!r} must be {kind.__name__}, got {type(value).__name__}"
            )
        return value

    item_id = need("id", str)
    question = need("question", str)
    lang = need("lang", str)
    answerable = need("answerable", bool)
    kind = need("kind", str, "general")
    history = need("history", list, [])
    gold = need("gold", list, [])
    evidence = need("evidence", list, [])

    if not item_id.strip():
        raise EvalError(f"{where}: field 'id' is empty")
    if not question.strip():
        raise EvalError(f"{where}: field 'question' is empty")
    if lang not in LANGS:
        raise EvalError(f"{where}: field 'lang' must be one of {', '.join(LANGS)}, got {lang!r}")
    if not kind.strip():
        raise EvalError(f"{where}: field 'kind' is empty")
    for i, turn in enumerate(history):
        if not isinstance(turn, str):
            raise EvalError(f"{where}: history[{i}] must be str, got {type(turn).__name__}")
    for i, fragment in enumerate(evidence):
        if not isinstance(fragment, str) or not "".join(fragment.split()):
            raise EvalError(f"{where}: evidence[{i}] must be a non-empty string")
    gold = [_check_gold(entry, f"{where}: gold[{i}]") for i, entry in enumerate(gold)]
    answer_keys = need("answer_keys", list, [])
    for i, group in enumerate(answer_keys):
        if (not isinstance(group, list) or not group
                or not all(isinstance(alt, str) and "".join(alt.split()) for alt in group)):
            raise EvalError(f"{where}: answer_keys[{i}] must be a non-empty list of "
                            "non-empty strings")
    answer_not = _strings(need("answer_not", list, []), f"{where}: answer_not")
    answer_not_start = _strings(need("answer_not_start", list, []), f"{where}: answer_not_start")
    corpus = need("corpus", str, "core")
    if corpus not in CORPORA:
        raise EvalError(f"{where}: field 'corpus' must be one of {', '.join(CORPORA)}, got "
                        f"{corpus!r}")
    if answerable and not gold and not evidence:
        raise EvalError(f"{where}: answerable item needs 'gold' or 'evidence'")

    return QAItem(
        id=item_id,
        question=question,
        lang=lang,
        answerable=answerable,
        kind=kind.strip(),
        history=tuple(history),
        gold=tuple(gold),
        evidence=tuple(evidence),
        answer_keys=tuple(tuple(group) for group in answer_keys),
        answer_not=tuple(answer_not),
        answer_not_start=tuple(answer_not_start),
        corpus=corpus,
        source=source,
        line=number,
    )


def _strings(values: list, where: str) -> list[str]:
    for i, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise EvalError(f"{where}[{i}] must be a non-empty string")
    return values


def _check_gold(entry, where: str) -> dict:
    if not isinstance(entry, dict):
        raise EvalError(f"{where} must be an object, got {type(entry).__name__}")
    if "symbol" not in entry:
        raise EvalError(f"{where}: missing field 'symbol' (use null for a document without one)")
    if entry["symbol"] is not None and not isinstance(entry["symbol"], str):
        raise EvalError(f"{where}: 'symbol' must be str or null")
    # null "number"/"part" means the same as leaving it out (any paragraph of the document)
    entry = {k: v for k, v in entry.items() if not (k in ("number", "part") and v is None)}
    for name in ("number", "part"):
        if name in entry and not (isinstance(entry[name], str) and entry[name].strip()):
            raise EvalError(f"{where}: {name!r} must be a non-empty string")
    unknown = set(entry) - {"symbol", "number", "part"}
    if unknown:
        raise EvalError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return dict(entry)
