"""Matching rules, per-item metrics, summaries and QA-file validation."""

import json

import pytest

from eval.metrics import (document_hit, item_metrics, locators_match, matches, parent_locator,
                          summarize)
from eval.qaset import QAItem, load_qa
from index.errors import EvalError
from index.models import Hit, Paragraph


def rec(symbol="CCW/GGE.1/2023/2", number="21", part="body", text="some text", lang="en"):
    return {"symbol": symbol, "number": number, "part": part, "text": text, "lang": lang}


def item(gold=(), evidence=(), **kw):
    return QAItem(id="q1", question="?", lang="en", gold=tuple(gold), evidence=tuple(evidence),
                  **kw)


SYM = "CCW/GGE.1/2023/2"


@pytest.mark.parametrize(
    "child, parent",
    [("21(c)", "21"), ("#3(a)", "#3"), ("1•2", "1"), ("#3(1)", "#3"), ("21", None),
     ("fn1", None)],
)
def test_parent_locator(child, parent):
    assert parent_locator(child) == parent


def test_locators_parent_and_child_match_both_ways():
    assert locators_match("21", "21(c)")
    assert locators_match("21(c)", "21")
    assert locators_match("21 (c)", "21(c)")  # gold written with a space
    assert not locators_match("21(c)", "21(d)")
    assert not locators_match("2", "21")
    assert not locators_match("21", None)


def test_gold_symbol_and_number():
    qa = item(gold=[{"symbol": SYM, "number": "21"}])
    assert matches(rec(number="21"), qa)
    assert matches(rec(number="21(c)"), qa)
    assert not matches(rec(number="22"), qa)
    assert not matches(rec(symbol="CCW/GGE.1/2023/3"), qa)


def test_gold_child_matches_parent_record():
    qa = item(gold=[{"symbol": SYM, "number": "#3(a)"}])
    assert matches(rec(number="#3"), qa)
    assert not matches(rec(number="#4"), qa)


def test_gold_part_is_a_prefix_at_word_boundary():
    qa = item(gold=[{"symbol": SYM, "number": "2", "part": "annex"}])
    assert matches(rec(number="2", part="annex I"), qa)
    assert not matches(rec(number="2", part="body"), qa)
    exact = item(gold=[{"symbol": SYM, "part": "annex I"}])
    assert matches(rec(part="annex I"), exact)
    assert not matches(rec(part="annex II"), exact)


def test_gold_without_number_matches_any_paragraph_of_symbol():
    qa = item(gold=[{"symbol": SYM}])
    assert matches(rec(number="99"), qa)
    assert matches(rec(number="fn1", part="footnotes"), qa)


def test_none_symbol_matches_none_and_empty_only():
    qa = item(gold=[{"symbol": None, "number": "#2"}])
    assert matches(rec(symbol=None, number="#2"), qa)
    assert matches(rec(symbol="", number="#2"), qa)  # Chroma metadata form
    assert not matches(rec(symbol=SYM, number="#2"), qa)


def test_evidence_ignores_whitespace():
    qa = item(evidence=["国际人道 法\n适用于"])
    assert matches(rec(symbol="X", text="重申国际人道法适用于所有武器系统。"), qa)
    en = item(evidence=["applies  fully to\nall weapons"])
    assert matches(rec(symbol="X", text="IHL applies fully to all weapons systems"), en)
    assert not matches(rec(symbol="X", text="nothing relevant"), en)


def test_real_record_shape_from_models():
    p = Paragraph(doc_id="d1", symbol=SYM, lang="en", part="body", ordinal=5, text="t",
                  number="21", item="c", item_ordinal=3)
    record = Hit(p, 0.5, ("dense",)).to_record(1)
    assert record["number"] == "21(c)"
    assert matches(record, item(gold=[{"symbol": SYM, "number": "21"}]))


def test_hit_and_mrr_and_recall():
    qa = item(gold=[{"symbol": SYM, "number": "21"}, {"symbol": SYM, "number": "30"}],
              evidence=["unique phrase"])
    ranked = [rec(number="1"), rec(number="2"), rec(number="21(a)"), rec(number="3"),
              rec(number="4"), rec(number="30")]
    m = item_metrics(ranked, qa)
    assert m["hit@1"] == 0.0 and m["hit@5"] == 1.0
    assert m["mrr"] == pytest.approx(1 / 3)
    assert m["first_rank"] == 3
    assert m["recall@5"] == pytest.approx(1 / 3)  # "30" is at rank 6, evidence never found

    first = item_metrics([rec(number="30", text="a unique  phrase")], qa)
    assert first["hit@1"] == 1.0 and first["mrr"] == 1.0
    assert first["recall@5"] == pytest.approx(2 / 3)


