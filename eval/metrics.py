"""Retrieval metrics: when a retrieved record counts as correct, and per-item scores.

A record matches a QA item when it is one of the gold paragraphs (symbol and locator, with
parent/child tolerance so "21" and "21(c)" count for each other) or when its text contains an
evidence fragment. Whitespace is ignored in evidence because Chinese hard wraps and PDF spacing
differ between the QA author's copy and the parsed text.
"""

from __future__ import annotations

import re
from statistics import mean

from index.models import LANGS

from .qaset import QAItem

METRICS = ("hit@1", "hit@5", "mrr", "recall@5", "doc@1")

# A trailing printed item "(c)" or counted bullet "•2"; what precedes it is the parent.
_CHILD_RE = re.compile(r"^(.+?)(\([^()]*\)|•\d+)$")


def _squash(text: str | None) -> str:
    return "".join((text or "").split())


def _symbol(value: str | None) -> str | None:
    # Records carry None for "no symbol", Chroma metadata carries ""; treat both alike.
    return _squash(value) or None


def parent_locator(number: str | None) -> str | None:
    """The parent of a child locator ("21(c)" -> "21", "#3(a)" -> "#3", "1•2" -> "1") or None."""
    match = _CHILD_RE.match(_squash(number))
    return match.group(1) if match else None


def locators_match(a: str | None, b: str | None) -> bool:
    """Equal locators, or one is the direct parent of the other."""
    a, b = _squash(a), _squash(b)
    if not a or not b:
        return False
    return a == b or parent_locator(a) == b or parent_locator(b) == a


def _part_matches(record_part: str | None, gold_part: str) -> bool:
    # Prefix at a word boundary: "annex" covers "annex I", but "annex I" must not cover "annex II".
    record_part = " ".join((record_part or "").split()).casefold()
    gold_part = " ".join(gold_part.split()).casefold()
    return record_part == gold_part or record_part.startswith(gold_part + " ")


def matches_gold(record: dict, gold: dict) -> bool:
    """Whether ``record`` is the paragraph a gold entry names (or any paragraph of its symbol)."""
    if _symbol(record.get("symbol")) != _symbol(gold.get("symbol")):
        return False
    if gold.get("number") and not locators_match(record.get("number"), gold["number"]):
        return False
    if gold.get("part") and not _part_matches(record.get("part"), gold["part"]):
        return False
    return True


def matches_evidence(record: dict, fragment: str) -> bool:
    """Whether the record's text contains ``fragment``, ignoring all whitespace."""
    needle = _squash(fragment)
    return bool(needle) and needle in _squash(record.get("text"))


def item_targets(item: QAItem) -> list:
    """What a record can be credited for: ("gold", entry) and ("evidence", fragment) pairs."""
    return [("gold", g) for g in item.gold] + [("evidence", e) for e in item.evidence]


def covers(record: dict, target) -> bool:
    """Whether ``record`` is the gold paragraph, or holds the evidence fragment, of ``target``."""
    kind, value = target
    return matches_gold(record, value) if kind == "gold" else matches_evidence(record, value)


def matches(record: dict, item: QAItem) -> bool:
    """Whether a retrieved record counts as relevant to ``item``."""
    return any(covers(record, target) for target in item_targets(item))


def item_metrics(records: list[dict], item: QAItem) -> dict:
    """hit@1, hit@5, reciprocal rank and recall@5 of a ranked list for one item.

    Rank is the position in ``records`` (1-based). recall@5 is the share of the item's targets
    (gold entries plus evidence fragments) that some top-5 record covers. Items with no
    targets (typically unanswerable ones) get None for every metric.
    """
    targets = item_targets(item)
    if not targets:
        return {name: None for name in METRICS} | {"first_rank": None}
    first = next((i for i, r in enumerate(records, 1) if matches(r, item)), None)
    top5 = records[:5]
    covered = sum(any(covers(r, t) for r in top5) for t in targets)
    return {
        "hit@1": float(first == 1),
        "hit@5": float(first is not None and first <= 5),
        "mrr": 1.0 / first if first else 0.0,
        "recall@5": covered / len(targets),
        "doc@1": float(document_hit(records, item)),
        "first_rank": first,
    }


def document_hit(records: list[dict], item: QAItem) -> bool:
    """Whether the first record comes from a document that answers ``item`` (the right
    document won, even if not the right paragraph): it answers itself; or its symbol is a
    gold entry's; or, without a symbol, it shares its document with a record that answers,
    or (none retrieved) its part is a symbol-less gold entry's."""
    if not records:
        return False
    top = records[0]
    if matches(top, item):
        return True
    symbol = _symbol(top.get("symbol"))
    if symbol is not None:
        return symbol in {_symbol(g.get("symbol")) for g in item.gold}
    answering = [r for r in records if matches(r, item)]
    if answering:
        return any(r.get("doc_id") == top.get("doc_id") for r in answering)
    return any(_symbol(g.get("symbol")) is None and g.get("part")
               and _part_matches(top.get("part"), g["part"]) for g in item.gold)


def _means(rows: list[dict]) -> dict:
    scored = [r["metrics"] for r in rows if r.get("answerable") and r["metrics"]["mrr"] is not None]
    out: dict = {"n": len(scored)}
    for name in METRICS:
        out[name] = round(mean(m[name] for m in scored), 6) if scored else None
    return out


def summarize(rows: list[dict]) -> dict:
    """Mean metrics over answerable items: overall, by language and by kind, plus counts.

    Args:
        rows: per-item dicts with "lang", "kind", "answerable" and "metrics"
            (as ``item_metrics`` returns).
    Returns:
        {"counts": {...}, "overall": {"n", metric...}, "by_lang": {...}, "by_kind": {...}};
        both languages always appear, kinds in sorted order, so reports diff cleanly.
    """
    answerable = [r for r in rows if r.get("answerable")]
    return {
        "counts": {
            "items": len(rows),
            "answerable": len(answerable),
            "unanswerable": len(rows) - len(answerable),
        },
        "overall": _means(rows),
        "by_lang": {lang: _means([r for r in rows if r.get("lang") == lang]) for lang in LANGS},
        "by_kind": {
            kind: _means([r for r in rows if r.get("kind") == kind])
            for kind in sorted({r.get("kind", "general") for r in rows})
        },
    }