def test_no_match_gives_zero_and_no_targets_gives_none():
    qa = item(gold=[{"symbol": SYM, "number": "21"}])
    m = item_metrics([rec(number="5")] * 6, qa)
    # The wrong paragraph of the right document: no hit, but the document won.
    assert m == {"hit@1": 0.0, "hit@5": 0.0, "mrr": 0.0, "recall@5": 0.0, "doc@1": 1.0,
                 "first_rank": None}
    assert item_metrics([], qa)["mrr"] == 0.0
    assert item_metrics([rec()], item(answerable=False))["mrr"] is None


def test_summarize_over_answerable_only():
    def row(lang, kind, mrr, answerable=True):
        m = {"hit@1": float(mrr == 1), "hit@5": float(mrr > 0), "mrr": mrr, "recall@5": mrr,
             "doc@1": float(mrr > 0)}
        return {"lang": lang, "kind": kind, "answerable": answerable, "metrics": m}

    rows = [row("en", "newcomer", 1.0), row("zh", "newcomer", 0.5), row("zh", "locator", 0.0),
            row("en", "unanswerable", 1.0, answerable=False)]
    s = summarize(rows)
    assert s["counts"] == {"items": 4, "answerable": 3, "unanswerable": 1}
    assert s["overall"]["n"] == 3 and s["overall"]["mrr"] == pytest.approx(0.5)
    assert s["by_lang"]["zh"]["mrr"] == pytest.approx(0.25)
    assert s["by_lang"]["en"]["n"] == 1
    assert list(s["by_kind"]) == ["locator", "newcomer", "unanswerable"]
    assert s["by_kind"]["unanswerable"] == {"n": 0, "hit@1": None, "hit@5": None, "mrr": None,
                                            "recall@5": None, "doc@1": None}


def test_document_hit_is_the_first_records_document():
    gold = item(gold=[{"symbol": SYM, "part": "body", "number": "21"}])
    assert document_hit([rec(number="3"), rec(number="21")], gold)  # right document first
    assert not document_hit([rec(symbol="A/79/88", number="21"), rec()], gold)
    assert not document_hit([], gold)
    # Without a symbol: the document of a record that answers, or the gold entry's part.
    letter = item(gold=[{"symbol": None, "part": "annex I"}], evidence=["the plan"])
    first = {**rec(symbol=None, part="annex II", text="other"), "doc_id": "letter.zh"}
    answering = {**rec(symbol=None, part="annex I", text="the plan"), "doc_id": "letter.zh"}
    brief = {**rec(symbol=None, part="body", text="other"), "doc_id": "brief.en"}
    assert document_hit([first, answering], letter)
    assert not document_hit([brief, answering], letter)
    assert not document_hit([brief], letter)
    assert document_hit([{**first, "part": "annex I"}], letter)


# ---- load_qa ----------------------------------------------------------------------------

GOOD = {"id": "a", "question": "What is LAWS?", "lang": "en", "answerable": True,
        "gold": [{"symbol": SYM, "number": "21"}], "evidence": []}


def write(tmp_path, *objs):
    path = tmp_path / "qa.jsonl"
    lines = [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_qa_reads_items_and_defaults(tmp_path):
    zh = {"id": "b", "question": "致命性自主武器系统?", "lang": "zh", "kind": "multi-turn",
          "history": ["什么是 CCW?"], "answerable": False}
    items = load_qa(write(tmp_path, GOOD, "", "   ", zh))
    assert [i.id for i in items] == ["a", "b"]
    assert items[0].kind == "general" and items[0].history == ()
    assert items[0].gold == ({"symbol": SYM, "number": "21"},)
    assert items[1].history == ("什么是 CCW?",) and items[1].answerable is False
    assert items[1].line == 4 and items[1].source.endswith("qa.jsonl")


@pytest.mark.parametrize(
    "bad, message",
    [
        ({k: v for k, v in GOOD.items() if k != "question"}, "missing field 'question'"),
        ("{not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (GOOD | {"lang": "fr"}, "field 'lang' must be one of zh, en"),
        (GOOD | {"answerable": 1}, "field 'answerable' must be bool"),
        (GOOD | {"history": "hi"}, "field 'history' must be list"),
        (GOOD | {"gold": [], "evidence": []}, "answerable item needs 'gold' or 'evidence'"),
        (GOOD | {"gold": [{"number": "1"}]}, "missing field 'symbol'"),
        (GOOD | {"gold": [{"symbol": SYM, "numbr": "1"}]}, "unknown field(s) numbr"),
        (GOOD | {"evidence": ["  "]}, "evidence[0] must be a non-empty string"),
        (GOOD | {"id": "first"}, "duplicate id 'first'"),
    ],
)
def test_load_qa_errors_name_file_and_line(tmp_path, bad, message):
    other = GOOD | {"id": "first"}
    path = write(tmp_path, other, "", bad)
    with pytest.raises(EvalError) as err:
        load_qa(path)
    assert str(err.value).startswith("qa.jsonl line 3: ")
    assert message in str(err.value)


def test_load_qa_missing_file_names_it(tmp_path):
    with pytest.raises(EvalError, match="nope.jsonl"):
        load_qa(tmp_path / "nope.jsonl")
